// Package sqlstore is the support.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no server)
// and PostgreSQL through pgx. One set of queries serves both (the portable subset
// package sqldb describes), and both pass the supporttest.TestStore conformance
// suite, like memstore. What every SQL store shares (transactions in the
// context, error mapping, value conversions, migrations) is sqldb's; this package
// holds the support queries.
//
// It stores support cases (P-1) with their state, clocks and escalation as the
// Service keeps them (P-2, P-3, P-4), their replies (P-3), and purges them after
// retention (P-5). It holds no policy: validation, the state machine, SLA clocks
// and who is notified are the Service's.
//
// # One database, one transaction
//
// The Store runs on a *sqldb.DB that the stores of other packages (members,
// contacts…) may share: open the database once, give it to each package's
// sqlstore.New, and every call made with a context from sqldb.DB.InTx (or
// Store.InTx) joins that one transaction, so a reply and the notice that
// announces it commit together. New (or Open, with a file path or a postgres://
// URL) applies the embedded migrations (migrations/NNN_name.sql, recorded under
// the component "support"), which is safe from several processes at once.
//
// # Model
//
//   - support_cases: one row per case id (unique across organizations), with its
//     organization (M-7) and a version raised by every update. CC and the waiting
//     spans are JSON arrays (an open span has no end); the escalation is columns
//     of its own with a flag that says whether there is one, so a nil and an
//     empty escalation differ.
//   - support_replies: one row per reply id (unique across cases and
//     organizations), referencing its case; attachments are a JSON array of
//     references.
//
// Times are UTC TIMESTAMPs at microsecond precision, NULL when zero, except where
// a time orders a list (a case's and a reply's CreatedAt): there it is NOT NULL
// and the zero time is the earliest instant.
//
// # Invariants
//
//   - Tenant isolation (M-7): a case is read and written with its organization;
//     the desk's reads of every organization (orgID "") are documented as such on
//     support.Store and in supporttest. Writes always match the organization.
//   - A failing call changes nothing, even inside a joined transaction: each
//     write checks first (the case of a reply, the version in an UPDATE's WHERE,
//     the id with INSERT … ON CONFLICT DO NOTHING) and then runs statements that
//     cannot fail on their data.
//   - UpdateCase's UPDATE sets only the mutable columns: ID, OrgID, AccountID,
//     OpenedBy and CreatedAt are never written after the INSERT.
//   - PurgeCases selects the oldest cases before the cutoff and deletes their
//     replies and them in one transaction; concurrent purges serialize (SQLite's
//     write lock, PostgreSQL's SERIALIZABLE isolation with retries), so each case
//     is reported once.
//   - Ordered reads are served by an index in order on both databases (byte order
//     of text: COLLATE "C" on PostgreSQL, with indexes in that collation, migration
//     002): ListCases pages by the row value (created_at, id) read backwards from
//     the index of its most selective filter (organization and account,
//     organization, account, assignee, state, or every case), its tokens holding
//     the last row's position; ListReplies reads its case's (case_id, created_at,
//     id) index forwards; PurgeCases reads (created_at, id) forwards.
//   - Error text is only the domain message; the database error stays in the
//     chain for errors.Is/As, never in Error().
package sqlstore
