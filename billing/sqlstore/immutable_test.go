package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestB12_TheDatabaseRefusesToChangeIssuedDocuments: an UPDATE or a DELETE of an
// issued document typed straight at the database, past the Store (another program,
// an operator's console), fails in the database's own triggers, and the document
// is unchanged; the refusal reads as billing.ErrImmutable (mapImmutable). On
// PostgreSQL, TRUNCATE is refused too.
func TestB12_TheDatabaseRefusesToChangeIssuedDocuments(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		db := sqldbtest.Open(t, d)
		s, err := New(ctx, db)
		require.NoError(t, err)
		doc := billing.Document{ID: "d1", Key: "invoice/p1/2026-05", Kind: billing.DocInvoice, Series: "T1234567890123",
			Year: 2026, OrgID: "o1", ProjectID: "p1", Period: resellerkit.NewMonth(2026, time.May),
			Currency: money.JPY, Total: money.JPY.Amount(money.MustParse("225919")), IssuedAt: time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)}
		issued, ok, err := s.IssueDocument(ctx, doc)
		require.NoError(t, err)
		require.True(t, ok)

		statements := []string{
			`UPDATE billing_documents SET total = '1' WHERE id = 'd1'`,
			`UPDATE billing_documents SET seq = seq + 1`,
			`DELETE FROM billing_documents WHERE id = 'd1'`,
			`DELETE FROM billing_documents`,
		}
		if d == sqldb.PostgreSQL {
			statements = append(statements, `TRUNCATE billing_documents`)
		}
		for _, stmt := range statements {
			_, err := db.Pool().ExecContext(ctx, stmt)
			require.Error(t, err, stmt)
			assert.ErrorIs(t, mapImmutable(err), billing.ErrImmutable, "%s: %v", stmt, err)
			assert.ErrorIs(t, mapErr(err, "document", "d1"), billing.ErrImmutable, stmt)
			// In a transaction too, which then rolls back as a whole.
			err = db.InTx(ctx, func(ctx context.Context) error {
				_, err := db.Querier(ctx).ExecContext(ctx, stmt)
				return err
			})
			assert.ErrorIs(t, mapImmutable(err), billing.ErrImmutable, "%s in a transaction", stmt)
		}

		got, err := s.GetDocument(ctx, "o1", "d1")
		require.NoError(t, err)
		assert.Equal(t, issued, got, "unchanged")
		all, next, err := s.ListDocuments(ctx, billing.DocumentFilter{}, resellerkit.Page{})
		require.NoError(t, err)
		assert.Equal(t, []billing.Document{issued}, all, "still there, alone")
		assert.Empty(t, next)
		assert.Equal(t, billing.ErrImmutable.Error(), mapImmutable(err0(ctx, db)).Error(), "the text is the domain's only")
	})
}

// err0 returns the error of an UPDATE of a document.
func err0(ctx context.Context, db *sqldb.DB) error {
	_, err := db.Pool().ExecContext(ctx, `UPDATE billing_documents SET recipient = 'x'`)
	return err
}
