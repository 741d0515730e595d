package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
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

// Store is a members.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use. It runs every
// statement on the transaction its context carries (sqldb.DB.InTx), so it joins a
// transaction that spans packages.
type Store struct {
	db   *sqldb.DB
	c    string // the COLLATE clause that makes text compare in byte order
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

// InTx implements members.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching members.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	err := s.db.InTx(ctx, fn)
	if errors.Is(err, sqldb.ErrSerialization) && !errors.Is(err, members.ErrConflict) && ctx.Err() == nil {
		return &storeErr{msg: members.ErrConflict.Error() + ": concurrent transaction", errs: []error{members.ErrConflict, err}}
	}
	return err
}

// write runs fn as one atomic change: in a new transaction, or directly in the
// transaction ctx carries. Not in a savepoint: PostgreSQL makes every savepoint a
// subtransaction, and a bulk edit of 1,000 accounts would open 1,000 of them (past 64
// per transaction every concurrent snapshot slows down). So every fn checks
// everything before its first write and then runs only statements that cannot fail
// on their data (INSERT … ON CONFLICT DO NOTHING, UPDATE … WHERE version = $n): a
// failing call changes nothing inside a transaction either, and never aborts it.
func (s *Store) write(ctx context.Context, fn func(q querier) error) error {
	if s.db.InTransaction(ctx) {
		return fn(s.q(ctx))
	}
	return s.db.InTx(ctx, func(ctx context.Context) error { return fn(s.q(ctx)) })
}

// insert stores one row of organization orgID ("" for an organization itself) with
// query, an INSERT, as a write: ErrNotFound if the organization does not exist,
// ErrAlreadyExists if a unique key (id, code, one pending invitation per address) is
// taken, found without a failing statement.
func (s *Store) insert(ctx context.Context, what, id, orgID, query string, args ...any) error {
	return s.write(ctx, func(q querier) error {
		if orgID != "" {
			if err := checkOrg(ctx, q, orgID); err != nil {
				return err
			}
		}
		return insertNew(ctx, q, what, id, query, args...)
	})
}

// insertNew runs query, an INSERT, with ON CONFLICT DO NOTHING: no row inserted
// means a unique key is taken, ErrAlreadyExists.
func insertNew(ctx context.Context, q querier, what, id, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %q", members.ErrAlreadyExists, what, resellerkit.Truncate(id))
	}
	return nil
}

// read runs fn on one consistent snapshot: the transaction ctx carries or a new
// read-only one.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	return s.db.ReadTx(ctx, func(ctx context.Context) error { return fn(s.q(ctx)) })
}

// onPage, set by tests only, sees every keyset query page runs, with its arguments
// (the query plans are checked against them).
var onPage atomic.Pointer[func(query string, args []any)]

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
	if see := onPage.Load(); see != nil {
		(*see)(query, args)
	}
	items, err := collect(ctx, q, scan, query, args...)
	if err != nil || len(items) <= size {
		return items, "", err
	}
	return items[:size], resellerkit.NextToken(key(items[size-1])), nil
}

// ---- error mapping --------------------------------------------------------

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", members.ErrNotFound, what, resellerkit.Truncate(id))
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
	subject := fmt.Sprintf("%s %q", what, resellerkit.Truncate(id))
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
	case errors.Is(err, members.ErrNotFound), errors.Is(err, members.ErrConflict), errors.Is(err, members.ErrAlreadyExists),
		errors.Is(err, resellerkit.ErrPageToken):
		return err
	case errors.Is(err, sqldb.ErrUniqueViolation):
		return &storeErr{msg: members.ErrAlreadyExists.Error() + ": " + subject, errs: []error{members.ErrAlreadyExists, err}}
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

// monthArg is the database value of m: NULL when zero, else its first instant
// (columns such as from_month and closed_from are TIMESTAMPs).
func monthArg(m resellerkit.Month) any {
	if m.IsZero() {
		return nil
	}
	return m.Start()
}

// nullMonth scans a nullable TIMESTAMP into the Month containing it (zero for NULL).
type nullMonth struct{ m *resellerkit.Month }

func (n nullMonth) Scan(v any) error {
	var t time.Time
	if err := (nullTime{&t}).Scan(v); err != nil {
		return err
	}
	*n.m = resellerkit.Month{}
	if !t.IsZero() {
		*n.m = resellerkit.MonthOf(t)
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
