// Package memstore is the in-memory billing.Store.
package memstore
