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
package sqldbtest
