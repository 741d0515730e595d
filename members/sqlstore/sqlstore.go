package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Component is the name under which the members migrations are recorded in
// schema_migrations.
const Component = "members"

// Migrations returns the embedded schema migrations (NNN_name.sql files).
func Migrations() fs.FS { return sqldb.MigrationsDir(migrationFiles, "migrations") }

// Store is a members.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use. It runs every
// statement on the transaction its context carries (sqldb.DB.InTx), so it joins a
// transaction that spans packages.
type Store struct {
	db   *sqldb.DB
	c    string // the clause that makes text compare in byte order (sqldb.DB.ByteOrder)
	owns bool   // Close closes db
}

var _ members.Store = (*Store)(nil)

// New applies the members migrations to db (component Component; see Migrations)
// and returns a Store over it. The caller keeps ownership of db (Close does not
// close it) and may give it to other packages' stores too.
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

// errs are the members sentinels the Store reports database errors with.
var errs = sqldb.Sentinels{
	NotFound:      members.ErrNotFound,
	AlreadyExists: members.ErrAlreadyExists,
	Conflict:      members.ErrConflict,
	Parent:        "organization",
}

// q returns the transaction ctx carries, or the pool.
func (s *Store) q(ctx context.Context) sqldb.Querier { return s.db.Querier(ctx) }

// InTx implements members.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching members.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return errs.MapTx(ctx, s.db.InTx(ctx, fn))
}

// insert stores one row of organization orgID ("" for an organization itself) with
// query, an INSERT, as one sqldb.DB.Write: ErrNotFound if the organization does not
// exist, ErrAlreadyExists if a unique key (id, code, one pending invitation per
// address) is taken, found without a failing statement.
func (s *Store) insert(ctx context.Context, what, id, orgID, query string, args ...any) error {
	return s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if orgID != "" {
			if err := checkOrg(ctx, q, orgID); err != nil {
				return err
			}
		}
		return errs.Insert(ctx, q, what, id, query, args...)
	})
}
