package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Ingested is what Service.Ingest did with one report version.
type Ingested struct {
	Outcome PutOutcome // Stored or Unchanged
	// Data describes the stored version (Groups left out); on Unchanged, the
	// version already stored.
	Data   CostData
	Inputs []InputStats // what was read, one per input; empty when nothing was read
	// Warnings are the inputs' warnings, prefixed with their names.
	Warnings []string
}

// Ingest reads one version of a payer's monthly report (B-14) and stores its
// aggregates as that payer's month, replacing an older version atomically. The
// inputs are the version's files (package billing/reports lists them from a
// directory or an S3 bucket); they are scanned at full detail (NewAggregator), so
// any configuration can price the month later, several at once as Run scans them
// (ServiceConfig.ParallelInputs of them; by default runtime.GOMAXPROCS(0) at most
// MaxParallelInputs), with the outcome and the error of reading them one after
// another.
//
// It is safe to re-run: a version already stored is Unchanged without reading a
// byte; a version older than the stored one (or one it superseded) is refused with
// ErrStaleReport, also before reading. Inputs that overlap stop it with ErrOverlap
// (the same file twice, a copy), and so does a version whose rows another payer's
// stored month holds; a row in another currency than the configured one stops it
// with ErrCurrency; no input, or no row of the month, with ErrInvalid (it would
// empty the month) — all before anything is stored. A failure or a crash
// at any point leaves the stored month as it was: the version is written in one
// transaction (Store.PutCostData), after every input was read.
func (s *Service) Ingest(ctx context.Context, rep Report, inputs []Input) (Ingested, error) {
	if err := validReport(rep); err != nil {
		return Ingested{}, err
	}
	rep.GeneratedAt = rep.GeneratedAt.UTC().Truncate(time.Microsecond)
	if done, err := s.checkVersion(ctx, rep); err != nil || done != nil {
		if done != nil {
			return Ingested{Outcome: Unchanged, Data: *done}, nil
		}
		return Ingested{}, err
	}
	if len(inputs) == 0 {
		return Ingested{}, resellerkit.Invalid(ErrInvalid, "inputs", "", "B-14", "a report version has at least one file: storing none would empty the month")
	}
	for i, in := range inputs {
		if in == nil {
			return Ingested{}, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("inputs[%d]", i), "", "B-1", "a nil Input")
		}
	}
	newAgg := func() *Aggregator {
		a := NewAggregator(rep.Period)
		a.setCurrency(s.costCurrency)
		return a
	}
	total := newAgg()
	stats, err := scanInputs(ctx, inputs, parallelInputs(s.parallel), newAgg, total)
	if err != nil {
		return Ingested{}, err
	}
	out := Ingested{Inputs: stats}
	for _, st := range stats {
		out.Warnings = append(out.Warnings, st.warnings()...)
	}
	if total.Rows() == 0 {
		return Ingested{}, resellerkit.Invalid(ErrInvalid, "inputs", "", "B-14",
			fmt.Sprintf("version %s has no row of %s: storing it would empty the month (a report of another month?)", rep.Version, rep.Period))
	}
	d := CostData{Report: rep, CostCurrency: s.costCurrency, AggregatedAt: s.clock(), Rows: total.Rows(), Groups: total.Groups()}
	for _, st := range out.Inputs {
		d.Files = append(d.Files, st.Name)
		if st.Sketch != nil {
			if d.Sketch == nil {
				d.Sketch = &Sketch{}
			}
			d.Sketch.Merge(st.Sketch)
		}
	}
	if err := s.checkPayers(ctx, rep, d.Sketch); err != nil {
		return Ingested{}, err
	}
	for _, n := range total.OutsideRows() {
		d.OutsideRows += n
	}
	outcome, err := s.store.PutCostData(ctx, d)
	if err != nil {
		return Ingested{}, err
	}
	out.Outcome = outcome
	d.Groups = nil
	out.Data = d
	return out, nil
}

// checkVersion answers from the stored history whether rep is already stored (the
// stored data) or stale (an error), before any input is read. The store checks
// again when the data is written.
func (s *Service) checkVersion(ctx context.Context, rep Report) (*CostData, error) {
	hist, err := s.store.ReportHistory(ctx, rep.Payer, rep.Period)
	if err != nil || len(hist) == 0 {
		return nil, err
	}
	cur := hist[len(hist)-1]
	if cur.Version == rep.Version {
		return &cur, nil
	}
	if slices.ContainsFunc(hist, func(h CostData) bool { return h.Version == rep.Version }) {
		return nil, fmt.Errorf("billing: payer %s, %s: version %s was superseded by %s: %w", rep.Payer, rep.Period, rep.Version, cur.Version, ErrStaleReport)
	}
	if !rep.GeneratedAt.After(cur.GeneratedAt) {
		return nil, fmt.Errorf("billing: payer %s, %s: version %s (generated %s) is not newer than the stored %s (generated %s): %w",
			rep.Payer, rep.Period, rep.Version, rep.GeneratedAt.Format("2006-01-02T15:04:05Z"), cur.Version,
			cur.GeneratedAt.Format("2006-01-02T15:04:05Z"), ErrStaleReport)
	}
	return nil, nil
}

// checkPayers refuses a version whose rows another payer's stored version of the
// month holds too (B-14: the same data ingested under two payers would count
// twice). The store checks nothing across payers; two ingestions of one month
// racing under two payers are not compared with each other.
func (s *Service) checkPayers(ctx context.Context, rep Report, sk *Sketch) error {
	if sk == nil {
		return nil
	}
	others, err := s.store.CostReports(ctx, rep.Period)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Payer == rep.Payer || o.Sketch == nil {
			continue
		}
		if shared, na, nb := sk.Overlap(o.Sketch); overlapping(shared, na, nb) {
			return &overlapError{msg: fmt.Sprintf("billing: payer %s, %s: version %s shares %d of its %d sampled rows with version %s stored for payer %s (B-14): "+
				"the same data under two payers would count twice", rep.Payer, rep.Period, rep.Version, shared, na, o.Version, o.Payer)}
		}
	}
	return nil
}

// validReport checks a report's identity.
func validReport(r Report) error {
	var errs []error
	if !validAccountID(r.Payer) {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "payer", r.Payer, "B-14", "want the payer account's 12-digit id"))
	}
	if r.Period.IsZero() {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "period", "", "B-14", "required: the report's billing month"))
	}
	if r.Version == "" || len(r.Version) > 200 {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "version", r.Version, "B-14", "want the report version's id (assemblyId, executionId) of 1..200 characters"))
	}
	if r.GeneratedAt.IsZero() {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "generated_at", "", "B-14", "required: when AWS wrote the version, which orders versions"))
	}
	return errors.Join(errs...)
}
