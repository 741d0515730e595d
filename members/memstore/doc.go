// Package memstore is the in-memory members.Store: the reference implementation of
// the storage contract, and the fake to use in tests and examples.
//
// It is maps under one lock. A transaction (InTx) holds the lock from start to end
// and writes to an overlay that replaces the changed rows when its function returns
// nil, so transactions are serializable by construction: no snapshots, no retries,
// no sleeps. Every value is copied on the way in and out, so callers never alias
// stored data.
//
// Transactions travel in the context, as with sqlstore: the context InTx gives its
// function carries the transaction, and every call made with it (through this store,
// a members.Service over it, or the memstore of another resellerkit package) joins
// it. So in memory too, a change that spans packages commits or rolls back as one.
// Calling the store with another context from inside the function waits for the
// lock the transaction holds: always pass the function's context on.
//
// Optimistic concurrency, org scoping (M-7), the one-pending-invitation rule (M-8),
// the ownership-must-name-a-project-of-the-organization rule (M-3), keyset paging and
// the error contract are exactly those documented on members.Store and checked by
// memberstest.TestStore and memberstest.TestService.
package memstore
