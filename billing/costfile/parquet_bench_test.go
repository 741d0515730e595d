package costfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

// benchParquetRows is the size of the generated benchmark file: four row groups of
// curgen's 65,536 rows (the last one partial), so two workers both have work.
const benchParquetRows = 200000

// benchParquetFiles writes, once per test binary, curgen's CUR 2.0 Parquet file of
// benchParquetRows rows (seed 1) as curgen writes it by default (plain pages) and
// with dictionary pages, as AWS Data Exports writes them. RESELLERKIT_BENCH_PARQUET
// names another file to measure instead (e.g. scripts/bench.sh's 1,000,000 rows).
var benchParquetFiles = sync.OnceValues(func() (map[string]string, error) {
	if p := os.Getenv("RESELLERKIT_BENCH_PARQUET"); p != "" {
		return map[string]string{"file": p}, nil
	}
	dir, err := os.MkdirTemp("", "costfile-bench")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for name, dict := range map[string]bool{"plain": false, "dict": true} {
		p := filepath.Join(dir, name+".parquet")
		f, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		_, err = curgen.WriteParquetWith(f, curgen.Config{Rows: benchParquetRows, Seed: 1}, curgen.ParquetOptions{Dictionary: dict})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		out[name] = p
	}
	return out, nil
})

// BenchmarkScanParquet measures the Parquet reader on curgen's CUR 2.0 file into the
// Aggregator of an unblended-basis config (no public costs read), as
// examples/invoicing runs it, with 1 and 2 workers; it reports rows/s.
func BenchmarkScanParquet(b *testing.B) {
	files, err := benchParquetFiles()
	if err != nil {
		b.Fatal(err)
	}
	period := resellerkit.NewMonth(2026, time.October)
	for _, name := range []string{"plain", "dict", "file"} {
		p, ok := files[name]
		if !ok {
			continue
		}
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", name, w), func(b *testing.B) {
				b.ReportAllocs()
				var rows int64
				for b.Loop() {
					st, err := ScanFile(context.Background(), p, func() billing.Sink { return billing.NewAggregatorFor(period, nil) }, Options{Workers: w})
					if err != nil {
						b.Fatal(err)
					}
					rows += st.Rows
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
