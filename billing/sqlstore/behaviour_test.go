package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// What the conformance suite proves for every store is not repeated here: these
// tests cover what only SQL has (processes that crash, many connections, batched
// inserts, the database's own refusals).

// eachDialect runs fn with a fresh store on every available dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := sqlstore.New(t.Context(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		fn(t, s)
	})
}

// TestB12_ConcurrentIssuesAreGapFree: 50 documents of one series and year issued
// at once, each in its own call (on PostgreSQL over several connections), get Seq
// 1 … 50 exactly: no number twice, none skipped, and the numbers formatted from
// them.
func TestB12_ConcurrentIssuesAreGapFree(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		const n = 50
		got := make([]billing.Document, n)
		errs := storetest.Concurrently(n, func(i int) error {
			d, ok, err := s.IssueDocument(ctx, document("o1", fmt.Sprintf("d%02d", i), fmt.Sprintf("key-%02d", i)))
			if err == nil && !ok {
				err = errors.New("a new key was not issued")
			}
			got[i] = d
			return err
		})
		for i, err := range errs {
			require.NoError(t, err, "issue %d", i)
		}
		seqs := make([]int64, n)
		numbers := map[string]bool{}
		for i, d := range got {
			seqs[i] = d.Seq
			numbers[d.Number] = true
			assert.Equal(t, fmt.Sprintf("T1234567890123-2026-%06d", d.Seq), d.Number)
		}
		slices.Sort(seqs)
		want := make([]int64, n)
		for i := range want {
			want[i] = int64(i + 1)
		}
		assert.Equal(t, want, seqs, "gap-free, each number once")
		assert.Len(t, numbers, n)

		all, err := resellerkit.All(func(p resellerkit.Page) ([]billing.Document, string, error) {
			return s.ListDocuments(ctx, billing.DocumentFilter{OrgID: "o1"}, p)
		})
		require.NoError(t, err)
		listed := make([]int64, len(all))
		for i, d := range all {
			listed[i] = d.Seq
		}
		assert.Equal(t, want, listed, "listed in issue order")
	})
}

// TestB12_RolledBackIssueUsesNoNumber: a document issued in a transaction that
// rolls back takes its number with it; the next document gets it.
func TestB12_RolledBackIssueUsesNoNumber(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		errRollback := errors.New("roll back")
		err := s.InTx(ctx, func(ctx context.Context) error {
			d, _, err := s.IssueDocument(ctx, document("o1", "d1", "k1"))
			require.NoError(t, err)
			require.Equal(t, int64(1), d.Seq)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		d, ok, err := s.IssueDocument(ctx, document("o1", "d2", "k2"))
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, int64(1), d.Seq, "the rolled-back number is used again")
		_, err = s.GetDocument(ctx, "", "d1")
		assert.ErrorIs(t, err, billing.ErrNotFound)
	})
}

// TestB14_MonthScaleVersionsReplaceWhole: versions of ~10k groups (ten batched
// INSERTs and a partial one) replace one another whole, in stored order, every
// digit kept; an older one is refused without a trace.
func TestB14_MonthScaleVersionsReplaceWhole(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		v1 := costData("111111111111", "v1", t0, 10_007, 1)
		v2 := costData("111111111111", "v2", t0.Add(time.Microsecond), 10_003, 2)
		other := costData("222222222222", "p2", t0, 3, 3)
		for _, d := range []billing.CostData{v1, other, v2} {
			out, err := s.PutCostData(ctx, d)
			require.NoError(t, err)
			require.Equal(t, billing.Stored, out)
		}
		got, err := s.CostGroups(ctx, may)
		require.NoError(t, err)
		assert.Equal(t, slices.Concat(classified(v2.Groups), classified(other.Groups)), canonGroups(got))
		_, err = s.PutCostData(ctx, costData("111111111111", "v0", t0.Add(-time.Microsecond), 5, 4))
		assert.ErrorIs(t, err, billing.ErrStaleReport)
		reports, err := s.CostReports(ctx, may)
		require.NoError(t, err)
		assert.Equal(t, []billing.CostData{header(v2), header(other)}, reports)
	})
}
