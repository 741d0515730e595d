package supporttest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// txCases check the transactions that travel in the context (Store.InTx) and the
// atomicity of every failing call.
func txCases() []storeCase {
	return []storeCase{
		{"Tx/CommitKeepsEverything", tx.CheckCommit},
		{"Tx/ReadsSeeUncommittedWrites", txReadsSeeWrites},
		{"Tx/RollbackKeepsNothing", tx.CheckRollback},
		{"Tx/NestedFailureUndoesOnlyItsWrites", txNestedFailure},
		{"Tx/CancelledContextWritesNothing", func(t *testing.T, s support.Store) { tx.CheckCancelled(t, s, sentinels) }},
		{"Atomic/FailedCallsChangeNothing", atomicFailedCalls},
	}
}

// tx is the suite's store for storetest's transaction checks: the seed fixture,
// its dump, and writeEverything with its checkEverything.
var tx = storetest.Tx[support.Store]{Seed: seed, Dump: dumpIn, Write: writeEverything, Check: checkEverything}

// The writes of writeEverything.
var (
	txC4 = func() support.Case {
		c := Case("o2", acct2, "c4", t0.Add(3*time.Hour))
		c.State = support.Closed
		return c
	}()
	txC1 = func() support.Case {
		c := saved(fixC1, 2)
		c.Severity, c.State, c.Assignee, c.UpdatedAt = support.Critical, support.Resolved, "op-9", t0.Add(5*time.Hour)
		c.ResolvedAt = t0.Add(5 * time.Hour)
		return c
	}()
	txR4 = Reply("o2", "c4", "r4", t0.Add(4*time.Hour))
	txR5 = Reply("o1", "c2", "r5", t0.Add(4*time.Hour))
)

// writeEverything makes one write with every writing method on the seed fixture
// and returns the first error: a case created, one updated, replies added to the
// new case and to an old one, and the old case c0 purged.
func writeEverything(ctx context.Context, s support.Store) error {
	if err := s.CreateCase(ctx, txC4); err != nil {
		return err
	}
	if err := s.UpdateCase(ctx, txC1); err != nil {
		return err
	}
	for _, r := range []support.Reply{txR4, txR5} {
		if err := s.AddReply(ctx, r); err != nil {
			return err
		}
	}
	ids, err := s.PurgeCases(ctx, fixCutoff, 10)
	if err != nil {
		return err
	}
	if len(ids) != 1 || ids[0] != "c0" {
		return fmt.Errorf("purged %q, want [c0]", ids)
	}
	return nil
}

// checkEverything requires d, a dump, to be before with every write of
// writeEverything.
func checkEverything(t *testing.T, before, d map[string]any) {
	t.Helper()
	want := maps.Clone(before)
	delete(want, "case/c0")
	delete(want, "replies/c0")
	want["case/c1"] = saved(txC1, 3)
	want["case/c4"] = saved(txC4, 1)
	want["replies/c4"] = []support.Reply{txR4}
	want["replies/c2"] = append(before["replies/c2"].([]support.Reply), txR5)
	want["list//"] = []string{"c4", "c3", "c2", "c1"}
	want["list/o2/"] = []string{"c4", "c3"}
	want["list/o2/closed,"] = []string{"c4"}
	storetest.SameDump(t, want, d, "every write of the transaction")
}

// txReadsSeeWrites: every read made with the transaction's context sees its
// writes; once fn fails none is kept.
func txReadsSeeWrites(t *testing.T, s support.Store) {
	tx.CheckReadsSeeWrites(t, s, func(ctx context.Context) {
		errIs(t, s.CreateCase(ctx, txC4), support.ErrAlreadyExists, "the transaction's case holds its id")
		errIs(t, s.UpdateCase(ctx, txC1), support.ErrConflict, "the transaction's version is stored")
		errIs(t, s.AddReply(ctx, txR5), support.ErrAlreadyExists, "the transaction's reply holds its id")
		errIs(t, s.AddReply(ctx, Reply("o2", "c0", "r9", t0)), support.ErrNotFound, "the transaction purged c0")
		ids, err := s.PurgeCases(ctx, fixCutoff, 10)
		require.NoError(t, err)
		assert.Empty(t, ids, "the transaction purged c0 already")
	})
}

// txNestedFailure: a nested InTx that fails undoes its own writes only, and the
// outer transaction commits the rest.
func txNestedFailure(t *testing.T, s support.Store) {
	ctx := t.Context()
	seed(t, s)
	before := dump(t, s)
	outer := Reply("o2", "c3", "outer", t0.Add(5*time.Hour))
	want := maps.Clone(before)
	want["replies/c3"] = append(before["replies/c3"].([]support.Reply), outer)
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.AddReply(ctx, outer))
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, writeEverything(ctx, s))
			return inner
		})
		assert.Same(t, inner, err, "the inner InTx returns its fn's error unchanged")
		storetest.SameDump(t, want, dumpIn(ctx, t, s), "the inner writes are undone, the outer one kept")
		return nil
	}))
	storetest.SameDump(t, want, dump(t, s))
}

// atomicFailedCalls: every call the contract refuses changes nothing, alone or
// inside a transaction that goes on and commits.
func atomicFailedCalls(t *testing.T, s support.Store) {
	tx.CheckFailedCalls(t, s, func(ctx context.Context) {
		errIs(t, s.CreateCase(ctx, Case("o1", acct1, "c3", t0)), support.ErrAlreadyExists, "case id taken")
		stale := saved(fixC1, 1)
		stale.Subject = "stale"
		errIs(t, s.UpdateCase(ctx, stale), support.ErrConflict, "stale case")
		foreign := saved(fixC3, 1)
		foreign.OrgID, foreign.Subject = "o1", "foreign"
		errIs(t, s.UpdateCase(ctx, foreign), support.ErrNotFound, "another organization's case")
		errIs(t, s.AddReply(ctx, Reply("o1", "c9", "r9", t0)), support.ErrNotFound, "reply to no case")
		errIs(t, s.AddReply(ctx, Reply("o1", "c3", "r9", t0)), support.ErrNotFound, "reply to another organization's case")
		errIs(t, s.AddReply(ctx, Reply("o1", "c1", "r3", t0)), support.ErrAlreadyExists, "reply id taken")
		_, err := s.PurgeCases(ctx, fixCutoff, 0)
		errIs(t, err, support.ErrInvalid, "purge of no case")
		ids, err := s.PurgeCases(ctx, fixOld.CreatedAt, 10)
		require.NoError(t, err)
		assert.Empty(t, ids, "nothing older than the oldest case")
	})
}
