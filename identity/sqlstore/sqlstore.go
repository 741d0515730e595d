package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Component is the name under which the identity migrations are recorded in
// schema_migrations.
const Component = "identity"

// Migrations returns the embedded schema migrations (NNN_name.sql files, and
// NNN_name.sqlite.sql / NNN_name.postgresql.sql for one dialect).
func Migrations() fs.FS { return sqldb.MigrationsDir(migrationFiles, "migrations") }

// Store is an identity.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use. It runs every
// statement on the transaction its context carries (sqldb.DB.InTx), so it joins a
// transaction that spans packages.
type Store struct {
	db   *sqldb.DB
	c    string // the clause that makes text compare in byte order (sqldb.DB.ByteOrder)
	owns bool   // Close closes db
}

var _ identity.Store = (*Store)(nil)

// New applies the identity migrations to db (component Component; see
// Migrations) and returns a Store over it. The caller keeps ownership of db (Close
// does not close it) and may give it to other packages' stores too.
func New(ctx context.Context, db *sqldb.DB) (*Store, error) {
	if err := db.Migrate(ctx, Component, Migrations()); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return &Store{db: db, c: db.ByteOrder()}, nil
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

// errs are the identity sentinels the Store reports database errors with. Only
// references to identities exist, so a foreign key that refuses a write means the
// identity went away concurrently.
var errs = sqldb.Sentinels{
	NotFound:      identity.ErrNotFound,
	AlreadyExists: identity.ErrAlreadyExists,
	Conflict:      identity.ErrConflict,
	Parent:        "identity",
}

// q returns the transaction ctx carries, or the pool.
func (s *Store) q(ctx context.Context) sqldb.Querier { return s.db.Querier(ctx) }

// InTx implements identity.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching identity.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return errs.MapTx(ctx, s.db.InTx(ctx, fn))
}

// insert stores one row of identity identityID ("" for an identity itself, or a
// ticket of none) with query, an INSERT, as one sqldb.DB.Write: ErrNotFound if the
// identity does not exist, ErrAlreadyExists if a unique key is taken, found
// without a failing statement. what and id name the row in the error.
func (s *Store) insert(ctx context.Context, what, id, identityID, query string, args ...any) error {
	return s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if identityID != "" {
			if err := checkIdentity(ctx, q, identityID); err != nil {
				return err
			}
		}
		return errs.Insert(ctx, q, what, id, query, args...)
	})
}

// checkIdentity returns ErrNotFound unless the identity exists.
func checkIdentity(ctx context.Context, q sqldb.Querier, identityID string) error {
	return errs.Require(ctx, q, "identity", identityID, `SELECT 1 FROM identity_identities WHERE id = $1`, identityID)
}
