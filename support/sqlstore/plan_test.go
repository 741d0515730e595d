package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// TestOrderedQueriesUseAnIndex: on PostgreSQL every ordered read of the Store is
// served by an index, in order: no sequential scan and no sort
// (sqldbtest.CheckPlans). Keys in byte order need the "C" indexes of migration
// 002. ListCases pages by the row value (created_at, id) backwards, first pages
// and later ones, for the desk's list of every organization and for one
// organization, each alone and with an account, an assignee, one state or any
// of several; ListReplies reads a case's index forwards; PurgeCases reads the
// index of every case forwards.
func TestOrderedQueriesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		t0 := time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)
		require.NoError(t, s.CreateCase(ctx, support.Case{ID: "c1", OrgID: "o1", AccountID: "111111111111",
			State: support.Open, Assignee: "op-1", CreatedAt: t0}))
		require.NoError(t, s.AddReply(ctx, support.Reply{ID: "r1", CaseID: "c1", OrgID: "o1", CreatedAt: t0}))

		filters := []support.CaseFilter{
			{}, {AccountID: "111111111111"}, {Assignee: "op-1"}, {States: []support.State{support.Open}},
			{States: []support.State{support.Open, support.InProgress}},
			{OrgID: "o1"}, {OrgID: "o1", AccountID: "111111111111"}, {OrgID: "o1", Assignee: "op-1"},
			{OrgID: "o1", States: []support.State{support.Open}},
			{OrgID: "o1", AccountID: "111111111111", States: []support.State{support.Open, support.WaitingOnCustomer}, Assignee: "op-1"},
		}
		later := resellerkit.Page{Token: resellerkit.NextToken(casePosition(support.Case{ID: "c9", CreatedAt: t0}))}
		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			for _, f := range filters {
				for _, pg := range []resellerkit.Page{{}, later} {
					_, _, err := s.ListCases(ctx, f, pg)
					require.NoError(t, err)
				}
			}
			for _, org := range []string{"o1", ""} {
				_, err := s.ListReplies(ctx, org, "c1")
				require.NoError(t, err)
			}
			ids, err := s.PurgeCases(ctx, t0, 10)
			require.NoError(t, err)
			assert.Empty(t, ids)
		})
		assert.Equal(t, 2*len(filters)+2+1, n, "every ordered read of the contract")
	})
}
