package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// eachDialect runs fn on a fresh database of every dialect (PostgreSQL skips
// without RESELLERKIT_TEST_POSTGRES_DSN).
func eachDialect(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { fn(t, sqldbtest.Open(t, d)) })
}

func exec(t *testing.T, db *sqldb.DB, query string, args ...any) {
	t.Helper()
	_, err := db.Pool().ExecContext(context.Background(), query, args...)
	require.NoError(t, err, query)
}

func TestOpen_SQLiteSettings(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), sqldb.WithBusyTimeout(1500*time.Millisecond))
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, sqldb.SQLite, db.Dialect())

	// Check every connection of the pool, not just one.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.Pool().Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for _, c := range conns {
		var mode string
		var fk, busy int
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		assert.Equal(t, "wal", mode)
		assert.Equal(t, 1, fk)
		assert.Equal(t, 1500, busy)
		require.NoError(t, c.Close())
	}
}

func TestOpen_Memory(t *testing.T) {
	db, err := sqldb.Open(context.Background(), ":memory:")
	require.NoError(t, err)
	defer db.Close()
	exec(t, db, "CREATE TABLE t (a INTEGER)")
	exec(t, db, "INSERT INTO t (a) VALUES ($1)", 7)
	var a int
	require.NoError(t, db.Pool().QueryRow("SELECT a FROM t").Scan(&a))
	assert.Equal(t, 7, a)
}

func TestOpen_Errors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, dsn, want string
	}{
		{"empty", "", "empty DSN"},
		{"no path", "file:?mode=ro", "no file path"},
		{"other scheme", "mysql://u@h/db", `DSN scheme "mysql" is not supported`},
		{"keyword/value postgres", "host=localhost dbname=x", "use a postgres:// URL"},
		{"missing dir", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), "connect to sqlite"},
		{"unreachable server hides password", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=2", "connect to postgresql postgres://u:xxxxx@127.0.0.1:1/db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqldb.Open(ctx, tt.dsn)
			require.Error(t, err)
			assert.Nil(t, db)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestIsPostgresDSN(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://h/db":   true,
		"postgresql://h/db": true,
		"x.db":              false,
		"file:x.db":         false,
		"postgres.db":       false,
	} {
		assert.Equal(t, want, sqldb.IsPostgresDSN(dsn), dsn)
	}
}

func TestDialect_String(t *testing.T) {
	assert.Equal(t, "sqlite", sqldb.SQLite.String())
	assert.Equal(t, "postgresql", sqldb.PostgreSQL.String())
	assert.Equal(t, "Dialect(9)", sqldb.Dialect(9).String())
}

// TestPortableSQL checks what the stores rely on being identical on both
// databases: $N placeholders (reused too), byte-order COLLATE "C", UTC
// TIMESTAMP round trips with NULL, comparisons of timestamps, booleans.
func TestPortableSQL(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE items (
			id   VARCHAR(64) PRIMARY KEY,
			at   TIMESTAMP,
			flag BOOLEAN NOT NULL
		)`)
		base := time.Date(2025, 3, 31, 23, 59, 59, 123456000, time.UTC)
		rows := []struct {
			id   string
			at   any
			flag bool
		}{
			{"b", base, true},
			{"B", base.Add(time.Microsecond), false},
			{"_x", base.Add(-time.Second), true},
			{"a", nil, false},
			{"Z", base.Add(500 * time.Millisecond), true},
			{"é", base.Truncate(time.Second), false},
		}
		for _, r := range rows {
			exec(t, db, "INSERT INTO items (id, at, flag) VALUES ($1, $2, $3)", r.id, r.at, r.flag)
		}

		// Byte order, whatever the server locale.
		got := queryStrings(t, db, `SELECT id FROM items ORDER BY id COLLATE "C"`)
		assert.Equal(t, []string{"B", "Z", "_x", "a", "b", "é"}, got)

		// Timestamps compare in time order, including sub-second ones.
		got = queryStrings(t, db, `SELECT id FROM items WHERE at <= $1 AND flag = $2 ORDER BY at`, base, true)
		assert.Equal(t, []string{"_x", "b"}, got)
		got = queryStrings(t, db, `SELECT id FROM items WHERE at IS NOT NULL ORDER BY at, id COLLATE "C"`)
		assert.Equal(t, []string{"_x", "é", "b", "B", "Z"}, got)

		// Round trip: UTC, microseconds kept, NULL ↔ Valid=false. A $N used twice works.
		var at sql.NullTime
		var flag bool
		require.NoError(t, db.Pool().QueryRowContext(ctx, "SELECT at, flag FROM items WHERE id = $1 OR id = $1 || 'nothing'", "B").Scan(&at, &flag))
		require.True(t, at.Valid)
		assert.True(t, base.Add(time.Microsecond).Equal(at.Time), "got %v", at.Time)
		assert.Equal(t, time.UTC, at.Time.UTC().Location())
		assert.False(t, flag)
		require.NoError(t, db.Pool().QueryRowContext(ctx, "SELECT at FROM items WHERE id = $1", "a").Scan(&at))
		assert.False(t, at.Valid)
	})
}

func queryStrings(t *testing.T, db *sqldb.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Pool().QueryContext(context.Background(), q, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMapError(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE parents (id VARCHAR(10) PRIMARY KEY, code VARCHAR(10) NOT NULL, CONSTRAINT parents_code_key UNIQUE (code))`)
		exec(t, db, `CREATE TABLE children (id VARCHAR(10) PRIMARY KEY, parent_id VARCHAR(10) NOT NULL REFERENCES parents (id))`)
		exec(t, db, `INSERT INTO parents (id, code) VALUES ('p1', 'c1')`)

		tests := []struct {
			name       string
			query      string
			want       error
			constraint string
		}{
			{"duplicate primary key", `INSERT INTO parents (id, code) VALUES ('p1', 'c2')`, sqldb.ErrUniqueViolation, map[sqldb.Dialect]string{sqldb.SQLite: "parents.id", sqldb.PostgreSQL: "parents_pkey"}[db.Dialect()]},
			{"duplicate unique column", `INSERT INTO parents (id, code) VALUES ('p2', 'c1')`, sqldb.ErrUniqueViolation, map[sqldb.Dialect]string{sqldb.SQLite: "parents.code", sqldb.PostgreSQL: "parents_code_key"}[db.Dialect()]},
			{"missing parent", `INSERT INTO children (id, parent_id) VALUES ('k1', 'nope')`, sqldb.ErrForeignKeyViolation, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, raw := db.Pool().ExecContext(ctx, tt.query)
				require.Error(t, raw)
				assert.NotErrorIs(t, raw, tt.want, "driver errors are not mapped until MapError")
				err := sqldb.MapError(raw)
				assert.ErrorIs(t, err, tt.want)
				assert.ErrorIs(t, err, raw, "the driver error stays in the chain")
				assert.Same(t, err, sqldb.MapError(err), "mapping twice changes nothing")
				if tt.constraint != "" {
					assert.Equal(t, tt.constraint, sqldb.Constraint(err))
					assert.Equal(t, tt.constraint, sqldb.Constraint(raw))
				}
				// Inside InTx the mapping is automatic and the change is rolled back.
				err = db.InTx(ctx, func(ctx context.Context) error {
					tx := db.Querier(ctx)
					_, err := tx.ExecContext(ctx, tt.query)
					return fmt.Errorf("store: %w", err)
				})
				assert.ErrorIs(t, err, tt.want)
			})
		}
		other := errors.New("boom")
		assert.Same(t, other, sqldb.MapError(other))
		assert.NoError(t, sqldb.MapError(nil))
		assert.Equal(t, "", sqldb.Constraint(other))
	})
}

func TestInTx_CommitAndRollback(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE t (id INTEGER PRIMARY KEY)`)

		require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
			tx := db.Querier(ctx)
			_, err := tx.ExecContext(ctx, "INSERT INTO t (id) VALUES (1)")
			return err
		}))

		sentinel := errors.New("domain says no")
		err := db.InTx(ctx, func(ctx context.Context) error {
			tx := db.Querier(ctx)
			if _, err := tx.ExecContext(ctx, "INSERT INTO t (id) VALUES (2)"); err != nil {
				return err
			}
			return fmt.Errorf("wrapped: %w", sentinel)
		})
		assert.ErrorIs(t, err, sentinel)

		assert.Panics(t, func() {
			_ = db.InTx(ctx, func(ctx context.Context) error {
				tx := db.Querier(ctx)
				_, _ = tx.ExecContext(ctx, "INSERT INTO t (id) VALUES (3)")
				panic("bug")
			})
		})

		var ids []string
		require.NoError(t, db.ReadTx(ctx, func(ctx context.Context) error {
			tx := db.Querier(ctx)
			rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS VARCHAR(10)) FROM t ORDER BY id")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				ids = append(ids, s)
			}
			return rows.Err()
		}))
		assert.Equal(t, []string{"1"}, ids, "only the committed row remains")
	})
}

func TestInTx_RetriesSerializationFailures(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), sqldb.WithMaxAttempts(4))
	require.NoError(t, err)
	defer db.Close()

	t.Run("succeeds on a later attempt", func(t *testing.T) {
		calls := 0
		err := db.InTx(ctx, func(context.Context) error {
			calls++
			if calls < 3 {
				return fmt.Errorf("lost a race: %w", sqldb.ErrSerialization)
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, 3, calls)
	})
	t.Run("gives up after the bound", func(t *testing.T) {
		calls := 0
		err := db.InTx(ctx, func(context.Context) error {
			calls++
			return sqldb.ErrSerialization
		})
		assert.ErrorIs(t, err, sqldb.ErrSerialization)
		assert.Contains(t, err.Error(), "after 4 attempts")
		assert.Equal(t, 4, calls)
	})
	t.Run("other errors are not retried", func(t *testing.T) {
		calls := 0
		_ = db.InTx(ctx, func(context.Context) error { calls++; return sql.ErrNoRows })
		assert.Equal(t, 1, calls)
	})
	t.Run("a cancelled context stops retrying", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := db.InTx(ctx, func(context.Context) error {
			calls++
			cancel()
			return sqldb.ErrSerialization
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, calls)
	})
}

// TestInTx_ConcurrentReadModifyWrite: many writers doing read-then-write on one
// row lose no update — SQLite queues them (BEGIN IMMEDIATE + busy timeout),
// PostgreSQL aborts the losers with 40001 and InTx retries them.
func TestInTx_ConcurrentReadModifyWrite(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		base := sqldbtest.Open(t, d)
		exec(t, base, `CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`)
		exec(t, base, `INSERT INTO counter (id, n) VALUES (1, 0)`)
		ctx := context.Background()
		const workers, each = 8, 5
		var wg sync.WaitGroup
		var attempts atomic.Int64
		errs := make(chan error, workers*each)
		for range workers {
			wg.Go(func() {
				for range each {
					errs <- base.InTx(ctx, func(ctx context.Context) error {
						tx := base.Querier(ctx)
						attempts.Add(1)
						var n int
						if err := tx.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, "UPDATE counter SET n = $1 WHERE id = 1", n+1)
						return err
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		failed := 0
		for err := range errs {
			if err != nil {
				require.ErrorIs(t, err, sqldb.ErrSerialization, "only serialization failures may escape")
				failed++
			}
		}
		var n int
		require.NoError(t, base.Pool().QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n))
		assert.Equal(t, workers*each-failed, n, "every committed increment counted, none lost")
		assert.Less(t, failed, workers*each/4, "bounded retries let almost everything through")
		t.Logf("%s: %d transactions, %d attempts, %d gave up", d, workers*each, attempts.Load(), failed)
	})
}

// TestInTx_OptimisticVersion is the pattern every store uses: two writers that
// read the same version race; exactly one UPDATE … WHERE version = $n matches.
func TestInTx_OptimisticVersion(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE doc (id INTEGER PRIMARY KEY, body VARCHAR(20) NOT NULL, version BIGINT NOT NULL)`)
		exec(t, db, `INSERT INTO doc (id, body, version) VALUES (1, 'v1', 1)`)
		stale := errors.New("stale version")
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Go(func() {
				results[i] = db.InTx(ctx, func(ctx context.Context) error {
					tx := db.Querier(ctx)
					res, err := tx.ExecContext(ctx, "UPDATE doc SET body = $1, version = version + 1 WHERE id = 1 AND version = $2", fmt.Sprint("w", i), 1)
					if err != nil {
						return err
					}
					if n, err := res.RowsAffected(); err != nil || n != 1 {
						return errors.Join(stale, err)
					}
					return nil
				})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, stale)
			}
		}
		assert.Equal(t, 1, ok, "exactly one writer wins")
		var v int64
		require.NoError(t, db.Pool().QueryRowContext(ctx, "SELECT version FROM doc WHERE id = 1").Scan(&v))
		assert.Equal(t, int64(2), v)
	})
}
