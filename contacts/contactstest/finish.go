package contactstest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// finishCases check FinishNotice: what it stores for each outcome, and that only
// the holder of the attempt's lease may record it.
func finishCases() []storeCase {
	return []storeCase{
		{"Finish/SentStoresStateAndSentAtAndClearsLease_C7", finishSent},
		{"Finish/RetryStoresNextAtAndLastError_C7", finishRetry},
		{"Finish/DeadIsNeverClaimedAgain_C7", finishDead},
		{"Finish/StoresOnlyTheOutcome", finishOnlyOutcome},
		{"Finish/WithoutAnAttemptKeepsAttempts", finishWithoutAttempt},
		{"Finish/WrongOwnerIsErrConflict", finishWrongOwner},
		{"Finish/UnclaimedIsErrConflict", finishUnclaimed},
		{"Finish/TwiceIsErrConflict", finishTwice},
		{"Finish/MissingIsErrNotFound", missingIsErrNotFound(contacts.Store.FinishNotice)},
	}
}

// never is a time by which every notice of the suite is due.
var never = t0.AddDate(100, 0, 0)

// finishSent: a sent notice stores State and SentAt, its lease is cleared, and it
// is never claimed again.
func finishSent(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	n.State, n.SentAt, n.LastError = contacts.NoticeSent, t0.Add(time.Second), ""
	must(t, s.FinishNotice(t.Context(), n, "d1"))
	want := Notice("o1", "n1")
	want.State, want.SentAt, want.Attempts = contacts.NoticeSent, t0.Add(time.Second), 1
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "LeaseOwner and LeaseUntil are cleared")
	assert.Empty(t, claim(t, s, "d2", never, never.Add(time.Minute), 10), "a sent notice is never claimed again")
}

// finishRetry: a failed attempt to retry stores NextAt and LastError, clears the
// lease, and the notice is due again at NextAt, not before.
func finishRetry(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Hour), "n1"), "d1")
	next := t0.Add(10 * time.Minute) // before the lease would have ended
	n.State, n.NextAt, n.LastError = contacts.NoticeQueued, next, "451 4.7.1 try again later"
	must(t, s.FinishNotice(t.Context(), n, "d1"))
	want := Notice("o1", "n1")
	want.NextAt, want.LastError, want.Attempts = next, "451 4.7.1 try again later", 1
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"))
	assert.Empty(t, claim(t, s, "d2", next.Add(-time.Microsecond), never, 10), "not due before NextAt")
	again := claimOne(t, s, "d2", next, next.Add(time.Minute), "n1")
	assert.Equal(t, 1, again.Attempts)
	assert.Equal(t, "451 4.7.1 try again later", again.LastError, "the claim keeps the last error")
}

// finishDead: a dead notice keeps its LastError and is never claimed again.
func finishDead(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("", "n1"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	n.State, n.LastError = contacts.NoticeDead, "550 5.1.1 no such user"
	must(t, s.FinishNotice(t.Context(), n, "d1"))
	want := Notice("", "n1")
	want.State, want.LastError, want.Attempts = contacts.NoticeDead, "550 5.1.1 no such user", 1
	assert.Equal(t, want, getNotice(t, s, "", "n1"))
	assert.Empty(t, claim(t, s, "d2", never, never.Add(time.Minute), 10), "a dead notice is never claimed again")
}

// finishOnlyOutcome: FinishNotice stores State, NextAt, LastError and SentAt
// only: every other field of its argument (content, recipients, LeaseOwner) is
// ignored, and Attempts and LeaseUntil, which name the claim, are not written.
func finishOnlyOutcome(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	n.State, n.SentAt = contacts.NoticeSent, t0.Add(time.Second)
	n.Key, n.AccountID, n.Kind, n.Language = "changed", "999999999999", contacts.KindMaintenance, contacts.English
	n.To, n.CC, n.Phones, n.Data = []string{"x@example.com"}, nil, nil, []byte(`{}`)
	n.Subject, n.Text, n.HTML, n.CreatedAt = "changed", "changed", "changed", t0.Add(time.Hour)
	n.LeaseOwner = "d9"
	must(t, s.FinishNotice(t.Context(), n, "d1"))
	want := Notice("o1", "n1")
	want.State, want.SentAt, want.Attempts = contacts.NoticeSent, t0.Add(time.Second), 1
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"))
}

// finishWithoutAttempt: a claim may be finished without starting an attempt (a
// dispatcher giving up a notice with no attempt left): the outcome is stored, the
// lease cleared, and Attempts stays what it was.
func finishWithoutAttempt(t *testing.T, s contacts.Store) {
	n := Notice("o1", "n1")
	n.Attempts, n.LastError = 3, "attempt 2: 451 busy"
	enqueue(t, s, n)
	got := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	got.State, got.LastError = contacts.NoticeDead, "attempt 3: no outcome recorded"
	must(t, s.FinishNotice(t.Context(), got, "d1"))
	want := n
	want.State, want.LastError = contacts.NoticeDead, "attempt 3: no outcome recorded"
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"))
}

// finishWrongOwner: an owner that does not hold the lease gets ErrConflict and
// changes nothing; the holder may still finish.
func finishWrongOwner(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	leased := getNotice(t, s, "o1", "n1")
	n.State, n.SentAt = contacts.NoticeSent, t0
	for _, owner := range []string{"d2", "D1", ""} {
		errIs(t, s.FinishNotice(t.Context(), n, owner), contacts.ErrConflict, "owner %q", owner)
		assert.Equal(t, leased, getNotice(t, s, "o1", "n1"), "owner %q", owner)
	}
	must(t, s.FinishNotice(t.Context(), n, "d1"))
}

// finishUnclaimed: a notice nobody claimed has no lease to hold: finishing it is
// ErrConflict, with any owner, and changes nothing.
func finishUnclaimed(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	n := Notice("o1", "n1")
	n.State, n.SentAt = contacts.NoticeSent, t0
	for _, owner := range []string{"d1", ""} {
		errIs(t, s.FinishNotice(t.Context(), n, owner), contacts.ErrConflict, "owner %q", owner)
	}
	assert.Equal(t, Notice("o1", "n1"), getNotice(t, s, "o1", "n1"))
}

// finishTwice: a finished attempt holds no lease any more: recording it again
// (the same outcome or another) is ErrConflict and changes nothing.
func finishTwice(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"), Notice("o1", "n2"))
	n := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	n.State, n.SentAt = contacts.NoticeSent, t0
	must(t, s.FinishNotice(t.Context(), n, "d1"))
	sent := getNotice(t, s, "o1", "n1")
	errIs(t, s.FinishNotice(t.Context(), n, "d1"), contacts.ErrConflict, "the same outcome again")
	n.State, n.SentAt, n.LastError = contacts.NoticeDead, time.Time{}, "late failure"
	errIs(t, s.FinishNotice(t.Context(), n, "d1"), contacts.ErrConflict, "another outcome")
	assert.Equal(t, sent, getNotice(t, s, "o1", "n1"))

	r := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n2"), "d1")
	r.NextAt, r.LastError = t0.Add(time.Hour), "timeout"
	must(t, s.FinishNotice(t.Context(), r, "d1"))
	retrying := getNotice(t, s, "o1", "n2")
	r.State, r.SentAt = contacts.NoticeSent, t0
	errIs(t, s.FinishNotice(t.Context(), r, "d1"), contacts.ErrConflict, "a retry recorded, then the attempt again")
	assert.Equal(t, retrying, getNotice(t, s, "o1", "n2"))
}

// missingIsErrNotFound: for call (Store.StartNotice or Store.FinishNotice), a
// notice that does not exist, or that is not of n.OrgID (the notice is matched by
// its organization and id, M-7), is ErrNotFound, and nothing changes.
func missingIsErrNotFound(call func(contacts.Store, context.Context, contacts.Notice, string) error) func(*testing.T, contacts.Store) {
	return func(t *testing.T, s contacts.Store) {
		enqueue(t, s, Notice("o1", "n1"))
		n := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
		leased := getNotice(t, s, "o1", "n1")
		missing := n
		missing.ID = "n9"
		errIs(t, call(s, t.Context(), missing, "d1"), contacts.ErrNotFound, "no such id")
		for _, org := range []string{"o2", ""} {
			other := n
			other.OrgID, other.State, other.SentAt = org, contacts.NoticeSent, t0
			errIs(t, call(s, t.Context(), other, "d1"), contacts.ErrNotFound, "as a notice of %q", org)
		}
		assert.Equal(t, leased, getNotice(t, s, "o1", "n1"))
	}
}
