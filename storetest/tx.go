package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TxStore is a store whose transactions travel in the context: every call made
// with the context fn gets is part of the transaction, and InTx returns fn's error
// unchanged after undoing every write made in it.
type TxStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// errRollback is what the checks' transactions fail with.
var errRollback = errors.New("storetest: rollback")

// Tx is what the transaction checks every suite makes need of its store S: a
// fixture, a dump of every record, and one write with every writing method.
type Tx[S TxStore] struct {
	// Seed writes the suite's fixture into a fresh store.
	Seed func(t *testing.T, s S)
	// Dump returns every record of s as seen with ctx (inside a transaction, its
	// uncommitted writes too), keyed by what each holds, for SameDump.
	Dump func(ctx context.Context, t *testing.T, s S) map[string]any
	// Write makes one write with every writing method of S on the fixture and
	// returns the first error.
	Write func(ctx context.Context, s S) error
	// Check requires d, a dump, to be before with every write of Write.
	Check func(t *testing.T, before, d map[string]any)
}

// seeded seeds s and returns its dump.
func (x Tx[S]) seeded(t *testing.T, s S) map[string]any {
	t.Helper()
	x.Seed(t, s)
	return x.Dump(t.Context(), t, s)
}

// CheckCommit: every write of a transaction whose fn returns nil is kept.
func (x Tx[S]) CheckCommit(t *testing.T, s S) {
	before := x.seeded(t, s)
	Must(t, s.InTx(t.Context(), func(ctx context.Context) error { return x.Write(ctx, s) }))
	x.Check(t, before, x.Dump(t.Context(), t, s))
}

// CheckRollback: a transaction that writes with every method, then fails, keeps
// none of it, InTx returns fn's error unchanged, and every write can be made
// again.
func (x Tx[S]) CheckRollback(t *testing.T, s S) {
	before := x.seeded(t, s)
	wrapped := fmt.Errorf("wrapped: %w", errRollback)
	err := s.InTx(t.Context(), func(ctx context.Context) error {
		require.NoError(t, x.Write(ctx, s))
		return wrapped
	})
	assert.Same(t, wrapped, err, "InTx returns fn's error unchanged")
	SameDump(t, before, x.Dump(t.Context(), t, s), "nothing of the failed transaction is kept")
	Must(t, x.Write(t.Context(), s))
	x.Check(t, before, x.Dump(t.Context(), t, s))
}

// CheckReadsSeeWrites: every read made with the transaction's context sees its
// writes (the dump, and whatever more reads holds: calls made with ctx that must
// see them), and once fn fails none is kept.
func (x Tx[S]) CheckReadsSeeWrites(t *testing.T, s S, reads func(ctx context.Context)) {
	before := x.seeded(t, s)
	err := s.InTx(t.Context(), func(ctx context.Context) error {
		require.NoError(t, x.Write(ctx, s))
		x.Check(t, before, x.Dump(ctx, t, s))
		reads(ctx)
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	SameDump(t, before, x.Dump(t.Context(), t, s), "nothing of the failed transaction is kept")
}

// CheckFailedCalls: fail, which makes calls the contract refuses (each checked by
// fail itself), changes nothing, alone or inside a transaction that goes on and
// commits.
func (x Tx[S]) CheckFailedCalls(t *testing.T, s S, fail func(ctx context.Context)) {
	before := x.seeded(t, s)
	fail(t.Context())
	SameDump(t, before, x.Dump(t.Context(), t, s), "failed calls change nothing")
	Must(t, s.InTx(t.Context(), func(ctx context.Context) error {
		fail(ctx)
		return nil
	}))
	SameDump(t, before, x.Dump(t.Context(), t, s), "failed calls inside a transaction that commits change nothing")
}

// CheckCancelled: a transaction whose context is cancelled before it starts
// writes nothing (Write, called in it) and fails with the context's error and none
// of sentinels: a caller that gave up is none of the contract's outcomes.
func (x Tx[S]) CheckCancelled(t *testing.T, s S, sentinels Sentinels) {
	before := x.seeded(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.InTx(ctx, func(ctx context.Context) error { return x.Write(ctx, s) })
	sentinels.Is(t, err, context.Canceled, "a cancelled transaction")
	SameDump(t, before, x.Dump(t.Context(), t, s), "a cancelled transaction writes nothing")
}
