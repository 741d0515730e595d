package sqlstore

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestOrderedListsUseAnIndex: on PostgreSQL every ordered list (the keyset pages
// and ListPasskeys) is served by an index, in key order: no sequential scan and no
// sort. Plans are taken with sequential scans, bitmap scans and sorts disabled (tiny
// test tables would otherwise make any plan cheapest), so a query that no index can
// serve in order still shows a scan or a sort; the keys compare in the "C"
// collation, which only migration 002's PostgreSQL indexes have.
func TestOrderedListsUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		s, err := New(ctx, sqldbtest.Postgres(t))
		require.NoError(t, err)
		require.NoError(t, s.CreateIdentity(ctx, identity.Identity{ID: "a", Email: "a@x.example"}))

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
		_, _, err = s.ListIdentities(traced, pg)
		require.NoError(t, err)
		_, _, err = s.ListSessions(traced, "a", pg)
		require.NoError(t, err)
		_, _, err = s.ListAPIKeys(traced, "a", pg)
		require.NoError(t, err)
		_, err = s.ListPasskeys(traced, "a")
		require.NoError(t, err)

		mu.Lock()
		defer mu.Unlock()
		require.Len(t, runs, 4, "every ordered list of the contract")
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
