package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/billingtest"
	"github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) billing.Store {
	return func(t *testing.T) billing.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the billing conformance suite (B-12 numbering and immutability,
// B-14 restatement, B-15 alarms and firings, M-7 scoping, context transactions,
// keyset paging, copies, times, exact decimals) on SQLite, and on PostgreSQL when
// RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { billingtest.TestStore(t, newStore(d)) })
}
