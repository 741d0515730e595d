// Package storetest is the scaffolding of resellerkit's store conformance suites
// (members/memberstest, identity/identitytest, contacts/contactstest,
// billing/billingtest, security/securitytest, support/supporttest): the runner,
// the error, transaction and concurrency helpers and the keyset-paging checks that
// every suite needs, whatever its domain.
//
// It is public, like the domain suites and the engines stores are built on (memdb,
// sqldb/sqldbtest), for the same users: those who build a store of their own. A user
// who adds a domain with a store contract in resellerkit's shape (sentinel errors,
// transactions that travel in the context, lists paged with resellerkit.Page) writes
// its conformance suite from these pieces and gets the checks resellerkit's suites
// run, rather than rewriting them with their subtle parts (the limits and tokens to
// try, rows added and removed between pages, a barrier that never decides a verdict).
// Its API is kept as small as the suites allow; a store's own tests call the domain
// suites, not this package.
//
// A suite is a table of named cases, each run by Run as a parallel subtest on a fresh
// store; declaring the case type in the suite keeps its table's unkeyed literals
// vet-clean:
//
//	type storeCase storetest.Case[support.Store]
//
//	func TestStore(t *testing.T, newStore func(t *testing.T) support.Store) {
//		storetest.Run(t, newStore, []storeCase{
//			{"Cases/CreateIsVersion1", createIsVersion1},
//			{"Paging/ListCases/PageSize", casesList.CheckSizes},
//			…
//		})
//	}
//
// The pieces:
//
//   - Run and Case: the runner; case names are unique, each case gets a fresh store.
//   - Sentinels: the errors a contract names; Is requires an error to wrap one and
//     no other (a missing record is not a lost race), OneWinner judges a race.
//   - Concurrently, Committed and Barrier: races whose verdicts never depend on
//     timing, on stores that run transactions one at a time or at once.
//   - Lister and its Check methods: keyset paging of one list (every row once in
//     the byte order of its key, page sizes, tokens no list made, rows added and
//     removed between pages, scopes and tokens that cross them, the maximum
//     limit). Row and RowsOf see any list through its keys and scopes.
//   - Tx and its Check methods: transactions that travel in the context (commit,
//     rollback, reads inside, a cancelled context, failed calls that change
//     nothing), from the suite's fixture, dump and one write with every method.
//   - NewestFirst: times for rows of a list ordered newest first, so that the
//     Lister checks (which expect the byte order of keys) apply to it.
//   - All, Walk, Must, NilIfEmpty, SameDump, Local and UTC: small helpers the
//     suites share (Walk also checks every page's size).
//
// Every check fails its test through testify's require (stopping the case) or
// assert (going on to report more); helpers that run on other goroutines
// (Concurrently's function) must not call either's FailNow.
package storetest
