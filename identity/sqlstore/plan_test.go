package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestOrderedListsUseAnIndex: on PostgreSQL every ordered list (the keyset pages
// and ListPasskeys) is served by an index, in key order: no sequential scan and no
// sort (sqldbtest.CheckPlans). The keys compare in the "C" collation, which only
// migration 002's PostgreSQL indexes have.
func TestOrderedListsUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		require.NoError(t, s.CreateIdentity(ctx, identity.Identity{ID: "a", Email: "a@x.example"}))

		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			pg := resellerkit.Page{Token: resellerkit.NextToken("a")}
			_, _, err := s.ListIdentities(ctx, pg)
			require.NoError(t, err)
			_, _, err = s.ListSessions(ctx, "a", pg)
			require.NoError(t, err)
			_, _, err = s.ListAPIKeys(ctx, "a", pg)
			require.NoError(t, err)
			_, err = s.ListPasskeys(ctx, "a")
			require.NoError(t, err)
		})
		assert.Equal(t, 4, n, "every ordered list of the contract")
	})
}
