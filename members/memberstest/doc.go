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
// account ownership history by month (M-3), which may only name projects of the
// account's organization (ErrNotFound otherwise), and one pending invitation per
// address and organization (M-8).
//
// Concurrency cases can fail on a store that is not serializable: concurrent
// read-modify-write transactions must not lose a committed update (Tx/NoLostUpdate),
// and two transactions that each check a set then change different rows of it must
// not both commit (Tx/NoWriteSkew, the M-9 shape). They meet at a barrier with a
// timeout, so a store that runs transactions one at a time passes too.
//
// TestService runs the Service-level concurrency checks on a store: concurrent
// demotions keep a power user (M-9), concurrent invitations of one address yield one
// invitation and an ErrConflict (M-8), concurrent updates of one project version
// yield one winner and an ErrConflict (M-2). Stores call it next to TestStore; SQL
// stores name their PostgreSQL subtests "postgresql".
//
// The suite is strict about values (every field must round-trip, times in UTC at
// microsecond precision) and lenient where the contract is: a nil and an empty slice
// are equal.
package memberstest
