package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
)

// Sentinels are a domain package's errors, in terms of which a store built on this
// package reports what went wrong: a missing row, a taken key, a stale version or a
// lost race. A store keeps one value of it (usually an unexported package
// variable) and uses its methods for the parts every SQL store shares: creating
// rows (Insert), checking references (Require) and versions (CheckVersion), and
// translating whatever a call returns (Map, MapTx).
//
// The errors its methods build read as the domain message only ("members: already
// exists: project \"p1\""), while their chain also holds the database error: so
// errors.Is sees both the domain sentinel and this package's sentinels
// (ErrSerialization, which InTx retries on, above all), errors.As finds the
// driver's error for logs, and the text never carries table, constraint or driver
// detail a caller might show to a client.
type Sentinels struct {
	NotFound      error // a row that does not exist
	AlreadyExists error // a create whose unique key is taken
	Conflict      error // a stale version, or a transaction that lost a race
	// Parent names what the package's foreign keys refer to ("organization"): a
	// write a foreign key refuses is reported as NotFound "<Parent> of <what> <id>".
	// Empty means "parent".
	Parent string
}

// storeError is an error whose text is only the domain message while its chain
// holds the domain sentinel and the database error.
type storeError struct {
	msg  string
	errs []error
}

func (e *storeError) Error() string   { return e.msg }
func (e *storeError) Unwrap() []error { return e.errs }

// subject names a row in an error: `what "id"`, or only what when id is "" (a
// list of everything, or a row keyed by a secret, which never goes into an error).
// Long ids are truncated.
func subject(what, id string) string {
	if id == "" {
		return what
	}
	return fmt.Sprintf("%s %q", what, resellerkit.Truncate(id))
}

// Missing returns the NotFound error for the row what id: `<NotFound>: what "id"`.
func (s Sentinels) Missing(what, id string) error {
	return fmt.Errorf("%w: %s", s.NotFound, subject(what, id))
}

// Map translates the error of a store call on the row what id (see Missing) into
// the package's sentinels, at the store's boundary:
//
//   - nil stays nil; errors already matching NotFound, AlreadyExists, Conflict or
//     resellerkit.ErrPageToken are returned as they are;
//   - a unique violation becomes AlreadyExists, a foreign key violation NotFound
//     (of Parent), a serialization failure Conflict, sql.ErrNoRows NotFound;
//   - a canceled or expired context matches context.Canceled or
//     context.DeadlineExceeded, and none of the sentinels: the caller gave up, no
//     row is missing and nothing conflicts;
//   - anything else is wrapped as `sqlstore: what "id": <err>`.
//
// Mapped errors keep the database error in their chain (see Sentinels) but out of
// their text.
func (s Sentinels) Map(err error, what, id string) error {
	if err == nil {
		return nil
	}
	err = MapError(err)
	subj := subject(what, id)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		ctxErr := context.Canceled
		if errors.Is(err, context.DeadlineExceeded) {
			ctxErr = context.DeadlineExceeded
		}
		return &storeError{msg: "sqlstore: " + subj + ": " + ctxErr.Error(), errs: []error{ctxErr, err}}
	case errors.Is(err, s.NotFound), errors.Is(err, s.Conflict), errors.Is(err, s.AlreadyExists),
		errors.Is(err, resellerkit.ErrPageToken):
		return err
	case errors.Is(err, ErrUniqueViolation):
		return &storeError{msg: s.AlreadyExists.Error() + ": " + subj, errs: []error{s.AlreadyExists, err}}
	case errors.Is(err, ErrForeignKeyViolation):
		parent := s.Parent
		if parent == "" {
			parent = "parent"
		}
		return &storeError{msg: s.NotFound.Error() + ": " + parent + " of " + subj, errs: []error{s.NotFound, err}}
	case errors.Is(err, ErrSerialization):
		return &storeError{msg: s.Conflict.Error() + ": " + subj + ": concurrent transaction", errs: []error{s.Conflict, err}}
	case errors.Is(err, sql.ErrNoRows):
		return s.Missing(what, id)
	default:
		return fmt.Errorf("sqlstore: %s: %w", subj, err)
	}
}

// MapTx translates the error of DB.InTx for a store's own InTx: a transaction that
// still lost its race after the retries (ErrSerialization) becomes Conflict, unless
// ctx has ended (then the error matches the context's error, as InTx makes it);
// every other error, and nil, is returned as it is, so the sentinels the callback
// returned stay matchable with errors.Is.
func (s Sentinels) MapTx(ctx context.Context, err error) error {
	if errors.Is(err, ErrSerialization) && !errors.Is(err, s.Conflict) && ctx.Err() == nil {
		return &storeError{msg: s.Conflict.Error() + ": concurrent transaction", errs: []error{s.Conflict, err}}
	}
	return err
}

// Insert runs query, an INSERT, with ON CONFLICT DO NOTHING appended: when it
// inserts no row, a unique key is taken and Insert returns AlreadyExists for the
// row what id. A taken key is thus found without a failing statement, which on
// PostgreSQL would abort a surrounding transaction.
func (s Sentinels) Insert(ctx context.Context, q Querier, what, id, query string, args ...any) error {
	n, err := Exec(ctx, q, query+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", s.AlreadyExists, subject(what, id))
	}
	return nil
}

// Require returns nil when query, with args, selects a row, and NotFound for the
// row what id when it selects none (see Missing). Stores check a reference with it
// (SELECT 1 FROM parents WHERE id = $1) before their first write.
func (s Sentinels) Require(ctx context.Context, q Querier, what, id, query string, args ...any) error {
	var v any
	err := q.QueryRowContext(ctx, query, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return s.Missing(what, id)
	}
	return err
}

// CheckVersion turns the n rows an UPDATE or DELETE … WHERE key AND version = $v
// changed into its answer: nil when it changed the row; else Conflict when the row
// exists with another version, NotFound when it does not. current is a query with
// the key arguments args that selects the row's version.
func (s Sentinels) CheckVersion(ctx context.Context, q Querier, n int64, what, id string, version int64, current string, args ...any) error {
	if n == 1 {
		return nil
	}
	var cur int64
	switch err := q.QueryRowContext(ctx, current, args...).Scan(&cur); {
	case errors.Is(err, sql.ErrNoRows):
		return s.Missing(what, id)
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: %s: stale version %d, current is %d", s.Conflict, subject(what, id), version, cur)
}

// Exec runs a statement on q and returns how many rows it changed.
func Exec(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Write runs fn, one change of a store, atomically: in a new read-write transaction
// (as InTx), or, when ctx carries a read-write transaction of db, directly in it.
// fn gets the context to use and the Querier to run its statements on.
//
// Unlike a nested InTx, Write opens no savepoint: PostgreSQL makes every savepoint a
// subtransaction, and a bulk edit of 1,000 rows would open 1,000 of them (past 64
// per transaction every concurrent snapshot slows down). So fn must check
// everything before its first write and then run only statements that cannot fail
// on their data (Sentinels.Insert's INSERT … ON CONFLICT DO NOTHING, UPDATE … WHERE
// version = $n with CheckVersion): then a failing call changes nothing inside a
// surrounding transaction either, and never aborts it.
//
// A context carrying a read-only transaction (ReadTx) is an error, as for InTx.
func (db *DB) Write(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if st := db.current(ctx); st != nil {
		if st.readOnly {
			return errReadOnly
		}
		return fn(ctx, st.tx)
	}
	return db.InTx(ctx, func(ctx context.Context) error { return fn(ctx, db.Querier(ctx)) })
}

// ByteOrder returns the clause that makes a text column compare in byte order, the
// order of keyset paging: ` COLLATE "C"` on PostgreSQL, "" on SQLite (whose default
// BINARY collation is byte order, and whose plain indexes then serve the query).
// Append it to the key column in WHERE and ORDER BY, and give PostgreSQL indexes in
// the "C" collation.
func (db *DB) ByteOrder() string {
	if db.dialect == PostgreSQL {
		return ` COLLATE "C"`
	}
	return ""
}
