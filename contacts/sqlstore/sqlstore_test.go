package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

func newStore(d sqldb.Dialect) func(t *testing.T) contacts.Store {
	return func(t *testing.T) contacts.Store {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return s
	}
}

// TestStore runs the contacts conformance suite (C-1 … C-3 storage, the C-7
// outbox: keys, claims, leases, finishes; versions, context transactions, keyset
// paging, copies, times) on SQLite, and on PostgreSQL when
// RESELLERKIT_TEST_POSTGRES_DSN is set.
func TestStore(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { contactstest.TestStore(t, newStore(d)) })
}
