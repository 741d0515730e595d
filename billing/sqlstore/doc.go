// Package sqlstore is the billing.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no server)
// and PostgreSQL through pgx. One set of queries serves both (the portable subset
// package sqldb describes), and both pass the billingtest.TestStore conformance
// suite, like memstore. What every SQL store shares (transactions in the
// context, error mapping, value conversions, migrations) is sqldb's; this package
// holds the billing queries.
//
// It stores the ingested cost data (B-13, B-14), the issued invoices and credit
// notes (B-12) and the charge alarms with their firings (B-15). It holds no
// policy: pricing, the calendar and when an alarm fires are the Service's.
//
// # One database, one transaction
//
// The Store runs on a *sqldb.DB that the stores of other packages (members,
// contacts…) may share: open the database once, give it to each package's
// sqlstore.New, and every call made with a context from sqldb.DB.InTx (or
// Store.InTx) joins that one transaction, so an alarm's firing and the notice it
// sends commit together. New (or Open, with a file path or a postgres:// URL)
// applies the embedded migrations (migrations/NNN_name.sql, recorded under the
// component "billing"), which is safe from several processes at once.
//
// # Model
//
//   - billing_reports: one row per payer, month and report version ever stored,
//     is_current marking the month's data (a partial unique index: one per payer
//     and month). The rest is the history ReportHistory returns, kept so that a
//     superseded version sent again is ErrStaleReport. Each row keeps its
//     version's sketch (CostData.Sketch) in billing.Sketch's binary form, a BLOB
//     on SQLite and a BYTEA on PostgreSQL (migration 003), NULL when it has none;
//     CostReports and ReportHistory decode it.
//   - billing_cost_groups: the current version's aggregates of each payer and
//     month, keyed by (period, payer, ord), ord being the position in
//     CostData.Groups. Costs are exact decimal TEXT, every digit as written
//     (trailing zeros too), read back with money.Parse: never a float, never a
//     NUMERIC whose scale the database picks. Class is not stored: CostGroups
//     computes it with billing.ClassifyKey, so a fix to classification applies to
//     stored months. An index on (period, payer, account_id) (migration 004)
//     serves CostGroupsOf, one organization's accounts' groups, at the cost of
//     those accounts rather than the month's.
//   - billing_documents: one row per issued document, its sources, lines and
//     taxes as JSON arrays (decimals as exact text, amounts as decimal and
//     currency), its key unique, its (series, year, seq) unique;
//     billing_document_counters: the last number used per series and year.
//   - billing_alarms and billing_alarm_firings: the firings keyed by (alarm,
//     month), removed with their alarm (ON DELETE CASCADE).
//
// Times are UTC TIMESTAMPs at microsecond precision (NULL when zero); a month is
// the TIMESTAMP of its first instant, the zero time for the zero Month where it is
// part of a key.
//
// # Restatement (B-14)
//
// PutCostData is one transaction: it reads the payer's month (the version it is
// given and the current one) and either answers Unchanged or ErrStaleReport
// writing nothing, or marks the current version as history, deletes its groups,
// inserts the new report row as current and the new groups in multi-row INSERTs
// of 500 rows. Readers see the old month or the new one, never a mix, and a
// process that dies half way (the tests kill one with SIGKILL, on both databases)
// leaves the previous version whole. On SQLite the batch uses ? placeholders
// (SQLite looks every $N up by name, which for thousands of parameters cost more
// than the insert itself) and is prepared once per call. A month of 100,000
// groups stores at about 130,000–150,000 groups/s on SQLite and 75,000–95,000 on
// PostgreSQL, and reads back at 240,000 and 310,000 groups/s, on a two-core test
// machine (BenchmarkPutCostData, BenchmarkCostGroups).
//
// # Numbers and immutability (B-12)
//
// IssueDocument raises the counter of (series, year) with one upsert (INSERT … ON
// CONFLICT DO UPDATE … RETURNING) in the transaction that inserts the document:
// a number is only ever used by a document that committed, so numbers have no
// gap. Concurrent issuers of one series queue on SQLite's write lock; on
// PostgreSQL all but one lose the SERIALIZABLE race and are rerun, by sqldb and,
// for a call that is not inside a caller's transaction, by IssueDocument itself
// beyond sqldb's bound.
//
// Issued documents are immutable in the database itself, not only in the Store:
// triggers refuse every UPDATE and DELETE of billing_documents (SQLite: RAISE
// (ABORT) in BEFORE UPDATE and BEFORE DELETE triggers; PostgreSQL: a plpgsql
// trigger function raising SQLSTATE RKIMM, also BEFORE TRUNCATE), whoever runs the
// statement. The Store never runs one; if such a refusal ever reaches it, it is
// reported as billing.ErrImmutable.
//
// # Invariants
//
//   - Tenant isolation (M-7): documents, alarms and firings are read and written
//     with their organization; the unscoped reads (GetDocument with orgID "",
//     DocumentByKey, ListAlarms with orgID "") are documented as such on
//     billing.Store.
//   - A failing call changes nothing, even inside a joined transaction:
//     PutCostData and IssueDocument run in a savepoint there; the one-statement
//     writes check first and then insert with ON CONFLICT DO NOTHING or update
//     with WHERE version = $n.
//   - Ordered lists are served by an index in order on both databases (byte order
//     of text: COLLATE "C" on PostgreSQL, with indexes in that collation);
//     ListDocuments pages by the row value (series, year, seq).
//   - Error text is only the domain message; the database error stays in the
//     chain for errors.Is/As, never in Error().
package sqlstore
