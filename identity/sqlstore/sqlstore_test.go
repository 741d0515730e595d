package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/identitytest"
	"github.com/seeda33a2f4f/resellerkit/identity/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) identity.Store {
	return func(t *testing.T) identity.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the identity conformance suite (I-1 … I-4 storage rules,
// versions, context transactions, keyset paging, copies, times) on SQLite, and on
// PostgreSQL when RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { identitytest.TestStore(t, newStore(d)) })
}
