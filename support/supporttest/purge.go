package supporttest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// purgeCases check retention (P-5): cases created before a cutoff are deleted
// with their replies, in batches, oldest first, in every organization.
func purgeCases() []storeCase {
	return []storeCase{
		{"Purge/DeletesCasesCreatedBeforeCutoffWithTheirReplies_P5", purgeDeletes},
		{"Purge/OldestFirstUpToLimitInBatches_P5", purgeBatches},
		{"Purge/CutoffIsExclusiveAtMicroseconds_P5", purgeCutoff},
		{"Purge/LimitBelowOneIsErrInvalid", purgeBadLimit},
		{"Purge/ConcurrentPurgesReportEachCaseOnce_P5", purgeConcurrent},
	}
}

// purgeDeletes: PurgeCases deletes every case created before the cutoff, of
// every organization, and their replies, and returns their ids, oldest first; a
// second call returns none; cases created at or after the cutoff, and their
// replies, are kept. A purged case is gone for every call: GetCase, ListCases,
// ListReplies, UpdateCase and AddReply answer ErrNotFound, and its id and its
// replies' ids are free again.
func purgeDeletes(t *testing.T, s support.Store) {
	cutoff := t0.AddDate(-1, 0, 0)
	old1 := Case("o1", acct1, "old-1", cutoff.Add(-48*time.Hour))
	old2 := Case("o2", acct1, "old-2", cutoff.Add(-time.Hour))
	keep := Case("o1", acct1, "keep", cutoff.Add(time.Hour))
	for _, c := range []support.Case{keep, old2, old1} {
		createCase(t, s, c)
	}
	addReply(t, s, Reply("o1", "old-1", "r1", cutoff.Add(time.Hour))) // a reply after the cutoff goes with its case
	addReply(t, s, Reply("o2", "old-2", "r2", cutoff.Add(-time.Minute)))
	addReply(t, s, Reply("o1", "keep", "r3", cutoff.Add(2*time.Hour)))

	assert.Equal(t, []string{"old-1", "old-2"}, purge(t, s, cutoff, 10))
	assert.Nil(t, purge(t, s, cutoff, 10), "a purged case is not reported again")

	assert.Equal(t, []string{"keep"}, caseIDs(cases(t, s, support.CaseFilter{})))
	assert.Equal(t, []string{"r3"}, replyIDs(replies(t, s, "o1", "keep")))
	for _, c := range []support.Case{old1, old2} {
		_, err := s.GetCase(t.Context(), "", c.ID)
		errIs(t, err, support.ErrNotFound, "GetCase %s", c.ID)
		_, err = s.ListReplies(t.Context(), "", c.ID)
		errIs(t, err, support.ErrNotFound, "ListReplies %s", c.ID)
		u := saved(c, 1)
		errIs(t, s.UpdateCase(t.Context(), u), support.ErrNotFound, "UpdateCase %s", c.ID)
		errIs(t, s.AddReply(t.Context(), Reply(c.OrgID, c.ID, "r9", t0)), support.ErrNotFound, "AddReply %s", c.ID)
	}
	createCase(t, s, Case("o2", acct2, "old-2", t0))
	addReply(t, s, Reply("o2", "old-2", "r2", t0))
	assert.Equal(t, []string{"r2"}, replyIDs(replies(t, s, "o2", "old-2")))
}

// purgeBatches: with limit n, PurgeCases deletes the n oldest cases created
// before the cutoff (by CreatedAt, then the smaller id first) and returns their
// ids in that order; calls repeated until one returns none delete every one.
func purgeBatches(t *testing.T, s support.Store) {
	cutoff := t0
	var want []string
	for i := range 7 {
		at := cutoff.Add(-time.Duration(7-i) * time.Hour)
		for _, id := range []string{fmt.Sprintf("b%d", i), fmt.Sprintf("a%d", i)} {
			createCase(t, s, Case(fmt.Sprint("o", i%3), acct1, id, at))
		}
		want = append(want, fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i))
	}
	createCase(t, s, Case("o1", acct1, "new", cutoff))
	var got []string
	for i := 0; ; i++ {
		require.Less(t, i, 20, "the purge never ended")
		ids := purge(t, s, cutoff, 3)
		require.LessOrEqual(t, len(ids), 3)
		if len(ids) == 0 {
			break
		}
		if len(got)+3 <= len(want) {
			require.Len(t, ids, 3, "a batch short of the limit while cases remain")
		}
		got = append(got, ids...)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, []string{"new"}, caseIDs(cases(t, s, support.CaseFilter{})))
}

// purgeCutoff: a case created exactly at the cutoff is kept, one a microsecond
// before is purged; the cutoff is compared as an instant (any zone) at
// microsecond precision (its nanoseconds dropped, as stores keep times).
func purgeCutoff(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "at", t0))
	createCase(t, s, Case("o1", acct1, "before", t0.Add(-time.Microsecond)))
	zero := Case("o1", acct1, "zero", time.Time{})
	createCase(t, s, zero)
	assert.Nil(t, purge(t, s, time.Time{}, 10), "nothing was created before the zero time")
	assert.Equal(t, []string{"zero"}, purge(t, s, t0.Add(-time.Microsecond).Add(999*time.Nanosecond), 10),
		"a case with a zero CreatedAt is the oldest; one created at the cutoff (to the microsecond) is kept")
	assert.Equal(t, []string{"before"}, purge(t, s, storetest.Local(t0), 10))
	assert.Equal(t, []string{"at"}, caseIDs(cases(t, s, support.CaseFilter{})))
}

// purgeBadLimit: a limit below 1 is ErrInvalid and deletes nothing (a purge
// that can never delete is a caller's bug, not "nothing left").
func purgeBadLimit(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "old", t0))
	for _, limit := range []int{0, -1} {
		ids, err := s.PurgeCases(t.Context(), t0.Add(time.Hour), limit)
		errIs(t, err, support.ErrInvalid, "limit %d", limit)
		assert.Empty(t, ids)
	}
	assert.Equal(t, []string{"old"}, caseIDs(cases(t, s, support.CaseFilter{})))
}

// purgeConcurrent: purges running at once report every old case exactly once
// between them, and delete them all.
func purgeConcurrent(t *testing.T, s support.Store) {
	var want []string
	must(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for i := range 30 {
			id := fmt.Sprintf("c%02d", i)
			want = append(want, id)
			if err := s.CreateCase(ctx, Case("o1", acct1, id, t0.Add(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
			if err := s.AddReply(ctx, Reply("o1", id, "r"+id, t0)); err != nil {
				return err
			}
		}
		return nil
	}))
	ids := make([][]string, 4)
	errs := storetest.Concurrently(len(ids), func(i int) error {
		for {
			got, err := s.PurgeCases(t.Context(), t0.Add(time.Hour), 4)
			if err != nil || len(got) == 0 {
				return err
			}
			ids[i] = append(ids[i], got...)
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "purger %d", i)
	}
	all := slices.Concat(ids...)
	slices.Sort(all)
	assert.Equal(t, want, all, "every case once")
	assert.Empty(t, cases(t, s, support.CaseFilter{}))
}
