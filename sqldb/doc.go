// Package sqldb is the public SQL layer every resellerkit SQL store is built on, and
// the one a program uses to run several packages on one database: open one SQLite
// file or PostgreSQL database, let each package migrate its own tables, hand the
// same *DB to every package's sqlstore, and run a change that spans packages in one
// transaction.
//
//	db, err := sqldb.Open(ctx, "reseller.db") // or "postgres://user@host/db"
//	members, err := sqlstore.New(ctx, db)     // migrates component "members"
//	other, err := othersqlstore.New(ctx, db)  // migrates its own component
//	err = db.InTx(ctx, func(ctx context.Context) error {
//		// every store called with this ctx runs in this one transaction
//		if err := members.CreateProject(ctx, p); err != nil {
//			return err // nothing of the transaction is kept
//		}
//		return other.Record(ctx, …)
//	})
//
// # Transactions travel in the context
//
// InTx and ReadTx hand their callback a context that carries the transaction. A
// store runs its statements on db.Querier(ctx): the transaction when ctx carries
// one of this DB, the pool otherwise. So stores of different packages join one
// transaction without knowing each other, and a Service method called with that
// context joins it too. An InTx inside another joins it in a savepoint: if the
// inner callback fails, its writes are undone and the outer transaction stays
// usable (on PostgreSQL a failed statement otherwise aborts the whole transaction).
// Only the outermost InTx commits, and only it retries on serialization failures,
// so callbacks must have no effects outside the transaction and reset what they
// capture. Do not share a transaction's context between goroutines or keep it
// after the callback returns.
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
//     argument).
//   - Byte order of text, which keyset paging relies on (WHERE id > $1 ORDER BY
//     id LIMIT n), is SQLite's default collation (BINARY) and PostgreSQL's "C"
//     collation: a store writes COLLATE "C" on PostgreSQL only (DB.ByteOrder
//     gives the clause for the dialect), and gives PostgreSQL indexes in that
//     collation (a PostgreSQL-only migration, below), or every page scans and
//     sorts the table. (This package also registers a "C" collation with
//     SQLite, for SQL written with COLLATE "C" on both.)
//   - Timestamps are TIMESTAMP columns holding UTC values (microsecond
//     precision, PostgreSQL's); bind time.Time in UTC and call .UTC() on what
//     you scan (TimeArg and ScanTime do both, with NULL for the zero time). On
//     SQLite they are stored as text that sorts in time order.
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
// (default 8) with jittered exponential backoff, then returns the error.
// Optimistic concurrency stays the stores' job: UPDATE … WHERE id = $1 AND
// version = $2 and "0 rows" means a stale version.
//
// # Errors
//
// MapError (applied automatically by InTx and ReadTx) makes driver errors
// match ErrUniqueViolation, ErrForeignKeyViolation or ErrSerialization with
// errors.Is, keeping the driver error in the chain; Constraint names the
// violated constraint. Stores translate these into their own sentinels (for
// members: ErrAlreadyExists, ErrConflict) at their boundary, with Sentinels.Map.
// Other errors pass unchanged, so a domain sentinel returned from inside InTx
// still matches errors.Is.
//
// # Building a store
//
// What every package's SQL store needs besides its own queries is here, so a
// store is its queries and little else:
//
//   - Sentinels holds the package's ErrNotFound, ErrAlreadyExists and ErrConflict.
//     Its Map translates what a call returns (unique violation → AlreadyExists,
//     lost race → Conflict, no rows → NotFound, a canceled context stays a
//     context error) into errors whose text is the domain message only while
//     errors.Is still sees ErrSerialization and the driver's error; MapTx does
//     the same for a store's InTx. Insert (INSERT … ON CONFLICT DO NOTHING),
//     Require (a reference exists) and CheckVersion (UPDATE … WHERE version = $n)
//     answer with the sentinels without a failing statement.
//   - DB.Write runs one change atomically, in the transaction ctx carries or a
//     new one, without a savepoint per call.
//   - Page runs a keyset query in byte order (DB.ByteOrder) and cuts a page with
//     its next token; Collect runs any list query; WithTrace shows both's
//     queries (a store's tests EXPLAIN them to check that indexes serve them).
//   - TimeArg/ScanTime, MonthArg/ScanMonth, TextArg/ScanText,
//     BytesArg/ScanBytes and ListArg/ScanList convert values to and from columns
//     the same way on both databases, zero values as NULL.
//
// See the Sentinels example for a whole store.
//
// # Migrations
//
// Each package owns and versions its schema: it embeds its scripts
// (//go:embed migrations/*.sql) as files named NNN_name.sql and calls
// Migrate(ctx, component, fsys), usually from its store's constructor. The rare
// script that cannot be written once for both databases is NNN_name.postgresql.sql
// or NNN_name.sqlite.sql and runs on that dialect only.
// Applied versions are recorded in one schema_migrations table keyed by
// (component, version), each script runs in one transaction with its record
// (both databases have transactional DDL), and concurrent or repeated calls
// apply each version exactly once. There are no down migrations: fix forward.
//
// Tests get fresh databases from package sqldbtest.
package sqldb
