package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// A page token is client input: one that decodes to bytes no text key can hold
// (invalid UTF-8, NUL) is a token no list made, refused with ErrPageToken on both
// databases, not sent to PostgreSQL, which refuses it as a text value (SQLSTATE
// 22021) and, inside a transaction, aborts it.
func TestPage_TokenNoTextKeyCanHold(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE items (id VARCHAR(64) NOT NULL PRIMARY KEY)`)
		exec(t, db, `INSERT INTO items (id) VALUES ('a')`)
		c := db.ByteOrder()
		query := `SELECT id FROM items WHERE id` + c + ` > $1 ORDER BY id` + c + ` LIMIT $2`
		for _, key := range []string{"\x80", "a\x00b", "\xff\xfe"} {
			pg := resellerkit.Page{Token: resellerkit.NextToken(key)}
			err := db.InTx(ctx, func(ctx context.Context) error {
				_, _, err := sqldb.Page(ctx, db.Querier(ctx), pg, scanID, func(id string) string { return id }, query)
				require.ErrorIs(t, err, resellerkit.ErrPageToken, "key %q", key)
				// The transaction is still usable.
				var n int
				return db.Querier(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n)
			})
			require.NoError(t, err)
		}
	})
}

// A plain SQLite path names exactly the file it spells: Open passes the driver an
// SQLite URI, where "#" starts a fragment and "%20" is a space, and so opened "a"
// for "a#1.db" and "a b.db" for "a%20b.db" — another database than the one asked
// for, shared with whatever else maps there.
func TestOpen_SQLitePathIsLiteral(t *testing.T) {
	for _, name := range []string{"a#1.db", "a%20b.db", "100%.db", "a b.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := sqldb.Open(context.Background(), filepath.Join(dir, name))
			require.NoError(t, err)
			exec(t, db, `CREATE TABLE t (id INTEGER)`)
			require.NoError(t, db.Close())
			ents, err := os.ReadDir(dir)
			require.NoError(t, err)
			var files []string
			for _, e := range ents {
				files = append(files, e.Name())
			}
			assert.Equal(t, []string{name}, files)
		})
	}
}

// A callback that ends with runtime.Goexit (t.FailNow, a failed require in a test)
// rolls its transaction back and returns its connection, as a panic does. It
// used to leave the transaction open: on SQLite it kept the write lock, so every
// later write of the process failed with "database is locked" after the retries.
func TestInTx_GoexitRollsBack(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), sqldb.WithBusyTimeout(200*time.Millisecond), sqldb.WithMaxAttempts(1))
	require.NoError(t, err)
	defer db.Close()
	exec(t, db, `CREATE TABLE t (id INTEGER)`)

	for _, read := range []bool{false, true} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			run := db.InTx
			if read {
				run = db.ReadTx
			}
			_ = run(ctx, func(ctx context.Context) error {
				if !read {
					_, _ = db.Querier(ctx).ExecContext(ctx, `INSERT INTO t (id) VALUES (1)`)
				}
				runtime.Goexit()
				return nil
			})
		}()
		<-done
		assert.Zero(t, db.Pool().Stats().InUse, "read %v: the connection is back in the pool", read)
	}

	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
		_, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO t (id) VALUES (2)`)
		return err
	}), "the write lock is free")
	var n int
	require.NoError(t, db.Pool().QueryRowContext(ctx, `SELECT COUNT(*) FROM t WHERE id = 1`).Scan(&n))
	assert.Zero(t, n, "the abandoned transaction's write is not kept")
}
