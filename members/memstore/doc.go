// Package memstore is the in-memory members.Store: the reference implementation of
// the storage contract, and the fake to use in tests and examples.
//
// It is safe for concurrent use and copies every value on the way in and out, so
// callers can never alias stored data. Transactions (InTx) run under the store's
// single lock on a copy of the maps that replaces the live data only when the
// transaction function succeeds: they are serial and all-or-nothing. Copying the maps
// costs O(rows) per transaction, which is fine for tests and small deployments; use
// members/sqlstore for anything persistent.
//
// Optimistic concurrency, org scoping (M-7) and the error contract are exactly those
// documented on members.Store and checked by memberstest.TestStore.
package memstore
