package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// ProjectSource answers the one question billing asks of whoever keeps the projects
// (DESIGN.md: a domain that needs another domain's data takes a small interface).
type ProjectSource interface {
	// ProjectsFor returns the projects invoiced for period, each with the accounts it
	// owns in that month (M-3: the project owning an account at month end is billed
	// the whole month) and its billing settings. Errors are returned as they are and
	// stop the run; an empty list is not an error (Config.Validate then reports it).
	ProjectsFor(ctx context.Context, period resellerkit.Month) ([]Project, error)
}

// Input is one source of cost data for Run, e.g. costfile.File (a CUR or FOCUS file).
// Run and Service.Ingest scan several inputs at once (Job.Parallel), so inputs that
// share state (a client, a progress callback) must guard it.
type Input interface {
	// Scan streams every row of the input into Sinks made by newSink, and returns
	// what it read. It may call newSink several times, from one goroutine or many,
	// and must give each Sink to one goroutine only: every call returns a new Sink
	// that needs no locking. It stops at the first error, which names the input and,
	// where there is one, the line.
	Scan(ctx context.Context, newSink func() Sink) (InputStats, error)
}

// InputStats describes one input after a scan.
type InputStats struct {
	Name        string // the input's name in errors and warnings, e.g. a file path
	Format      Format
	Layout      string // how the rows were stored, e.g. "csv" or "parquet"
	Compression string // e.g. "gzip"; "" when not compressed
	Rows        int64  // rows handed to the sinks
	Bytes       int64  // bytes read (for compressed text: after decompression)
	// SkippedRows counts rows not handed to the sinks because they are another
	// provider's (FOCUS data of several clouds), by provider in SkippedByProvider
	// ("" when the provider is null).
	SkippedRows       int64
	SkippedByProvider map[string]int64
	// SkippedByColumns names the columns whose values decided those skips, in the
	// order a reader consults them (e.g. ProviderName, or InvoiceIssuerName and
	// HostProviderName in FOCUS 1.3 data), for the warning to name them.
	SkippedByColumns []string
	// Warnings are notes about the input that did not stop the scan, e.g. a FOCUS
	// file without x_ServiceCode or a file with no rows.
	Warnings []string
	// Sketch samples the identities of the input's rows (B-14), so that Run can
	// refuse inputs that overlap; nil when the input provides none (it is then not
	// compared). costfile fills it.
	Sketch *Sketch
}

// Job is one billing run: the invoices of Period for the projects of Projects, from
// the cost data of Inputs.
type Job struct {
	Period resellerkit.Month
	Issuer Issuer
	Tax    Tax
	// CostCurrency is the currency of the cost data (Config.CostCurrency): empty
	// means USD (B-1, B-10).
	CostCurrency money.Currency
	Projects     ProjectSource
	Inputs       []Input // taken in order, each scanned with its own parallelism
	// Parallel is how many inputs are scanned at once: 1 reads them one after
	// another; 0 means runtime.GOMAXPROCS(0); more than MaxParallelInputs is taken
	// as MaxParallelInputs (each input in flight holds its buffers and
	// Aggregators). The result is the same whatever the value (see Run); more
	// inputs at once keep more cores busy when one input alone cannot, e.g. a
	// month of gzip parts, whose decompression is serial within a file.
	Parallel int
}

// Run does the whole pipeline of a billing run, safely: it asks Projects for the
// month's projects and validates them with Issuer and Tax (a *resellerkit.
// ValidationError per problem, before any input is read); then scans the inputs,
// Job.Parallel of them at once, giving every Sink an input asks for its own
// Aggregator (NewAggregatorFor, so only the detail the projects' pricing rules read
// is kept); merges them and computes the invoices (Compute). Result.Inputs holds
// each input's stats in input order, and Result.Warnings, after Compute's, each
// input's warnings prefixed with its name.
//
// Inputs are taken in input order as their scans end, so the result and the error
// are those of reading them one after another, whatever Job.Parallel: an input
// whose scan fails, or that overlaps one before it (B-14, wrapping ErrOverlap and
// naming both), stops the run before anything is computed, unless an input before
// it fails first; the scans still running are then cancelled, and Run returns once
// they have returned. At most Job.Parallel inputs are in flight (read, or read and
// waiting for an earlier one), so memory holds that many inputs' Aggregators.
//
// Errors: a job without a period or a project source, with a nil input or a
// negative Parallel, wraps ErrInvalid; errors of ProjectsFor and of an input's Scan are returned as they are.
func Run(ctx context.Context, job Job) (*Result, error) {
	if job.Period.IsZero() {
		return nil, resellerkit.Invalid(ErrInvalid, "period", "", "B-1", "required: the UTC month to invoice")
	}
	if job.Projects == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "projects", "", "M-2", "a ProjectSource is required")
	}
	if job.Parallel < 0 {
		return nil, resellerkit.Invalid(ErrInvalid, "parallel", strconv.Itoa(job.Parallel), "B-1", "want the number of inputs scanned at once, or 0 for GOMAXPROCS")
	}
	for i, in := range job.Inputs {
		if in == nil {
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("inputs[%d]", i), "", "B-1", "a nil Input")
		}
	}
	projects, err := job.Projects.ProjectsFor(ctx, job.Period)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Issuer: job.Issuer, Tax: job.Tax, CostCurrency: job.CostCurrency, Projects: projects}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	total := NewAggregatorFor(job.Period, cfg)
	stats, err := scanInputs(ctx, job.Inputs, parallelInputs(job.Parallel), func() *Aggregator { return NewAggregatorFor(job.Period, cfg) }, total)
	if err != nil {
		return nil, err
	}
	res, err := Compute(cfg, total)
	if err != nil {
		return nil, err
	}
	res.Inputs = stats
	for _, st := range stats {
		res.Warnings = append(res.Warnings, st.warnings()...)
	}
	return res, nil
}

// warnings returns the input's warnings, prefixed with its name, and one about the
// rows of other providers it skipped.
func (st *InputStats) warnings() []string {
	out := make([]string, 0, len(st.Warnings)+1)
	for _, w := range st.Warnings {
		out = append(out, st.Name+": "+w)
	}
	if st.SkippedRows > 0 {
		parts := make([]string, 0, len(st.SkippedByProvider))
		for _, name := range slices.Sorted(maps.Keys(st.SkippedByProvider)) {
			label := name
			if label == "" {
				label = "(none)"
			}
			parts = append(parts, fmt.Sprintf("%s: %d", label, st.SkippedByProvider[name]))
		}
		cols := "ProviderName"
		if len(st.SkippedByColumns) > 0 {
			cols = strings.Join(st.SkippedByColumns, " or ")
		}
		out = append(out, fmt.Sprintf("%s: skipped %d FOCUS rows whose %s is not AWS (%s)", st.Name, st.SkippedRows, cols, strings.Join(parts, ", ")))
	}
	return out
}
