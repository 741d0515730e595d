// Package sqlstore is the members.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no
// server) and PostgreSQL through pgx. One set of queries serves both (the
// portable subset package sqldb describes), and both pass the
// memberstest.TestStore conformance suite, like memstore. What every SQL store
// shares (atomic writes without savepoints, error mapping, keyset paging, value
// conversions) is sqldb's; this package holds the members queries.
//
// Use Open with a file path or a postgres:// URL, or New with an *sqldb.DB you
// manage; both apply the embedded migrations (migrations/NNN_name.sql,
// recorded under the component "members"), which is safe to run from several
// processes at once.
//
// # Model
//
// One table per aggregate (organizations, projects, accounts, memberships,
// invitations, applications) plus account_ownership, the month-by-month
// ownership history of an account (M-3), replaced wholesale with its account.
// Ordered lists of strings (invoice recipients, labels, permissions) are
// JSON arrays in TEXT columns, so their order round-trips exactly. Times are
// UTC TIMESTAMPs truncated to the microsecond on both databases; a zero
// time.Time is NULL.
//
// # Invariants
//
//   - Tenant isolation (M-7): every org-scoped query has org_id in its WHERE
//     clause, reads and writes alike, so another organization's row is
//     indistinguishable from a missing one (ErrNotFound). The unscoped methods
//     (ListOrganizations, FindAccount, ListMembershipsOfIdentity,
//     ListInvitationsByEmail, ListPendingInvitationsExpiring) are documented
//     as such on members.Store.
//   - Uniqueness: organization id and code (M-1), project, account (across
//     all organizations, M-3), invitation and application ids, and one
//     membership per identity and organization are constraints; a create
//     that would break one is members.ErrAlreadyExists.
//   - Error text is only the domain message ("members: already exists:
//     project \"p1\""); the database error (constraint name, driver
//     code) stays in the chain for errors.Is/As, sqldb.Constraint and logs,
//     never in Error(), so callers can show the text without leaking schema.
//   - Rows of an organization that does not exist are refused with
//     members.ErrNotFound (foreign keys, and an explicit check for accounts),
//     as the members.Store contract states and memstore does too.
//   - A failing call changes nothing, even inside a joined transaction:
//     CreateAccount and UpdateAccount check the version and every owner
//     project before their first write.
//   - Optimistic concurrency: UPDATE/DELETE … WHERE key AND version = $n; no
//     row means ErrConflict if the key exists (stale version) and ErrNotFound
//     otherwise; the version check and the write are one statement, in one
//     transaction with the follow-up existence check.
//   - Multi-row changes are one transaction: InTx binds a Store to a
//     database transaction (SERIALIZABLE on PostgreSQL; SQLite takes its
//     write lock at BEGIN), nested InTx joins it, and a transaction that loses
//     a race is retried by sqldb a bounded number of times and then reported
//     as ErrConflict (unless the context ended: then it matches the context
//     error, not ErrConflict). Serializable isolation is what keeps rules spanning rows
//     (the last power user of M-9) safe under concurrency.
package sqlstore
