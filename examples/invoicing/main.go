package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usageLine = "usage: invoicing -config CONFIG.json -period YYYY-MM [-workers N] [-parallel N] FILE..."

// run is the whole command; it returns the exit status: 0, or 1 with exactly one line
// on stderr and nothing on stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out, err := invoice(ctx, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage())
		return 0
	}
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
		fmt.Fprintln(stderr, msg)
		return 1
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintln(stderr, "invoicing: write output:", err)
		return 1
	}
	return 0
}

// flags declares the command's flags on fs.
func flags(fs *flag.FlagSet) (configPath, period *string, workers, parallel *int) {
	configPath = fs.String("config", "", "configuration file (JSON, at most 10 MiB): issuer, tax, projects")
	period = fs.String("period", "", "billing period, a UTC month from 2000 on: YYYY-MM")
	workers = fs.Int("workers", 0, fmt.Sprintf("reader goroutines per file, 1..%d (default GOMAXPROCS)", costfile.MaxWorkers))
	parallel = fs.Int("parallel", 0, fmt.Sprintf("files read at once, 1..%d, 1 for one after another; the output is the same (default GOMAXPROCS, at most %[1]d)", billing.MaxParallelInputs))
	return configPath, period, workers, parallel
}

// usage returns the help text: what the command does and every flag.
func usage() string {
	var b strings.Builder
	b.WriteString(usageLine + "\n\n")
	b.WriteString("Prices AWS cost files (legacy CUR CSV, CUR 2.0 CSV or Parquet, FOCUS CSV; CSV may be\n")
	b.WriteString("gzip-compressed or in a ZIP archive) into reseller invoices, written as JSON on stdout.\n\n")
	fs := flag.NewFlagSet("invoicing", flag.ContinueOnError)
	flags(fs)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}

func invoice(ctx context.Context, args []string) ([]byte, error) {
	fs := flag.NewFlagSet("invoicing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configPath, periodFlag, workers, parallel := flags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("invoicing: %v (%s)", err, usageLine)
	}
	if *configPath == "" || *periodFlag == "" || fs.NArg() == 0 {
		return nil, fmt.Errorf("invoicing: %s (one or more cost files; -h for help)", usageLine)
	}
	if *workers < 0 || *workers > costfile.MaxWorkers {
		return nil, fmt.Errorf("invoicing: -workers %d: want 1..%d, or 0 for GOMAXPROCS", *workers, costfile.MaxWorkers)
	}
	if *parallel < 0 || *parallel > billing.MaxParallelInputs {
		return nil, fmt.Errorf("invoicing: -parallel %d: want 1..%d, or 0 for GOMAXPROCS", *parallel, billing.MaxParallelInputs)
	}
	period, err := resellerkit.ParseMonth(*periodFlag)
	if err != nil {
		return nil, fmt.Errorf("invoicing: -period: %w", err)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return nil, err
	}
	job := billing.Job{Period: period, Issuer: cfg.Issuer, Tax: cfg.Tax, CostCurrency: cfg.CostCurrency, Projects: cfg, Parallel: *parallel}
	// B-14: a file given twice (or under a second name) is refused here; copies and
	// two versions of one month by billing.Run, which compares the files' rows.
	if job.Inputs, err = costfile.Files(costfile.Options{Workers: *workers}, fs.Args()...); err != nil {
		return nil, err
	}
	res, err := billing.Run(ctx, job)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(newOutput(res), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// loadConfig reads and validates the configuration. An error names the file, and the
// line and column of the first problem (billing.ConfigError), with the number of
// other problems.
func loadConfig(path string) (*billing.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError names the file
	}
	defer f.Close()
	cfg, err := billing.DecodeConfig(f)
	if err == nil {
		return cfg, nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	more := ""
	if len(errs) > 1 {
		more = " (and 1 more problem)"
		if len(errs) > 2 {
			more = fmt.Sprintf(" (and %d more problems)", len(errs)-1)
		}
	}
	var ce *billing.ConfigError
	if errors.As(errs[0], &ce) {
		return nil, fmt.Errorf("%s:%v%s", path, ce, more)
	}
	return nil, fmt.Errorf("%s: %w", path, errs[0])
}
