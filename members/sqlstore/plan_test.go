package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestKeysetPagesUseAnIndex: on PostgreSQL every list's keyset query is served by
// an index, in key order: no sequential scan of the table (every tenant's rows) and
// no sort (sqldbtest.CheckPlans). The keys compare in the "C" collation, which the
// default indexes do not have (migration 003 adds the ones that do).
func TestKeysetPagesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		require.NoError(t, s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "o1", Name: "O"}))

		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			pg := resellerkit.Page{Token: resellerkit.NextToken("a")}
			_, _, err := s.ListOrganizations(ctx, pg)
			require.NoError(t, err)
			_, _, err = s.ListProjects(ctx, "o1", pg)
			require.NoError(t, err)
			_, _, err = s.ListAccounts(ctx, "o1", pg)
			require.NoError(t, err)
			_, _, err = s.ListMemberships(ctx, "o1", pg)
			require.NoError(t, err)
			_, _, err = s.ListMembershipsOfIdentity(ctx, "alice", pg)
			require.NoError(t, err)
			_, _, err = s.ListInvitations(ctx, "o1", pg)
			require.NoError(t, err)
			_, _, err = s.ListInvitationsByEmail(ctx, "a@x.example", pg)
			require.NoError(t, err)
			_, _, err = s.ListPendingInvitationsExpiring(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), pg)
			require.NoError(t, err)
			_, _, err = s.ListApplications(ctx, "o1", pg)
			require.NoError(t, err)
		})
		assert.Equal(t, 9, n, "every list of the contract")
	})
}
