//go:build unix

package billing_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

// countWriter counts the bytes written to it.
type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

// gzipPart is one part being written: its CSV bytes are counted, then compressed.
type gzipPart struct {
	io.Writer
	zw *gzip.Writer
	f  *os.File
}

func (p gzipPart) Close() error {
	if err := p.zw.Close(); err != nil {
		return err
	}
	return p.f.Close()
}

// gzipParts writes a month of 8 gzip parts of curgen's rows (seed 1, 2026-10) into
// dir and returns their paths and the size of their CSV text.
func gzipParts(b *testing.B, dir string, rowsPerPart int) (files []string, csvBytes int64) {
	_, err := curgen.WriteParts(curgen.Config{Rows: 8 * rowsPerPart, Seed: 1}, 8, func(part int) (io.WriteCloser, error) {
		p := filepath.Join(dir, fmt.Sprintf("cur-%05d.csv.gz", part+1))
		f, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		files = append(files, p)
		zw := gzip.NewWriter(f)
		return gzipPart{Writer: io.MultiWriter(zw, countWriter{&csvBytes}), zw: zw, f: f}, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files, csvBytes
}

// cpuTime returns the process's user and system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRunGzipParts measures billing.Run over a month of 8 gzip parts of
// 25,000 curgen rows each (about 164 MB of CSV, 8 × 3.8 MB compressed), read one
// after another (parallel=1) and GOMAXPROCS at once (the default). gzip inflation
// is serial within a file, so one part keeps about one core busy; the ratio of the
// two ns/op is the speedup of reading parts at once. MB/s is of the CSV text;
// cpu-s/op is the process's user + system CPU time per run, which shows how much
// of the machine the run used (and is less sensitive to other load than ns/op).
// The parts are written to a temporary directory; the projects are
// scripts/bench.sh's (scripts/testdata/bench-config.json).
func BenchmarkRunGzipParts(b *testing.B) {
	files, csvBytes := gzipParts(b, b.TempDir(), 25000)
	f, err := os.Open("../scripts/testdata/bench-config.json")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := billing.DecodeConfig(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	period := resellerkit.NewMonth(2026, time.October)
	inputs := make([]billing.Input, len(files))
	for i, f := range files {
		inputs[i] = costfile.File{Path: f}
	}
	for _, parallel := range []int{1, 0} {
		name := fmt.Sprintf("parallel=%d", parallel)
		if parallel == 0 {
			name = fmt.Sprintf("parallel=%d", runtime.GOMAXPROCS(0))
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(csvBytes)
			cpu0 := cpuTime(b)
			for b.Loop() {
				res, err := billing.Run(context.Background(), billing.Job{Period: period, Issuer: cfg.Issuer, Tax: cfg.Tax, CostCurrency: cfg.CostCurrency, Projects: cfg, Inputs: inputs, Parallel: parallel})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Invoices) != 2 {
					b.Fatalf("%d invoices", len(res.Invoices))
				}
			}
			b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
