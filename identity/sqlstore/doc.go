// Package sqlstore is the identity.Store on SQL databases: SQLite through the
// pure-Go modernc.org/sqlite driver (the embedded default: one file, no server)
// and PostgreSQL through pgx. One set of queries serves both (the portable subset
// package sqldb describes), and both pass the identitytest.TestStore conformance
// suite, like memstore. What every SQL store shares (atomic writes without
// savepoints, error mapping, keyset paging, value conversions) is sqldb's; this
// package holds the identity queries.
//
// It stores identities (I-1) with their password hashes (I-2), their second
// factors (I-3: a TOTP secret, recovery codes as hashes, passkeys), their
// sessions and API keys (I-4, found by the hash of their secret, never the
// secret), single-use tickets (password resets, WebAuthn ceremonies) and the
// failed sign-ins the Service throttles on. It holds no policy: hashing,
// verification, expiry and throttling are the Service's.
//
// # One database, one transaction
//
// The Store runs on a *sqldb.DB that the stores of other packages (members…)
// may share: open the database once, give it to each package's sqlstore.New, and
// every call made with a context from sqldb.DB.InTx (or Store.InTx) joins that
// one transaction, so creating an identity and accepting an invitation in
// members commit or roll back together.
//
// New (or Open, with a file path or a postgres:// URL) applies the embedded
// migrations (migrations/NNN_name.sql, recorded under the component
// "identity"), which is safe to run from several processes at once.
//
// # Model
//
// One table per record, every name prefixed identity_: identities (unique
// email, I-1), totp (one per identity), recovery_codes (one row per unused
// code), passkeys (credential id unique across identities), sessions (unique
// token hash), api_keys, tickets (keyed by hash; the identity is NULL for a
// ticket of none) and failures (events: no key, duplicates allowed). Byte
// strings (TOTP secret, passkey credential, ticket data) are BLOB on SQLite and
// BYTEA on PostgreSQL, the one type the dialects name differently (migration
// 002 comes in one file per dialect); a nil slice is NULL, an empty one an empty
// value. Times are UTC TIMESTAMPs truncated to the microsecond on both
// databases; a zero time.Time is NULL.
//
// # Invariants
//
//   - Every row of an identity references it ON DELETE CASCADE (sqldb opens
//     SQLite with foreign keys on), so DeleteIdentity removes its TOTP, codes,
//     passkeys, sessions, API keys and tickets in one statement.
//   - Identity scoping: every method taking an identity id has identity_id in its
//     WHERE clause, so another identity's row is reported as ErrNotFound exactly
//     like a missing one. The unscoped lookups (by token hash, API key id, ticket
//     hash) and maintenance deletes are documented as such on identity.Store.
//   - A failing call changes nothing, even inside a joined transaction: creates
//     check the identity first and insert with ON CONFLICT DO NOTHING (a taken
//     key is identity.ErrAlreadyExists without a failing statement); versioned
//     updates are UPDATE … WHERE version = $n (no row: ErrConflict if the key
//     exists, ErrNotFound if not).
//   - Races are settled by single statements: AdvanceTOTPStep is one UPDATE …
//     WHERE last_step < $step, TakeTicket one DELETE … RETURNING, UseRecoveryCode
//     one DELETE, and TouchSession / TouchAPIKey one UPDATE that only moves the
//     time forward; of two concurrent calls, one wins and the other sees the
//     result.
//   - Lists page by keyset in byte order (COLLATE "C" on PostgreSQL, with indexes
//     in that collation; SQLite's default BINARY).
//   - Error text is only the domain message; the database error stays in the
//     chain for errors.Is/As, never in Error(). Secret hashes (tokens, tickets,
//     recovery codes) never appear in an error.
package sqlstore
