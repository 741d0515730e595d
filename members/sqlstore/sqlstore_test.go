package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) members.Store {
	return func(t *testing.T) members.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the members conformance suite (the storage rules of M-1…M-11,
// versions, context transactions, keyset paging) on SQLite, and on PostgreSQL when
// RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { memberstest.TestStore(t, newStore(d)) })
}

// TestService runs the Service-level concurrency checks (M-9 concurrent demotions,
// M-8 concurrent invitations, M-2 concurrent project updates) on SQLite, and on
// PostgreSQL when RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestService(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { memberstest.TestService(t, newStore(d)) })
}
