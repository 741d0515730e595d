package contactstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// timeCases check that times are UTC at microsecond precision and that a zero time
// means unset.
func timeCases() []storeCase {
	return []storeCase{
		{"Times/UTCMicroseconds", timesUTCMicroseconds},
		{"Times/ZeroStaysZero", timesZeroStaysZero},
		{"Times/ComparedAtMicroseconds", timesComparedAtMicroseconds},
	}
}

// timesUTCMicroseconds: every time of every record, given in another zone with
// nanoseconds, comes back in UTC at microsecond precision (truncated), through
// every write and every read.
func timesUTCMicroseconds(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	w := []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour), t0.Add(3 * time.Hour), t0.Add(4 * time.Hour)}

	c := Contacts("o1", "111111111111")
	c.UpdatedAt = storetest.Local(w[0])
	put(t, s, c)
	storetest.UTC(t, w[0], getContacts(t, s, "o1", "111111111111").UpdatedAt, "UpdatedAt after create")
	c.UpdatedAt, c.Version = storetest.Local(w[1]), 1
	put(t, s, c)
	storetest.UTC(t, w[1], getContacts(t, s, "o1", "111111111111").UpdatedAt, "UpdatedAt after update")
	cs, _, err := s.ListAccountContacts(ctx, "o1", resellerkit.Page{})
	must(t, err)
	require.Len(t, cs, 1)
	storetest.UTC(t, w[1], cs[0].UpdatedAt, "UpdatedAt in ListAccountContacts")

	n := Notice("o1", "n1")
	n.NextAt, n.CreatedAt = storetest.Local(w[0]), storetest.Local(w[1])
	enqueue(t, s, n)
	got := getNotice(t, s, "o1", "n1")
	storetest.UTC(t, w[0], got.NextAt, "NextAt")
	storetest.UTC(t, w[1], got.CreatedAt, "CreatedAt")
	got, err = s.GetNoticeByKey(ctx, "o1", n.Key)
	must(t, err)
	storetest.UTC(t, w[0], got.NextAt, "NextAt by key")
	ns, _, err := s.ListNotices(ctx, "o1", contacts.NoticeQueued, resellerkit.Page{})
	must(t, err)
	require.Len(t, ns, 1)
	storetest.UTC(t, w[1], ns[0].CreatedAt, "CreatedAt in ListNotices")

	claimed := claimOne(t, s, "d1", storetest.Local(w[1]), storetest.Local(w[2]), "n1")
	storetest.UTC(t, w[2], claimed.LeaseUntil, "LeaseUntil as ClaimNotices returns it")
	storetest.UTC(t, w[2], getNotice(t, s, "o1", "n1").LeaseUntil, "LeaseUntil as stored")

	claimed.NextAt, claimed.LastError = storetest.Local(w[3]), "retry"
	must(t, s.FinishNotice(ctx, claimed, "d1"))
	storetest.UTC(t, w[3], getNotice(t, s, "o1", "n1").NextAt, "NextAt after FinishNotice")
	claimed = claimOne(t, s, "d1", w[3], w[4], "n1")
	claimed.State, claimed.SentAt = contacts.NoticeSent, storetest.Local(w[4])
	must(t, s.FinishNotice(ctx, claimed, "d1"))
	storetest.UTC(t, w[4], getNotice(t, s, "o1", "n1").SentAt, "SentAt after FinishNotice")
}

// timesZeroStaysZero: a zero time means unset and comes back zero; a cleared lease
// has a zero LeaseUntil.
func timesZeroStaysZero(t *testing.T, s contacts.Store) {
	c := Contacts("o1", "111111111111")
	c.UpdatedAt = time.Time{}
	put(t, s, c)
	assert.True(t, getContacts(t, s, "o1", "111111111111").UpdatedAt.IsZero())

	n := Notice("o1", "n1")
	n.NextAt, n.CreatedAt = time.Time{}, time.Time{}
	enqueue(t, s, n)
	got := getNotice(t, s, "o1", "n1")
	for what, at := range map[string]time.Time{"NextAt": got.NextAt, "CreatedAt": got.CreatedAt, "LeaseUntil": got.LeaseUntil, "SentAt": got.SentAt} {
		assert.True(t, at.IsZero(), "%s: %v", what, at)
	}
	claimed := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	claimed.NextAt, claimed.LastError = time.Time{}, "retry at once"
	must(t, s.FinishNotice(t.Context(), claimed, "d1"))
	got = getNotice(t, s, "o1", "n1")
	assert.True(t, got.NextAt.IsZero(), "NextAt: %v", got.NextAt)
	assert.True(t, got.LeaseUntil.IsZero(), "LeaseUntil of a cleared lease: %v", got.LeaseUntil)
	assert.True(t, got.SentAt.IsZero(), "SentAt of an unsent notice: %v", got.SentAt)
}

// timesComparedAtMicroseconds: times given with nanoseconds are stored truncated,
// and claims compare them with now at that precision.
func timesComparedAtMicroseconds(t *testing.T, s contacts.Store) {
	at := t0.Add(time.Hour)
	enqueue(t, s, Notice("o1", "n0"))
	n := Notice("o1", "n1")
	n.NextAt = at.Add(999 * time.Nanosecond)
	enqueue(t, s, n)
	n = Notice("o1", "n2")
	n.NextAt = at.Add(time.Microsecond)
	enqueue(t, s, n)
	claimOne(t, s, "d1", t0, at.Add(999*time.Nanosecond), "n0")

	got := claim(t, s, "d2", at, at.Add(time.Minute), 10)
	assert.Equal(t, []string{"n0", "n1"}, ids(got), "a lease until at+999ns has ended at at; a notice due at at+999ns is due at at")
	got = claim(t, s, "d3", at.Add(999*time.Nanosecond), at.Add(time.Minute), 10)
	assert.Empty(t, got, "a notice due at at+1µs is not due at at+999ns")
}
