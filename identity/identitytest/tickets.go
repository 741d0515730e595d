package identitytest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// ticketCases check single-use tickets: taken once, by hash and purpose.
func ticketCases() []storeCase {
	return []storeCase{
		{"Tickets/TakeOnce", ticketTakeOnce},
		{"Tickets/WrongPurposeStays", ticketWrongPurposeStays},
		{"Tickets/HashUnique", ticketHashUnique},
		{"Tickets/WithoutIdentity", ticketWithoutIdentity},
		{"Tickets/CreateOfMissingIdentityIsNotFound", ticketCreateOfMissingIdentity},
		{"Tickets/ConcurrentTakeOneWins", ticketConcurrentTakeOneWins},
		{"Tickets/DeleteByIdentityAndPurpose", ticketDeleteByIdentityAndPurpose},
		{"Tickets/DeleteExpired", ticketDeleteExpired},
	}
}

// ticketTakeOnce: TakeTicket returns the whole ticket and removes it: a second take
// is ErrNotFound.
func ticketTakeOnce(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	tk := Ticket("alice", "t1", purposeReset)
	must(t, s.CreateTicket(ctx, tk))
	must(t, s.CreateTicket(ctx, Ticket("alice", "t2", purposeReset)))
	got, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
	must(t, err)
	require.Equal(t, tk, got)
	_, err = s.TakeTicket(ctx, tk.Hash, purposeReset)
	errIs(t, err, identity.ErrNotFound, "a ticket works once")
	_, err = s.TakeTicket(ctx, Hash("ticket:never"), purposeReset)
	errIs(t, err, identity.ErrNotFound, "a ticket never created")
	got, err = s.TakeTicket(ctx, Ticket("alice", "t2", purposeReset).Hash, purposeReset)
	must(t, err)
	require.Equal(t, Ticket("alice", "t2", purposeReset), got, "another ticket of the same purpose stays")
}

// ticketWrongPurposeStays: a take with another purpose is ErrNotFound and leaves
// the ticket for its own purpose.
func ticketWrongPurposeStays(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	tk := Ticket("alice", "t1", purposeReset)
	must(t, s.CreateTicket(ctx, tk))
	for _, purpose := range []string{purposeWebAuthn, "", "password_reset ", "PASSWORD_RESET", "password"} {
		_, err := s.TakeTicket(ctx, tk.Hash, purpose)
		errIs(t, err, identity.ErrNotFound, "purpose %q", purpose)
	}
	got, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
	must(t, err)
	require.Equal(t, tk, got)
}

func ticketHashUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	tk := Ticket("alice", "t1", purposeReset)
	must(t, s.CreateTicket(ctx, tk))
	for _, dup := range []identity.Ticket{
		Ticket("alice", "t1", purposeReset), Ticket("bob", "t1", purposeReset),
		Ticket("alice", "t1", purposeWebAuthn), Ticket("", "t1", purposeWebAuthn),
	} {
		dup.Data = []byte(`{"dup":true}`)
		errIs(t, s.CreateTicket(ctx, dup), identity.ErrAlreadyExists, "a taken hash, for %q / %s", dup.IdentityID, dup.Purpose)
	}
	_, err := s.TakeTicket(ctx, tk.Hash, purposeWebAuthn)
	errIs(t, err, identity.ErrNotFound, "no duplicate of another purpose was stored")
	got, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
	must(t, err)
	require.Equal(t, tk, got, "the first ticket stays")
	must(t, s.CreateTicket(ctx, Ticket("bob", "t1", purposeWebAuthn)))
}

// ticketWithoutIdentity: a ticket naming no identity (a passwordless sign-in
// challenge) is stored and taken like any other.
func ticketWithoutIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	tk := Ticket("", "challenge", purposeWebAuthn)
	must(t, s.CreateTicket(ctx, tk))
	got, err := s.TakeTicket(ctx, tk.Hash, purposeWebAuthn)
	must(t, err)
	require.Equal(t, tk, got)
	_, err = s.TakeTicket(ctx, tk.Hash, purposeWebAuthn)
	errIs(t, err, identity.ErrNotFound)
}

func ticketCreateOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		tk := Ticket(id, "t-"+id, purposeReset)
		errIs(t, s.CreateTicket(ctx, tk), identity.ErrNotFound, "identity %s", id)
		_, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
		errIs(t, err, identity.ErrNotFound, "identity %s: nothing stored", id)
	}
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTicket(ctx, Ticket("alice", "t-nobody", purposeReset)))
}

// ticketConcurrentTakeOneWins: of concurrent takes of one ticket, one gets it and
// the others are ErrNotFound.
func ticketConcurrentTakeOneWins(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	for round := range 8 {
		tk := Ticket("alice", fmt.Sprintf("round-%d", round), purposeReset)
		must(t, s.CreateTicket(ctx, tk))
		taken := make([]identity.Ticket, 4)
		errs := storetest.Concurrently(len(taken), func(i int) error {
			var err error
			taken[i], err = s.TakeTicket(ctx, tk.Hash, purposeReset)
			return err
		})
		w := oneWinner(t, errs, identity.ErrNotFound)
		require.Equal(t, tk, taken[w], "round %d: the winner got the ticket", round)
		_, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
		errIs(t, err, identity.ErrNotFound, "round %d: taken", round)
	}
}

// ticketDeleteByIdentityAndPurpose: DeleteTickets removes the identity's tickets of
// the purpose, no one else's and no other purpose's, and returns how many.
func ticketDeleteByIdentityAndPurpose(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	removed := []identity.Ticket{Ticket("alice", "a-reset-1", purposeReset), Ticket("alice", "a-reset-2", purposeReset)}
	kept := []identity.Ticket{Ticket("alice", "a-webauthn", purposeWebAuthn), Ticket("bob", "b-reset", purposeReset),
		Ticket("", "challenge", purposeReset)}
	for _, tk := range append(removed, kept...) {
		must(t, s.CreateTicket(ctx, tk))
	}
	n, err := s.DeleteTickets(ctx, "alice", purposeReset)
	must(t, err)
	require.Equal(t, len(removed), n)
	n, err = s.DeleteTickets(ctx, "alice", purposeReset)
	must(t, err)
	require.Zero(t, n, "nothing left to remove")
	n, err = s.DeleteTickets(ctx, "nobody", purposeReset)
	must(t, err)
	require.Zero(t, n, "an identity with no tickets")
	for _, tk := range removed {
		_, err := s.TakeTicket(ctx, tk.Hash, tk.Purpose)
		errIs(t, err, identity.ErrNotFound, "removed")
	}
	for _, tk := range kept {
		got, err := s.TakeTicket(ctx, tk.Hash, tk.Purpose)
		require.NoError(t, err, "ticket of %q / %s stays", tk.IdentityID, tk.Purpose)
		require.Equal(t, tk, got)
	}
}

// ticketDeleteExpired: DeleteExpiredTickets removes, across identities (and of no
// identity), every ticket that expired at or before the time, and returns how
// many.
func ticketDeleteExpired(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	by := t0.Add(time.Hour)
	var expired, kept []identity.Ticket
	for _, c := range []struct {
		owner, name string
		expires     time.Duration // from by
	}{
		{"alice", "long-ago", -time.Hour}, {"bob", "just-before", -time.Microsecond}, {"", "at", 0},
		{"alice", "just-after", time.Microsecond}, {"", "later", time.Hour}, {"bob", "much-later", 24 * time.Hour},
	} {
		tk := Ticket(c.owner, c.name, purposeReset)
		tk.ExpiresAt = by.Add(c.expires)
		must(t, s.CreateTicket(ctx, tk))
		if c.expires <= 0 {
			expired = append(expired, tk)
		} else {
			kept = append(kept, tk)
		}
	}
	n, err := s.DeleteExpiredTickets(ctx, by)
	must(t, err)
	require.Equal(t, len(expired), n)
	n, err = s.DeleteExpiredTickets(ctx, by)
	must(t, err)
	require.Zero(t, n, "a second run finds nothing")
	for _, tk := range expired {
		_, err := s.TakeTicket(ctx, tk.Hash, tk.Purpose)
		errIs(t, err, identity.ErrNotFound, "ticket expiring at %v", tk.ExpiresAt)
	}
	for _, tk := range kept {
		got, err := s.TakeTicket(ctx, tk.Hash, tk.Purpose)
		require.NoError(t, err, "ticket expiring at %v", tk.ExpiresAt)
		require.Equal(t, tk, got)
	}
}

// failureCases check the failed sign-ins the Service counts (I-4).
func failureCases() []storeCase {
	return []storeCase{
		{"Failures/RecentNewestLimitOldestFirst", failuresRecent},
		{"Failures/SinceIsInclusive", failuresSinceIsInclusive},
		{"Failures/Clear", failuresClear},
		{"Failures/RemoveAtExactTime", failuresRemoveAtExactTime},
		{"Failures/DeleteBefore", failuresDeleteBefore},
	}
}

// addFailures records failures under key at t0 plus each offset.
func addFailures(t *testing.T, s identity.Store, key string, offsets ...time.Duration) {
	t.Helper()
	for _, d := range offsets {
		must(t, s.AddFailure(t.Context(), key, t0.Add(d)))
	}
}

// times returns t0 plus each offset.
func times(offsets ...time.Duration) []time.Time {
	out := make([]time.Time, len(offsets))
	for i, d := range offsets {
		out[i] = t0.Add(d)
	}
	return out
}

// recent is RecentFailures, requiring it to succeed, with nil for none.
func recent(t *testing.T, s identity.Store, key string, since time.Time, limit int) []time.Time {
	t.Helper()
	got, err := s.RecentFailures(t.Context(), key, since, limit)
	require.NoError(t, err)
	return storetest.NilIfEmpty(got)
}

// failuresRecent: RecentFailures returns the newest failures of the key, at most
// limit, oldest first, whatever order they were added in; equal times each count;
// other keys' failures never show.
func failuresRecent(t *testing.T, s identity.Store) {
	m := time.Minute
	addFailures(t, s, "alice@example.com", 1*m, 5*m, 3*m, 2*m, 4*m)
	addFailures(t, s, "192.0.2.10", 0, 6*m, 2*m+30*time.Second)
	addFailures(t, s, "alice@example.co", 6*m) // a prefix of the key is another key
	require.Equal(t, times(3*m, 4*m, 5*m), recent(t, s, "alice@example.com", longAgo, 3), "the newest 3, oldest first")
	require.Equal(t, times(1*m, 2*m, 3*m, 4*m, 5*m), recent(t, s, "alice@example.com", longAgo, 100))
	require.Equal(t, times(5*m), recent(t, s, "alice@example.com", longAgo, 1))
	require.Nil(t, recent(t, s, "alice@example.com", longAgo, 0), "a limit of 0 returns none")
	require.Equal(t, times(0, 2*m+30*time.Second, 6*m), recent(t, s, "192.0.2.10", longAgo, 10))
	require.Nil(t, recent(t, s, "nobody@example.com", longAgo, 10), "a key with no failures")
	require.Nil(t, recent(t, s, "ALICE@example.com", longAgo, 10), "keys compare exactly")

	addFailures(t, s, "alice@example.com", 5*m, 5*m) // three failures at one instant
	require.Equal(t, times(5*m, 5*m, 5*m), recent(t, s, "alice@example.com", longAgo, 3), "equal times each count")
	require.Equal(t, times(4*m, 5*m, 5*m, 5*m), recent(t, s, "alice@example.com", longAgo, 4))
	require.Equal(t, times(3*m, 4*m, 5*m, 5*m, 5*m), recent(t, s, "alice@example.com", t0.Add(3*m), 10))
}

// failuresSinceIsInclusive: a failure exactly at since counts; one a microsecond
// before does not; limit applies after since.
func failuresSinceIsInclusive(t *testing.T, s identity.Store) {
	m := time.Minute
	addFailures(t, s, "k", 0, 1*m-time.Microsecond, 1*m, 1*m+time.Microsecond, 2*m)
	require.Equal(t, times(1*m, 1*m+time.Microsecond, 2*m), recent(t, s, "k", t0.Add(1*m), 10))
	require.Equal(t, times(1*m+time.Microsecond, 2*m), recent(t, s, "k", t0.Add(1*m), 2))
	require.Equal(t, times(1*m+time.Microsecond, 2*m), recent(t, s, "k", t0.Add(1*m+time.Microsecond), 10))
	require.Equal(t, times(2*m), recent(t, s, "k", t0.Add(2*m), 10))
	require.Nil(t, recent(t, s, "k", t0.Add(2*m+time.Microsecond), 10), "none since")
}

// failuresClear: ClearFailures removes every failure of the key and no other
// key's; clearing a key with none is no error; the key counts afresh afterwards.
func failuresClear(t *testing.T, s identity.Store) {
	ctx := t.Context()
	addFailures(t, s, "alice@example.com", 0, time.Minute, 2*time.Minute)
	addFailures(t, s, "bob@example.com", time.Minute)
	addFailures(t, s, "alice@example.com.", time.Minute)
	must(t, s.ClearFailures(ctx, "alice@example.com"))
	require.Nil(t, recent(t, s, "alice@example.com", longAgo, 10))
	require.Equal(t, times(time.Minute), recent(t, s, "bob@example.com", longAgo, 10), "another key stays")
	require.Equal(t, times(time.Minute), recent(t, s, "alice@example.com.", longAgo, 10), "another key stays")
	must(t, s.ClearFailures(ctx, "alice@example.com"))
	must(t, s.ClearFailures(ctx, "nobody@example.com"))
	addFailures(t, s, "alice@example.com", 3*time.Minute)
	require.Equal(t, times(3*time.Minute), recent(t, s, "alice@example.com", longAgo, 10))
}

// failuresRemoveAtExactTime: RemoveFailure removes the failures of the key
// recorded at exactly the time (every one of them, when several share it), and
// none at another time, of another key, or of a key it is a prefix of; a time
// given with nanoseconds or in another zone is the same microsecond; removing
// where there is none is no error.
func failuresRemoveAtExactTime(t *testing.T, s identity.Store) {
	ctx := t.Context()
	m := time.Minute
	addFailures(t, s, "alice@example.com", 0, 1*m-time.Microsecond, 1*m, 1*m, 1*m+time.Microsecond, 2*m)
	addFailures(t, s, "bob@example.com", 1*m)
	addFailures(t, s, "alice@example.com.", 1*m)

	must(t, s.RemoveFailure(ctx, "alice@example.com", t0.Add(1*m)))
	require.Equal(t, times(0, 1*m-time.Microsecond, 1*m+time.Microsecond, 2*m), recent(t, s, "alice@example.com", longAgo, 10),
		"both failures at the time go, the neighbours a microsecond away stay")
	require.Equal(t, times(1*m), recent(t, s, "bob@example.com", longAgo, 10), "another key stays")
	require.Equal(t, times(1*m), recent(t, s, "alice@example.com.", longAgo, 10), "another key stays")

	must(t, s.RemoveFailure(ctx, "alice@example.com", t0.Add(1*m)))
	must(t, s.RemoveFailure(ctx, "nobody@example.com", t0.Add(1*m)))
	must(t, s.RemoveFailure(ctx, "alice@example.com", t0.Add(time.Hour)))
	require.Equal(t, times(0, 1*m-time.Microsecond, 1*m+time.Microsecond, 2*m), recent(t, s, "alice@example.com", longAgo, 10),
		"removing none changes nothing")

	must(t, s.RemoveFailure(ctx, "alice@example.com", storetest.Local(t0.Add(2*m))))
	require.Equal(t, times(0, 1*m-time.Microsecond, 1*m+time.Microsecond), recent(t, s, "alice@example.com", longAgo, 10),
		"the same microsecond in another zone, with nanoseconds")

	// The key counts on as before.
	addFailures(t, s, "alice@example.com", 1*m)
	require.Equal(t, times(1*m-time.Microsecond, 1*m, 1*m+time.Microsecond), recent(t, s, "alice@example.com", longAgo, 3))
}

// failuresDeleteBefore: DeleteFailuresBefore removes, across keys, the failures
// strictly before the time and returns how many; one exactly at it stays.
func failuresDeleteBefore(t *testing.T, s identity.Store) {
	ctx := t.Context()
	m := time.Minute
	addFailures(t, s, "alice@example.com", 0, 1*m-time.Microsecond, 1*m, 2*m)
	addFailures(t, s, "192.0.2.10", 0, 1*m, 3*m)
	n, err := s.DeleteFailuresBefore(ctx, t0.Add(1*m))
	must(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, times(1*m, 2*m), recent(t, s, "alice@example.com", longAgo, 10))
	require.Equal(t, times(1*m, 3*m), recent(t, s, "192.0.2.10", longAgo, 10))
	n, err = s.DeleteFailuresBefore(ctx, t0.Add(1*m))
	must(t, err)
	require.Zero(t, n, "a second run finds nothing")
	n, err = s.DeleteFailuresBefore(ctx, t0.Add(time.Hour))
	must(t, err)
	require.Equal(t, 4, n)
	require.Nil(t, recent(t, s, "alice@example.com", longAgo, 10))
}
