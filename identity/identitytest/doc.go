// Package identitytest is the conformance suite of the identity.Store contract.
//
// Every Store implementation calls TestStore from its own tests, with a function
// that returns a fresh, empty store on every call (it may be called from several
// goroutines at once):
//
//	func TestStore(t *testing.T) {
//		identitytest.TestStore(t, func(t *testing.T) identity.Store { return memstore.New() })
//	}
//
// A SQL store opens a new database (or a new schema) per call, and registers its
// cleanup with t.Cleanup.
//
// # Layout
//
// Like testing/fstest and members/memberstest, TestStore is a table of named cases,
// each a small function run as a parallel subtest on a fresh store. A case's name
// is "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves
// one, so `go test -run 'TestStore/TOTP/'` runs one area:
//
//   - Identity/…: every field round-trips and Create stores version 1; ids and
//     emails unique (I-1), also under concurrent creates; GetIdentityByEmail
//     compares exactly; Update stores its fields only and never the email (I-1);
//     stale versions are ErrConflict, and of concurrent writers of one version one
//     wins; DeleteIdentity removes the identity's TOTP, recovery codes, passkeys,
//     sessions, API keys and tickets and nobody else's, and frees every key.
//   - TOTP/…: one per identity; Update stores Confirmed and LastStep only;
//     AdvanceTOTPStep only moves forward (I-3) and, of concurrent requests with
//     one step, exactly one wins.
//   - RecoveryCodes/…: a code works once (I-3), also under concurrent use;
//     Replace drops the old codes; codes are scoped to their identity.
//   - Passkeys/…, Sessions/…, APIKeys/…, Tickets/…: uniqueness (credential ids
//     across identities, session ids and token hashes, key ids, ticket hashes),
//     ErrNotFound for a create naming a missing identity
//     ("…/CreateOfMissingIdentityIsNotFound"), identity scoping (another
//     identity's record is ErrNotFound, exactly like a missing one), touches that
//     only move forward, revocation, bulk and maintenance deletes with inclusive
//     bounds, a ticket taken once and only for its purpose.
//   - Failures/…: the newest failures of a key, at most limit, oldest first; clear,
//     remove those of one instant, and delete-before.
//   - Tx/…, Atomic/…: transactions that travel in the context (commit, reads that
//     see the transaction's writes, rollback of every kind of write, nesting, a
//     cancelled context), and calls that fail, alone or inside a transaction that
//     then commits, changing nothing.
//   - Paging/<List>/…: keyset pages of ListIdentities, ListSessions and
//     ListAPIKeys: every row once in the byte order of the id, the page size asked
//     for, tokens no list made wrapping resellerkit.ErrPageToken, no row twice
//     while rows change between pages, no token that crosses identities.
//   - Copies/…, Times/…: slices copied in and out; times in UTC at microsecond
//     precision, compared at that precision; the zero time means unset.
//
// Concurrency cases release goroutines together and judge only outcomes (one
// winner, the others a given sentinel); no verdict depends on timing or sleeps, so
// they pass on a store that runs calls one at a time and on one that runs them at
// once.
//
// The suite is strict about values (every field must round-trip, errors must wrap
// the exact sentinel and no other) and lenient where the contract is: a nil and an
// empty slice are equal. It never passes a zero time as a bound, since a zero time
// means unset (NULL in SQL). The record builders it uses (Identity, TOTP, Passkey,
// Session, APIKey, Ticket, RecoveryCodes, Hash) are exported for a store's own
// extra tests.
package identitytest
