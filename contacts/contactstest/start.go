package contactstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// startCases check StartNotice: it counts an attempt under the lease of a claim,
// and only there.
func startCases() []storeCase {
	return []storeCase{
		{"Start/CountsAnAttemptAndKeepsTheLease_C7", startCounts},
		{"Start/AttemptOutlivesItsLease_C7", startOutlivesLease},
		{"Start/WithoutTheClaimsLeaseIsErrConflict", startWithoutLease},
		{"Start/MissingIsErrNotFound", missingIsErrNotFound(contacts.Store.StartNotice)},
	}
}

// startCounts: starting an attempt stores Attempts+1 and changes nothing else:
// the notice stays leased to its owner (nobody else claims it) until the
// attempt's outcome is finished, with the started count.
func startCounts(t *testing.T, s contacts.Store) {
	n := Notice("o1", "n1")
	n.Attempts, n.LastError = 2, "attempt 2: 421 busy"
	enqueue(t, s, n)
	claimed := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	started := start(t, s, claimed, "d1")
	want := claimed
	want.Attempts = 3
	assert.Equal(t, want, started)
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "as stored: the lease is kept")
	assert.Empty(t, claim(t, s, "d2", t0.Add(time.Second), t0.Add(time.Hour), 10), "still leased")
	errIs(t, s.StartNotice(t.Context(), claimed, "d1"), contacts.ErrConflict, "the claim as read before the attempt")
	started.State, started.SentAt = contacts.NoticeSent, t0.Add(time.Second)
	must(t, s.FinishNotice(t.Context(), started, "d1"))
	assert.Equal(t, 3, getNotice(t, s, "o1", "n1").Attempts)
}

// startOutlivesLease: an attempt whose lease expires before its outcome is
// recorded (its dispatcher died during the send) stays counted: the next claim
// has it, and its own attempt counts one more.
func startOutlivesLease(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	again := claimOne(t, s, "d2", t0.Add(time.Minute), t0.Add(2*time.Minute), "n1")
	assert.Equal(t, 1, again.Attempts, "the attempt whose outcome was never recorded counts")
	again = start(t, s, again, "d2")
	assert.Equal(t, 2, getNotice(t, s, "o1", "n1").Attempts)
	again.NextAt, again.LastError = t0.Add(time.Hour), "attempt 2: timeout"
	must(t, s.FinishNotice(t.Context(), again, "d2"))
	assert.Equal(t, 2, getNotice(t, s, "o1", "n1").Attempts)
}

// startWithoutLease: an attempt starts only under the lease of the claim n was
// read from: another owner, another LeaseUntil (an older claim of the same
// owner), another Attempts, a notice never claimed, or one whose claim was
// finished is ErrConflict, and changes nothing.
func startWithoutLease(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"), Notice("o1", "n2"), Notice("o1", "n3"))
	n := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	leased := getNotice(t, s, "o1", "n1")
	otherLease, otherAttempt := n, n
	otherLease.LeaseUntil = n.LeaseUntil.Add(-time.Microsecond)
	otherAttempt.Attempts++
	for name, c := range map[string]struct {
		n     contacts.Notice
		owner string
	}{
		"another owner": {n, "d2"}, "the owner in another case": {n, "D1"}, "no owner": {n, ""},
		"another lease": {otherLease, "d1"}, "another attempt": {otherAttempt, "d1"},
	} {
		errIs(t, s.StartNotice(ctx, c.n, c.owner), contacts.ErrConflict, name)
		assert.Equal(t, leased, getNotice(t, s, "o1", "n1"), name)
	}
	start(t, s, n, "d1")

	errIs(t, s.StartNotice(ctx, Notice("o1", "n2"), ""), contacts.ErrConflict, "a notice never claimed")
	assert.Equal(t, Notice("o1", "n2"), getNotice(t, s, "o1", "n2"))

	f := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n2"), "d1")
	f.State, f.SentAt = contacts.NoticeSent, t0
	must(t, s.FinishNotice(ctx, f, "d1"))
	sent := getNotice(t, s, "o1", "n2")
	errIs(t, s.StartNotice(ctx, f, "d1"), contacts.ErrConflict, "a finished claim")
	assert.Equal(t, sent, getNotice(t, s, "o1", "n2"))
}
