package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("curgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 1000, "number of data rows")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same file")
	out := fs.String("out", "-", `output file ("-" for stdout)`)
	gz := fs.Bool("gzip", false, "gzip-compress the CSV")
	format := fs.String("format", "cur-legacy", "cur-legacy (CSV) or cur2-parquet")
	period := fs.String("period", "2026-10", "billing period, a UTC month YYYY-MM")
	accounts := fs.Int("accounts", 48, "number of usage accounts")
	outside := fs.Float64("outside", 0, "share of usage rows dated just outside the period (0: default 0.0005; negative: none)")
	list := fs.Int("list-accounts", 0, "print the first N account ids and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list > 0 {
		for _, id := range curgen.AccountIDs(*list) {
			fmt.Fprintln(stdout, id)
		}
		return 0
	}
	p, err := resellerkit.ParseMonth(*period)
	if err != nil {
		fmt.Fprintf(stderr, "curgen: -period: %v\n", err)
		return 2
	}
	if *format != "cur-legacy" && *format != "cur2-parquet" {
		fmt.Fprintf(stderr, "curgen: -format %q: want cur-legacy or cur2-parquet\n", *format)
		return 2
	}
	if *gz && *format != "cur-legacy" {
		fmt.Fprintln(stderr, "curgen: -gzip applies to cur-legacy CSV only")
		return 2
	}
	cfg := curgen.Config{Rows: *rows, Seed: *seed, Year: p.Year(), Month: p.Month(), Accounts: *accounts, OutsideFraction: *outside}
	if err := generate(cfg, *out, *format, *gz, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func generate(cfg curgen.Config, out, format string, gz bool, stdout, stderr io.Writer) (err error) {
	var dst io.Writer = stdout
	name := "stdout"
	if out != "-" && out != "" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("curgen: %w", err)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("curgen: %w", cerr)
			}
			if err != nil {
				_ = os.Remove(out) // never leave a truncated file behind
			}
		}()
		dst, name = f, out
	}
	counter := &countingWriter{w: dst}
	bw := bufio.NewWriterSize(counter, 1<<20)
	var w io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	var n int
	if format == "cur2-parquet" {
		n, err = curgen.WriteParquet(w, cfg)
	} else {
		n, err = curgen.Write(w, cfg)
	}
	if zw != nil {
		err = errors.Join(err, zw.Close())
	}
	err = errors.Join(err, bw.Flush())
	if err != nil {
		return fmt.Errorf("curgen: %s: %w", name, err)
	}
	fmt.Fprintf(stderr, "curgen: %d rows, %d bytes, %s\n", n, counter.n, name)
	return nil
}
