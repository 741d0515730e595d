// Package supporttest is the conformance suite of the support.Store contract:
// support cases (P-1) and their state and clocks as the Service keeps them (P-2,
// P-3), their conversations (P-3), escalations (P-4) and the retention purge
// (P-5), each organization seeing only its own (M-7).
//
// Every Store implementation calls TestStore from its own tests, with a function
// that returns a fresh, empty store on every call (it may be called from several
// goroutines at once):
//
//	func TestStore(t *testing.T) {
//		supporttest.TestStore(t, func(t *testing.T) support.Store { return memstore.New() })
//	}
//
// A SQL store opens a new database (or a new schema) per call, and registers its
// cleanup with t.Cleanup.
//
// # Layout
//
// Like security/securitytest and billing/billingtest, TestStore is a table of
// named cases built with package storetest, each a small function run as a
// parallel subtest on a fresh store. A case's name is "<Area>/<WhatItProves>",
// with the DOMAIN.md rule id appended when it proves one, so `go test -run
// 'TestStore/Purge/'` runs one area:
//
//   - Cases/…: CreateCase stores Version 1 and every field round-trips (CC,
//     Waiting spans, an open span with a zero End, Escalation nil and set, times
//     in UTC at microsecond precision); an id is used once (ErrAlreadyExists, also
//     under 10 concurrent creates: one wins); GetCase is scoped by organization
//     ("" reads any); UpdateCase stores every mutable field, bumps the version,
//     keeps the immutable ones, refuses a stale version (ErrConflict, also under
//     concurrent writers: one wins) and another organization's case
//     (ErrNotFound); values are copied in and out.
//   - List/…: ListCases is newest first (CreatedAt, then the greater id); its
//     filters alone and together; an update moves a case between filtered lists.
//   - Replies/…: every field round-trips (attachments too); ListReplies is oldest
//     first (CreatedAt, then the smaller id), whole and of one case; AddReply
//     refuses a missing or another organization's case (ErrNotFound) and a used
//     id (ErrAlreadyExists, also under concurrent adds); ListReplies is scoped by
//     organization; adding a reply leaves the case alone.
//   - Purge/…: PurgeCases deletes cases created before the cutoff with their
//     replies, oldest first, up to the limit, in every organization, and reports
//     each once (also with purges running at once); the cutoff is exclusive.
//   - Tx/…, Atomic/…: transactions that travel in the context (commit, reads that
//     see the transaction's writes, rollback of every kind of write, a nested
//     failure, a cancelled context); calls that fail, alone or inside a
//     transaction that then commits, change nothing.
//   - Paging/ListCases…/…: keyset pages (every row once in order, page sizes,
//     tokens no list made wrapping resellerkit.ErrPageToken, no row twice while
//     cases are created between pages and, for the state and assignee filters,
//     updated out of the list, only the organization's rows, tokens that cross
//     organizations, the maximum limit), of one organization and of the desk's
//     list of every organization, alone and with each filter (whose twins of the
//     same instant the list must leave out). The checks' keys map to CreatedAt so
//     that newest first is the byte order of the keys.
//
// Concurrency cases release goroutines together and judge only outcomes; no
// verdict depends on timing or sleeps. The suite is strict about values (every
// field must round-trip, errors must wrap the exact sentinel and no other) and
// lenient where the contract is: a nil and an empty CC, Waiting or Attachments
// are equal.
//
// # Choices where support.Store's contract is silent
//
// The suite pins these, so that every store answers alike:
//
//   - The store keeps, it does not decide: it validates nothing of a case or a
//     reply (the Service does: states, transitions, limits), sets no clock
//     (CreatedAt, UpdatedAt and every other time are stored as given) and adds a
//     reply to a case in any state.
//   - Case ids are unique across organizations: CreateCase of an id another
//     organization's case holds is ErrAlreadyExists. CreateCase stores Version 1
//     whatever c.Version holds (as members.Store's Create* do). Ids and every
//     other text are compared exactly (byte for byte).
//   - Reads take "" as any organization, writes never: GetCase(""), ListReplies("")
//     and ListCases with OrgID "" are the desk's reads of every organization; any
//     other orgID matches exactly, and another organization's case is ErrNotFound,
//     like a missing one (M-7). UpdateCase matches c.OrgID exactly and AddReply
//     r.OrgID exactly, so a write with OrgID "" is ErrNotFound: a write names the
//     case's organization, as read.
//   - UpdateCase's version check is one rule: c.Version must be the stored
//     version, else ErrConflict (0, negative and future versions too); a case of
//     another organization is ErrNotFound before any version is looked at. It
//     stores Version+1, keeps ID, OrgID, AccountID, OpenedBy and CreatedAt as
//     stored, and stores every other field as given: a nil Escalation, an empty CC
//     or Waiting and zero times clear what was there.
//   - ListCases orders by CreatedAt (never UpdatedAt), newest first; of cases
//     created at one instant, the greater id (byte order) first. Its filter fields
//     are each compared exactly, "" (or no States) selecting every value; States
//     selects a case in any of the states given (an unknown state selects none).
//     There is no filter for "no assignee": Assignee "" selects every case.
//   - ListReplies of a missing case, or of another organization's, is
//     ErrNotFound; of a case with no reply, an empty list. Replies come oldest
//     first, by CreatedAt, then the smaller id (byte order). Reply ids are unique
//     across cases and organizations (ErrAlreadyExists). When a case is missing
//     and the reply id used, AddReply answers ErrNotFound.
//   - PurgeCases: "created before cutoff" is CreatedAt < cutoff, the cutoff taken
//     at microsecond precision (its nanoseconds dropped, as stores keep times), so
//     a case created at the cutoff is kept; a case with a zero CreatedAt is the
//     oldest. It purges every organization's cases, oldest first (CreatedAt, then
//     the smaller id), returns their ids in that order (nil or empty when there is
//     none), and deletes every reply of a purged case, whenever written. A limit
//     below 1 is ErrInvalid (a purge that can never delete is a caller's bug,
//     not "nothing left"). Concurrent purges report each case once. A purged
//     case's id, and its replies' ids, may be used again.
//   - Concurrent CreateCase, UpdateCase, AddReply and PurgeCases calls (outside
//     transactions) must succeed or fail only as the contract says: a store
//     retries its own transactions rather than return ErrConflict for a lost race
//     that the contract does not name.
//
// The fixture builders the suite uses (Case, Reply) are exported for stores' own
// extra tests.
package supporttest
