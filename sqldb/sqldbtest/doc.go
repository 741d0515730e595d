// Package sqldbtest gives each test a fresh, isolated database of either
// dialect sqldb supports, so SQL stores run their conformance suites on SQLite
// always and on PostgreSQL when RESELLERKIT_TEST_POSTGRES_DSN is set:
//
//   - SQLite: a new file in t.TempDir(), deleted with it.
//   - PostgreSQL: a new schema (named after the test plus random hex) in the
//     database the variable names; the returned DB's search_path points at it,
//     so migrations and queries need no schema prefix; the schema is dropped
//     with CASCADE when the test ends. Tests never see each other's rows, and
//     they can run in parallel against one server.
//
// A typical store test:
//
//	for _, d := range sqldbtest.Dialects() {
//		t.Run(d.String(), func(t *testing.T) {
//			memberstest.TestStore(t, func(t *testing.T) members.Store {
//				s, err := sqlstore.New(ctx, sqldbtest.Open(t, d))
//				require.NoError(t, err)
//				return s
//			})
//		})
//	}
//
// The PostgreSQL subtest calls t.Skip when the variable is unset, so a plain
// `go test ./...` passes without a server and the log says it skipped.
// Start a throwaway server with .ci/pg.sh.
//
// CheckPlans has PostgreSQL EXPLAIN every list query a store runs (traced with
// sqldb.WithTrace) and fails the test when one is not served by an index in key
// order: each SQL store's plan test is a call of it with every list of the store.
package sqldbtest
