package sqldb

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors that MapError, InTx and ReadTx attach to driver errors.
// Test with errors.Is; the driver's own error stays in the chain for errors.As.
var (
	// ErrUniqueViolation reports a violated UNIQUE or PRIMARY KEY constraint
	// (PostgreSQL SQLSTATE 23505, SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY).
	ErrUniqueViolation = errors.New("sqldb: unique violation")
	// ErrForeignKeyViolation reports a violated FOREIGN KEY constraint
	// (PostgreSQL SQLSTATE 23503, SQLITE_CONSTRAINT_FOREIGNKEY).
	ErrForeignKeyViolation = errors.New("sqldb: foreign key violation")
	// ErrSerialization reports a transaction that lost a race with another one
	// and may succeed if retried: PostgreSQL serialization failure (40001) or
	// deadlock (40P01), SQLite SQLITE_BUSY / SQLITE_LOCKED. InTx retries these
	// a bounded number of times before returning them.
	ErrSerialization = errors.New("sqldb: serialization failure")
)

// mappedError joins a sentinel with the driver error it classifies.
type mappedError struct {
	kind       error
	err        error
	constraint string
}

func (e *mappedError) Error() string   { return e.kind.Error() + ": " + e.err.Error() }
func (e *mappedError) Unwrap() []error { return []error{e.kind, e.err} }

// MapError classifies a driver error: when err is (or wraps) a PostgreSQL or
// SQLite unique, foreign-key, serialization or busy error, the result also
// matches ErrUniqueViolation, ErrForeignKeyViolation or ErrSerialization with
// errors.Is. Other errors, nil, and errors already mapped are returned
// unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	var me *mappedError
	if errors.As(err, &me) {
		return err
	}
	constraint, kind := classify(err)
	if kind == nil {
		return err
	}
	return &mappedError{kind: kind, err: err, constraint: constraint}
}

// Constraint returns the name of the constraint a mapped unique or foreign key
// violation names: the constraint name on PostgreSQL, the "table.column[, …]"
// list on SQLite. It returns "" when err carries none.
func Constraint(err error) string {
	var me *mappedError
	if errors.As(err, &me) {
		return me.constraint
	}
	c, _ := classify(err)
	return c
}

func classify(err error) (constraint string, kind error) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return pgErr.ConstraintName, ErrUniqueViolation
		case "23503":
			return pgErr.ConstraintName, ErrForeignKeyViolation
		case "40001", "40P01":
			return "", ErrSerialization
		}
		return "", nil
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code()
		switch {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return sqliteConstraint(sqErr.Error()), ErrUniqueViolation
		case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return "", ErrForeignKeyViolation
		case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
			return "", ErrSerialization
		}
	}
	return "", nil
}

// sqliteConstraint extracts "t.a, t.b" from "... UNIQUE constraint failed: t.a, t.b (2067)".
func sqliteConstraint(msg string) string {
	const marker = "constraint failed: "
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	after := msg[i+len(marker):]
	if i := strings.LastIndex(after, " ("); i >= 0 {
		after = after[:i]
	}
	return after
}
