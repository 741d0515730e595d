// Package sqlstore is the contacts.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no server)
// and PostgreSQL through pgx. One set of queries serves both (the portable subset
// package sqldb describes) but for the claim of due notices, and both pass the
// contactstest.TestStore conformance suite, like memstore. What every SQL store
// shares (atomic writes without savepoints, error mapping, keyset paging, value
// conversions) is sqldb's; this package holds the contacts queries.
//
// It stores the contacts of AWS accounts (C-1 … C-3) and the outbox of notices
// (C-7). It holds no policy: routing, rendering, retries and backoff are the
// Service's and the Dispatcher's.
//
// # One database, one transaction
//
// The Store runs on a *sqldb.DB that the stores of other packages (members,
// identity…) may share: open the database once, give it to each package's
// sqlstore.New, and every call made with a context from sqldb.DB.InTx (or
// Store.InTx) joins that one transaction, so a change and the notice it causes
// commit or roll back together. New (or Open, with a file path or a postgres://
// URL) applies the embedded migrations (migrations/NNN_name.sql, recorded under
// the component "contacts"), which is safe to run from several processes at once.
//
// # Model
//
// Two tables. contacts_accounts holds one row per organization and account: the
// six recipient lists, the language and the phones, ordered lists as JSON arrays
// in TEXT columns (their order round-trips), with a version. contacts_notices is
// the outbox: one row per notice, its id unique across organizations and its
// idempotency key unique (a UNIQUE constraint: the same key enqueued twice is one
// notice), org_id empty for a notice of no organization. Data is a BLOB on SQLite and
// a BYTEA on PostgreSQL (migration 002 comes in one file per dialect), never
// jsonb: it comes back byte for byte, nil as nil. Times are UTC TIMESTAMPs
// truncated to the microsecond on both databases; a zero time is NULL, except
// NextAt, stored as the zero time.Time itself, the earliest instant, so a notice
// due "at once" sorts and compares first and "due by now" is one index range,
// and CreatedAt (since migration 004), so that the newest-first list's row value
// (created_at, id) compares on every notice.
//
// # Delivering without sending twice
//
// ClaimNotices is one statement: an UPDATE that leases the due notices (queued,
// NextAt at or before now, lease free or expired) chosen by a subquery, oldest
// NextAt first, and returns them (RETURNING). On PostgreSQL the subquery locks
// what it chooses FOR UPDATE SKIP LOCKED, so dispatchers in several processes
// claiming at once each take other notices, without waiting for one another, and
// never one another's; on SQLite, with one writer at a time, the statement runs
// in a write transaction. A partial index of the queued notices by (next_at, id)
// serves the claim in order.
//
// The claim counts no attempt. StartNotice (attempts = attempts + 1, just before
// the send) and FinishNotice are each one conditional UPDATE, on the notice's
// organization and id and on the lease of the claim: lease_owner = owner AND
// lease_until = n.LeaseUntil AND attempts = n.Attempts (a notice claimed again
// has a later lease_until, so the old claim's owner, even the same dispatcher,
// no longer matches). A dispatcher whose lease expired and was claimed again, or
// whose attempt was recorded already, changes nothing and gets
// contacts.ErrConflict; a notice that is not there, contacts.ErrNotFound.
//
// # Invariants
//
//   - Tenant isolation (M-7): contacts are keyed by (organization, account) and
//     every read and write of them names both; GetNotice, ListNotices,
//     ListNoticesNewestFirst and FinishNotice name the organization. The unscoped methods (GetNoticeByKey,
//     ClaimNotices) are documented as such on contacts.Store.
//   - A failing call changes nothing, even inside a joined transaction: creates
//     insert with ON CONFLICT DO NOTHING (a taken key is ErrAlreadyExists without
//     a failing statement), updates are conditional UPDATEs (no row: ErrConflict
//     if the row exists, ErrNotFound if not).
//   - Lists page by keyset in byte order (COLLATE "C" on PostgreSQL, with indexes
//     in that collation; SQLite's default BINARY). ListNoticesNewestFirst pages
//     by the row value (created_at, id), read backwards from migration 004's
//     (org_id, created_at, id) index or, with a state, (org_id, state,
//     created_at, id), its tokens holding the last row's position
//     (contacts.NoticePosition): a page reads its rows, not the history.
//   - Error text is only the domain message; the database error stays in the
//     chain for errors.Is/As, never in Error().
package sqlstore
