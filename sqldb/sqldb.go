package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	// Register the "pgx" database/sql driver.
	_ "github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// init registers, for SQLite connections, the collation "C" that PostgreSQL
// has built in: plain byte order. Queries write ORDER BY id COLLATE "C" and
// get the same order on both databases, whatever the server's locale. An
// error means another package registered "C" already; that one is kept.
func init() {
	_ = sqlite.RegisterCollationUtf8("C", strings.Compare)
}

// Dialect identifies the SQL database behind a DB.
type Dialect int

// The supported dialects.
const (
	// SQLite is an embedded SQLite file opened through modernc.org/sqlite.
	SQLite Dialect = iota + 1
	// PostgreSQL is a PostgreSQL server reached through pgx/v5's database/sql driver.
	PostgreSQL
)

// String returns "sqlite" or "postgresql".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgresql"
	default:
		return fmt.Sprintf("Dialect(%d)", int(d))
	}
}

// DB is an open SQLite or PostgreSQL database: one pool that every package's SQL
// store shares. Stores run their statements on Querier(ctx), so a context carrying
// a transaction (InTx, ReadTx) makes them part of it; multi-statement changes run
// in InTx.
type DB struct {
	pool    *sql.DB
	dialect Dialect
	opts    options
}

// Pool returns the underlying connection pool, for tuning (SetMaxOpenConns …) and
// health checks. Statements run on it directly are outside any transaction: stores
// use Querier(ctx).
func (db *DB) Pool() *sql.DB { return db.pool }

// Close closes the pool.
func (db *DB) Close() error { return db.pool.Close() }

// Dialect reports which database DB talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// DefaultMaxIdleConns is how many idle connections Open keeps in the pool.
const DefaultMaxIdleConns = 16

// Option configures Open.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	maxAttempts int
	baseBackoff time.Duration
}

func defaultOptions() options {
	return options{busyTimeout: 10 * time.Second, maxAttempts: 8, baseBackoff: 2 * time.Millisecond}
}

// WithBusyTimeout sets how long an SQLite statement waits for another
// connection's write lock before failing with ErrSerialization (default 10s).
// It has no effect on PostgreSQL.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// WithMaxAttempts sets how many times InTx runs a transaction that keeps
// failing with ErrSerialization before giving up (default 8; minimum 1).
func WithMaxAttempts(n int) Option {
	return func(o *options) { o.maxAttempts = max(n, 1) }
}

// Open opens and pings a database. dsn is either a PostgreSQL URL
// ("postgres://…" or "postgresql://…", passed to pgx unchanged) or an SQLite
// file path (optionally with SQLite URI query parameters after a "?"; a path
// prefixed with "file:" is an SQLite URI, in which "%HH" escapes a byte and "#"
// ends the path, while a plain path names exactly the file it spells).
// ":memory:" opens a private in-memory SQLite database limited to one
// connection. Upgrading: before 283eda5 a plain path was read as a URI too, so a
// database opened as "data#2.db" lives in "data", and one opened as "a%20b.db" in
// "a b.db"; move the file to the name spelled (Open would create an empty one
// there), or keep the old meaning with a "file:" URI.
//
// SQLite files are opened in WAL mode with foreign keys on, synchronous=NORMAL,
// a busy timeout, and write transactions that start with BEGIN IMMEDIATE, so
// concurrent writers queue for the single write lock instead of failing half
// way through a transaction; a writer that still cannot get the lock fails
// with ErrSerialization and InTx retries it.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if dsn == "" {
		return nil, errors.New("sqldb: empty DSN: want a postgres:// URL or an SQLite file path")
	}
	var (
		driverName, driverDSN string
		dialect               Dialect
		memory                bool
	)
	if IsPostgresDSN(dsn) {
		driverName, driverDSN, dialect = "pgx", dsn, PostgreSQL
	} else {
		var err error
		driverDSN, memory, err = sqliteDSN(dsn, o)
		if err != nil {
			return nil, err
		}
		driverName, dialect = "sqlite", SQLite
	}
	sqlDB, err := sql.Open(driverName, driverDSN)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open %s: %w", dialect, err)
	}
	if memory {
		// Every connection to ":memory:" is a separate database.
		sqlDB.SetMaxOpenConns(1)
	}
	// database/sql keeps 2 idle connections by default, so a server answering
	// more requests at once opens (and, on SQLite, re-configures) a connection for
	// every one beyond the second. Keep enough for a busy portal; tune with Pool().
	sqlDB.SetMaxIdleConns(DefaultMaxIdleConns)
	if err := connect(ctx, sqlDB, dialect, o.busyTimeout); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("sqldb: connect to %s %s: %w", dialect, redact(dsn), MapError(err))
	}
	return &DB{pool: sqlDB, dialect: dialect, opts: o}, nil
}

// IsPostgresDSN reports whether dsn is a PostgreSQL URL rather than an SQLite path.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteDSN turns a path into a modernc.org/sqlite DSN carrying our pragmas.
func sqliteDSN(dsn string, o options) (string, bool, error) {
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && !strings.ContainsAny(scheme, "/\\?") {
		return "", false, fmt.Errorf("sqldb: DSN scheme %q is not supported: want postgres://, postgresql:// or an SQLite file path", scheme)
	}
	if strings.Contains(dsn, "dbname=") || strings.HasPrefix(dsn, "host=") {
		return "", false, errors.New("sqldb: PostgreSQL keyword/value DSNs are not supported: use a postgres:// URL")
	}
	uri := strings.HasPrefix(dsn, "file:")
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" {
		return "", false, fmt.Errorf("sqldb: SQLite DSN %q has no file path", dsn)
	}
	if !uri {
		// The DSN handed to the driver is an SQLite URI, where "%HH" is an escape
		// and "#" starts a fragment: a plain path must name its own file, so
		// "a#1.db" is not "a" and "a%20b.db" is not "a b.db".
		path = strings.NewReplacer("%", "%25", "#", "%23").Replace(path)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", false, fmt.Errorf("sqldb: SQLite DSN %q: bad query: %w", dsn, err)
	}
	memory := path == ":memory:" || q.Get("mode") == "memory"
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if !memory {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	if q.Get("_time_format") == "" {
		// "2006-01-02 15:04:05.999999999-07:00": with UTC values it sorts
		// lexicographically in time order, so SQL comparisons work.
		q.Set("_time_format", "sqlite")
	}
	return "file:" + path + "?" + q.Encode(), memory, nil
}

// redact hides a password in a PostgreSQL URL for error messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if IsPostgresDSN(dsn) && err != nil {
			return "(unparsable URL)"
		}
		return dsn
	}
	return u.Redacted()
}

// connect opens the first connection. On SQLite, switching a new file to WAL takes an
// exclusive lock for which SQLite does not call its busy handler, so processes (or
// stores) opening the same new file at once can get SQLITE_BUSY there: connect retries
// that, with backoff, for at most the busy timeout.
func connect(ctx context.Context, db *sql.DB, d Dialect, busyTimeout time.Duration) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || d != SQLite || !errors.Is(MapError(err), ErrSerialization) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}
