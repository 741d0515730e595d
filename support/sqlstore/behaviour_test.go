package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	contactssql "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/support/supporttest"
)

// The support and contacts stores on one database share transactions: a reply
// and the notice that announces it to the other side (P-3) commit together or
// not at all, on both databases.
func TestOneTransactionWithContacts(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		db := sqldbtest.Open(t, d)
		ss, err := sqlstore.New(ctx, db)
		require.NoError(t, err)
		cs, err := contactssql.New(ctx, db)
		require.NoError(t, err)
		t0 := time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)
		require.NoError(t, ss.CreateCase(ctx, supporttest.Case("o1", "111111111111", "case-1", t0)))
		reply := func(ctx context.Context) error {
			if err := ss.AddReply(ctx, supporttest.Reply("o1", "case-1", "r1", t0.Add(time.Hour))); err != nil {
				return err
			}
			return cs.EnqueueNotice(ctx, contactstest.Notice("o1", "n1"))
		}
		err = db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, reply(ctx))
			return errors.New("roll back both")
		})
		require.EqualError(t, err, "roll back both")
		rs, err := ss.ListReplies(ctx, "o1", "case-1")
		require.NoError(t, err)
		assert.Empty(t, rs, "the reply is rolled back")
		_, err = cs.GetNotice(ctx, "o1", "n1")
		require.ErrorIs(t, err, contacts.ErrNotFound, "the notice is rolled back")

		require.NoError(t, ss.InTx(ctx, reply))
		rs, err = ss.ListReplies(ctx, "o1", "case-1")
		require.NoError(t, err)
		require.Len(t, rs, 1)
		_, err = cs.GetNotice(ctx, "o1", "n1")
		require.NoError(t, err, "the notice is there")
	})
}

// A failed database call reads as the domain message only: no table, column or
// driver text, while errors.Is still sees the sentinel.
func TestErrorsSayOnlyTheDomainMessage(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		s := newStore(d)(t)
		t0 := time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)
		require.NoError(t, s.CreateCase(ctx, supporttest.Case("o1", "111111111111", "case-1", t0)))
		for _, err := range []error{
			s.CreateCase(ctx, supporttest.Case("o1", "111111111111", "case-1", t0)),
			s.UpdateCase(ctx, supporttest.Case("o1", "111111111111", "case-1", t0)),
			s.AddReply(ctx, supporttest.Reply("o2", "case-1", "r1", t0)),
			func() error { _, err := s.GetCase(ctx, "o2", "case-1"); return err }(),
		} {
			require.Error(t, err)
			assert.Regexp(t, `^support: (already exists|conflict|not found): (case|reply) "`, err.Error())
			assert.NotContains(t, err.Error(), "support_cases")
		}
	})
}

// Open migrates a database file and owns it; opening it again applies nothing
// twice.
func TestOpen_MigratesOnce(t *testing.T) {
	path := t.TempDir() + "/support.db"
	for range 2 {
		s, err := sqlstore.Open(context.Background(), path)
		require.NoError(t, err)
		applied, err := s.DB().AppliedMigrations(context.Background(), sqlstore.Component)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, applied)
		require.NoError(t, s.Close())
	}
}

// The store is a support.Store whatever database it runs on.
var _ support.Store = (*sqlstore.Store)(nil)
