package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
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
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the directory is embedded: cannot happen
	}
	return sub
}

// Store is an identity.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use. It runs every
// statement on the transaction its context carries (sqldb.DB.InTx), so it joins a
// transaction that spans packages.
type Store struct {
	db   *sqldb.DB
	c    string // the COLLATE clause that makes text compare in byte order
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
	// Keyset paging needs one order on both databases: byte order. It is SQLite's
	// default (BINARY); PostgreSQL has it as the "C" collation.
	c := ""
	if db.Dialect() == sqldb.PostgreSQL {
		c = ` COLLATE "C"`
	}
	return &Store{db: db, c: c}, nil
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
	if s.owns {
		return s.db.Close()
	}
	return nil
}

// DB returns the database the Store runs on.
func (s *Store) DB() *sqldb.DB { return s.db }

// querier is what *sql.DB and *sql.Tx have in common.
type querier = sqldb.Querier

// q returns the transaction ctx carries, or the pool.
func (s *Store) q(ctx context.Context) querier { return s.db.Querier(ctx) }

// InTx implements identity.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching identity.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	err := s.db.InTx(ctx, fn)
	if errors.Is(err, sqldb.ErrSerialization) && !errors.Is(err, identity.ErrConflict) && ctx.Err() == nil {
		return &storeErr{msg: identity.ErrConflict.Error() + ": concurrent transaction", errs: []error{identity.ErrConflict, err}}
	}
	return err
}

// write runs fn as one atomic change: in a new transaction, or directly in the
// transaction ctx carries. Not in a savepoint (PostgreSQL makes each one a
// subtransaction): every fn checks everything before its first write and then runs
// only statements that cannot fail on their data (INSERT … ON CONFLICT DO NOTHING,
// UPDATE … WHERE version = $n), so a failing call changes nothing inside a
// transaction either, and never aborts it.
func (s *Store) write(ctx context.Context, fn func(q querier) error) error {
	if s.db.InTransaction(ctx) {
		return fn(s.q(ctx))
	}
	return s.db.InTx(ctx, func(ctx context.Context) error { return fn(s.q(ctx)) })
}

// insert stores one row of identity identityID ("" for an identity itself, or a
// ticket of none) with query, an INSERT, as a write: ErrNotFound if the identity
// does not exist, ErrAlreadyExists if a unique key is taken, found without a
// failing statement. what and id name the row in the error.
func (s *Store) insert(ctx context.Context, what, id, identityID, query string, args ...any) error {
	return s.write(ctx, func(q querier) error {
		if identityID != "" {
			if err := checkIdentity(ctx, q, identityID); err != nil {
				return err
			}
		}
		return insertNew(ctx, q, what, id, query, args...)
	})
}

// checkIdentity returns ErrNotFound unless the identity exists.
func checkIdentity(ctx context.Context, q querier, identityID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM identity_identities WHERE id = $1`, identityID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("identity", identityID)
	}
	return err
}

// insertNew runs query, an INSERT, with ON CONFLICT DO NOTHING: no row inserted
// means a unique key is taken, ErrAlreadyExists.
func insertNew(ctx context.Context, q querier, what, id, query string, args ...any) error {
	n, err := exec(ctx, q, query+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %q", identity.ErrAlreadyExists, what, resellerkit.Truncate(id))
	}
	return nil
}

// exec runs a statement and returns how many rows it changed.
func exec(ctx context.Context, q querier, query string, args ...any) (int, error) {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// exists reports whether query, with args, selects a row: after a conditional
// write changed nothing, it tells a missing row (ErrNotFound) from one that did
// not match the condition.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	switch err := q.QueryRowContext(ctx, query, args...).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// onList, set by tests only, sees every ordered list query (keyset pages and
// ListPasskeys) with its arguments: the query plans are checked against them.
var onList atomic.Pointer[func(query string, args []any)]

func observe(query string, args []any) {
	if see := onList.Load(); see != nil {
		(*see)(query, args)
	}
}

// page runs a keyset list query and cuts the page. query selects the rows after
// the key $n-1 in byte order, at most $n of them, where n is len(args)+2; key
// returns a row's key.
func page[T any](ctx context.Context, q querier, pg resellerkit.Page, scan func(scanner) (T, error), key func(T) string, query string, args ...any) ([]T, string, error) {
	after, err := pg.After()
	if err != nil {
		return nil, "", err
	}
	size := pg.Size()
	args = append(args, after, size+1)
	observe(query, args)
	items, err := collect(ctx, q, scan, query, args...)
	if err != nil || len(items) <= size {
		return items, "", err
	}
	return items[:size], resellerkit.NextToken(key(items[size-1])), nil
}

// ---- error mapping --------------------------------------------------------

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", identity.ErrNotFound, what, resellerkit.Truncate(id))
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

// mapErr translates database errors into the identity sentinels, keeping the
// database error in the chain (sqldb retries need to see ErrSerialization) but
// out of the error text. what and id name the subject; id is "" when it is a
// secret's hash, which never goes into an error.
func mapErr(err error, what, id string) error {
	err = sqldb.MapError(err)
	subject := what
	if id != "" {
		subject = fmt.Sprintf("%s %q", what, resellerkit.Truncate(id))
	}
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
	case errors.Is(err, identity.ErrNotFound), errors.Is(err, identity.ErrConflict), errors.Is(err, identity.ErrAlreadyExists),
		errors.Is(err, resellerkit.ErrPageToken):
		return err
	case errors.Is(err, sqldb.ErrUniqueViolation):
		return &storeErr{msg: identity.ErrAlreadyExists.Error() + ": " + subject, errs: []error{identity.ErrAlreadyExists, err}}
	case errors.Is(err, sqldb.ErrForeignKeyViolation):
		// Only references to identities exist: the identity went away concurrently.
		return &storeErr{msg: identity.ErrNotFound.Error() + ": identity of " + subject, errs: []error{identity.ErrNotFound, err}}
	case errors.Is(err, sqldb.ErrSerialization):
		return &storeErr{msg: identity.ErrConflict.Error() + ": " + subject + ": concurrent transaction", errs: []error{identity.ErrConflict, err}}
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s", identity.ErrNotFound, subject)
	default:
		return fmt.Errorf("sqlstore: %s: %w", subject, err)
	}
}

// checkVersioned turns the number of rows an UPDATE/DELETE … WHERE key AND
// version = $n changed into nil, ErrConflict (the row exists with another version)
// or ErrNotFound. current is a query with the key arguments args that selects the
// row's version.
func checkVersioned(ctx context.Context, q querier, n int, what, id string, version int64, current string, args ...any) error {
	if n == 1 {
		return nil
	}
	var cur int64
	switch err := q.QueryRowContext(ctx, current, args...).Scan(&cur); {
	case errors.Is(err, sql.ErrNoRows):
		return notFound(what, id)
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: %s %q: stale version %d, current is %d", identity.ErrConflict, what, resellerkit.Truncate(id), version, cur)
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

// textArg is the database value of an optional reference: NULL when empty.
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullText scans a nullable TEXT into a string ("" for NULL).
type nullText struct{ s *string }

func (n nullText) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}

// bytesArg is the database value of b: NULL when nil, else a BLOB/BYTEA of its
// bytes (empty included), so nil and empty both round-trip.
func bytesArg(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// nullBytes scans a nullable BLOB/BYTEA into a fresh slice: nil for NULL, a
// non-nil empty slice for a zero-length value.
type nullBytes struct{ b *[]byte }

func (n nullBytes) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.b = nil
	case []byte:
		*n.b = append(make([]byte, 0, len(x)), x...)
	case string:
		*n.b = append(make([]byte, 0, len(x)), x...)
	default:
		return fmt.Errorf("sqlstore: byte column holds %T, want bytes", v)
	}
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
