package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
	"github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) security.Store {
	return func(t *testing.T) security.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the security conformance suite (S-2 settings and changes, S-3
// runs and items, S-1 initial controls, S-4 alerts, M-7 scoping, context
// transactions, keyset paging, copies, times) on SQLite, and on PostgreSQL when
// RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { securitytest.TestStore(t, newStore(d)) })
}
