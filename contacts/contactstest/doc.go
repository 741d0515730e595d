// Package contactstest is the conformance suite of the contacts.Store contract.
//
// Every Store implementation calls TestStore from its own tests, with a function
// that returns a fresh, empty store on every call (it may be called from several
// goroutines at once):
//
//	func TestStore(t *testing.T) {
//		contactstest.TestStore(t, func(t *testing.T) contacts.Store { return memstore.New() })
//	}
//
// A SQL store opens a new database (or a new schema) per call, and registers its
// cleanup with t.Cleanup.
//
// # Layout
//
// Like identity/identitytest and members/memberstest, TestStore is a table of named
// cases, each a small function run as a parallel subtest on a fresh store. A
// case's name is "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when
// it proves one, so `go test -run 'TestStore/Claims/'` runs one area:
//
//   - Contacts/…: a Put with Version 0 creates at version 1 (ErrAlreadyExists if
//     the contacts exist); with the version read it replaces the record and bumps
//     the version (ErrConflict when stale, ErrNotFound when never saved), also
//     under concurrent writers; organization scoping (M-7): another
//     organization's contacts are ErrNotFound for Get and update, absent from its
//     list, and its create makes a record of its own.
//   - Notices/…: an enqueued notice round-trips whole in State NoticeQueued; ids
//     and idempotency keys are unique across organizations (C-7), also under
//     concurrent enqueues; GetNoticeByKey finds any organization's; GetNotice and
//     ListNotices are scoped to one organization, "" naming the notices of none;
//     the state filter.
//   - Claims/…: only due notices (queued, NextAt at or before now, lease free or
//     expired at or before now; a zero time is the earliest), oldest NextAt
//     first, at most limit, each with the lease set and Attempts unchanged (a
//     claim is no attempt, C-7); a lease that expired may be claimed by another
//     owner, or the same one, after which the first claim's StartNotice and
//     FinishNotice are ErrConflict; concurrent claimers, alone or in
//     transactions, never receive one notice twice and together claim every due
//     one.
//   - Start/…: StartNotice counts one attempt (Attempts+1, nothing else changes,
//     the lease is kept) under the lease of the claim n was read from (owner,
//     LeaseUntil and Attempts); an attempt whose lease expired unrecorded stays
//     counted; another owner, lease or attempt, a notice never claimed or
//     finished is ErrConflict; a missing notice, or one of another organization,
//     is ErrNotFound.
//   - Finish/…: sent, retry and dead outcomes store State, NextAt, LastError and
//     SentAt and nothing else, and clear the lease, with or without an attempt
//     started; a wrong owner, an old claim or attempt, an unclaimed or already
//     finished notice is ErrConflict; a missing notice, or one of another
//     organization than n.OrgID, is ErrNotFound.
//   - Tx/…, Atomic/…: transactions that travel in the context (commit, reads
//     that see the transaction's writes, rollback of every kind of write, nesting,
//     a cancelled context); a change whose transaction rolls back leaves no
//     notice (C-7); calls that fail, alone or inside a transaction that then
//     commits, change nothing.
//   - Paging/<List>/…: keyset pages of ListAccountContacts, ListNotices and
//     ListNotices with a state: every row once in the byte order of the key, the
//     page size asked for, tokens no list made wrapping resellerkit.ErrPageToken,
//     no row twice while rows are added between pages, only the organization's
//     rows and no token that crosses organizations (M-7).
//   - Newest/…: ListNoticesNewestFirst, without and with a state, through the
//     same checks (CreatedAt chosen so that newest first is the keys' byte
//     order), and its own: ties of CreatedAt by id descending in byte order,
//     pages that split a run of equal CreatedAt, the state filter, never another
//     organization's notice (M-7), a zero CreatedAt last, and tokens of another
//     list refused with resellerkit.ErrPageToken.
//   - Copies/…, Times/…: slices copied in and out; times in UTC at microsecond
//     precision, compared at that precision; the zero time means unset.
//
// Concurrency cases release goroutines together and judge only outcomes (one
// winner, the others a given sentinel; no notice claimed twice); no verdict depends
// on timing or sleeps, and the clock is the now each call is given.
//
// The suite is strict about values (every field must round-trip, errors must wrap
// the exact sentinel and no other) and lenient where the contract is: a nil and an
// empty slice are equal, and the order of due notices with equal NextAt is free.
// The record builders it uses (Contacts, Notice) are exported for a store's own
// extra tests.
package contactstest
