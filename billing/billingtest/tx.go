package billingtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
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
		{"Tx/CancelledContextWritesNothing", func(t *testing.T, s billing.Store) { tx.CheckCancelled(t, s, sentinels) }},
		{"Atomic/FailedCallsChangeNothing", atomicFailedCalls},
	}
}

// tx is the suite's store for storetest's transaction checks: the seed fixture,
// its dump, and writeEverything with its checkEverything.
var tx = storetest.Tx[billing.Store]{Seed: seed, Dump: dumpIn, Write: writeEverything, Check: checkEverything}

// The writes of writeEverything.
var (
	txV3 = sketched(CostData(Report(payer1, may, "v3", fixV2.GeneratedAt.Add(time.Hour)), Group(payer1, "AmazonS3", "Usage", "3")),
		sketchOf("txV3", "txV3", 100))
	txJun = CostData(Report(payer2, jun, "j1", t0), Group(payer2, "AmazonEC2", "Usage", "1"))
	txDoc = Document("o1", "p1", "d3", jun)
)

// writeEverything makes one write with every writing method on the seed fixture
// and returns the first error: a restatement and a new month, a document, an
// alarm created, one updated, one deleted, and a firing.
func writeEverything(ctx context.Context, s billing.Store) error {
	for _, d := range []billing.CostData{txV3, txJun} {
		if got, err := s.PutCostData(ctx, d); err != nil || got != billing.Stored {
			return fmt.Errorf("put %s: %v %w", d.Version, got, err)
		}
	}
	if _, ok, err := s.IssueDocument(ctx, txDoc); err != nil || !ok {
		return fmt.Errorf("issue: %v %w", ok, err)
	}
	if err := s.CreateAlarm(ctx, Alarm("o1", "210987654321", "a3")); err != nil {
		return err
	}
	a, err := s.GetAlarm(ctx, "o1", "a1")
	if err != nil {
		return err
	}
	a.Name = "updated"
	if err := s.UpdateAlarm(ctx, a); err != nil {
		return err
	}
	if err := s.DeleteAlarm(ctx, "o2", "a2"); err != nil {
		return err
	}
	if ok, err := s.RecordFiring(ctx, Firing("o1", "a1", jun)); err != nil || !ok {
		return fmt.Errorf("firing: %v %w", ok, err)
	}
	return nil
}

// checkEverything requires d, a dump, to hold every write of writeEverything.
func checkEverything(t *testing.T, before, d map[string]any) {
	t.Helper()
	assert.Equal(t, classified(slices.Concat(txV3.Groups, fixP2.Groups)...), d["groups/2026-05"])
	assert.Equal(t, headers(txV3)[0], d["report/2026-05/"+payer1], "the restatement is current, its sketch with it")
	assert.Equal(t, histHeaders(fixV1, fixV2, txV3), d["history/2026-05/"+payer1])
	assert.Equal(t, headers(txJun)[0], d["report/2026-06/"+payer2])
	assert.Equal(t, canonDocument(issued(txDoc, 3)), d["document/d3"], "the third number of the series")
	assert.Equal(t, canonAlarm(created(Alarm("o1", "210987654321", "a3"))), d["alarm/a3"])
	assert.Equal(t, "updated", d["alarm/a1"].(billing.Alarm).Name)
	assert.NotContains(t, d, "alarm/a2")
	assert.Equal(t, canonFirings([]billing.AlarmFiring{Firing("o1", "a1", jun), Firing("o1", "a1", may)}), d["firings/a1"])
	assert.Len(t, d, len(before)+4) // history and report of June, a3, d3; a2 gone, groups of June
}

// txReadsSeeWrites: every read made with the transaction's context sees its
// writes; once fn fails none is kept.
func txReadsSeeWrites(t *testing.T, s billing.Store) {
	tx.CheckReadsSeeWrites(t, s, func(ctx context.Context) {
		d, err := s.DocumentByKey(ctx, txDoc.Key)
		require.NoError(t, err)
		assert.Equal(t, "d3", d.ID)
		_, ok, err := s.IssueDocument(ctx, Document("o1", "p1", "other", jun))
		require.NoError(t, err)
		assert.False(t, ok, "the transaction's document holds its key")
		ok, err = s.RecordFiring(ctx, Firing("o1", "a1", jun))
		require.NoError(t, err)
		assert.False(t, ok, "the transaction's firing holds its month")
		got, err := s.PutCostData(ctx, txV3)
		require.NoError(t, err)
		assert.Equal(t, billing.Unchanged, got, "the transaction's version is stored")
	})
}

// txNestedFailure: a nested InTx that fails undoes its own writes only, and the
// outer transaction commits the rest.
func txNestedFailure(t *testing.T, s billing.Store) {
	ctx := t.Context()
	seed(t, s)
	before := dump(t, s)
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreateAlarm(ctx, Alarm("o1", "210987654321", "outer")))
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, writeEverything(ctx, s))
			return inner
		})
		assert.Same(t, inner, err, "the inner InTx returns its fn's error unchanged")
		storetest.SameDump(t, with(before, "alarm/outer", canonAlarm(created(Alarm("o1", "210987654321", "outer")))), dumpIn(ctx, t, s),
			"the inner writes are undone, the outer one kept")
		return nil
	}))
	storetest.SameDump(t, with(before, "alarm/outer", canonAlarm(created(Alarm("o1", "210987654321", "outer")))), dump(t, s))
}

// with returns a copy of m with k set to v.
func with(m map[string]any, k string, v any) map[string]any {
	out := maps.Clone(m)
	out[k] = v
	return out
}

// atomicFailedCalls: every call the contract refuses changes nothing, alone or
// inside a transaction that goes on and commits.
func atomicFailedCalls(t *testing.T, s billing.Store) {
	tx.CheckFailedCalls(t, s, func(ctx context.Context) {
		_, err := s.PutCostData(ctx, fixV1)
		errIs(t, err, billing.ErrStaleReport, "superseded version")
		_, err = s.PutCostData(ctx, CostData(Report(payer1, may, "v9", t0.Add(-time.Hour)), Group(payer1, "AmazonS3", "Usage", "1")))
		errIs(t, err, billing.ErrStaleReport, "older version")
		_, _, err = s.IssueDocument(ctx, Document("o1", "p7", "d1", jun))
		errIs(t, err, billing.ErrAlreadyExists, "document id under another key")
		errIs(t, s.CreateAlarm(ctx, Alarm("o1", "999999999999", "a2")), billing.ErrAlreadyExists, "alarm id taken")
		stale := created(Alarm("o1", "123456789012", "a1"))
		stale.Version, stale.Name = 9, "stale"
		errIs(t, s.UpdateAlarm(ctx, stale), billing.ErrConflict, "stale alarm")
		stale.OrgID, stale.Version = "o2", 1
		errIs(t, s.UpdateAlarm(ctx, stale), billing.ErrNotFound, "another org's alarm")
		errIs(t, s.DeleteAlarm(ctx, "o2", "a1"), billing.ErrNotFound, "another org's alarm")
		_, err = s.RecordFiring(ctx, Firing("o1", "missing", may))
		errIs(t, err, billing.ErrNotFound, "firing of no alarm")
	})
	assert.Equal(t, int64(3), issue(t, s, Document("o1", "p7", "d7", jun)).Seq, "no number was used")
}
