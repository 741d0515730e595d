package costfile

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// BenchmarkScanCurgenInvoice measures what one worker of examples/invoicing does per
// row: curgen's ~50k rows of legacy CUR read into the projected Aggregator of
// scripts/bench.sh's configuration (NewAggregatorFor), overlap check (B-14)
// included. Unlike BenchmarkScanCurgen, whose sink does nothing, it shows the
// per-row checks of Aggregator.Add as well, so a CPU profile of it splits a whole
// run's per-row cost between reading, the overlap check and aggregating.
// RESELLERKIT_BENCH_CSV names another CSV file to read instead, e.g. to compare two
// builds on the same rows.
func BenchmarkScanCurgenInvoice(b *testing.B) {
	data, err := curgenCUR()
	if p := os.Getenv("RESELLERKIT_BENCH_CSV"); p != "" {
		data, err = os.ReadFile(p) // the same rows for builds whose curgen differs
	}
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("../../scripts/testdata/bench-config.json")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := billing.DecodeConfig(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	period, err := resellerkit.ParseMonth("2026-10")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		st, err := Scan(context.Background(), "bench.csv", bytes.NewReader(data), func() billing.Sink { return billing.NewAggregatorFor(period, cfg) }, Options{Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
