package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// InTx runs fn in a read-write transaction and commits it when fn returns nil;
// otherwise it rolls back and returns fn's error (mapped with MapError).
//
// Transactions are SERIALIZABLE on PostgreSQL; on SQLite they start with
// BEGIN IMMEDIATE and so run one at a time, which is serializable too. When
// the transaction fails with ErrSerialization (at begin, inside fn, or at
// commit), InTx rolls back, waits a short jittered backoff and runs fn again,
// up to the WithMaxAttempts bound; fn must therefore have no effects outside
// tx. Errors fn returns are preserved (domain sentinels stay matchable with
// errors.Is), so fn may translate driver errors itself as long as it wraps
// them with %w.
func (db *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.runTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, fn)
}

// ReadTx runs fn in a read-only transaction that sees one consistent snapshot
// (REPEATABLE READ READ ONLY on PostgreSQL, a deferred transaction on SQLite)
// and always rolls it back. Serialization failures are retried as in InTx.
func (db *DB) ReadTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.runTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, fn)
}

func (db *DB) runTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
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

func (db *DB) tryTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", MapError(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
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
