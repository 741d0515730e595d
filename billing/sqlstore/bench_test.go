package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// monthGroups is the number of groups of a large month (B-14: a reseller's
// month-scale CUR aggregates to about this many).
const monthGroups = 100_000

// BenchmarkPutCostData stores a new version of a month of monthGroups groups
// over the previous one (delete its groups, insert the new ones in batched
// INSERTs, in one transaction), and reports groups/s. On PostgreSQL when
// RESELLERKIT_TEST_POSTGRES_DSN is set.
func BenchmarkPutCostData(b *testing.B) {
	for _, d := range sqldbtest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			sqldbtest.SkipUnavailable(b, d)
			benchmarkPut(b, d)
		})
	}
}

func benchmarkPut(b *testing.B, d sqldb.Dialect) {
	ctx := b.Context()
	s, err := sqlstore.New(ctx, sqldbtest.Open(b, d))
	require.NoError(b, err)
	data := costData("111111111111", "v0", t0, monthGroups, 0)
	_, err = s.PutCostData(ctx, data)
	require.NoError(b, err)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		data.Version = "v" + time.Duration(i+1).String()
		data.GeneratedAt = t0.Add(time.Duration(i+1) * time.Second)
		out, err := s.PutCostData(ctx, data)
		require.NoError(b, err)
		require.Equal(b, billing.Stored, out)
	}
	b.ReportMetric(float64(b.N*monthGroups)/time.Since(start).Seconds(), "groups/s")
}

// BenchmarkCostGroups reads a month of monthGroups groups back, and reports
// groups/s.
func BenchmarkCostGroups(b *testing.B) {
	for _, d := range sqldbtest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			sqldbtest.SkipUnavailable(b, d)
			ctx := b.Context()
			s, err := sqlstore.New(ctx, sqldbtest.Open(b, d))
			require.NoError(b, err)
			_, err = s.PutCostData(ctx, costData("111111111111", "v0", t0, monthGroups, 0))
			require.NoError(b, err)
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				gs, err := s.CostGroups(ctx, may)
				require.NoError(b, err)
				require.Len(b, gs, monthGroups)
			}
			b.ReportMetric(float64(b.N*monthGroups)/time.Since(start).Seconds(), "groups/s")
		})
	}
}
