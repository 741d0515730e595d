package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/seeda33a2f4f/resellerkit/internal/sqldb"
	"github.com/seeda33a2f4f/resellerkit/members"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Component is the name under which the members migrations are recorded in
// schema_migrations.
const Component = "members"

// Migrations returns the embedded schema migrations (NNN_name.sql files).
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the directory is embedded: cannot happen
	}
	return sub
}

// Store is a members.Store on SQLite or PostgreSQL. It is safe for concurrent
// use. A Store handed to the fn of InTx is bound to that transaction.
type Store struct {
	db   *sqldb.DB
	tx   *sql.Tx // non-nil in a transaction-bound Store
	owns bool    // Close closes db
}

var _ members.Store = (*Store)(nil)

// New applies the members migrations to db and returns a Store over it. The
// caller keeps ownership of db (Close does not close it).
func New(ctx context.Context, db *sqldb.DB) (*Store, error) {
	if err := db.Migrate(ctx, Component, Migrations()); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return &Store{db: db}, nil
}

// Open opens the database at dsn (an SQLite file path or a postgres:// URL, see
// sqldb.Open), migrates it and returns a Store that owns it: Close closes it.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s, err := New(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.owns = true
	return s, nil
}

// Close closes the database if the Store opened it (Open); it is a no-op for a
// Store made with New.
func (s *Store) Close() error {
	if s.owns && s.tx == nil {
		return s.db.Close()
	}
	return nil
}

// Dialect reports the database in use.
func (s *Store) Dialect() sqldb.Dialect { return s.db.Dialect() }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) q() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.db
}

// InTx implements members.Store. The transaction is SERIALIZABLE on
// PostgreSQL and takes SQLite's write lock at its start; when it loses a race
// with a concurrent transaction, sqldb reruns fn (a bounded number of times),
// so fn must have no effects outside tx. If it still cannot commit, InTx
// returns an error matching members.ErrConflict. Errors from fn are returned
// as they are (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(tx members.Store) error) error {
	if s.tx != nil {
		return fn(s) // join the surrounding transaction
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		return fn(&Store{db: s.db, tx: tx})
	})
	if errors.Is(err, sqldb.ErrSerialization) && !errors.Is(err, members.ErrConflict) && ctx.Err() == nil {
		return &storeErr{msg: members.ErrConflict.Error() + ": concurrent transaction", errs: []error{members.ErrConflict, err}}
	}
	return err
}

// write runs fn in the Store's transaction, or in a new one.
func (s *Store) write(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
}

// read runs fn on one consistent snapshot: the Store's transaction or a new
// read-only one.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.db.ReadTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
}

// ---- error mapping --------------------------------------------------------

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", members.ErrNotFound, what, id)
}

// storeErr is an error whose text is only the domain message while the chain
// still holds the domain sentinel and the database error: errors.Is and
// errors.As see both (sqldb retries need ErrSerialization; a logger can walk
// Unwrap to print the cause), but Error() never carries table, constraint or
// driver text that a caller might show to a client.
type storeErr struct {
	msg  string
	errs []error
}

func (e *storeErr) Error() string   { return e.msg }
func (e *storeErr) Unwrap() []error { return e.errs }

// mapErr translates database errors into the members sentinels, keeping the
// database error in the chain (sqldb retries need to see ErrSerialization) but
// out of the error text.
func mapErr(err error, what, id string) error {
	err = sqldb.MapError(err)
	subject := fmt.Sprintf("%s %q", what, id)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The caller gave up; this is neither a conflict nor a missing row.
		ctxErr := context.Canceled
		if errors.Is(err, context.DeadlineExceeded) {
			ctxErr = context.DeadlineExceeded
		}
		return &storeErr{msg: "sqlstore: " + subject + ": " + ctxErr.Error(), errs: []error{ctxErr, err}}
	case errors.Is(err, members.ErrNotFound), errors.Is(err, members.ErrConflict):
		return err
	case errors.Is(err, sqldb.ErrUniqueViolation):
		return &storeErr{msg: members.ErrConflict.Error() + ": " + subject + ": already exists", errs: []error{members.ErrConflict, err}}
	case errors.Is(err, sqldb.ErrForeignKeyViolation):
		return &storeErr{msg: members.ErrNotFound.Error() + ": organization of " + subject, errs: []error{members.ErrNotFound, err}}
	case errors.Is(err, sqldb.ErrSerialization):
		return &storeErr{msg: members.ErrConflict.Error() + ": " + subject + ": concurrent transaction", errs: []error{members.ErrConflict, err}}
	case errors.Is(err, sql.ErrNoRows):
		return notFound(what, id)
	default:
		return fmt.Errorf("sqlstore: %s: %w", subject, err)
	}
}

// checkVersioned turns the result of UPDATE/DELETE … WHERE key AND version into
// nil, ErrConflict (the row exists with another version) or ErrNotFound.
// exists is a query with the key arguments args that counts the row.
func checkVersioned(ctx context.Context, q querier, res sql.Result, what, id string, version int64, exists string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var cur int64
	switch err := q.QueryRowContext(ctx, exists, args...).Scan(&cur); {
	case errors.Is(err, sql.ErrNoRows):
		return notFound(what, id)
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: %s %q: stale version %d, current is %d", members.ErrConflict, what, id, version, cur)
}

// ---- value conversion -----------------------------------------------------

// timeArg is the database value of t: NULL when zero, else UTC truncated to
// the microsecond (PostgreSQL's precision, applied on SQLite too).
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime scans a nullable TIMESTAMP into a UTC time.Time (zero for NULL).
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

// listArg encodes a list of strings as a JSON array ("[]" for nil).
func listArg[T ~string](l []T) (string, error) {
	if l == nil {
		l = []T{}
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// jsonList scans a JSON array of strings; an empty array becomes nil.
type jsonList[T ~string] struct{ l *[]T }

func (j jsonList[T]) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("sqlstore: list column holds %T, want text", v)
	}
	var l []T
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("sqlstore: list column: %w", err)
	}
	if len(l) == 0 {
		l = nil
	}
	*j.l = l
	return nil
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect runs query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
