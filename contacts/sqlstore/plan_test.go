package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestOrderedQueriesUseAnIndex: on PostgreSQL every keyset list and the claim of
// due notices are served by an index, in key order: no sequential scan and no sort
// (sqldbtest.CheckPlans). The list keys compare in the "C" collation, which only
// migration 002's PostgreSQL indexes have; the claim scans the partial index of
// queued notices by (next_at, id); the newest-first lists read migration 004's
// (org_id[, state], created_at, id) indexes backwards.
func TestOrderedQueriesUseAnIndex(t *testing.T) {
	t.Run("postgresql", func(t *testing.T) {
		ctx := context.Background()
		db := sqldbtest.Postgres(t)
		s, err := New(ctx, db)
		require.NoError(t, err)
		t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		require.NoError(t, s.PutAccountContacts(ctx, contacts.AccountContacts{OrgID: "o1", AccountID: "111111111111"}))
		require.NoError(t, s.EnqueueNotice(ctx, contacts.Notice{ID: "n1", Key: "k1", OrgID: "o1", NextAt: t0}))

		n := sqldbtest.CheckPlans(t, db, func(ctx context.Context) {
			pg := resellerkit.Page{Token: resellerkit.NextToken("a")}
			_, _, err := s.ListAccountContacts(ctx, "o1", pg)
			require.NoError(t, err)
			_, _, err = s.ListNotices(ctx, "o1", "", pg)
			require.NoError(t, err)
			_, _, err = s.ListNotices(ctx, "o1", contacts.NoticeDead, pg)
			require.NoError(t, err)
			_, err = s.ClaimNotices(ctx, "d1", t0, t0.Add(time.Minute), 10)
			require.NoError(t, err)
			newest := resellerkit.Page{Token: resellerkit.NextToken(contacts.NoticePosition(contacts.Notice{CreatedAt: t0, ID: "n9"}))}
			_, _, err = s.ListNoticesNewestFirst(ctx, "o1", "", newest)
			require.NoError(t, err)
			_, _, err = s.ListNoticesNewestFirst(ctx, "o1", contacts.NoticeSent, newest)
			require.NoError(t, err)
		})
		assert.Equal(t, 6, n, "every ordered list of the contract, and the claim")
	})
}
