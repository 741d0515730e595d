package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/billingtest"
	"github.com/seeda33a2f4f/resellerkit/billing/memstore"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	contactsmem "github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// TestStore runs the billing conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	billingtest.TestStore(t, func(*testing.T) billing.Store { return memstore.New() })
}

// A billing memstore and a contacts memstore on one memdb.DB share transactions,
// as SQL stores on one database do: an alarm's firing and the notice it sends
// commit together or not at all (B-15, C-7).
func TestNewOn_SharesTransactionsWithContacts(t *testing.T) {
	ctx := t.Context()
	db := memdb.New()
	bs, cs := memstore.NewOn(db), contactsmem.NewOn(db)
	require.NoError(t, bs.CreateAlarm(ctx, billingtest.Alarm("o1", "123456789012", "a1")))
	may := resellerkit.NewMonth(2026, time.May)
	fire := func(ctx context.Context) error {
		f := billingtest.Firing("o1", "a1", may)
		f.NoticeID = "n1"
		if _, err := bs.RecordFiring(ctx, f); err != nil {
			return err
		}
		return cs.EnqueueNotice(ctx, contactstest.Notice("o1", "n1"))
	}

	err := bs.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, fire(ctx))
		return errors.New("roll back both")
	})
	require.EqualError(t, err, "roll back both")
	fs, err := bs.ListFirings(ctx, "o1", "a1")
	require.NoError(t, err)
	assert.Empty(t, fs, "the firing is rolled back")
	_, err = cs.GetNotice(ctx, "o1", "n1")
	require.ErrorIs(t, err, contacts.ErrNotFound, "the notice is rolled back")

	require.NoError(t, cs.InTx(ctx, fire))
	fs, err = bs.ListFirings(ctx, "o1", "a1")
	require.NoError(t, err)
	require.Len(t, fs, 1)
	n, err := cs.GetNotice(ctx, "o1", fs[0].NoticeID)
	require.NoError(t, err, "the notice the firing names is there")
	assert.Equal(t, "n1", n.ID)
}

// Documents of several transactions that each issue a few and some fail: the
// committed ones hold 1…n with no gap (B-12), under -race too.
func TestIssueDocument_GapFreeAcrossFailedTransactions(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	may := resellerkit.NewMonth(2026, time.May)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := s.InTx(ctx, func(ctx context.Context) error {
				for j := range 3 {
					id := fmt.Sprintf("d%02d-%d", i, j)
					if _, _, err := s.IssueDocument(ctx, billingtest.Document("o1", id, id, may)); err != nil {
						return err
					}
				}
				if i%3 == 0 {
					return errors.New("fail")
				}
				return nil
			})
			if i%3 != 0 {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	docs, err := resellerkit.All(func(p resellerkit.Page) ([]billing.Document, string, error) {
		return s.ListDocuments(ctx, billing.DocumentFilter{}, p)
	})
	require.NoError(t, err)
	require.Len(t, docs, 13*3, "13 of 20 transactions committed")
	for i, d := range docs {
		assert.Equal(t, int64(i+1), d.Seq)
		assert.Equal(t, fmt.Sprintf("T1234567890123-2026-%06d", i+1), d.Number)
	}
}
