package memstore_test

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
	contactsmem "github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/memstore"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
)

// TestStore runs the security conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	securitytest.TestStore(t, func(*testing.T) security.Store { return memstore.New() })
}

// A security memstore and a contacts memstore on one memdb.DB share transactions,
// as SQL stores on one database do: an alert and the notice it sends commit
// together or not at all (S-4, C-7).
func TestNewOn_SharesTransactionsWithContacts(t *testing.T) {
	ctx := t.Context()
	db := memdb.New()
	ss, cs := memstore.NewOn(db), contactsmem.NewOn(db)
	alert := func(ctx context.Context) error {
		a := securitytest.Alert("o1", "111111111111", "f1", time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC))
		a.NoticeID = "n1"
		if _, err := ss.PutAlert(ctx, a); err != nil {
			return err
		}
		return cs.EnqueueNotice(ctx, contactstest.Notice("o1", "n1"))
	}
	err := ss.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, alert(ctx))
		return errors.New("roll back both")
	})
	require.EqualError(t, err, "roll back both")
	as, _, err := ss.ListAlerts(ctx, "o1", "", resellerkit.Page{})
	require.NoError(t, err)
	assert.Empty(t, as, "the alert is rolled back")
	_, err = cs.GetNotice(ctx, "o1", "n1")
	require.ErrorIs(t, err, contacts.ErrNotFound, "the notice is rolled back")

	require.NoError(t, cs.InTx(ctx, alert))
	as, _, err = ss.ListAlerts(ctx, "o1", "", resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, as, 1)
	_, err = cs.GetNotice(ctx, "o1", as[0].NoticeID)
	require.NoError(t, err, "the notice the alert names is there")
}
