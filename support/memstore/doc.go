// Package memstore is the in-memory support.Store: the reference implementation
// of the support desk's storage contract, and the fake to use in tests and
// examples. It passes the same conformance suite (supporttest.TestStore) as the
// SQL store.
//
// It is tables of memdb under one lock. A transaction (InTx) holds the lock from
// start to end and writes to an overlay kept only when its function returns nil,
// so transactions are serializable by construction: no snapshots, no retries, no
// sleeps, and fn runs once. Every value is copied on the way in and out (a case's
// CC, Waiting and Escalation, a reply's Attachments), and times are kept in UTC
// at microsecond precision, as the SQL store keeps them.
//
// NewOn puts the store on a memdb.DB shared with the memstores of other packages
// (members/memstore.NewOn, contacts/memstore.NewOn…): one transaction then spans
// them, so a reply and the notice it sends (P-3) commit together, in memory as on
// one SQL database. Calling the store with another context from inside a
// transaction's function waits for the lock the transaction holds: always pass the
// function's context on.
//
// How it keeps the contract:
//
//   - Cases (P-1) are a memdb.Records table keyed by id (unique across
//     organizations): CreateCase stores Version 1, UpdateCase checks the
//     organization, then the version, and keeps the immutable fields (ID, OrgID,
//     AccountID, OpenedBy, CreatedAt). GetCase with orgID "" reads any
//     organization's case; another organization's is ErrNotFound (M-7).
//   - ListCases filters every case and sorts newest first, by CreatedAt then id,
//     its page tokens holding both.
//   - Replies (P-3) are keyed by id (unique across cases and organizations);
//     AddReply checks that the case is r.OrgID's first. ListReplies sorts a
//     case's replies oldest first, by CreatedAt then id.
//   - PurgeCases (P-5) picks the oldest cases created before the cutoff (at
//     microsecond precision) and deletes them and their replies in one operation.
//
// Where support.Store's contract is silent, memstore answers as supporttest's
// documentation says every store must.
package memstore
