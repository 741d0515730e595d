// Package memstore is the in-memory security.Store: the reference implementation
// of the security baseline's storage contract, and the fake to use in tests and
// examples. It passes the same conformance suite (securitytest.TestStore) as the
// SQL store.
//
// It is tables of memdb under one lock. A transaction (InTx) holds the lock from
// start to end and writes to an overlay kept only when its function returns nil,
// so transactions are serializable by construction: no snapshots, no retries, no
// sleeps, and fn runs once. Every value is copied on the way in and out (the
// Choices of settings and changes, a run's Regions, an alert's Types), and times
// are kept in UTC at microsecond precision, as the SQL store keeps them.
//
// NewOn puts the store on a memdb.DB shared with the memstores of other packages
// (members/memstore.NewOn, contacts/memstore.NewOn…): one transaction then spans
// them, so an alert and the notice it sends commit together, in memory as on one
// SQL database. Calling the store with another context from inside a
// transaction's function waits for the lock the transaction holds: always pass the
// function's context on.
//
// How it keeps the contract:
//
//   - Settings (S-2) are one row per organization and account (M-7). PutSettings
//     checks the version (0 when none is stored) and the change's organization
//     and account before it writes; then it stores the settings at the next
//     version and the change keyed by that version, so ListChanges pages newest
//     first by it.
//   - Runs (S-3) are keyed by id, items by run, account, control and region, so a
//     run's items come in ListItems' order and an item put again replaces the
//     first. UnfinishedRun and LastItems pick the latest run by StartedAt, then
//     id.
//   - Initial controls (S-1): a row per account, control and region, written
//     once.
//   - Alerts (S-4) are keyed by id (unique across organizations): PutAlert writes
//     only an id it does not hold. ListAlerts pages newest first, by ReceivedAt
//     then id, its tokens holding both.
//
// Where security.Store's contract is silent, memstore answers as securitytest's
// documentation says every store must.
package memstore
