package memdb_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/memdb"
)

type row struct {
	ID   string
	Tags []string
}

func cloneRow(r row) row { r.Tags = append([]string(nil), r.Tags...); return r }

func newTable() (*memdb.DB, *memdb.Table[string, row]) {
	db := memdb.New()
	return db, memdb.NewTable[string](db, cloneRow)
}

func get(t *testing.T, db *memdb.DB, tb *memdb.Table[string, row], k string) (row, bool) {
	t.Helper()
	var r row
	var ok bool
	require.NoError(t, db.Do(context.Background(), func(tx *memdb.Tx) error { r, ok = tb.Get(tx, k); return nil }))
	return r, ok
}

func put(ctx context.Context, db *memdb.DB, tb *memdb.Table[string, row], r row) error {
	return db.Do(ctx, func(tx *memdb.Tx) error { tb.Put(tx, r.ID, r); return nil })
}

func TestInTx_CommitsOnNilAndKeepsNothingOnError(t *testing.T) {
	ctx := context.Background()
	db, tb := newTable()
	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error { return put(ctx, db, tb, row{ID: "a"}) }))
	boom := errors.New("boom")
	err := db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db, tb, row{ID: "b"}))
		require.NoError(t, db.Do(ctx, func(tx *memdb.Tx) error { tb.Delete(tx, "a"); return nil }))
		return boom
	})
	assert.Same(t, boom, err, "fn's error is returned unchanged")
	_, okA := get(t, db, tb, "a")
	_, okB := get(t, db, tb, "b")
	assert.True(t, okA, "the delete was rolled back")
	assert.False(t, okB, "the insert was rolled back")
}

func TestInTx_SeesItsOwnWritesInOrder(t *testing.T) {
	ctx := context.Background()
	db, tb := newTable()
	require.NoError(t, put(ctx, db, tb, row{ID: "b"}))
	require.NoError(t, put(ctx, db, tb, row{ID: "d"}))
	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db, tb, row{ID: "c"}))
		require.NoError(t, put(ctx, db, tb, row{ID: "a"}))
		return db.Do(ctx, func(tx *memdb.Tx) error {
			tb.Delete(tx, "d")
			var ids []string
			for _, r := range tb.Select(tx, func(row) bool { return true }) {
				ids = append(ids, r.ID)
			}
			assert.Equal(t, []string{"a", "b", "c"}, ids)
			return nil
		})
	}))
}

func TestTable_CopiesInAndOut(t *testing.T) {
	ctx := context.Background()
	db, tb := newTable()
	r := row{ID: "a", Tags: []string{"x"}}
	require.NoError(t, put(ctx, db, tb, r))
	r.Tags[0] = "mutated after Put"
	got, _ := get(t, db, tb, "a")
	assert.Equal(t, []string{"x"}, got.Tags)
	got.Tags[0] = "mutated after Get"
	again, _ := get(t, db, tb, "a")
	assert.Equal(t, []string{"x"}, again.Tags)
}

// A nested InTx is a savepoint: its failure undoes its own writes only.
func TestInTx_NestedFailureUndoesOnlyItsWrites(t *testing.T) {
	ctx := context.Background()
	db, tb := newTable()
	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db, tb, row{ID: "outer"}))
		err := db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, put(ctx, db, tb, row{ID: "inner"}))
			require.NoError(t, put(ctx, db, tb, row{ID: "outer", Tags: []string{"changed by inner"}}))
			return errors.New("inner fails")
		})
		require.Error(t, err)
		return nil
	}))
	outer, ok := get(t, db, tb, "outer")
	assert.True(t, ok)
	assert.Empty(t, outer.Tags)
	_, ok = get(t, db, tb, "inner")
	assert.False(t, ok)
}

// A transaction that reaches a second database (another package's memstore)
// commits or rolls back both.
func TestInTx_SpansDatabases(t *testing.T) {
	ctx := context.Background()
	db1, t1 := newTable()
	db2, t2 := newTable()
	err := db1.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db1, t1, row{ID: "a"}))
		require.NoError(t, db2.InTx(ctx, func(ctx context.Context) error { return put(ctx, db2, t2, row{ID: "b"}) }))
		return errors.New("roll back both")
	})
	require.Error(t, err)
	_, ok1 := get(t, db1, t1, "a")
	_, ok2 := get(t, db2, t2, "b")
	assert.False(t, ok1)
	assert.False(t, ok2, "the second database's write is part of the first's transaction")

	require.NoError(t, db1.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db1, t1, row{ID: "a"}))
		return put(ctx, db2, t2, row{ID: "b"})
	}))
	_, ok1 = get(t, db1, t1, "a")
	_, ok2 = get(t, db2, t2, "b")
	assert.True(t, ok1)
	assert.True(t, ok2)
}

// Read-modify-write transactions never lose an update: the lock is held for the
// whole transaction.
func TestInTx_Serializable(t *testing.T) {
	ctx := context.Background()
	db := memdb.New()
	counter := memdb.NewTable[string](db, func(n int) int { return n })
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
					return db.Do(ctx, func(tx *memdb.Tx) error {
						n, _ := counter.Get(tx, "n")
						counter.Put(tx, "n", n+1)
						return nil
					})
				}))
			}
		})
	}
	wg.Wait()
	var n int
	require.NoError(t, db.Do(ctx, func(tx *memdb.Tx) error { n, _ = counter.Get(tx, "n"); return nil }))
	assert.Equal(t, 16*50, n)
}

// A caller whose context ends while it waits for the lock gets the context's error
// and changes nothing.
func TestDo_ContextEndsWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, tb := newTable()
		holding, release := make(chan struct{}), make(chan struct{})
		go func() {
			_ = db.InTx(context.Background(), func(context.Context) error {
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- put(ctx, db, tb, row{ID: "late"}) }()
		synctest.Wait()
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
		close(release)
		synctest.Wait()
		_, ok := get(t, db, tb, "late")
		assert.False(t, ok)
	})
}

func TestTable_OfAnotherDatabasePanics(t *testing.T) {
	db1, _ := newTable()
	_, t2 := newTable()
	assert.Panics(t, func() {
		_ = db1.Do(context.Background(), func(tx *memdb.Tx) error { t2.Put(tx, "x", row{}); return nil })
	})
}

// Times are kept as the SQL stores keep them: UTC, microsecond precision.
func TestTable_KeepsTimesInUTCAtMicroseconds(t *testing.T) {
	type stamped struct {
		At    time.Time
		Later []time.Time
		Zero  time.Time
	}
	db := memdb.New()
	tb := memdb.NewTable[string](db, func(s stamped) stamped { s.Later = append([]time.Time(nil), s.Later...); return s })
	jst := time.FixedZone("JST", 9*3600)
	in := stamped{At: time.Date(2026, 10, 1, 9, 0, 0, 123456789, jst), Later: []time.Time{time.Date(2026, 10, 2, 9, 0, 0, 999, jst)}}
	require.NoError(t, db.Do(context.Background(), func(tx *memdb.Tx) error { tb.Put(tx, "k", in); return nil }))
	var got stamped
	require.NoError(t, db.Do(context.Background(), func(tx *memdb.Tx) error { got, _ = tb.Get(tx, "k"); return nil }))
	assert.Equal(t, time.UTC, got.At.Location())
	assert.Equal(t, 123456000, got.At.Nanosecond())
	assert.True(t, got.At.Equal(in.At.Truncate(time.Microsecond)))
	assert.Equal(t, time.UTC, got.Later[0].Location())
	assert.Equal(t, 0, got.Later[0].Nanosecond())
	assert.True(t, got.Zero.IsZero())
	assert.Equal(t, jst, in.At.Location(), "the caller's value is not touched")
	assert.Equal(t, 999, in.Later[0].Nanosecond())
}

// A wait for a lock that never comes (a callback calling a store with a context
// other than its transaction's) ends with ErrStuck instead of hanging.
func TestDo_StuckWaitEndsWithAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, tb := newTable()
		release := make(chan struct{})
		go func() {
			_ = db.InTx(context.Background(), func(context.Context) error { <-release; return nil })
		}()
		synctest.Wait()
		err := put(context.Background(), db, tb, row{ID: "x"})
		require.ErrorIs(t, err, memdb.ErrStuck)
		close(release)
	})
}

// TestDo_EndedContextRunsNothing: an operation called with a context that has
// ended fails with its error and runs nothing, alone or in a transaction (whose
// context ended after it started), as a SQL store's call does; a fake built on
// memdb must not succeed where production fails.
func TestDo_EndedContextRunsNothing(t *testing.T) {
	for _, inTx := range []bool{false, true} {
		t.Run(map[bool]string{false: "alone", true: "in a transaction"}[inTx], func(t *testing.T) {
			db, tb := newTable()
			ctx, cancel := context.WithCancel(context.Background())
			var err error
			if inTx {
				err = db.InTx(ctx, func(ctx context.Context) error {
					require.NoError(t, put(ctx, db, tb, row{ID: "b"}))
					cancel()
					return put(ctx, db, tb, row{ID: "a"})
				})
				_, ok := get(t, db, tb, "b")
				assert.False(t, ok, "a transaction whose context ended is not committed")
			} else {
				cancel()
				err = put(ctx, db, tb, row{ID: "a"})
			}
			require.ErrorIs(t, err, context.Canceled)
			_, ok := get(t, db, tb, "a")
			assert.False(t, ok, "nothing written")
			_, err = memdb.Read(ctx, db, func(tx *memdb.Tx) (row, error) { t.Fatal("a read ran"); return row{}, nil })
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}

// TestInTx_EndedBeforeTheCommitKeepsNothing: a transaction whose context ends
// after its last write, its callback returning nil, is not committed and returns
// the context's error, as a SQL commit with that context fails.
func TestInTx_EndedBeforeTheCommitKeepsNothing(t *testing.T) {
	db, tb := newTable()
	ctx, cancel := context.WithCancel(context.Background())
	err := db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, put(ctx, db, tb, row{ID: "a"}))
		cancel()
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	_, ok := get(t, db, tb, "a")
	assert.False(t, ok, "nothing kept")
}
