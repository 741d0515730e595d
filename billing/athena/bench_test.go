package athena

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// BenchmarkScanResult measures the Source's own work on a result: 20 pages of
// 1,000 groups (distinct accounts, usage types and operations), each standing for
// 1 or 50 line items, into the Aggregator of billing.Run (20,000 or a million line
// items a run). Athena's time is not in it; the difference between the two is the
// cost of counting the line items (the empty Adds).
func BenchmarkScanResult(b *testing.B) {
	for _, items := range []int{1, 50} {
		b.Run(fmt.Sprintf("items=%d", items), func(b *testing.B) { benchScanResult(b, items) })
	}
}

func benchScanResult(b *testing.B, items int) {
	var pages []*types.ResultSet
	for p := range 20 {
		rs := resultSet(unblendedCols, p == 0)
		for i := range 1000 {
			r := resultRow(fmt.Sprintf("%012d", 100000000000+i%48), []string{"AmazonEC2", "AmazonS3", "AmazonRDS"}[i%3], "Usage", "", "USD", fmt.Sprint(items), "12.3456789012")
			r[4] = aws.String(fmt.Sprintf("APN1-Usage-%d-%d", p, i/48))
			row := types.Row{}
			for _, v := range r {
				row.Data = append(row.Data, types.Datum{VarCharValue: v})
			}
			rs.Rows = append(rs.Rows, row)
		}
		pages = append(pages, rs)
	}
	api := &fakeAPI{pages: pages}
	src, _ := newFakeSource(b, api, Config{})
	b.ReportAllocs()
	for b.Loop() {
		st, err := scan(src, unblendedSink())
		if err != nil || st.Rows != int64(20_000*items) {
			b.Fatal(st.Rows, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(20_000*items), "ns/lineitem")
}
