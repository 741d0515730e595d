package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Component is the name under which the billing migrations are recorded in
// schema_migrations.
const Component = "billing"

// Migrations returns the embedded schema migrations (NNN_name.sql files, and
// NNN_name.sqlite.sql / NNN_name.postgresql.sql for one dialect).
func Migrations() fs.FS { return sqldb.MigrationsDir(migrationFiles, "migrations") }

// Store is a billing.Store on SQLite or PostgreSQL, over a *sqldb.DB that other
// packages' stores may share. It is safe for concurrent use, also by several
// processes on one database. It runs every statement on the transaction its
// context carries (sqldb.DB.InTx), so it joins a transaction that spans packages.
type Store struct {
	db   *sqldb.DB
	c    string // the clause that makes text compare in byte order (sqldb.DB.ByteOrder)
	owns bool   // Close closes db
	// fullBatch is the INSERT of groupBatch groups in the dialect of db.
	fullBatch string
}

var _ billing.Store = (*Store)(nil)

// New applies the billing migrations to db (component Component; see Migrations)
// and returns a Store over it. The caller keeps ownership of db (Close does not
// close it) and may give it to other packages' stores too.
func New(ctx context.Context, db *sqldb.DB) (*Store, error) {
	if err := db.Migrate(ctx, Component, Migrations()); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return &Store{db: db, c: db.ByteOrder(), fullBatch: insertStatement(db.Dialect(), groupBatch)}, nil
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

// errs are the billing sentinels the Store reports database errors with. The one
// foreign key is a firing's reference to its alarm.
var errs = sqldb.Sentinels{
	NotFound:      billing.ErrNotFound,
	AlreadyExists: billing.ErrAlreadyExists,
	Conflict:      billing.ErrConflict,
	Parent:        "alarm",
}

// q returns the transaction ctx carries, or the pool.
func (s *Store) q(ctx context.Context) sqldb.Querier { return s.db.Querier(ctx) }

// InTx implements billing.Store with sqldb.DB.InTx: SERIALIZABLE on PostgreSQL,
// SQLite's write lock taken at its start, joined (in a savepoint) when ctx already
// carries a transaction of the same database. When it loses a race with a
// concurrent transaction, sqldb reruns fn (a bounded number of times), so fn must
// have no effects outside the transaction; if it still cannot commit, InTx returns
// an error matching billing.ErrConflict. Errors from fn are returned as they are
// (errors.Is works on them).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return errs.MapTx(ctx, s.db.InTx(ctx, fn))
}

// immutableCode is the SQLSTATE the PostgreSQL trigger of migration 002 raises
// when a statement would change or remove an issued document.
const immutableCode = "RKIMM"

// immutableError is billing.ErrImmutable as the Store reports a trigger's refusal:
// the domain message only, the database error in the chain.
type immutableError struct{ err error }

func (e *immutableError) Error() string   { return billing.ErrImmutable.Error() }
func (e *immutableError) Unwrap() []error { return []error{billing.ErrImmutable, e.err} }

// mapImmutable returns err as an error matching billing.ErrImmutable when it is
// the refusal of the triggers that keep issued documents unchanged (B-12): the
// PostgreSQL SQLSTATE RKIMM, or SQLite's SQLITE_CONSTRAINT_TRIGGER (a RAISE(ABORT)
// in a trigger; the billing tables have no other). The database error stays in
// the chain. Any other error is returned as it is.
func mapImmutable(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == immutableCode {
		return &immutableError{err}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_TRIGGER {
		return &immutableError{err}
	}
	return err
}

// instant is the database value of a time for a NOT NULL TIMESTAMP column, and of
// a time compared with one: in UTC at microsecond precision, the zero time kept as
// the earliest instant (0001-01-01 00:00:00) rather than NULL.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// monthKey is the database value of a month that is part of a key (a NOT NULL
// TIMESTAMP column): its first instant, the zero time for the zero Month, which
// sqldb.ScanMonth reads back as the zero Month.
func monthKey(m resellerkit.Month) time.Time { return instant(m.Start()) }

// decimalText is the database text of an exact decimal: every digit as written,
// trailing fractional zeros included ("1.50"), so that money.Parse gives back the
// same value with the same scale. The zero Decimal is "0".
func decimalText(d money.Decimal) string {
	if d.IsZero() && d.Scale() == 0 {
		return "0"
	}
	return d.StringFixed(d.Scale())
}

// parseDecimal reads the text decimalText wrote. "0" is the zero Decimal
// (money.Decimal{}), so a value never set comes back as it went in.
func parseDecimal(s string) (money.Decimal, error) {
	if s == "0" {
		return money.Decimal{}, nil
	}
	d, err := money.Parse(s)
	if err != nil {
		return money.Decimal{}, fmt.Errorf("sqlstore: stored decimal: %w", err)
	}
	return d, nil
}

// decimalDest is a Scan destination that reads decimal text into a money.Decimal.
type decimalDest struct{ d *money.Decimal }

func (d decimalDest) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("sqlstore: decimal column holds %T, want text", v)
	}
	dec, err := parseDecimal(s)
	if err != nil {
		return err
	}
	*d.d = dec
	return nil
}

// scanDecimal returns a Scan destination for a decimal TEXT column.
func scanDecimal(d *money.Decimal) decimalDest { return decimalDest{d} }

// mapErr translates the error of a Store call on the row what id at the Store's
// boundary: the billing sentinels the Store's own checks return (ErrStaleReport
// …) pass unchanged, the triggers' refusal becomes billing.ErrImmutable
// (mapImmutable), and the rest is errs.Map's.
func mapErr(err error, what, id string) error {
	if err == nil {
		return nil
	}
	err = mapImmutable(err)
	for _, e := range []error{billing.ErrStaleReport, billing.ErrImmutable, billing.ErrLimit} {
		if errors.Is(err, e) {
			return err
		}
	}
	return errs.Map(err, what, id)
}
