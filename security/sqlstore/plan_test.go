package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestOrderedQueriesUseAnIndex: on PostgreSQL every ordered read of the Store is
// served by an index, in order: no sequential scan and no sort
// (sqldbtest.CheckPlans). Keys in byte order need the "C" indexes of migration
// 002. ListChanges reads the primary key backwards; UnfinishedRun the (state,
// started_at, id) index; ListItems a run's index, of every organization or one,
// and of one account; LastItems finds the account's latest run on the
// (org_id, account_id, run_started_at, run_id) index and reads its items on the
// run's; ListAlerts pages by the row value (received_at, id) backwards, first
// pages and later ones, of an organization and of one of its accounts.
func TestOrderedQueriesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		t0 := time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)
		st := security.DefaultSettings("o1", "111111111111")
		require.NoError(t, s.PutSettings(ctx, st, security.Change{By: "u1", At: t0}))
		require.NoError(t, s.CreateRun(ctx, security.Run{ID: "r1", StartedAt: t0, State: security.RunRunning}))
		require.NoError(t, s.PutItem(ctx, security.Item{RunID: "r1", OrgID: "o1", AccountID: "111111111111",
			Control: security.GuardDuty, Region: "us-east-1"}))
		_, err = s.PutAlert(ctx, security.Alert{ID: "a1", OrgID: "o1", AccountID: "111111111111", ReceivedAt: t0})
		require.NoError(t, err)

		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			for _, pg := range []resellerkit.Page{{}, {Token: resellerkit.NextToken("5")}} {
				_, _, err := s.ListChanges(ctx, "o1", "111111111111", pg)
				require.NoError(t, err)
			}
			_, err := s.UnfinishedRun(ctx)
			require.NoError(t, err)
			for _, f := range [][2]string{{"", ""}, {"o1", ""}, {"o1", "111111111111"}, {"", "111111111111"}} {
				_, err = s.ListItems(ctx, "r1", f[0], f[1])
				require.NoError(t, err)
			}
			_, _, err = s.LastItems(ctx, "o1", "111111111111")
			require.NoError(t, err)
			for _, account := range []string{"", "111111111111"} {
				for _, pg := range []resellerkit.Page{{}, {Token: resellerkit.NextToken(alertPosition(security.Alert{ID: "a9", ReceivedAt: t0}))}} {
					_, _, err = s.ListAlerts(ctx, "o1", account, pg)
					require.NoError(t, err)
				}
			}
		})
		assert.Equal(t, 2+1+4+2+4, n, "every ordered read of the contract")
	})
}
