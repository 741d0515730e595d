package securitytest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// txCases check the transactions that travel in the context (Store.InTx) and the
// atomicity of every failing call.
func txCases() []storeCase {
	return []storeCase{
		{"Tx/CommitKeepsEverything", tx.CheckCommit},
		{"Tx/ReadsSeeUncommittedWrites", txReadsSeeWrites},
		{"Tx/RollbackKeepsNothing", tx.CheckRollback},
		{"Tx/NestedFailureUndoesOnlyItsWrites", txNestedFailure},
		{"Tx/CancelledContextWritesNothing", func(t *testing.T, s security.Store) { tx.CheckCancelled(t, s, sentinels) }},
		{"Atomic/FailedCallsChangeNothing", atomicFailedCalls},
	}
}

// tx is the suite's store for storetest's transaction checks: the seed fixture,
// its dump, and writeEverything with its checkEverything.
var tx = storetest.Tx[security.Store]{Seed: seed, Dump: dumpIn, Write: writeEverything, Check: checkEverything}

// The writes of writeEverything.
var (
	txSettings1 = func() security.Settings {
		st := Settings("o1", acct1)
		st.Version, st.Profile, st.UpdatedBy, st.UpdatedAt = 2, security.Basic, "tx", t0.Add(time.Hour)
		return st
	}()
	txSettings3 = Settings("o2", acct3)
	txR3        = Run("r3", t0.Add(48*time.Hour))
	txItemR2    = func() security.Item {
		it := Item("r2", "o1", acct1, security.EBSDefaultEncryption, "us-east-1")
		it.Action, it.Error = security.ActionFailed, "throttled"
		return it
	}()
	txItemR3 = Item("r3", "o2", acct3, security.S3PublicAccessBlock, "")
	txAlert  = Alert("o1", acct1, "al3", t0.Add(time.Hour))
)

// writeEverything makes one write with every writing method on the seed fixture
// and returns the first error: settings updated and created (with their changes),
// a run created and claimed, one finished, an item replaced and one added, an
// initial control marked and an alert stored.
func writeEverything(ctx context.Context, s security.Store) error {
	for _, st := range []security.Settings{txSettings1, txSettings3} {
		if err := s.PutSettings(ctx, st, Change(st, "tx")); err != nil {
			return fmt.Errorf("settings of %s: %w", st.AccountID, err)
		}
	}
	if err := s.CreateRun(ctx, txR3); err != nil {
		return err
	}
	if ok, err := s.ClaimRun(ctx, "r3", "tx", t0, t0.Add(time.Hour)); err != nil || !ok {
		return fmt.Errorf("claim: %v %w", ok, err)
	}
	if err := s.FinishRun(ctx, Finished(fixR2)); err != nil {
		return err
	}
	for _, it := range []security.Item{txItemR2, txItemR3} {
		if err := s.PutItem(ctx, it); err != nil {
			return err
		}
	}
	if err := s.MarkInitialized(ctx, acct3, security.S3PublicAccessBlock, "", t0); err != nil {
		return err
	}
	if ok, err := s.PutAlert(ctx, txAlert); err != nil || !ok {
		return fmt.Errorf("alert: %v %w", ok, err)
	}
	return nil
}

// checkEverything requires d, a dump, to be before with every write of
// writeEverything.
func checkEverything(t *testing.T, before, d map[string]any) {
	t.Helper()
	want := maps.Clone(before)
	want["settings/o1/"+acct1] = saved(txSettings1, 3)
	want["changes/o1/"+acct1] = append([]security.Change{canonChange(Change(txSettings1, "tx"))}, before["changes/o1/"+acct1].([]security.Change)...)
	want["settings/o2/"+acct3] = saved(txSettings3, 1)
	want["changes/o2/"+acct3] = []security.Change{canonChange(Change(txSettings3, "tx"))}
	want["run/r2"] = canonRun(Finished(fixR2))
	want["run/r3"] = canonRun(Leased(txR3, "tx", t0.Add(time.Hour)))
	want["unfinished"] = "r3"
	want["items/r2"] = []security.Item{txItemR2}
	want["items/r3"] = []security.Item{txItemR3}
	want["last/o2/"+acct3] = fmt.Sprintf("r3: %q", []string{acct3 + "/s3-account-public-access-block/"})
	want["initialized/"+acct3+"/s3-account-public-access-block/"] = true
	want["alerts/o1"] = []security.Alert{txAlert, Alert("o1", acct1, "al1", t0)}
	storetest.SameDump(t, want, d, "every write of the transaction")
}

// txReadsSeeWrites: every read made with the transaction's context sees its
// writes; once fn fails none is kept.
func txReadsSeeWrites(t *testing.T, s security.Store) {
	tx.CheckReadsSeeWrites(t, s, func(ctx context.Context) {
		ok, err := s.PutAlert(ctx, txAlert)
		require.NoError(t, err)
		assert.False(t, ok, "the transaction's alert holds its id")
		errIs(t, s.CreateRun(ctx, txR3), security.ErrAlreadyExists, "the transaction's run holds its id")
		errIs(t, s.PutSettings(ctx, txSettings1, Change(txSettings1, "tx")), security.ErrConflict, "the transaction's version is stored")
	})
}

// txNestedFailure: a nested InTx that fails undoes its own writes only, and the
// outer transaction commits the rest.
func txNestedFailure(t *testing.T, s security.Store) {
	ctx := t.Context()
	seed(t, s)
	before := dump(t, s)
	outer := Alert("o2", acct2, "outer", t0.Add(time.Minute))
	want := maps.Clone(before)
	want["alerts/o2"] = []security.Alert{outer, Alert("o2", acct2, "al2", t0)}
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		ok, err := s.PutAlert(ctx, outer)
		require.NoError(t, err)
		require.True(t, ok)
		err = s.InTx(ctx, func(ctx context.Context) error {
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
func atomicFailedCalls(t *testing.T, s security.Store) {
	tx.CheckFailedCalls(t, s, func(ctx context.Context) {
		stale := Settings("o1", acct1)
		stale.Version = 1
		errIs(t, s.PutSettings(ctx, stale, Change(stale, "stale")), security.ErrConflict, "stale settings")
		stale.Version = 0
		errIs(t, s.PutSettings(ctx, stale, Change(stale, "stale")), security.ErrConflict, "settings created twice")
		other := Settings("o1", acct3)
		errIs(t, s.PutSettings(ctx, other, Change(Settings("o2", acct3), "x")), security.ErrInvalid, "a change of another org")
		errIs(t, s.CreateRun(ctx, Run("r1", t0.Add(time.Hour))), security.ErrAlreadyExists, "run id taken")
		errIs(t, s.FinishRun(ctx, Finished(Run("r9", t0))), security.ErrNotFound, "finish of no run")
		errIs(t, s.PutItem(ctx, Item("r9", "o1", acct1, security.GuardDuty, "us-east-1")), security.ErrNotFound, "item of no run")
		_, err := s.ClaimRun(ctx, "r9", "x", t0, t0.Add(time.Hour))
		errIs(t, err, security.ErrNotFound, "claim of no run")
		ok, err := s.ClaimRun(ctx, "r1", "x", t0.Add(time.Hour), t0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.False(t, ok, "claim of a finished run")
		ok, err = s.PutAlert(ctx, Alert("o2", acct2, "al1", t0.Add(time.Hour)))
		require.NoError(t, err)
		assert.False(t, ok, "alert id taken")
		require.NoError(t, s.MarkInitialized(ctx, acct1, security.EBSDefaultEncryption, "ap-northeast-1", t0.Add(time.Hour)))
	})
}
