package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Component is the name under which the contacts migrations are recorded in
// schema_migrations.
const Component = "contacts"

// Migrations returns the embedded schema migrations (NNN_name.sql files, and
// NNN_name.sqlite.sql / NNN_name.postgresql.sql for one dialect).
func Migrations() fs.FS { return sqldb.MigrationsDir(migrationFiles, "migrations") }

// Store is a contacts.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use, also by dispatchers
// in several processes on one database. It runs every statement on the
// transaction its context carries (sqldb.DB.InTx), so a notice is written in the
// transaction of the change that causes it, across packages.
type Store struct {
	db    *sqldb.DB
	c     string // the clause that makes text compare in byte order (sqldb.DB.ByteOrder)
	claim string // the ClaimNotices statement of the dialect
	owns  bool   // Close closes db
}

var _ contacts.Store = (*Store)(nil)

// New applies the contacts migrations to db (component Component; see
// Migrations) and returns a Store over it. The caller keeps ownership of db (Close
// does not close it) and may give it to other packages' stores too.
func New(ctx context.Context, db *sqldb.DB) (*Store, error) {
	if err := db.Migrate(ctx, Component, Migrations()); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return &Store{db: db, c: db.ByteOrder(), claim: claimStatement(db)}, nil
}

// Open opens the database at dsn (an SQLite file path or a postgres:// URL, see
// sqldb.Open), migrates it and returns a Store that owns it: Close closes it.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, _, err := sqldb.OpenStore(ctx, dsn, New)
	if err != nil {
		return nil, err
	}
	s.owns = true
	return s, nil
}

// Close closes the database if the Store opened it (Open); it is a no-op for a
// Store made with New.
func (s *Store) Close() error {
	if s.owns {
		return s.db.Close()
	}
	return nil
}

// DB returns the database the Store runs on.
func (s *Store) DB() *sqldb.DB { return s.db }

// errs are the contacts sentinels the Store reports database errors with. The
// tables have no foreign keys (accounts and organizations are members').
var errs = sqldb.Sentinels{
	NotFound:      contacts.ErrNotFound,
	AlreadyExists: contacts.ErrAlreadyExists,
	Conflict:      contacts.ErrConflict,
}

// q returns the transaction ctx carries, or the pool.
func (s *Store) q(ctx context.Context) sqldb.Querier { return s.db.Querier(ctx) }

// InTx implements contacts.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching contacts.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return errs.MapTx(ctx, s.db.InTx(ctx, fn))
}

// instant is the database value of a time for a NOT NULL TIMESTAMP column, and of
// a time compared with one: in UTC at microsecond precision, the zero time kept as
// the earliest instant (0001-01-01 00:00:00) rather than NULL, so that it compares
// as the earliest time on both databases.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
