package supporttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// replyCases check a case's conversation (P-3): replies added to a case of their
// organization (M-7) once per id, listed whole, oldest first, attachments and all.
func replyCases() []storeCase {
	return []storeCase{
		{"Replies/EveryFieldRoundTrips_P3", replyRoundTrip},
		{"Replies/ListOldestFirstThenID_P3", replyOrder},
		{"Replies/ListIsWholeAndOfOneCase", replyWhole},
		{"Replies/AddToAMissingOrAnotherOrgsCaseIsErrNotFound_M7", replyAddScoped},
		{"Replies/UsedIDIsErrAlreadyExists", replyAddTwice},
		{"Replies/ConcurrentAddsOfOneIDOneWins", replyConcurrent},
		{"Replies/ListIsScopedByOrg_M7", replyListScoped},
		{"Replies/AddLeavesTheCaseAlone", replyCaseUnchanged},
		{"Replies/AttachmentsAreCopiedInAndOut", replyCopies},
	}
}

// replyRoundTrip: every field of a reply round-trips, CreatedAt in UTC at
// microsecond precision; no attachments come back as none.
func replyRoundTrip(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	want := Reply("o1", "case-1", "r1", t0.Add(time.Hour))
	in := canonReply(want)
	in.CreatedAt = storetest.Local(want.CreatedAt)
	addReply(t, s, in)
	bare := support.Reply{ID: "r2", CaseID: "case-1", OrgID: "o1", Side: support.Customer, AuthorID: "user-1",
		Body: "ありがとうございます", Attachments: []support.Attachment{}, CreatedAt: t0.Add(2 * time.Hour)}
	addReply(t, s, bare)
	got := replies(t, s, "o1", "case-1")
	assert.Equal(t, []support.Reply{want, canonReply(bare)}, got)
	require.Len(t, got, 2)
	storetest.UTC(t, want.CreatedAt, got[0].CreatedAt, "CreatedAt")
}

// replyOrder: ListReplies is oldest CreatedAt first, and of one instant the
// smaller id (byte order) first, whatever the order of the adds.
func replyOrder(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	for _, r := range []support.Reply{
		Reply("o1", "case-1", "b", t0),
		Reply("o1", "case-1", "late", t0.Add(time.Hour)),
		Reply("o1", "case-1", "a", t0),
		Reply("o1", "case-1", "early", t0.Add(-time.Microsecond)),
		Reply("o1", "case-1", "B", t0),
		Reply("o1", "case-1", "Ä", t0),
		Reply("o1", "case-1", "a-1", t0),
	} {
		addReply(t, s, r)
	}
	assert.Equal(t, []string{"early", "B", "a", "a-1", "b", "Ä", "late"}, replyIDs(replies(t, s, "o1", "case-1")))
}

// replyWhole: ListReplies returns every reply of the case, however many (more
// than a page of any list holds), and none of another case; a case with no
// reply has none, not an error.
func replyWhole(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	createCase(t, s, Case("o1", acct1, "case-2", t0))
	assert.Empty(t, replies(t, s, "o1", "case-1"))
	n := 1100
	var want []string
	must(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for i := range n {
			id := fmt.Sprintf("r%05d", i)
			want = append(want, id)
			if err := s.AddReply(ctx, Reply("o1", "case-1", id, t0.Add(time.Duration(i)*time.Second))); err != nil {
				return err
			}
		}
		return s.AddReply(ctx, Reply("o1", "case-2", "other", t0))
	}))
	assert.Equal(t, want, replyIDs(replies(t, s, "o1", "case-1")))
	assert.Equal(t, []string{"other"}, replyIDs(replies(t, s, "o1", "case-2")))
}

// replyAddScoped: a reply to a missing case, or to a case of another
// organization than r.OrgID (also "": a reply names its case's organization), is
// ErrNotFound and stores nothing (M-7).
func replyAddScoped(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	createCase(t, s, Case("o2", acct1, "case-2", t0))
	for _, r := range []support.Reply{
		Reply("o2", "case-1", "r1", t0),
		Reply("", "case-1", "r1", t0),
		Reply("O1", "case-1", "r1", t0),
		Reply("o1", "case-2", "r1", t0),
		Reply("o1", "case-9", "r1", t0),
		Reply("o1", "", "r1", t0),
	} {
		errIs(t, s.AddReply(t.Context(), r), support.ErrNotFound, "reply of %q to %q", r.OrgID, r.CaseID)
	}
	assert.Empty(t, replies(t, s, "", "case-1"))
	assert.Empty(t, replies(t, s, "", "case-2"))
	addReply(t, s, Reply("o1", "case-1", "r1", t0))
	assert.Equal(t, []string{"r1"}, replyIDs(replies(t, s, "o1", "case-1")), "the id was not taken by a failed add")
}

// replyAddTwice: a reply id is unique across cases and organizations: adding it
// again is ErrAlreadyExists and changes nothing. A reply to a missing (or another
// organization's) case is ErrNotFound whatever its id.
func replyAddTwice(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	createCase(t, s, Case("o1", acct1, "case-2", t0))
	createCase(t, s, Case("o2", acct1, "case-3", t0))
	addReply(t, s, Reply("o1", "case-1", "r1", t0))
	again := Reply("o1", "case-1", "r1", t0.Add(time.Hour))
	again.Body = "second"
	errIs(t, s.AddReply(t.Context(), again), support.ErrAlreadyExists, "the same case")
	errIs(t, s.AddReply(t.Context(), Reply("o1", "case-2", "r1", t0)), support.ErrAlreadyExists, "another case")
	errIs(t, s.AddReply(t.Context(), Reply("o2", "case-3", "r1", t0)), support.ErrAlreadyExists, "another organization's case")
	errIs(t, s.AddReply(t.Context(), Reply("o1", "case-9", "r1", t0)), support.ErrNotFound, "a missing case comes first")
	errIs(t, s.AddReply(t.Context(), Reply("o2", "case-1", "r1", t0)), support.ErrNotFound, "another organization's case comes first")
	assert.Equal(t, []support.Reply{Reply("o1", "case-1", "r1", t0)}, replies(t, s, "o1", "case-1"))
	assert.Empty(t, replies(t, s, "o1", "case-2"))
	assert.Empty(t, replies(t, s, "o2", "case-3"))
}

// replyConcurrent: of 10 adds of one reply id at once exactly one stores; the
// others are ErrAlreadyExists.
func replyConcurrent(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	errs := storetest.Concurrently(10, func(i int) error {
		r := Reply("o1", "case-1", "r1", t0)
		r.Body = fmt.Sprint("body ", i)
		return s.AddReply(t.Context(), r)
	})
	w := sentinels.OneWinner(t, errs, support.ErrAlreadyExists)
	got := replies(t, s, "o1", "case-1")
	require.Len(t, got, 1)
	assert.Equal(t, fmt.Sprint("body ", w), got[0].Body)
}

// replyListScoped: ListReplies lists the replies of orgID's case, or of the case
// in any organization with orgID "" (the desk's read); another organization's
// case is ErrNotFound, like a missing one (M-7).
func replyListScoped(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	addReply(t, s, Reply("o1", "case-1", "r1", t0))
	want := []support.Reply{Reply("o1", "case-1", "r1", t0)}
	assert.Equal(t, want, replies(t, s, "o1", "case-1"))
	assert.Equal(t, want, replies(t, s, "", "case-1"))
	for _, c := range [][2]string{{"o2", "case-1"}, {"O1", "case-1"}, {"o1", "case-9"}, {"", "case-9"}, {"o1", ""}} {
		rs, err := s.ListReplies(t.Context(), c[0], c[1])
		errIs(t, err, support.ErrNotFound, "ListReplies(%q, %q)", c[0], c[1])
		assert.Empty(t, rs)
	}
}

// replyCaseUnchanged: adding a reply changes nothing of its case (the Service
// updates the case itself, e.g. its FirstResponseAt, with UpdateCase).
func replyCaseUnchanged(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	before := getCase(t, s, "o1", "case-1")
	addReply(t, s, Reply("o1", "case-1", "r1", t0.Add(time.Hour)))
	assert.Equal(t, before, getCase(t, s, "o1", "case-1"))
	updateCase(t, s, before) // still the stored version
}

// replyCopies: mutating the Attachments a caller passed to AddReply or received
// from ListReplies never changes the store.
func replyCopies(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	in := Reply("o1", "case-1", "r1", t0)
	addReply(t, s, in)
	in.Attachments[0].Name = "scribbled"
	want := []support.Reply{Reply("o1", "case-1", "r1", t0)}
	assert.Equal(t, want, replies(t, s, "o1", "case-1"))
	got, err := s.ListReplies(t.Context(), "o1", "case-1")
	require.NoError(t, err)
	got[0].Attachments[1].Ref = "scribbled"
	assert.Equal(t, want, replies(t, s, "o1", "case-1"))
}
