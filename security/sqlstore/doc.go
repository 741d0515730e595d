// Package sqlstore is the security.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no server)
// and PostgreSQL through pgx. One set of queries serves both (the portable subset
// package sqldb describes), and both pass the securitytest.TestStore conformance
// suite, like memstore. What every SQL store shares (transactions in the
// context, error mapping, value conversions, migrations) is sqldb's; this package
// holds the security queries.
//
// It stores each account's security settings and their changes (S-2), the
// maintenance runs and their items (S-3), which initial controls were set once
// (S-1) and the security alerts (S-4). It holds no policy: profiles, the cost
// estimate, what a run repairs and who is alerted are the Service's.
//
// # One database, one transaction
//
// The Store runs on a *sqldb.DB that the stores of other packages (members,
// contacts…) may share: open the database once, give it to each package's
// sqlstore.New, and every call made with a context from sqldb.DB.InTx (or
// Store.InTx) joins that one transaction, so an alert and the notice it sends
// commit together. New (or Open, with a file path or a postgres:// URL) applies
// the embedded migrations (migrations/NNN_name.sql, recorded under the component
// "security"), which is safe from several processes at once.
//
// # Model
//
//   - security_settings: one row per organization and account (M-7), the choices
//     a JSON object, a version raised by every save. security_changes: one row
//     per save, keyed by (organization, account, seq), seq being the version the
//     save stored, so the primary key read backwards is ListChanges' order,
//     newest first; the settings before and after are JSON.
//   - security_runs and security_items: an item per run, account, control and
//     region (the primary key; a retried item replaces the first with an upsert),
//     referencing its run. Each item copies its run's StartedAt, so an account's
//     latest run is one index lookup (LastItems). A run's owner and lease_until
//     (migration 003) are claimed with one conditional UPDATE (ClaimRun), so of
//     concurrent claims one wins.
//   - security_initialized: one row per account, control and region, written
//     once (INSERT … ON CONFLICT DO NOTHING).
//   - security_alerts: one row per finding id, unique across organizations;
//     PutAlert's INSERT … ON CONFLICT DO NOTHING stores exactly one of concurrent
//     puts of an id.
//
// Times are UTC TIMESTAMPs at microsecond precision, NULL when zero, except where
// a time orders a list (a run's StartedAt, an alert's ReceivedAt): there it is NOT
// NULL and the zero time is the earliest instant. Lists of strings (Regions,
// Types) are JSON arrays in TEXT columns.
//
// # Invariants
//
//   - Tenant isolation (M-7): settings, changes, items and alerts are read with
//     their organization; the unscoped reads (runs, ListItems with orgID "",
//     Initialized) are documented as such on security.Store and in securitytest.
//   - A failing call changes nothing, even inside a joined transaction: each
//     write checks first (the version in its UPDATE's WHERE, the run before an
//     item) and then runs statements that cannot fail on their data.
//   - Ordered reads are served by an index in order on both databases (byte order
//     of text: COLLATE "C" on PostgreSQL, with indexes in that collation, migration
//     002); ListChanges pages by seq, ListAlerts by the row value (received_at, id)
//     read backwards, their tokens holding the last row's position.
//   - Error text is only the domain message; the database error stays in the
//     chain for errors.Is/As, never in Error().
package sqlstore
