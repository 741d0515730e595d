package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// EnvPostgresDSN names the environment variable holding the PostgreSQL URL
// tests run against. When it is unset, PostgreSQL tests are skipped.
const EnvPostgresDSN = "RESELLERKIT_TEST_POSTGRES_DSN"

// Dialects lists the dialects a store's tests should cover: SQLite always and
// PostgreSQL too (Open skips it when EnvPostgresDSN is unset, so the skip is
// visible in the test log rather than silent).
func Dialects() []sqldb.Dialect { return []sqldb.Dialect{sqldb.SQLite, sqldb.PostgreSQL} }

// SkipUnavailable calls t.Skip, once and with the reason, when dialect d
// cannot be tested here (PostgreSQL without EnvPostgresDSN). Call it before a
// suite so its subtests are not each skipped separately.
func SkipUnavailable(t testing.TB, d sqldb.Dialect) {
	t.Helper()
	if d == sqldb.PostgreSQL && os.Getenv(EnvPostgresDSN) == "" {
		t.Skipf("sqldbtest: %s is not set; skipping the PostgreSQL run", EnvPostgresDSN)
	}
}

// Open returns a fresh, empty database of dialect d for t, closed (and, on
// PostgreSQL, dropped) when t ends. On PostgreSQL it calls t.Skip when
// EnvPostgresDSN is unset.
func Open(t testing.TB, d sqldb.Dialect) *sqldb.DB {
	t.Helper()
	switch d {
	case sqldb.SQLite:
		return SQLite(t)
	case sqldb.PostgreSQL:
		return Postgres(t)
	default:
		t.Fatalf("sqldbtest: unknown dialect %v", d)
		return nil
	}
}

// SQLite returns a fresh SQLite database in a file under t.TempDir().
func SQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	db, err := NewSQLiteFile(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("sqldbtest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Postgres returns a connection to a fresh schema of the database named by
// EnvPostgresDSN (search_path points at it, so unqualified names land there),
// dropped with everything in it when t ends. It calls t.Skip when the variable
// is unset.
func Postgres(t testing.TB) *sqldb.DB {
	t.Helper()
	dsn := os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		t.Skipf("sqldbtest: %s is not set; skipping the PostgreSQL run", EnvPostgresDSN)
	}
	db, drop, err := NewPostgresSchema(context.Background(), dsn, t.Name())
	if err != nil {
		t.Fatalf("sqldbtest: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("sqldbtest: %v", err)
		}
	})
	return db
}

// NewSQLiteFile opens a new SQLite database file in dir (which must exist).
func NewSQLiteFile(ctx context.Context, dir string) (*sqldb.DB, error) {
	return sqldb.Open(ctx, filepath.Join(dir, "test-"+randomHex(6)+".db"))
}

var (
	adminMu sync.Mutex
	admins  = map[string]*sql.DB{} // one pool per DSN, shared by all tests of the process
)

func admin(dsn string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db, ok := admins[dsn]; ok {
		return db, nil
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	admins[dsn] = db
	return db, nil
}

var notIdent = regexp.MustCompile(`[^a-z0-9]+`)

// NewPostgresSchema creates a schema with a unique name derived from label in
// the database at dsn and opens a DB whose search_path is that schema. drop
// closes the DB and drops the schema with everything in it.
func NewPostgresSchema(ctx context.Context, dsn, label string) (db *sqldb.DB, drop func() error, err error) {
	if !sqldb.IsPostgresDSN(dsn) {
		return nil, nil, fmt.Errorf("%s must be a postgres:// URL", EnvPostgresDSN)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", EnvPostgresDSN, err)
	}
	adm, err := admin(dsn)
	if err != nil {
		return nil, nil, err
	}
	prefix := strings.Trim(notIdent.ReplaceAllString(strings.ToLower(label), "_"), "_")
	if len(prefix) > 40 {
		prefix = prefix[len(prefix)-40:]
	}
	schema := "t_" + prefix + "_" + randomHex(6)
	quoted := `"` + schema + `"` // only [a-z0-9_]: safe to quote this way
	if _, err := adm.ExecContext(ctx, "CREATE SCHEMA "+quoted); err != nil {
		return nil, nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	dropSchema := func() error {
		if _, err := adm.ExecContext(context.Background(), "DROP SCHEMA "+quoted+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err = sqldb.Open(ctx, u.String())
	if err != nil {
		return nil, nil, errors.Join(err, dropSchema())
	}
	db.Pool().SetMaxOpenConns(8) // many tests run at once against one server
	return db, func() error { return errors.Join(db.Close(), dropSchema()) }, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Run runs fn as a parallel subtest named after each dialect ("sqlite",
// "postgresql"), skipping PostgreSQL when RESELLERKIT_TEST_POSTGRES_DSN is unset. It
// is the loop every SQL store's tests share.
func Run(t *testing.T, fn func(t *testing.T, d sqldb.Dialect)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			SkipUnavailable(t, d)
			t.Parallel()
			fn(t, d)
		})
	}
}
