package sqldb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func count(t *testing.T, ctx context.Context, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	require.NoError(t, db.Querier(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n))
	return n
}

// The context of InTx carries the transaction: statements run on Querier(ctx) are
// part of it, statements on a plain context are not.
func TestInTx_ContextCarriesTheTransaction(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY)`)
		assert.False(t, db.InTransaction(ctx))
		err := db.InTx(ctx, func(ctx context.Context) error {
			assert.True(t, db.InTransaction(ctx))
			_, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO a (id) VALUES (1)`)
			require.NoError(t, err)
			assert.Equal(t, 1, count(t, ctx, db, "a"), "the transaction sees its own write")
			return errors.New("roll back")
		})
		require.EqualError(t, err, "roll back")
		assert.Equal(t, 0, count(t, ctx, db, "a"))
	})
}

// A nested InTx joins the outer transaction in a savepoint: its failure undoes only
// its own writes, the outer transaction goes on and commits the rest, also on
// PostgreSQL where a failed statement otherwise aborts the whole transaction.
func TestInTx_NestedFailureRollsBackToItsSavepoint(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY)`)
		err := db.InTx(ctx, func(ctx context.Context) error {
			q := db.Querier(ctx)
			if _, err := q.ExecContext(ctx, `INSERT INTO a (id) VALUES (1)`); err != nil {
				return err
			}
			inner := db.InTx(ctx, func(ctx context.Context) error {
				if _, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO a (id) VALUES (2)`); err != nil {
					return err
				}
				_, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO a (id) VALUES (1)`) // duplicate key
				return err
			})
			require.ErrorIs(t, inner, sqldb.ErrUniqueViolation)
			_, err := q.ExecContext(ctx, `INSERT INTO a (id) VALUES (3)`)
			return err // the outer transaction is still usable
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"1", "3"}, queryStrings(t, db, `SELECT CAST(id AS VARCHAR(10)) FROM a ORDER BY id`))
	})
}

// A nested InTx's writes commit with the outer transaction, or not at all.
func TestInTx_NestedWritesCommitWithTheOuter(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY)`)
		insert := func(ctx context.Context, id int) error {
			return db.InTx(ctx, func(ctx context.Context) error {
				_, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO a (id) VALUES ($1)`, id)
				return err
			})
		}
		err := db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, insert(ctx, 1))
			return errors.New("outer fails after the inner succeeded")
		})
		require.Error(t, err)
		assert.Equal(t, 0, count(t, ctx, db, "a"))
		require.NoError(t, db.InTx(ctx, func(ctx context.Context) error { return insert(ctx, 2) }))
		assert.Equal(t, 1, count(t, ctx, db, "a"))
	})
}

// ReadTx joins a surrounding transaction; a write transaction cannot start inside a
// read-only one.
func TestReadTx_JoinsAndRefusesWrites(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY)`)
		require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
			if _, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO a (id) VALUES (1)`); err != nil {
				return err
			}
			return db.ReadTx(ctx, func(ctx context.Context) error {
				assert.Equal(t, 1, count(t, ctx, db, "a"), "ReadTx inside InTx sees its uncommitted write")
				return nil
			})
		}))
		err := db.ReadTx(ctx, func(ctx context.Context) error {
			return db.InTx(ctx, func(context.Context) error { return nil })
		})
		assert.ErrorContains(t, err, "read-only")
	})
}

// A transaction of one DB does not leak into another: each database keeps its own.
func TestInTx_OtherDatabaseIsNotJoined(t *testing.T) {
	ctx := context.Background()
	a, b := sqldbtest.SQLite(t), sqldbtest.SQLite(t)
	exec(t, a, `CREATE TABLE t (id INTEGER PRIMARY KEY)`)
	exec(t, b, `CREATE TABLE t (id INTEGER PRIMARY KEY)`)
	_ = a.InTx(ctx, func(ctx context.Context) error {
		assert.False(t, b.InTransaction(ctx))
		_, err := b.Querier(ctx).ExecContext(ctx, `INSERT INTO t (id) VALUES (1)`)
		require.NoError(t, err)
		return errors.New("roll back a only")
	})
	assert.Equal(t, 1, count(t, ctx, b, "t"), "b's write was its own, outside a's transaction")
}
