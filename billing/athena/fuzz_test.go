package athena

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// FuzzResultRow feeds one result row of arbitrary values to the Aggregator of
// billing.Run: Scan never panics, and either adds the row, counted as the line
// items it says, or fails with a *RowError naming the row.
func FuzzResultRow(f *testing.F) {
	f.Add("123456789012", "AmazonEC2", "Usage", "team-a", "USD", "3", "10.5000000000")
	f.Add("", "", "", "", "", "1", "")
	f.Add("1234", "AWSSupportBusiness", "Tax", "NULL", "usd", "2", "-0.0000000001")
	f.Add("123456789012", "AmazonEC2", "Usage", "", "EUR", "1", "1")
	f.Add("123456789012", "AmazonEC2", "Usage", "", "USD", "1.5", "1e3")
	f.Add("123456789012", "AmazonEC2", "Usage", "", "USD", "-1", "99999999999999999999")
	f.Fuzz(func(t *testing.T, account, product, typ, group, currency, items, cost string) {
		if n, err := strconv.ParseInt(items, 10, 64); err == nil && n > 10_000 {
			t.Skip("a count this large only takes time")
		}
		api := &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, resultRow(account, product, typ, group, currency, items, cost))}}
		src, _ := newFakeSource(t, api, Config{})
		agg := unblendedSink()
		st, err := src.Scan(context.Background(), func() billing.Sink { return agg })
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) || re.Row != 1 {
				t.Fatalf("error without its row: %v", err)
			}
			return
		}
		if n, _ := strconv.ParseInt(items, 10, 64); st.Rows != n || agg.Rows() != n {
			t.Fatalf("count %q: stats %d, aggregator %d", items, st.Rows, agg.Rows())
		}
	})
}
