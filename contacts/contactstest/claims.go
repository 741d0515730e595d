package contactstest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// claimCases check ClaimNotices: which notices are due, in what order, how many,
// the lease it takes, and that concurrent claims never share a notice.
func claimCases() []storeCase {
	return []storeCase{
		{"Claims/OnlyDueNotices_C7", claimsOnlyDue},
		{"Claims/OldestNextAtFirstUpToLimit", claimsOrderAndLimit},
		{"Claims/SetsLeaseAndCountsNoAttempt_C7", claimsSetLease},
		{"Claims/EveryOrganizationAndNone", claimsUnscoped},
		{"Claims/LeasedNoticeWaitsForItsLeaseToExpire", claimsLeased},
		{"Claims/ExpiredLeaseReclaimedFirstOwnerFinishIsErrConflict", claimsExpiredLease},
		{"Claims/SameOwnerReclaimedOldAttemptIsErrConflict", claimsSameOwnerReclaim},
		{"Claims/ConcurrentClaimsNeverShareANotice_C7", claimsConcurrent},
	}
}

// claim calls ClaimNotices, failing t on an error.
func claim(t *testing.T, s contacts.Store, owner string, now, until time.Time, limit int) []contacts.Notice {
	t.Helper()
	got, err := s.ClaimNotices(t.Context(), owner, now, until, limit)
	require.NoError(t, err)
	return got
}

// claimsOnlyDue: a claim takes the queued notices whose NextAt is at or before now
// (a zero NextAt is the earliest time) and whose lease is free or expired (at or
// before now), and nothing sent, dead, due later or leased beyond now.
func claimsOnlyDue(t *testing.T, s contacts.Store) {
	now := t0.Add(24 * time.Hour)
	// Notices that must not come, and leases (claimed at t0, in NextAt order).
	enqueue(t, s, at("o1", "sent", t0.Add(-5*time.Minute)), at("o1", "dead", t0.Add(-4*time.Minute)),
		at("o1", "leased", t0.Add(-3*time.Minute)), at("o1", "lease-expired", t0.Add(-2*time.Minute)),
		at("o1", "lease-ends-now", t0.Add(-time.Minute)))
	finish(t, s, "sent", t0, contacts.NoticeSent, "")
	finish(t, s, "dead", t0, contacts.NoticeDead, "550 no such user")
	claimOne(t, s, "d0", t0, now.Add(time.Microsecond), "leased")
	claimOne(t, s, "d0", t0, now.Add(-time.Microsecond), "lease-expired")
	claimOne(t, s, "d0", t0, now, "lease-ends-now")
	enqueue(t, s, at("o1", "due-before", now.Add(-time.Hour)), at("o1", "due-now", now),
		at("o1", "due-zero", time.Time{}), at("o1", "later", now.Add(time.Microsecond)))

	got := claim(t, s, "d1", now, now.Add(time.Minute), 100)
	assert.Equal(t, []string{"due-zero", "lease-expired", "lease-ends-now", "due-before", "due-now"}, ids(got),
		"the due notices, oldest NextAt first")
	assert.Empty(t, claim(t, s, "d2", now, now.Add(time.Minute), 100), "every due notice is leased now")
}

// claimsOrderAndLimit: a claim returns at most limit notices, the oldest NextAt
// first (whatever the order of their ids); the next claim takes the next oldest.
// A limit of 0 claims nothing.
func claimsOrderAndLimit(t *testing.T, s contacts.Store) {
	now := t0.Add(time.Hour)
	enqueue(t, s, at("o1", "a", t0.Add(4*time.Minute)), at("o2", "b", t0.Add(2*time.Minute)), at("", "c", t0.Add(5*time.Minute)),
		at("o1", "d", t0), at("o1", "e", t0.Add(3*time.Minute)), at("o2", "f", t0.Add(time.Minute)))
	assert.Empty(t, claim(t, s, "d1", now, now.Add(time.Minute), 0), "limit 0")
	assert.Equal(t, []string{"d", "f"}, ids(claim(t, s, "d1", now, now.Add(time.Minute), 2)))
	assert.Equal(t, []string{"b", "e", "a"}, ids(claim(t, s, "d2", now, now.Add(time.Minute), 3)))
	assert.Equal(t, []string{"c"}, ids(claim(t, s, "d3", now, now.Add(time.Minute), 10)))
	assert.Empty(t, claim(t, s, "d4", now, now.Add(time.Minute), 10))
}

// claimsSetLease: a claimed notice has LeaseOwner and LeaseUntil set, as returned
// and as stored; nothing else changes: a claim is no attempt (StartNotice counts
// one), so a notice claimed and never sent loses none.
func claimsSetLease(t *testing.T, s contacts.Store) {
	n := Notice("o1", "n1")
	n.Attempts, n.LastError = 2, "421 busy" // as a retried notice would be
	enqueue(t, s, n)
	got := claim(t, s, "dispatcher-1", t0, t0.Add(5*time.Minute), 1)
	want := n
	want.LeaseOwner, want.LeaseUntil = "dispatcher-1", t0.Add(5*time.Minute)
	assert.Equal(t, []contacts.Notice{want}, got, "as returned")
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "as stored")
	again := claimOne(t, s, "dispatcher-2", want.LeaseUntil, want.LeaseUntil.Add(time.Minute), "n1")
	assert.Equal(t, 2, again.Attempts, "claimed again once the lease expired, still no attempt")
}

// claimsUnscoped: claims serve every organization and the notices of none.
func claimsUnscoped(t *testing.T, s contacts.Store) {
	enqueue(t, s, at("o2", "n1", t0), at("", "n2", t0.Add(time.Second)), at("o1", "n3", t0.Add(2*time.Second)))
	got := claim(t, s, "d1", t0.Add(time.Minute), t0.Add(time.Hour), 10)
	require.Equal(t, []string{"n1", "n2", "n3"}, ids(got))
	assert.Equal(t, []string{"o2", "", "o1"}, []string{got[0].OrgID, got[1].OrgID, got[2].OrgID})
}

// claimsLeased: a leased notice is not claimed again while its lease lasts, even
// by its owner, and is claimed once LeaseUntil is at or before now.
func claimsLeased(t *testing.T, s contacts.Store) {
	enqueue(t, s, Notice("o1", "n1"))
	until := t0.Add(5 * time.Minute)
	claimOne(t, s, "d1", t0, until, "n1")
	for _, now := range []time.Time{t0, until.Add(-time.Microsecond)} {
		assert.Empty(t, claim(t, s, "d2", now, now.Add(time.Minute), 10), "another owner at %v", now)
		assert.Empty(t, claim(t, s, "d1", now, now.Add(time.Minute), 10), "the owner at %v", now)
	}
	got := claimOne(t, s, "d2", until, until.Add(time.Minute), "n1")
	assert.Equal(t, "d2", got.LeaseOwner)
	assert.Equal(t, until.Add(time.Minute), got.LeaseUntil)
	assert.Zero(t, got.Attempts, "claims are no attempts")
}

// claimsExpiredLease: once a lease expires another owner may claim the notice;
// the attempt started under the first lease still counts (its send may have
// arrived); the first owner has lost the lease: its FinishNotice and StartNotice
// are ErrConflict and change nothing, and the new owner's succeed.
func claimsExpiredLease(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"))
	first := start(t, s, claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1"), "d1")
	second := claimOne(t, s, "d2", t0.Add(2*time.Minute), t0.Add(3*time.Minute), "n1")
	assert.Equal(t, 1, second.Attempts, "the attempt started under the lost lease counts")
	stored := getNotice(t, s, "o1", "n1")
	assert.Equal(t, second, stored)

	first.State, first.SentAt = contacts.NoticeSent, t0.Add(time.Minute)
	errIs(t, s.FinishNotice(ctx, first, "d1"), contacts.ErrConflict, "the first owner's finish after losing the lease")
	assert.Equal(t, stored, getNotice(t, s, "o1", "n1"), "the lost finish changed nothing")
	first.State, first.SentAt, first.Attempts = contacts.NoticeQueued, time.Time{}, second.Attempts
	errIs(t, s.StartNotice(ctx, first, "d1"), contacts.ErrConflict, "the first owner's start after losing the lease")
	assert.Equal(t, stored, getNotice(t, s, "o1", "n1"), "the lost start changed nothing")
	stale := second
	stale.LeaseUntil, stale.State = first.LeaseUntil, contacts.NoticeDead
	errIs(t, s.FinishNotice(ctx, stale, "d2"), contacts.ErrConflict, "the new owner with the old lease")
	errIs(t, s.StartNotice(ctx, stale, "d2"), contacts.ErrConflict, "the new owner's start with the old lease")
	assert.Equal(t, stored, getNotice(t, s, "o1", "n1"))

	second = start(t, s, second, "d2")
	assert.Equal(t, 2, getNotice(t, s, "o1", "n1").Attempts)

	second.State, second.SentAt = contacts.NoticeSent, t0.Add(3*time.Minute)
	must(t, s.FinishNotice(ctx, second, "d2"))
	assert.Equal(t, contacts.NoticeSent, getNotice(t, s, "o1", "n1").State)
}

// claimsSameOwnerReclaim: an owner whose lease expired and who claimed the notice
// again holds only the new claim (its later LeaseUntil names it, the attempts
// being the same): starting an attempt under the old one, or finishing it, is
// ErrConflict, before and after an attempt started under the new one.
func claimsSameOwnerReclaim(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, Notice("o1", "n1"))
	old := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	cur := claimOne(t, s, "d1", t0.Add(time.Minute), t0.Add(2*time.Minute), "n1")
	require.Equal(t, old.Attempts, cur.Attempts, "a claim is no attempt")
	require.True(t, cur.LeaseUntil.After(old.LeaseUntil))
	errIs(t, s.StartNotice(ctx, old, "d1"), contacts.ErrConflict, "a start under the old claim")
	old.State, old.LastError, old.NextAt = contacts.NoticeQueued, "timeout", t0.Add(time.Hour)
	errIs(t, s.FinishNotice(ctx, old, "d1"), contacts.ErrConflict, "a finish under the old claim")
	assert.Equal(t, cur, getNotice(t, s, "o1", "n1"))
	cur = start(t, s, cur, "d1")
	old.Attempts = cur.Attempts
	errIs(t, s.FinishNotice(ctx, old, "d1"), contacts.ErrConflict, "a finish under the old claim, with the new attempt")
	assert.Equal(t, cur, getNotice(t, s, "o1", "n1"))
	cur.State, cur.SentAt = contacts.NoticeSent, t0.Add(time.Minute)
	must(t, s.FinishNotice(ctx, cur, "d1"))
}

// claimsConcurrent: dispatchers claiming at once, alone or inside transactions,
// until nothing is left: no notice is claimed twice and every due notice is
// claimed, with no attempt counted.
func claimsConcurrent(t *testing.T, s contacts.Store) {
	const due, claimers, limit = 60, 12, 4
	var ns []contacts.Notice
	for i := range due {
		ns = append(ns, at(fmt.Sprintf("o%d", i%3), fmt.Sprintf("n%03d", i), t0.Add(time.Duration(i%7)*time.Second)))
	}
	ns = append(ns, at("o1", "later", t0.Add(time.Hour)))
	enqueue(t, s, ns...)
	now := t0.Add(time.Minute)
	var mu sync.Mutex
	claimed := map[string][]string{} // notice id → owners
	errs := storetest.Concurrently(claimers, func(i int) error {
		owner := fmt.Sprintf("d%02d", i)
		for {
			var got []contacts.Notice
			claimOnce := func(ctx context.Context) error {
				var err error
				got, err = s.ClaimNotices(ctx, owner, now, now.Add(time.Hour), limit)
				return err
			}
			var err error
			if i%2 == 0 {
				err = claimOnce(t.Context())
			} else {
				err = s.InTx(t.Context(), claimOnce)
			}
			if err != nil {
				return err
			}
			if len(got) == 0 {
				return nil
			}
			if len(got) > limit {
				return fmt.Errorf("%s got %d notices, more than the limit", owner, len(got))
			}
			mu.Lock()
			for _, n := range got {
				claimed[n.ID] = append(claimed[n.ID], owner)
				if n.LeaseOwner != owner || n.Attempts != 0 {
					mu.Unlock()
					return fmt.Errorf("%s claimed %q with owner %q, attempt %d", owner, n.ID, n.LeaseOwner, n.Attempts)
				}
			}
			mu.Unlock()
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "claimer %d", i)
	}
	for id, owners := range claimed {
		assert.Len(t, owners, 1, "notice %q was claimed by %v", id, owners)
	}
	want := ids(ns[:due])
	assert.Equal(t, want, slices.Sorted(maps.Keys(claimed)), "every due notice is claimed, and nothing else")
}
