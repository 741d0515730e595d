package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// The sentinels of a made-up domain package.
var (
	errNotFound = errors.New("demo: not found")
	errExists   = errors.New("demo: already exists")
	errConflict = errors.New("demo: conflict")
	errs        = sqldb.Sentinels{NotFound: errNotFound, AlreadyExists: errExists, Conflict: errConflict, Parent: "team"}
)

// demoTables creates teams and players (a player belongs to a team).
func demoTables(t *testing.T, db *sqldb.DB) {
	t.Helper()
	exec(t, db, `CREATE TABLE teams (id VARCHAR(64) PRIMARY KEY, version BIGINT NOT NULL)`)
	exec(t, db, `CREATE TABLE players (id VARCHAR(64) PRIMARY KEY,
		team_id VARCHAR(64) NOT NULL REFERENCES teams (id), name VARCHAR(64) NOT NULL UNIQUE)`)
	exec(t, db, `INSERT INTO teams (id, version) VALUES ('t1', 1)`)
}

// assertClean checks that an error's text holds no SQL internals.
func assertClean(t *testing.T, err error) {
	t.Helper()
	for _, leak := range []string{"sqldb", "constraint", "UNIQUE", "unique", "FOREIGN", "foreign", "duplicate", "players", "SQLSTATE"} {
		assert.NotContains(t, err.Error(), leak)
	}
}

// Map: database errors become the domain's sentinels, matched by errors.Is together
// with sqldb's own, and their text is the domain message only.
func TestSentinels_Map(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		demoTables(t, db)
		q := db.Querier(ctx)
		_, err := q.ExecContext(ctx, `INSERT INTO players (id, team_id, name) VALUES ('p1', 't1', 'Ann')`)
		require.NoError(t, err)

		_, err = q.ExecContext(ctx, `INSERT INTO players (id, team_id, name) VALUES ('p2', 't1', 'Ann')`)
		got := errs.Map(err, "player", "p2")
		assert.EqualError(t, got, `demo: already exists: player "p2"`)
		assert.ErrorIs(t, got, errExists)
		assert.ErrorIs(t, got, sqldb.ErrUniqueViolation, "the database error stays in the chain")
		assert.NotEmpty(t, sqldb.Constraint(got))
		assertClean(t, got)

		_, err = q.ExecContext(ctx, `INSERT INTO players (id, team_id, name) VALUES ('p3', 'ghost', 'Bob')`)
		got = errs.Map(err, "player", "p3")
		assert.EqualError(t, got, `demo: not found: team of player "p3"`)
		assert.ErrorIs(t, got, errNotFound)
		assert.ErrorIs(t, got, sqldb.ErrForeignKeyViolation)
		assertClean(t, got)

		var name string
		err = q.QueryRowContext(ctx, `SELECT name FROM players WHERE id = $1`, "ghost").Scan(&name)
		got = errs.Map(err, "player", "ghost")
		assert.EqualError(t, got, `demo: not found: player "ghost"`)
		assert.ErrorIs(t, got, errNotFound)
	})

	cases := []struct {
		name, want string
		in         error
		is, isNot  []error
	}{
		{name: "nil", in: nil},
		{name: "lost race", in: fmt.Errorf("commit: %w", sqldb.ErrSerialization),
			want: `demo: conflict: player "p1": concurrent transaction`, is: []error{errConflict, sqldb.ErrSerialization}},
		{name: "canceled", in: fmt.Errorf("query: %w", context.Canceled),
			want: `sqlstore: player "p1": context canceled`, is: []error{context.Canceled}, isNot: []error{errConflict, errNotFound}},
		{name: "canceled while losing a race", in: errors.Join(sqldb.ErrSerialization, context.Canceled),
			want: `sqlstore: player "p1": context canceled`, is: []error{context.Canceled, sqldb.ErrSerialization}, isNot: []error{errConflict}},
		{name: "deadline", in: fmt.Errorf("query: %w", context.DeadlineExceeded),
			want: `sqlstore: player "p1": context deadline exceeded`, is: []error{context.DeadlineExceeded}, isNot: []error{context.Canceled}},
		{name: "domain sentinel passes", in: fmt.Errorf("%w: player %q: stale", errConflict, "p1"),
			want: `demo: conflict: player "p1": stale`, is: []error{errConflict}},
		{name: "page token passes", in: fmt.Errorf("%w: bad", resellerkit.ErrPageToken),
			want: `resellerkit: invalid page token: bad`, is: []error{resellerkit.ErrPageToken}},
		{name: "anything else is wrapped", in: errors.New("disk on fire"),
			want: `sqlstore: player "p1": disk on fire`},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := errs.Map(tt.in, "player", "p1")
			if tt.in == nil {
				require.NoError(t, got)
				return
			}
			assert.EqualError(t, got, tt.want)
			for _, e := range tt.is {
				assert.ErrorIs(t, got, e)
			}
			for _, e := range tt.isNot {
				assert.NotErrorIs(t, got, e)
			}
		})
	}

	t.Run("an empty id is left out", func(t *testing.T) {
		assert.EqualError(t, errs.Map(sql.ErrNoRows, "ticket", ""), "demo: not found: ticket")
		assert.EqualError(t, errs.Missing("players", ""), "demo: not found: players")
	})
	t.Run("a long id is truncated", func(t *testing.T) {
		long := strings.Repeat("x", 1000)
		assert.Less(t, len(errs.Missing("player", long).Error()), 200)
	})
	t.Run("Parent defaults", func(t *testing.T) {
		err := sqldb.Sentinels{NotFound: errNotFound}.Map(sqldb.ErrForeignKeyViolation, "player", "p1")
		assert.EqualError(t, err, `demo: not found: parent of player "p1"`)
	})
}

// MapTx: a transaction that still lost its race is Conflict, unless the caller gave
// up; everything else, the callback's own errors first, is returned as it is.
func TestSentinels_MapTx(t *testing.T) {
	ctx := context.Background()
	lost := fmt.Errorf("sqldb: transaction gave up after 8 attempts: %w", sqldb.ErrSerialization)
	got := errs.MapTx(ctx, lost)
	assert.EqualError(t, got, "demo: conflict: concurrent transaction")
	assert.ErrorIs(t, got, errConflict)
	assert.ErrorIs(t, got, sqldb.ErrSerialization)

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	assert.Same(t, lost, errs.MapTx(canceled, lost))
	mine := fmt.Errorf("%w: stale", errConflict)
	assert.Same(t, mine, errs.MapTx(ctx, mine))
	assert.NoError(t, errs.MapTx(ctx, nil))
}

// Insert, Require and CheckVersion answer with the sentinels, and a taken key is
// found without a failing statement: the surrounding transaction goes on and
// commits, also on PostgreSQL.
func TestSentinels_Writes(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		demoTables(t, db)
		insert := `INSERT INTO players (id, team_id, name) VALUES ($1, $2, $3)`
		err := db.InTx(ctx, func(ctx context.Context) error {
			q := db.Querier(ctx)
			require.NoError(t, errs.Require(ctx, q, "team", "t1", `SELECT 1 FROM teams WHERE id = $1`, "t1"))
			require.NoError(t, errs.Insert(ctx, q, "player", "p1", insert, "p1", "t1", "Ann"))
			err := errs.Insert(ctx, q, "player", "p2", insert, "p2", "t1", "Ann")
			assert.EqualError(t, err, `demo: already exists: player "p2"`)
			assert.ErrorIs(t, err, errExists)
			err = errs.Require(ctx, q, "team", "t9", `SELECT 1 FROM teams WHERE id = $1`, "t9")
			assert.EqualError(t, err, `demo: not found: team "t9"`)
			return errs.Insert(ctx, q, "player", "p3", insert, "p3", "t1", "Bob") // the transaction is usable
		})
		require.NoError(t, err)
		assert.Equal(t, 2, count(t, ctx, db, "players"))

		q := db.Querier(ctx)
		bump := func(id string, version int64) error {
			n, err := sqldb.Exec(ctx, q, `UPDATE teams SET version = version + 1 WHERE id = $1 AND version = $2`, id, version)
			require.NoError(t, err)
			return errs.CheckVersion(ctx, q, n, "team", id, version, `SELECT version FROM teams WHERE id = $1`, id)
		}
		require.NoError(t, bump("t1", 1))
		err = bump("t1", 1)
		assert.EqualError(t, err, `demo: conflict: team "t1": stale version 1, current is 2`)
		assert.ErrorIs(t, err, errConflict)
		assert.ErrorIs(t, bump("t9", 1), errNotFound)
	})
}

// Write runs in a new transaction, or directly in the one ctx carries: no
// savepoint, so what a failing Write did stays in the surrounding transaction
// (which is why its callback must check before it writes).
func TestDB_Write(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE a (id INTEGER PRIMARY KEY)`)
		insert := func(id int) func(ctx context.Context, q sqldb.Querier) error {
			return func(ctx context.Context, q sqldb.Querier) error {
				assert.True(t, db.InTransaction(ctx))
				if _, err := q.ExecContext(ctx, `INSERT INTO a (id) VALUES ($1)`, id); err != nil {
					return err
				}
				return errors.New("refused")
			}
		}
		require.EqualError(t, db.Write(ctx, insert(1)), "refused")
		assert.Equal(t, 0, count(t, ctx, db, "a"), "alone, a failing Write rolls back")

		err := db.InTx(ctx, func(ctx context.Context) error {
			require.EqualError(t, db.Write(ctx, insert(2)), "refused")
			assert.Equal(t, 1, count(t, ctx, db, "a"), "joined, it is part of the transaction")
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, 1, count(t, ctx, db, "a"))

		err = db.ReadTx(ctx, func(ctx context.Context) error {
			return db.Write(ctx, func(context.Context, sqldb.Querier) error { return nil })
		})
		assert.ErrorContains(t, err, "read-only")
	})
}

func TestDB_ByteOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		want := map[sqldb.Dialect]string{sqldb.SQLite: "", sqldb.PostgreSQL: ` COLLATE "C"`}[db.Dialect()]
		assert.Equal(t, want, db.ByteOrder())
	})
}
