package sqlstore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestKeysetPagesUseAnIndex: on PostgreSQL every list's keyset query is served by
// an index, in key order: no sequential scan of the table (every tenant's rows) and
// no sort. Plans are taken with sequential scans, bitmap scans and sorts disabled
// (tiny test tables would otherwise make any plan cheapest), so a query that no index
// can serve in order still shows a scan or a sort; the keys compare in the "C" collation, which the
// default indexes do not have (migration 003 adds the ones that do).
func TestKeysetPagesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		s, err := New(ctx, sqldbtest.Postgres(t))
		require.NoError(t, err)
		require.NoError(t, s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "o1", Name: "O"}))

		var mu sync.Mutex
		type run struct {
			query string
			args  []any
		}
		var runs []run
		see := func(query string, args []any) {
			mu.Lock()
			defer mu.Unlock()
			runs = append(runs, run{query, args})
		}
		traced := sqldb.WithTrace(ctx, see) // the list calls below report their queries
		pg := resellerkit.Page{Token: resellerkit.NextToken("a")}
		_, _, err = s.ListOrganizations(traced, pg)
		require.NoError(t, err)
		_, _, err = s.ListProjects(traced, "o1", pg)
		require.NoError(t, err)
		_, _, err = s.ListAccounts(traced, "o1", pg)
		require.NoError(t, err)
		_, _, err = s.ListMemberships(traced, "o1", pg)
		require.NoError(t, err)
		_, _, err = s.ListMembershipsOfIdentity(traced, "alice", pg)
		require.NoError(t, err)
		_, _, err = s.ListInvitations(traced, "o1", pg)
		require.NoError(t, err)
		_, _, err = s.ListInvitationsByEmail(traced, "a@x.example", pg)
		require.NoError(t, err)
		_, _, err = s.ListPendingInvitationsExpiring(traced, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), pg)
		require.NoError(t, err)
		_, _, err = s.ListApplications(traced, "o1", pg)
		require.NoError(t, err)

		mu.Lock()
		defer mu.Unlock()
		require.Len(t, runs, 9, "every list of the contract")
		for _, r := range runs {
			var plan []string
			err := s.db.InTx(ctx, func(ctx context.Context) error {
				q := s.db.Querier(ctx)
				for _, off := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
					if _, err := q.ExecContext(ctx, `SET LOCAL `+off+` = off`); err != nil {
						return err
					}
				}
				rows, err := q.QueryContext(ctx, `EXPLAIN `+r.query, r.args...)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						return err
					}
					plan = append(plan, line)
				}
				return rows.Err()
			})
			require.NoError(t, err, r.query)
			text := strings.Join(plan, "\n")
			assert.NotContains(t, text, "Seq Scan", "%s\n%s", r.query, text)
			assert.NotContains(t, text, "Sort", "%s\n%s", r.query, text)
			assert.Contains(t, text, "Index", "%s\n%s", r.query, text)
		}
	})
}
