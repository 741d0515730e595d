// Package memberstest is the conformance suite of the members.Store contract.
//
// Every Store implementation calls TestStore from its own tests:
//
//	func TestStore(t *testing.T) {
//		memberstest.TestStore(t, func(t *testing.T) members.Store { return memstore.New() })
//	}
//
// The suite runs one subtest per behaviour, each on a fresh store from newStore: CRUD
// and ErrNotFound for every aggregate, uniqueness (ids, organization codes, account ids
// across organizations, one membership per identity and organization) as ErrConflict,
// optimistic concurrency (a stale version is ErrConflict and changes nothing; two
// concurrent writers of one version: exactly one wins), transactions (InTx commits
// everything or nothing, and hands fn's error back unchanged), organization scoping
// (M-7: no read or write through organization A ever sees organization B's rows), and
// account ownership history by month (M-3).
//
// The suite is strict about values (every field must round-trip, times in UTC at
// microsecond precision) and lenient where the contract is: a nil and an empty slice
// are equal.
package memberstest
