// Package memstore is the in-memory identity.Store: maps under one lock, a
// transaction on an overlay kept only on success. It passes the same conformance
// suite (identitytest.TestStore) as the SQL store, so tests of code built on
// identity can use it as their fake. NewOn puts it on a memdb.DB shared with other
// packages' memstores, so one transaction spans them (for example creating an
// identity and accepting a members invitation).
package memstore
