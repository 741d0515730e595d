package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Querier is what *sql.DB and *sql.Tx have in common: what a store runs its
// statements on. Querier(ctx) returns the right one for a call.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// errReadOnly refuses a write (InTx, Write) inside a ReadTx.
var errReadOnly = errors.New("sqldb: a read-write transaction cannot run inside a read-only one (ReadTx)")

// txKey is the context key of the transaction InTx and ReadTx run their callback in.
type txKey struct{}

// txState is a transaction carried by a context: whose it is, and how deep its
// savepoints go.
type txState struct {
	db       *DB
	tx       *sql.Tx
	readOnly bool
	depth    int // savepoints opened by joined InTx calls, for unique names
}

// current returns the transaction of db that ctx carries, or nil.
func (db *DB) current(ctx context.Context) *txState {
	st, _ := ctx.Value(txKey{}).(*txState)
	if st == nil || st.db != db {
		return nil
	}
	return st
}

// Querier returns what a store should run a statement on for ctx: the transaction
// of db that ctx carries (from InTx or ReadTx), or else the connection pool.
func (db *DB) Querier(ctx context.Context) Querier {
	if st := db.current(ctx); st != nil {
		return st.tx
	}
	return db.pool
}

// InTransaction reports whether ctx carries a transaction of db.
func (db *DB) InTransaction(ctx context.Context) bool { return db.current(ctx) != nil }

// InTx runs fn in a read-write transaction and commits it when fn returns nil;
// otherwise it rolls back and returns fn's error (mapped with MapError). The
// context fn receives carries the transaction: every store of every package that
// was given this DB, called with that context, runs in it, so a change that spans
// several packages' tables commits or rolls back as one.
//
// Called with a context that already carries a read-write transaction of db, InTx
// joins it inside a savepoint: when fn fails, what fn wrote is rolled back and the
// surrounding transaction goes on (usable, also on PostgreSQL, where a failed
// statement otherwise aborts the whole transaction); when it succeeds, its writes
// commit with the surrounding transaction. The outermost InTx commits and retries.
// A context carrying a read-only transaction (ReadTx) is an error.
//
// Transactions are SERIALIZABLE on PostgreSQL; on SQLite they start with BEGIN
// IMMEDIATE and so run one at a time, which is serializable too. When the
// transaction fails with ErrSerialization (at begin, inside fn, or at commit), InTx
// rolls back, waits a short jittered backoff and runs fn again, up to the
// WithMaxAttempts bound; fn must therefore have no effects outside the transaction
// and reset anything it captures. Errors fn returns are preserved (domain sentinels
// stay matchable with errors.Is). The transaction's context must not be used by
// several goroutines at once, nor after fn returns.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if st := db.current(ctx); st != nil {
		if st.readOnly {
			return errReadOnly
		}
		return st.savepoint(ctx, fn)
	}
	return db.runTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, fn)
}

// ReadTx runs fn in a read-only transaction that sees one consistent snapshot
// (REPEATABLE READ READ ONLY on PostgreSQL, a deferred transaction on SQLite) and
// always rolls it back. With a context that already carries a transaction of db, fn
// simply runs in it. Serialization failures are retried as in InTx.
func (db *DB) ReadTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.current(ctx) != nil {
		return MapError(fn(ctx))
	}
	return db.runTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, fn)
}

// savepoint runs fn inside a savepoint of the transaction, rolling back to it when
// fn fails.
func (st *txState) savepoint(ctx context.Context, fn func(ctx context.Context) error) error {
	st.depth++
	name := "rk_sp" + strconv.Itoa(st.depth)
	defer func() { st.depth-- }()
	if _, err := st.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("sqldb: savepoint: %w", MapError(err))
	}
	if err := fn(ctx); err != nil {
		err = MapError(err)
		if errors.Is(err, ErrSerialization) {
			return err // the whole transaction is lost; the outermost InTx retries it
		}
		if _, rerr := st.tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return errors.Join(err, fmt.Errorf("sqldb: rollback to savepoint: %w", MapError(rerr)))
		}
		return err
	}
	if _, err := st.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("sqldb: release savepoint: %w", MapError(err))
	}
	return nil
}

func (db *DB) runTx(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = db.tryTx(ctx, opts, fn)
		if err == nil || !errors.Is(err, ErrSerialization) || attempt >= db.opts.maxAttempts {
			break
		}
		// Jittered exponential backoff: base·2^(attempt-1) · [0.5, 1.5).
		d := db.opts.baseBackoff << min(attempt-1, 8)
		d = d/2 + rand.N(d)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
	if err != nil && errors.Is(err, ErrSerialization) {
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			// The caller gave up: report that, not a lost race.
			return errors.Join(err, cerr)
		}
		return fmt.Errorf("sqldb: transaction gave up after %d attempts: %w", db.opts.maxAttempts, err)
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context) error) (err error) {
	tx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", MapError(err))
	}
	// However fn ends without returning (a panic, which goes on; runtime.Goexit,
	// as t.FailNow does in a test), the transaction must not stay open on its
	// connection, holding SQLite's write lock or PostgreSQL's row locks for good.
	// After a commit or rollback this is a no-op.
	defer func() { _ = tx.Rollback() }()
	txCtx := context.WithValue(ctx, txKey{}, &txState{db: db, tx: tx, readOnly: opts.ReadOnly})
	if err := fn(txCtx); err != nil {
		_ = tx.Rollback()
		return MapError(err)
	}
	if opts.ReadOnly {
		return MapError(tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", MapError(err))
	}
	return nil
}
