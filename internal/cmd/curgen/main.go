package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
	pages := fs.String("parquet-pages", "dictionary", "cur2-parquet pages: dictionary (RLE_DICTIONARY, as AWS Data Exports writes them) or plain")
	parts := fs.Int("parts", 0, "write the rows as N parts, as AWS splits a month's report: -out cur.csv.gz writes cur-00001.csv.gz … (cur-legacy only)")
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
	if *pages != "dictionary" && *pages != "plain" {
		fmt.Fprintf(stderr, "curgen: -parquet-pages %q: want dictionary or plain\n", *pages)
		return 2
	}
	if *gz && *format != "cur-legacy" {
		fmt.Fprintln(stderr, "curgen: -gzip applies to cur-legacy CSV only")
		return 2
	}
	if *parts < 0 || *parts > 99999 {
		fmt.Fprintf(stderr, "curgen: -parts %d: want 1..99999\n", *parts)
		return 2
	}
	if *parts > 0 && (*format != "cur-legacy" || *out == "-" || *out == "") {
		fmt.Fprintln(stderr, "curgen: -parts needs -format cur-legacy and an -out file name")
		return 2
	}
	cfg := curgen.Config{Rows: *rows, Seed: *seed, Year: p.Year(), Month: p.Month(), Accounts: *accounts, OutsideFraction: *outside}
	if *parts > 0 {
		if err := generateParts(cfg, *out, *parts, *gz, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	if err := generate(cfg, *out, *format, *gz, curgen.ParquetOptions{Dictionary: *pages == "dictionary"}, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func generate(cfg curgen.Config, out, format string, gz bool, popt curgen.ParquetOptions, stdout, stderr io.Writer) (err error) {
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
		n, err = curgen.WriteParquetWith(w, cfg, popt)
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

// partName returns the name of part i (1-based) of out: "-%05d" before the first
// extension, as AWS numbers report parts (cur.csv.gz → cur-00001.csv.gz).
func partName(out string, i int) string {
	dir, base := filepath.Split(out)
	stem, ext, _ := strings.Cut(base, ".")
	if ext != "" {
		ext = "." + ext
	}
	return fmt.Sprintf("%s%s-%05d%s", dir, stem, i, ext)
}

// generateParts writes cfg's rows as parts files named by partName, each
// gzip-compressed when gz is set, and prints one summary line per part.
func generateParts(cfg curgen.Config, out string, parts int, gz bool, stderr io.Writer) error {
	var written []string
	_, err := curgen.WriteParts(cfg, parts, func(i int) (io.WriteCloser, error) {
		name := partName(out, i+1)
		f, err := os.Create(name)
		if err != nil {
			return nil, err
		}
		written = append(written, name)
		pw := &partWriter{f: f, name: name, stderr: stderr, count: &countingWriter{w: f}}
		pw.bw = bufio.NewWriterSize(pw.count, 1<<20)
		pw.w = pw.bw
		if gz {
			pw.zw = gzip.NewWriter(pw.bw)
			pw.w = pw.zw
		}
		return pw, nil
	})
	if err != nil {
		for _, name := range written {
			_ = os.Remove(name) // never leave a truncated month behind
		}
		return fmt.Errorf("curgen: %s: %w", out, err)
	}
	return nil
}

// partWriter is one part file being written, optionally through gzip.
type partWriter struct {
	f      *os.File
	name   string
	stderr io.Writer
	count  *countingWriter
	bw     *bufio.Writer
	zw     *gzip.Writer
	w      io.Writer
}

func (p *partWriter) Write(b []byte) (int, error) { return p.w.Write(b) }

// Close flushes and closes the part and prints its summary line.
func (p *partWriter) Close() error {
	var err error
	if p.zw != nil {
		err = p.zw.Close()
	}
	err = errors.Join(err, p.bw.Flush(), p.f.Close())
	if err == nil {
		fmt.Fprintf(p.stderr, "curgen: part %s, %d bytes\n", p.name, p.count.n)
	}
	return err
}
