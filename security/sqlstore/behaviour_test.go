package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	contactssql "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
	"github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// The security and contacts stores on one database share transactions: an alert
// and the notice it sends commit together or not at all (S-4, C-7), on both
// databases.
func TestOneTransactionWithContacts(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		db := sqldbtest.Open(t, d)
		ss, err := sqlstore.New(ctx, db)
		require.NoError(t, err)
		cs, err := contactssql.New(ctx, db)
		require.NoError(t, err)
		alert := func(ctx context.Context) error {
			a := securitytest.Alert("o1", "111111111111", "f1", time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC))
			a.NoticeID = "n1"
			if _, err := ss.PutAlert(ctx, a); err != nil {
				return err
			}
			return cs.EnqueueNotice(ctx, contactstest.Notice("o1", "n1"))
		}
		err = db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, alert(ctx))
			return errors.New("roll back both")
		})
		require.EqualError(t, err, "roll back both")
		as, _, err := ss.ListAlerts(ctx, "o1", "", resellerkit.Page{})
		require.NoError(t, err)
		assert.Empty(t, as, "the alert is rolled back")
		_, err = cs.GetNotice(ctx, "o1", "n1")
		require.ErrorIs(t, err, contacts.ErrNotFound, "the notice is rolled back")

		require.NoError(t, ss.InTx(ctx, alert))
		as, _, err = ss.ListAlerts(ctx, "o1", "", resellerkit.Page{})
		require.NoError(t, err)
		require.Len(t, as, 1)
		_, err = cs.GetNotice(ctx, "o1", as[0].NoticeID)
		require.NoError(t, err, "the notice the alert names is there")
	})
}

// Open migrates a database file and owns it; opening it again applies nothing
// twice.
func TestOpen_MigratesOnce(t *testing.T) {
	path := t.TempDir() + "/security.db"
	for range 2 {
		s, err := sqlstore.Open(context.Background(), path)
		require.NoError(t, err)
		applied, err := s.DB().AppliedMigrations(context.Background(), sqlstore.Component)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2, 3}, applied)
		require.NoError(t, s.Close())
	}
}
