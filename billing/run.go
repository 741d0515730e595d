package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

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
	Inputs       []Input // scanned in order, each with its own parallelism
}

// Run does the whole pipeline of a billing run, safely: it asks Projects for the
// month's projects and validates them with Issuer and Tax (a *resellerkit.
// ValidationError per problem, before any input is read); then scans the inputs in
// order, giving every Sink an input asks for its own Aggregator (NewAggregatorFor, so
// only the detail the projects' pricing rules read is kept); merges them and
// computes the invoices (Compute). Result.Inputs holds each input's stats, and
// Result.Warnings, after Compute's, each input's warnings prefixed with its name.
//
// Errors: a job without a period or a project source, or with a nil input, wraps
// ErrInvalid; errors of ProjectsFor and of an input's Scan are returned as they are.
func Run(ctx context.Context, job Job) (*Result, error) {
	if job.Period.IsZero() {
		return nil, resellerkit.Invalid(ErrInvalid, "period", "", "B-1", "required: the UTC month to invoice")
	}
	if job.Projects == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "projects", "", "M-2", "a ProjectSource is required")
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
	var (
		mu   sync.Mutex
		aggs []*Aggregator
	)
	newSink := func() Sink {
		a := NewAggregatorFor(job.Period, cfg)
		mu.Lock()
		aggs = append(aggs, a)
		mu.Unlock()
		return a
	}
	// Each input's aggregators are merged as soon as it is read, so memory holds one
	// input's worth of them, not every input's.
	total := NewAggregatorFor(job.Period, cfg)
	stats := make([]InputStats, 0, len(job.Inputs))
	for _, in := range job.Inputs {
		st, err := in.Scan(ctx, newSink)
		if err != nil {
			return nil, err
		}
		stats = append(stats, st)
		// B-14: an input overlapping one read before stops the run now, before
		// the rest is read and before anything is computed.
		if err := checkOverlap(stats); err != nil {
			return nil, err
		}
		for _, a := range aggs {
			if err := total.Merge(a); err != nil {
				return nil, err
			}
		}
		aggs = nil
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
