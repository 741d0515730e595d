package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestOrderedQueriesUseAnIndex: on PostgreSQL every ordered read of the Store is
// served by an index, in order: no sequential scan and no sort
// (sqldbtest.CheckPlans). Keys in byte order need the "C" indexes of migration
// 002; the groups of a month are read payer by payer on the primary key; the
// document lists page by the (series, year, seq) row value, first pages and later
// ones, for every organization, one, and one project.
func TestOrderedQueriesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		may := resellerkit.NewMonth(2026, time.May)
		t0 := time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)
		_, err = s.PutCostData(ctx, billing.CostData{Report: billing.Report{Payer: "111111111111", Period: may, Version: "v1",
			GeneratedAt: t0}, CostCurrency: money.USD, Groups: []billing.Group{{GroupKey: billing.GroupKey{AccountID: "1"}}}})
		require.NoError(t, err)
		_, _, err = s.IssueDocument(ctx, billing.Document{ID: "d1", Key: "k1", Series: "T1", Year: 2026, OrgID: "o1", ProjectID: "p1"})
		require.NoError(t, err)
		require.NoError(t, s.CreateAlarm(ctx, billing.Alarm{ID: "a1", OrgID: "o1", AccountID: "123456789012"}))

		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			_, err := s.CostReports(ctx, may)
			require.NoError(t, err)
			_, err = s.CostGroups(ctx, may) // the payers, then one query per payer
			require.NoError(t, err)
			_, err = s.ReportHistory(ctx, "111111111111", may)
			require.NoError(t, err)
			for _, f := range []billing.DocumentFilter{{}, {OrgID: "o1"}, {OrgID: "o1", ProjectID: "p1"},
				{OrgID: "o1", Period: may, Kind: billing.DocInvoice}} {
				for _, pg := range []resellerkit.Page{{}, {Token: resellerkit.NextToken("T1\x002026\x000")}} {
					_, _, err = s.ListDocuments(ctx, f, pg)
					require.NoError(t, err)
				}
			}
			for _, q := range [][2]string{{"o1", "123456789012"}, {"o1", ""}, {"", "123456789012"}, {"", ""}} {
				_, err = s.ListAlarms(ctx, q[0], q[1])
				require.NoError(t, err)
			}
			_, err = s.ListFirings(ctx, "o1", "a1")
			require.NoError(t, err)
		})
		assert.Equal(t, 3+1+8+4+1, n, "every ordered read of the contract")
	})
}
