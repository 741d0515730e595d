// Package memstore is the in-memory contacts.Store: the reference implementation
// of the storage contract, and the fake to use in tests and examples. It passes the
// same conformance suite (contactstest.TestStore) as the SQL store.
//
// It is tables of memdb under one lock. A transaction (InTx) holds the lock from
// start to end and writes to an overlay kept only when its function returns nil,
// so transactions are serializable by construction: no snapshots, no retries, no
// sleeps. Every value is copied on the way in and out, and times are kept in UTC at
// microsecond precision, as the SQL store keeps them.
//
// NewOn puts the store on a memdb.DB shared with the memstores of other packages
// (members/memstore.NewOn, identity/memstore.NewOn): one transaction then spans
// them, so a change and the notice it causes commit together, and a change whose
// transaction rolls back leaves no notice (C-7), in memory as on one SQL database.
// Calling the store with another context from inside a transaction's function waits
// for the lock the transaction holds: always pass the function's context on.
//
// ClaimNotices chooses the due notices and leases them in one step under the
// lock, so two dispatchers never receive one notice, and counts no attempt;
// StartNotice counts one and FinishNotice records an outcome only for the owner
// holding the lease of that claim (its owner, LeaseUntil and Attempts). Contacts are kept
// per organization and account, so an organization never learns whether another
// saved contacts for the same account id (M-7). ListNoticesNewestFirst selects
// the organization's notices after the token's position and sorts them (a table
// in memory has no index to read backwards): its cost grows with the outbox, as
// a fake's may; the SQL store reads one page from an index.
package memstore
