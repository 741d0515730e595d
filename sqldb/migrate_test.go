package sqldb_test

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

var goodMigrations = fstest.MapFS{
	"002_add_b.sql": {Data: []byte(`ALTER TABLE a ADD COLUMN b VARCHAR(10);
INSERT INTO a (id, b) VALUES (2, 'two');`)},
	"001_create_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER PRIMARY KEY);
INSERT INTO a (id) VALUES (1);`)},
	"README.md": {Data: []byte("not a migration")},
}

func TestLoadMigrations(t *testing.T) {
	ms, err := sqldb.LoadMigrations("demo", goodMigrations)
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, 1, ms[0].Version)
	assert.Equal(t, "001_create_a.sql", ms[0].Name)
	assert.Equal(t, "demo", ms[0].Component)
	assert.Equal(t, 2, ms[1].Version)

	tests := []struct {
		name      string
		component string
		fsys      fstest.MapFS
		want      string
	}{
		{"bad component", "Bad Name", goodMigrations, `component "Bad Name"`},
		{"bad file name", "demo", fstest.MapFS{"init.sql": {Data: []byte("SELECT 1")}}, `file "init.sql": name must be NNN_name.sql`},
		{"zero version", "demo", fstest.MapFS{"000_x.sql": {Data: []byte("SELECT 1")}}, `file "000_x.sql": version must be a positive number`},
		{"duplicate version", "demo", fstest.MapFS{"001_a.sql": {Data: []byte("SELECT 1")}, "1_b.sql": {Data: []byte("SELECT 1")}}, `share version 1`},
		{"a version for every dialect and for one", "demo", fstest.MapFS{"001_a.sql": {Data: []byte("SELECT 1")}, "001_a.postgresql.sql": {Data: []byte("SELECT 1")}}, `share version 1`},
		{"one dialect twice", "demo", fstest.MapFS{"002_a.sqlite.sql": {Data: []byte("SELECT 1")}, "002_b.sqlite.sql": {Data: []byte("SELECT 1")}}, `share version 2`},
		{"unknown dialect", "demo", fstest.MapFS{"002_a.mysql.sql": {Data: []byte("SELECT 1")}}, `name must be NNN_name.sql`},
		{"empty script", "demo", fstest.MapFS{"001_a.sql": {Data: []byte(" \n")}}, `file "001_a.sql" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sqldb.LoadMigrations(tt.component, tt.fsys)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A migration for one dialect runs only there: the rare DDL that cannot be
// written once for both (a PostgreSQL index in the "C" collation, say).
func TestMigrate_DialectSpecificFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"001_t.sql":            {Data: []byte(`CREATE TABLE t (id VARCHAR(10) PRIMARY KEY)`)},
		"002_x.postgresql.sql": {Data: []byte(`CREATE TABLE only_pg (id INTEGER)`)},
		"002_x.sqlite.sql":     {Data: []byte(`CREATE TABLE only_sqlite (id INTEGER)`)},
	}
	ms, err := sqldb.LoadMigrations("dialects", fsys)
	require.NoError(t, err)
	require.Len(t, ms, 3)
	assert.Equal(t, sqldb.Dialect(0), ms[0].Dialect)
	assert.Equal(t, []sqldb.Dialect{sqldb.SQLite, sqldb.PostgreSQL}, []sqldb.Dialect{ms[1].Dialect, ms[2].Dialect})
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		require.NoError(t, db.Migrate(ctx, "dialects", fsys))
		require.NoError(t, db.Migrate(ctx, "dialects", fsys), "idempotent")
		applied, err := db.AppliedMigrations(ctx, "dialects")
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, applied)
		mine, other := "only_sqlite", "only_pg"
		if db.Dialect() == sqldb.PostgreSQL {
			mine, other = other, mine
		}
		_, err = db.Pool().ExecContext(ctx, "SELECT COUNT(*) FROM "+mine)
		require.NoError(t, err)
		_, err = db.Pool().ExecContext(ctx, "SELECT COUNT(*) FROM "+other)
		require.Error(t, err, "the other dialect's script did not run")
	})
}

func FuzzLoadMigrations(f *testing.F) {
	for _, s := range []string{"001_init.sql", "1_a.sql", "x.sql", "001_.sql", "0010_a-b.sql", "999999999999999999999_a.sql"} {
		f.Add(s, "CREATE TABLE t (a INTEGER)")
	}
	f.Fuzz(func(t *testing.T, name, body string) {
		if !fs.ValidPath(name) || name == "." {
			return
		}
		ms, err := sqldb.LoadMigrations("fuzz", fstest.MapFS{name: {Data: []byte(body)}})
		if err != nil {
			return
		}
		for _, m := range ms {
			require.Positive(t, m.Version)
			require.Equal(t, name, m.Name)
			require.NotEmpty(t, strings.TrimSpace(m.SQL))
		}
	})
}

func TestMigrate(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		require.NoError(t, db.Migrate(ctx, "demo", goodMigrations))
		require.NoError(t, db.Migrate(ctx, "demo", goodMigrations), "a second run is a no-op")
		assert.Equal(t, []string{"1", "2"}, queryStrings(t, db, "SELECT CAST(id AS VARCHAR(10)) FROM a ORDER BY id"),
			"each script ran exactly once")
		applied, err := db.AppliedMigrations(ctx, "demo")
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, applied)

		// Another component keeps its own versions.
		other := fstest.MapFS{"001_create_c.sql": {Data: []byte("CREATE TABLE c (id INTEGER)")}}
		require.NoError(t, db.Migrate(ctx, "other", other))
		applied, err = db.AppliedMigrations(ctx, "other")
		require.NoError(t, err)
		assert.Equal(t, []int{1}, applied)

		// A newer migration set applies only what is new.
		newer := fstest.MapFS{}
		for k, v := range goodMigrations {
			newer[k] = v
		}
		newer["003_add_c.sql"] = &fstest.MapFile{Data: []byte("INSERT INTO a (id, b) VALUES (3, 'three')")}
		require.NoError(t, db.Migrate(ctx, "demo", newer))
		assert.Equal(t, []string{"1", "2", "3"}, queryStrings(t, db, "SELECT CAST(id AS VARCHAR(10)) FROM a ORDER BY id"))
	})
}

func TestMigrate_FailedScriptLeavesNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		bad := fstest.MapFS{
			"001_ok.sql":  {Data: []byte("CREATE TABLE ok (id INTEGER)")},
			"002_bad.sql": {Data: []byte("CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);")},
		}
		err := db.Migrate(ctx, "demo", bad)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "demo/002_bad.sql")
		applied, err := db.AppliedMigrations(ctx, "demo")
		require.NoError(t, err)
		assert.Equal(t, []int{1}, applied)
		var n int
		require.NoError(t, db.Pool().QueryRowContext(ctx, "SELECT COUNT(*) FROM ok").Scan(&n))
		_, err = db.Pool().ExecContext(ctx, "SELECT COUNT(*) FROM half")
		assert.Error(t, err, "the failed script's first statement was rolled back")
	})
}

func TestMigrate_Concurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() { errs[i] = db.Migrate(ctx, "demo", goodMigrations) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, []string{"1", "2"}, queryStrings(t, db, "SELECT CAST(id AS VARCHAR(10)) FROM a ORDER BY id"),
			"each script ran exactly once")
	})
}

// TestSQLDBTest_PostgresIsolation checks the helper: two PostgreSQL test
// databases are separate schemas.
func TestSQLDBTest_PostgresIsolation(t *testing.T) {
	a := sqldbtest.Postgres(t)
	b := sqldbtest.Postgres(t)
	exec(t, a, "CREATE TABLE same_name (id INTEGER)")
	exec(t, b, "CREATE TABLE same_name (id INTEGER)")
	exec(t, a, "INSERT INTO same_name (id) VALUES (1)")
	var n int
	require.NoError(t, b.Pool().QueryRow("SELECT COUNT(*) FROM same_name").Scan(&n))
	assert.Equal(t, 0, n)
}
