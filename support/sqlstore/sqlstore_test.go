package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/support/supporttest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) support.Store {
	return func(t *testing.T) support.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the support conformance suite (P-1 cases, P-3 replies, P-5
// purge, M-7 scoping, context transactions, keyset paging, copies, times) on
// SQLite, and on PostgreSQL when RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { supporttest.TestStore(t, newStore(d)) })
}
