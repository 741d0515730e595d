package contactstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// noticeCases check EnqueueNotice, GetNotice, GetNoticeByKey and the notices
// ListNotices returns.
func noticeCases() []storeCase {
	return []storeCase{
		{"Notices/EnqueueStoresEveryField", noticesEnqueue},
		{"Notices/EnqueueStoresStateQueued", noticesEnqueueQueued},
		{"Notices/TakenIDIsErrAlreadyExists", noticesTakenID},
		{"Notices/TakenKeyIsErrAlreadyExists_C7", noticesTakenKey},
		{"Notices/KeysArePerOrganization_M7", noticesKeysPerOrg},
		{"Notices/RequeueDead_C7", noticesRequeue},
		{"Notices/ConcurrentEnqueuesOfOneKeyOneWins_C7", noticesConcurrentKey},
		{"Notices/GetNoticeByKeyOrgScoped_M7", noticesByKey},
		{"Notices/GetNoticeOrgScoped_M7", noticesOrgScoped},
		{"Notices/NoticesOfNoOrganization", noticesOfNoOrg},
		{"Notices/ListIsTheOrgsInIDOrder", noticesList},
		{"Notices/ListFiltersByState_C7", noticesListByState},
	}
}

// noticesEnqueue: every field of an enqueued notice round-trips, through
// GetNotice, GetNoticeByKey and ListNotices.
func noticesEnqueue(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	n := Notice("o1", "n1")
	n.LastError = "from a previous outbox"
	enqueue(t, s, n)
	assert.Equal(t, n, getNotice(t, s, "o1", "n1"))
	byKey, err := s.GetNoticeByKey(ctx, "o1", n.Key)
	must(t, err)
	assert.Equal(t, n, byKey)
	list, _, err := s.ListNotices(ctx, "o1", "", resellerkit.Page{})
	must(t, err)
	assert.Equal(t, []contacts.Notice{n}, list)

	bare := contacts.Notice{ID: "n2", Key: "k2", OrgID: "o1", Kind: contacts.KindTestMail, Language: contacts.English,
		To: []string{"a@example.com"}, State: contacts.NoticeQueued, NextAt: t0, CreatedAt: t0}
	enqueue(t, s, bare)
	got := getNotice(t, s, "o1", "n2")
	assert.Empty(t, got.CC)
	assert.Empty(t, got.Phones)
	assert.Empty(t, got.Data)
	got.CC, got.Phones, got.Data = nil, nil, nil
	assert.Equal(t, bare, got)
}

// noticesEnqueueQueued: EnqueueNotice stores a new notice in State NoticeQueued,
// whatever State the argument holds.
func noticesEnqueueQueued(t *testing.T, s contacts.Store) {
	for i, state := range []contacts.NoticeState{"", contacts.NoticeSent, contacts.NoticeDead} {
		n := Notice("o1", fmt.Sprintf("n%d", i))
		n.State = state
		enqueue(t, s, n)
		assert.Equal(t, contacts.NoticeQueued, getNotice(t, s, "o1", n.ID).State, "enqueued with state %q", state)
	}
}

// noticesTakenID: a notice id is unique across organizations: a second enqueue
// of it (with another key) is ErrAlreadyExists and stores nothing.
func noticesTakenID(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"))
	for _, org := range []string{"o1", "o2", ""} {
		dup := Notice(org, "n1")
		dup.Key, dup.Subject = "another key of "+org, "dup"
		errIs(t, s.EnqueueNotice(ctx, dup), contacts.ErrAlreadyExists, "id taken, enqueued for %q", org)
		_, err := s.GetNoticeByKey(ctx, org, dup.Key)
		errIs(t, err, contacts.ErrNotFound, "the failed enqueue stored nothing")
	}
	assert.Equal(t, Notice("o1", "n1"), getNotice(t, s, "o1", "n1"))
}

// noticesTakenKey: the same key enqueued twice in one organization is one
// notice: the second enqueue is ErrAlreadyExists and stores nothing.
func noticesTakenKey(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"), Notice("", "n2"))
	for i, c := range []struct{ org, key string }{{"o1", "key:n1"}, {"", "key:n2"}} {
		dup := Notice(c.org, fmt.Sprintf("dup%d", i))
		dup.Key = c.key
		errIs(t, s.EnqueueNotice(ctx, dup), contacts.ErrAlreadyExists, "key %q enqueued again for %q", c.key, c.org)
		_, err := s.GetNotice(ctx, c.org, dup.ID)
		errIs(t, err, contacts.ErrNotFound, "the failed enqueue stored nothing")
	}
	assert.Equal(t, Notice("o1", "n1"), getNotice(t, s, "o1", "n1"))
	assert.Equal(t, Notice("", "n2"), getNotice(t, s, "", "n2"))
}

// noticesConcurrentKey: of concurrent enqueues of one key (each with its own id),
// alone or in transactions, one wins and the others are ErrAlreadyExists.
func noticesConcurrentKey(t *testing.T, s contacts.Store) {
	for run, inTx := range []bool{false, true} {
		key := fmt.Sprintf("run %d", run)
		errs := storetest.Concurrently(4, func(i int) error {
			n := Notice("o1", fmt.Sprintf("r%d-%d", run, i))
			n.Key = key
			if !inTx {
				return s.EnqueueNotice(t.Context(), n)
			}
			return s.InTx(t.Context(), func(ctx context.Context) error { return s.EnqueueNotice(ctx, n) })
		})
		winner := oneWinner(t, errs, contacts.ErrAlreadyExists)
		got, err := s.GetNoticeByKey(t.Context(), "o1", key)
		must(t, err)
		assert.Equal(t, fmt.Sprintf("r%d-%d", run, winner), got.ID)
	}
	list, _, err := s.ListNotices(t.Context(), "o1", "", resellerkit.Page{})
	must(t, err)
	assert.Len(t, list, 2, "one notice per key")
}

// noticesByKey: GetNoticeByKey finds the organization's notice (or one of no
// organization, with "") by the exact key; another key, or another
// organization's notice, is ErrNotFound.
func noticesByKey(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"), Notice("o2", "n2"), Notice("", "n3"))
	for _, want := range []contacts.Notice{Notice("o1", "n1"), Notice("o2", "n2"), Notice("", "n3")} {
		got, err := s.GetNoticeByKey(ctx, want.OrgID, want.Key)
		must(t, err)
		assert.Equal(t, want, got)
	}
	for _, key := range []string{"key:n4", "KEY:N1", "key:n1 ", "key:", ""} {
		_, err := s.GetNoticeByKey(ctx, "o1", key)
		errIs(t, err, contacts.ErrNotFound, "key %q", key)
	}
	for _, org := range []string{"o2", ""} {
		_, err := s.GetNoticeByKey(ctx, org, "key:n1")
		errIs(t, err, contacts.ErrNotFound, "o1's key through %q", org)
	}
}

// noticesKeysPerOrg: two organizations (and notices of none) may use one key:
// each is its own notice (M-7: one organization's key never finds or blocks
// another's).
func noticesKeysPerOrg(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	for i, org := range []string{"o1", "o2", ""} {
		n := Notice(org, fmt.Sprintf("n%d", i))
		n.Key = "invoice_issued:2026-10"
		enqueue(t, s, n)
	}
	for i, org := range []string{"o1", "o2", ""} {
		got, err := s.GetNoticeByKey(ctx, org, "invoice_issued:2026-10")
		must(t, err)
		assert.Equal(t, fmt.Sprintf("n%d", i), got.ID)
	}
}

// noticesRequeue: a dead notice becomes queued and due at the given time with its
// attempts reset; a queued or sent one is ErrConflict; another organization's or
// a missing one ErrNotFound.
func noticesRequeue(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"), Notice("o1", "n2"))
	claimed, err := s.ClaimNotices(ctx, "d", t0, t0.Add(time.Minute), 10)
	must(t, err)
	require.Len(t, claimed, 2)
	for _, n := range claimed {
		if n.ID == "n1" {
			n.State, n.LastError = contacts.NoticeDead, "attempt 1: 550 no"
		} else {
			n.State, n.SentAt = contacts.NoticeSent, t0
		}
		must(t, s.FinishNotice(ctx, n, "d"))
	}
	later := t0.Add(time.Hour)
	errIs(t, s.RequeueNotice(ctx, "o2", "n1", later), contacts.ErrNotFound, "another organization's")
	errIs(t, s.RequeueNotice(ctx, "o1", "n9", later), contacts.ErrNotFound, "missing")
	errIs(t, s.RequeueNotice(ctx, "o1", "n2", later), contacts.ErrConflict, "sent, not dead")
	must(t, s.RequeueNotice(ctx, "o1", "n1", later))
	got := getNotice(t, s, "o1", "n1")
	assert.Equal(t, contacts.NoticeQueued, got.State)
	assert.Equal(t, later, got.NextAt)
	assert.Zero(t, got.Attempts)
	assert.Empty(t, got.LeaseOwner)
	assert.Equal(t, "attempt 1: 550 no", got.LastError, "kept until the next attempt replaces it")
	errIs(t, s.RequeueNotice(ctx, "o1", "n1", later), contacts.ErrConflict, "queued now")
	due, err := s.ClaimNotices(ctx, "d", later, later.Add(time.Minute), 10)
	must(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, "n1", due[0].ID)
}

// noticesOrgScoped: GetNotice returns a notice of the organization named only;
// another organization's (or one of no organization) is ErrNotFound, as a missing
// one is (M-7).
func noticesOrgScoped(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"), Notice("", "n0"))
	for _, c := range []struct{ org, id string }{{"o2", "n1"}, {"", "n1"}, {"O1", "n1"}, {"o1", "n0"}, {"o1", "n9"}, {"", "n9"}} {
		_, err := s.GetNotice(ctx, c.org, c.id)
		errIs(t, err, contacts.ErrNotFound, "notice %q read as %q's", c.id, c.org)
	}
	assert.Equal(t, Notice("o1", "n1"), getNotice(t, s, "o1", "n1"))
}

// noticesOfNoOrg: "" names the notices of no organization, for GetNotice and
// ListNotices alike, and they are in no organization's list.
func noticesOfNoOrg(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("", "n1"), Notice("o1", "n2"), Notice("", "n3"))
	assert.Equal(t, Notice("", "n1"), getNotice(t, s, "", "n1"))
	list, _, err := s.ListNotices(ctx, "", "", resellerkit.Page{})
	must(t, err)
	assert.Equal(t, []string{"n1", "n3"}, ids(list))
	list, _, err = s.ListNotices(ctx, "o1", "", resellerkit.Page{})
	must(t, err)
	assert.Equal(t, []string{"n2"}, ids(list))
}

// noticesList: ListNotices returns the organization's notices, whole, in the byte
// order of ID, and an organization with none gets an empty list.
func noticesList(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n3"), Notice("o2", "n2"), Notice("o1", "n1"), Notice("o1", "N4"))
	got := storetest.All(t, func(p resellerkit.Page) ([]contacts.Notice, string, error) { return s.ListNotices(ctx, "o1", "", p) })
	assert.Equal(t, []contacts.Notice{Notice("o1", "N4"), Notice("o1", "n1"), Notice("o1", "n3")}, got)
	list, next, err := s.ListNotices(ctx, "o3", "", resellerkit.Page{})
	must(t, err)
	assert.Empty(t, list)
	assert.Empty(t, next)
}

// noticesListByState: with a state, ListNotices returns the organization's
// notices in that state only (a leased notice is queued); without, all of them.
func noticesListByState(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	seed(t, s)
	list := func(org string, state contacts.NoticeState) []string {
		t.Helper()
		return ids(storetest.All(t, func(p resellerkit.Page) ([]contacts.Notice, string, error) { return s.ListNotices(ctx, org, state, p) }))
	}
	assert.Equal(t, []string{"n-leased", "n-queued", "n-retry", "n-sent"}, list("o1", ""))
	assert.Equal(t, []string{"n-leased", "n-queued", "n-retry"}, list("o1", contacts.NoticeQueued))
	assert.Equal(t, []string{"n-sent"}, list("o1", contacts.NoticeSent))
	assert.Empty(t, list("o1", contacts.NoticeDead))
	assert.Equal(t, []string{"n-dead"}, list("o2", contacts.NoticeDead))
	assert.Equal(t, []string{"n-other"}, list("o2", contacts.NoticeQueued))
	assert.Equal(t, []string{"n-none"}, list("", contacts.NoticeQueued))
	assert.Empty(t, list("", contacts.NoticeSent))
	assert.Empty(t, list("o1", "no such state"))

	sent := storetest.All(t, func(p resellerkit.Page) ([]contacts.Notice, string, error) {
		return s.ListNotices(ctx, "o1", contacts.NoticeSent, p)
	})
	require.Len(t, sent, 1)
	assert.Equal(t, t0, sent[0].SentAt, "the listed notice is whole")
	assert.Equal(t, 1, sent[0].Attempts)
}
