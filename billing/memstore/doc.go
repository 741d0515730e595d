// Package memstore is the in-memory billing.Store: the reference implementation of
// the billing lifecycle's storage contract, and the fake to use in tests and
// examples. It passes the same conformance suite (billingtest.TestStore) as the
// SQL store.
//
// It is tables of memdb under one lock. A transaction (InTx) holds the lock from
// start to end and writes to an overlay kept only when its function returns nil,
// so transactions are serializable by construction: no snapshots, no retries, no
// sleeps, and fn runs once. Every value is copied on the way in and out (the
// Files and Groups of cost data, the Lines and Taxes of documents), and times are
// kept in UTC at microsecond precision, as the SQL store keeps them.
//
// NewOn puts the store on a memdb.DB shared with the memstores of other packages
// (members/memstore.NewOn, contacts/memstore.NewOn…): one transaction then spans
// them, so an alarm's firing and the notice it sends commit together, in memory
// as on one SQL database. Calling the store with another context from inside a
// transaction's function waits for the lock the transaction holds: always pass
// the function's context on.
//
// How it keeps the contract:
//
//   - Cost data (B-14): one row per payer and month holds the stored version,
//     groups and all, and the history of every version stored. PutCostData checks
//     the version against both before it writes, so a stale or unchanged version
//     writes nothing, and a newer one replaces the month whole. Groups keep their
//     key and sums; CostGroups gives each the Class billing.ClassifyKey computes.
//     Each version's sketch is kept in its binary form, so CostReports and
//     ReportHistory decode a Sketch of their own for every caller.
//   - Documents (B-12): the last Seq of each series and year is a row of the
//     transaction, so numbers are gap-free whatever the concurrency (issues
//     take the lock one at a time) and a transaction that fails gives its numbers
//     back. No method changes or removes a document, and every one returned is a
//     copy, so an issued document cannot change.
//   - Alarms (B-15): versioned records of an organization (memdb.Records): version
//     1 on create, ErrConflict for a stale version, another organization's alarm
//     reported like a missing one (M-7). A firing is keyed by alarm and month, so
//     an alarm fires once a month; deleting an alarm deletes its firings.
//
// Where billing.Store's contract is silent, memstore answers as billingtest's
// documentation says every store must.
package memstore
