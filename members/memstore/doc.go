// Package memstore is the in-memory members.Store: the reference implementation of
// the storage contract, and the fake to use in tests and examples.
//
// It is safe for concurrent use and copies every value on the way in and out, so
// callers can never alias stored data.
//
// Transactions (InTx) behave like sqlstore's SERIALIZABLE ones as the Service sees
// them, so Service tests on memstore exercise the same races: they run concurrently,
// each on a private snapshot of the maps, recording the rows it read or wrote and the
// sets it listed. When fn returns nil the transaction is validated under the store's
// lock (optimistic concurrency control): if a transaction committed since the
// snapshot changed any of those, it loses and fn runs again on a fresh snapshot, up
// to 8 times, then InTx returns ErrConflict. So fn, as with sqlstore, must have no
// effect outside tx. Taking the snapshot costs O(rows) per transaction, which is fine
// for tests and small deployments; use members/sqlstore for anything persistent.
// Calling the parent store from inside fn works (it is not locked while fn runs) but
// sees committed data, not the transaction's.
//
// Optimistic concurrency, org scoping (M-7), the one-pending-invitation rule (M-8),
// the ownership-must-name-a-project-of-the-organization rule (M-3) and the error
// contract are exactly those documented on members.Store and checked by
// memberstest.TestStore and memberstest.TestService.
package memstore
