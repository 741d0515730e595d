// Package sqldb is the SQL plumbing shared by every resellerkit SQL store:
// opening a database, the dialect in use, embedded migrations, transactions
// with bounded retries, and the mapping of driver errors to sentinels that
// stores translate into their domain errors.
//
// # Databases
//
// Open takes either an SQLite file path (the embedded default, through the
// pure-Go modernc.org/sqlite driver) or a PostgreSQL URL ("postgres://…" or
// "postgresql://…", through github.com/jackc/pgx/v5/stdlib). Stores use one
// query text for both, so they are limited to Postgres-standard SQL that
// SQLite also understands (no SQLite-only features, no PostgreSQL extensions;
// PostgreSQL-compatible distributed databases stay an option):
//
//   - Placeholders are $1, $2, … on both (modernc binds $N to the Nth
//     argument); Placeholders builds lists of them.
//   - Byte order of text is ORDER BY x COLLATE "C": PostgreSQL has the "C"
//     collation built in and this package registers one with SQLite.
//   - Timestamps are TIMESTAMP columns holding UTC values (microsecond
//     precision, PostgreSQL's); bind time.Time in UTC and call .UTC() on what
//     you scan. On SQLite they are stored as text that sorts in time order.
//   - Booleans are BOOLEAN, integers INTEGER/BIGINT, text VARCHAR(n)/TEXT.
//
// # Concurrency
//
// SQLite files are opened in WAL mode (readers never block the writer) with
// foreign keys on, a busy timeout (WithBusyTimeout, default 10s) and write
// transactions that begin with BEGIN IMMEDIATE: the write lock is taken at
// the start, so concurrent writers queue instead of failing half way with
// "database is locked"; read-only transactions (ReadTx) never take it.
// PostgreSQL write transactions run at SERIALIZABLE isolation, so invariants
// that span rows (e.g. "an organization keeps one power user", M-9) cannot be
// broken by two concurrent transactions; the loser fails with SQLSTATE 40001.
//
// InTx retries a transaction that fails with ErrSerialization (PostgreSQL
// 40001/40P01, SQLite SQLITE_BUSY/SQLITE_LOCKED) up to WithMaxAttempts times
// (default 8) with jittered exponential backoff, then returns the error; its
// callback must therefore have no side effects outside the transaction.
// Optimistic concurrency stays the stores' job: UPDATE … WHERE id = $1 AND
// version = $2 and "0 rows" means a stale version.
//
// # Errors
//
// MapError (applied automatically by InTx and ReadTx) makes driver errors
// match ErrUniqueViolation, ErrForeignKeyViolation or ErrSerialization with
// errors.Is, keeping the driver error in the chain; Constraint names the
// violated constraint. Stores translate these into their own sentinels (for
// members: ErrConflict) at their boundary. Other errors pass unchanged, so a
// domain sentinel returned from inside InTx still matches errors.Is.
//
// # Migrations
//
// A store embeds its scripts (//go:embed migrations/*.sql) as files named
// NNN_name.sql and calls Migrate(ctx, component, fsys) at construction.
// Applied versions are recorded in schema_migrations keyed by (component,
// version), each script runs in one transaction with its record (both
// databases have transactional DDL), and concurrent or repeated calls apply
// each version exactly once. There are no down migrations: fix forward.
//
// Tests get fresh databases from package sqldbtest.
package sqldb
