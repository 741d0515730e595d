package costfile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

// benchCUR builds, once, an in-memory legacy CUR CSV of ~50k rows × 110 columns,
// ~800 bytes per row, with a share of quoted descriptions. It is a throwaway
// generator for the benchmark; internal/curgen is the realistic one.
var benchCUR = sync.OnceValue(func() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	cols := strings.Split(strings.TrimSuffix(legacyHeader, "\n"), ",")
	for i := len(cols); i < 110; i++ {
		cols = append(cols, fmt.Sprintf("product/attr%d", i))
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(cols, ",") + "\n")
	types := []string{"Usage", "Usage", "Usage", "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "Tax", "Credit", "Fee"}
	prods := []string{"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudWatch"}
	f := make([]string, len(cols))
	for i := range 50000 {
		desc := "$0.0136 per On Demand Linux t3.micro Instance Hour"
		if i%5 == 0 {
			desc = `"$0.023 per GB-Mo, first 50 TB / month of storage used"`
		}
		row := legacyRow(fmt.Sprintf("%012d", 100000000000+r.IntN(40)), types[r.IntN(len(types))],
			fmt.Sprintf("2026-10-%02dT%02d:00:00Z", 1+r.IntN(28), r.IntN(24)), prods[r.IntN(len(prods))],
			"APN1-BoxUsage:t3.micro", "RunInstances", fmt.Sprintf("%.10f", r.Float64()), "DESC",
			"Amazon Elastic Compute Cloud", "AWS", fmt.Sprintf("%.10f", r.Float64()), []string{"", "teamA", "teamB"}[r.IntN(3)])
		copy(f, strings.Split(strings.TrimSuffix(row, "\n"), ","))
		f[16] = desc
		for j := 23; j < len(cols); j++ {
			f[j] = []string{"", "ap-northeast-1", "Compute Instance", "t3", "Linux", "Shared", "8 GiB", "NA"}[(i+j)%8]
		}
		b.WriteString(strings.Join(f, ","))
		b.WriteByte('\n')
	}
	return b.Bytes()
})

type nopSink struct{ n int }

func (s *nopSink) Add(li *billing.LineItem) error { s.n += len(li.Cost); return nil }

func benchScan(b *testing.B, data []byte, plain int, workers int) {
	b.SetBytes(int64(plain))
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		st, err := Scan(context.Background(), "bench.csv", bytes.NewReader(data), func() billing.Sink { return &nopSink{} }, Options{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(rows)/sec, "rows/s")
	b.ReportMetric(float64(plain)*float64(b.N)/sec/1e6, "MB/s")
}

// BenchmarkScanLegacy measures the legacy CUR CSV reader with a no-op sink.
func BenchmarkScanLegacy(b *testing.B) {
	data := benchCUR()
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchScan(b, data, len(data), w) })
	}
}

// BenchmarkScanLegacyGzip measures the same file gzip-compressed (MB/s of CSV text).
func BenchmarkScanLegacyGzip(b *testing.B) {
	data := gz(b, string(benchCUR()))
	b.Logf("compressed %d → %d bytes", len(benchCUR()), len(data))
	benchScan(b, data, len(benchCUR()), 2)
}

// BenchmarkSplit measures the record splitter alone on one core.
func BenchmarkSplit(b *testing.B) {
	data := benchCUR()
	b.SetBytes(int64(len(data)))
	var sp splitter
	for b.Loop() {
		d := data
		for len(d) > 0 {
			n, _, err := sp.split(d)
			if err != nil {
				b.Fatal(err)
			}
			d = d[n:]
		}
	}
}

// curgenCUR is ~50k rows of realistic legacy CUR CSV from internal/curgen (121
// columns, all B-2 line item types, quoted descriptions with newlines), in memory.
var curgenCUR = sync.OnceValues(func() ([]byte, error) {
	var b bytes.Buffer
	_, err := curgen.Write(&b, curgen.Config{Rows: 50000, Seed: 1})
	return b.Bytes(), err
})

// BenchmarkScanCurgen measures the reader on curgen's realistic legacy CUR, with
// 1 and 2 workers and a no-op sink; it reports MB/s and rows/s.
func BenchmarkScanCurgen(b *testing.B) {
	data, err := curgenCUR()
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchScan(b, data, len(data), w) })
	}
}
