// Package memdb is the engine of resellerkit's in-memory stores (the memstore
// package of each domain), and of any fake a user writes for a store of their own:
// tables of rows under one lock per database, and transactions that are
// serializable by construction. It is to the in-memory stores what package sqldb is
// to the SQL ones.
//
// A transaction holds its database's lock from start to end and writes to an
// overlay of changed rows; when its function returns nil the overlay is applied,
// otherwise it is dropped. No retries, no sleeps; the only copy taken is of a
// transaction's own overlay when an InTx nests in it (a savepoint). A single operation
// outside a transaction takes the lock for its own duration and writes through.
//
// Transactions travel in the context, as they do in package sqldb: the context an
// InTx callback receives carries the transaction, every operation called with it
// joins it, and an InTx inside it joins it too, undoing its own writes if its
// callback fails (a savepoint). A transaction that reaches a second database (the
// memstore of another package) takes that database's lock as well and commits
// both at its end, so in-memory stores of several packages change together or not
// at all, as SQL stores sharing one database do. Locks are taken in the order the
// transaction first touches the databases, so two transactions touching two
// databases in opposite orders can deadlock; build the memstores of several packages
// on one DB (members/memstore.NewOn) and there is one lock. A transaction's context
// must not be used by several goroutines at once.
//
// # Building a fake store
//
// A store declares one Table per kind of row (NewTable), or a Records table for
// versioned records of an organization, which brings the create, get, update,
// delete and list logic of resellerkit's store contract (version 1 on create,
// optimistic versions, a record of another organization reported like a missing
// one, keyset pages). Each store method is one DB.Do (or Read, ReadPage) whose
// operation checks everything before it writes; InTx is DB.InTx. Values are copied
// in and out, and times are kept in UTC at microsecond precision, as the SQL stores
// keep them, so tests on the fake see what production sees.
package memdb
