package billing

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// rowsInput is an Input of test rows, read by workers goroutines that each ask for
// their own Sink, as a file reader does.
type rowsInput struct {
	name    string
	rows    []row
	workers int
	err     error // returned by Scan after the rows, when set
	scanned *bool // set when Scan runs
}

func (in rowsInput) Scan(ctx context.Context, newSink func() Sink) (InputStats, error) {
	if in.scanned != nil {
		*in.scanned = true
	}
	st := InputStats{Name: in.name, Format: FormatCURLegacy, Layout: "test", Rows: int64(len(in.rows)), Warnings: []string{"a note"}}
	var g errgroup.Group
	for w := range max(in.workers, 1) {
		sink := newSink()
		g.Go(func() error {
			for i := w; i < len(in.rows); i += max(in.workers, 1) {
				if err := sink.Add(in.rows[i].item()); err != nil {
					return fmt.Errorf("%s: %w", in.name, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return st, err
	}
	return st, in.err
}

// sourceFunc is a ProjectSource made of a function.
type sourceFunc func(ctx context.Context, period resellerkit.Month) ([]Project, error)

func (f sourceFunc) ProjectsFor(ctx context.Context, period resellerkit.Month) ([]Project, error) {
	return f(ctx, period)
}

// TestB12_RunEqualsCompute: Run over several inputs, each read by several workers
// with their own Sinks, gives the invoices Compute gives over one Aggregator of all
// the rows; each input's stats come back in order and its warnings are prefixed with
// its name.
func TestB12_RunEqualsCompute(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	cfg := propertyConfig()
	for iter := range 10 {
		rows := randomRows(r, 1+r.IntN(400))
		want, err := Compute(cfg, aggregate(t, rows...))
		require.NoError(t, err)

		cut := r.IntN(len(rows) + 1)
		inputs := []Input{
			rowsInput{name: "one.csv", rows: rows[:cut], workers: 1 + r.IntN(4)},
			rowsInput{name: "two.csv", rows: rows[cut:], workers: 1 + r.IntN(4)},
		}
		got, err := Run(context.Background(), Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Inputs: inputs})
		require.NoError(t, err)

		assert.Equal(t, want.Invoices, got.Invoices, "iteration %d", iter)
		assert.Equal(t, want.Unassigned, got.Unassigned)
		assert.Equal(t, want.Rows, got.Rows)
		assert.Equal(t, append(want.Warnings, "one.csv: a note", "two.csv: a note"), got.Warnings)
		require.Len(t, got.Inputs, 2)
		assert.Equal(t, "one.csv", got.Inputs[0].Name)
		assert.Equal(t, int64(len(rows)-cut), got.Inputs[1].Rows)
	}
}

// TestB12_RunSkippedRowsWarning: an input's rows of other providers are reported in
// one warning naming the input and each provider.
func TestB12_RunSkippedRowsWarning(t *testing.T) {
	st := InputStats{Name: "focus.csv", SkippedRows: 58, SkippedByProvider: map[string]int64{"Oracle": 7, "Microsoft": 51}, Warnings: []string{"no x_ServiceCode"}}
	assert.Equal(t, []string{"focus.csv: no x_ServiceCode", "focus.csv: skipped 58 FOCUS rows whose ProviderName is not AWS (Microsoft: 51, Oracle: 7)"}, st.warnings())
	st = InputStats{Name: "f", SkippedRows: 1, SkippedByProvider: map[string]int64{"": 1}}
	assert.Equal(t, []string{"f: skipped 1 FOCUS rows whose ProviderName is not AWS ((none): 1)"}, st.warnings())
}

// TestM3_RunBillsTheMonthsOwner: Run asks the project source for the month invoiced,
// so an account moved from project A to project B during October is on A's October
// invoice and on B's November invoice (M-3, the whole month to the owner at month
// end), each in its plan's settings (Plans.Project).
func TestM3_RunBillsTheMonthsOwner(t *testing.T) {
	pl := &Plans{ExchangeRates: map[string]ExchangeRatePolicy{
		"ttm": {Rates: map[resellerkit.Month]money.Decimal{oct: money.NewFromInt(150), oct.Next(): money.NewFromInt(100)}},
	}}
	moved := acctB
	owner := map[resellerkit.Month]string{oct: "a", oct.Next(): "b"} // the owner at each month's end
	var asked []resellerkit.Month
	source := sourceFunc(func(ctx context.Context, period resellerkit.Month) ([]Project, error) {
		asked = append(asked, period)
		refs := []ProjectRef{
			{ID: "a", Currency: money.JPY, Accounts: []string{acctA}, ExchangeRatePolicy: "ttm"},
			{ID: "b", Currency: money.JPY, Accounts: []string{}, ExchangeRatePolicy: "ttm"},
		}
		for i := range refs {
			if refs[i].ID == owner[period] {
				refs[i].Accounts = append(refs[i].Accounts, moved)
			}
		}
		var out []Project
		for _, ref := range refs {
			p, err := pl.Project(ref, period)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	})
	rowsOf := func(m resellerkit.Month) []row {
		return []row{{acct: acctA, code: "AmazonEC2", cost: "10", period: m}, {acct: moved, code: "AmazonS3", cost: "1", period: m}}
	}
	issuer := Issuer{Name: "R", RegistrationNumber: "T1234567890123"}
	for _, tc := range []struct {
		month          resellerkit.Month
		chargesA       string
		chargesB       string
		rate           string
		movedInInvoice string
	}{
		{oct, "11", "0", "150", "a"},
		{oct.Next(), "10", "1", "100", "b"},
	} {
		t.Run(tc.month.String(), func(t *testing.T) {
			asked = nil
			res, err := Run(context.Background(), Job{Period: tc.month, Issuer: issuer, Projects: source,
				Inputs: []Input{rowsInput{name: "cur.csv", rows: rowsOf(tc.month), workers: 2}}})
			require.NoError(t, err)
			assert.Equal(t, []resellerkit.Month{tc.month}, asked, "the source is asked once, for the month invoiced")
			require.Len(t, res.Invoices, 2)
			assert.Equal(t, tc.chargesA, res.Invoices[0].ChargesUSD.String())
			assert.Equal(t, tc.chargesB, res.Invoices[1].ChargesUSD.String())
			assert.Equal(t, tc.rate, res.Invoices[0].ExchangeRate.String())
			assert.Empty(t, res.Unassigned)
			for _, inv := range res.Invoices {
				var accounts []string
				for _, a := range inv.Accounts {
					accounts = append(accounts, a.AccountID)
				}
				assert.Equal(t, inv.ProjectID == tc.movedInInvoice, slices.Contains(accounts, moved), "%s: %v", inv.ProjectID, accounts)
			}
		})
	}
}

// TestRun_Errors: a job without a period or a project source, a failing source, an
// invalid month of projects (found before any input is read) and a failing input each
// stop the run with their error.
func TestRun_Errors(t *testing.T) {
	errSource, errInput := errors.New("source down"), errors.New("input broken")
	valid := propertyConfig()
	invalid := propertyConfig()
	invalid.Projects[1].Accounts = []string{acctA} // also in project 0 (M-3)
	for _, tc := range []struct {
		name        string
		job         func(in Input) Job
		is          error
		wantScanned bool
	}{
		{"B1 no period", func(in Input) Job { return Job{Issuer: valid.Issuer, Projects: valid, Inputs: []Input{in}} }, ErrInvalid, false},
		{"M2 no project source", func(in Input) Job { return Job{Period: oct, Issuer: valid.Issuer, Inputs: []Input{in}} }, ErrInvalid, false},
		{"M2 nil Config", func(in Input) Job {
			return Job{Period: oct, Issuer: valid.Issuer, Projects: (*Config)(nil), Inputs: []Input{in}}
		}, ErrInvalid, false},
		{"B1 nil input", func(in Input) Job {
			return Job{Period: oct, Issuer: valid.Issuer, Projects: valid, Inputs: []Input{in, nil}}
		}, ErrInvalid, false},
		{"source error", func(in Input) Job {
			return Job{Period: oct, Issuer: valid.Issuer, Inputs: []Input{in},
				Projects: sourceFunc(func(context.Context, resellerkit.Month) ([]Project, error) { return nil, errSource })}
		}, errSource, false},
		{"M3 invalid projects before any input", func(in Input) Job {
			return Job{Period: oct, Issuer: invalid.Issuer, Projects: invalid, Inputs: []Input{in}}
		}, ErrInvalid, false},
		{"input error", func(Input) Job {
			return Job{Period: oct, Issuer: valid.Issuer, Projects: valid, Inputs: []Input{rowsInput{name: "x", err: errInput}}}
		}, errInput, false},
		{"row error", func(in Input) Job {
			return Job{Period: oct, Issuer: valid.Issuer, Projects: valid, Inputs: []Input{in}}
		}, money.ErrSyntax, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scanned := false
			in := rowsInput{name: "cur.csv", rows: []row{{acct: acctA, code: "AmazonEC2", cost: "1,5"}}, scanned: &scanned}
			res, err := Run(context.Background(), tc.job(in))
			require.ErrorIs(t, err, tc.is)
			assert.Nil(t, res)
			assert.Equal(t, tc.wantScanned, scanned)
		})
	}
}

// TestRun_EverySinkItsOwn: every Sink Run hands out is a new Aggregator, so an input
// may use them from as many goroutines as it asks Sinks for (go test -race checks).
func TestRun_EverySinkItsOwn(t *testing.T) {
	var sinks []Sink
	in := inputFunc(func(ctx context.Context, newSink func() Sink) (InputStats, error) {
		for range 8 {
			sinks = append(sinks, newSink())
		}
		var g errgroup.Group
		for _, s := range sinks {
			g.Go(func() error {
				for range 1000 {
					if err := s.Add(row{acct: acctA, code: "AmazonEC2", cost: "0.001"}.item()); err != nil {
						return err
					}
				}
				return nil
			})
		}
		return InputStats{Name: "in"}, g.Wait()
	})
	cfg := propertyConfig()
	res, err := Run(context.Background(), Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Inputs: []Input{in}})
	require.NoError(t, err)
	seen := map[Sink]bool{}
	for _, s := range sinks {
		assert.False(t, seen[s], "a Sink handed out twice")
		seen[s] = true
	}
	assert.Equal(t, int64(8000), res.Rows.InPeriod)
	assert.Equal(t, "8", res.Invoices[0].ChargesBeforePricingUSD.String())
}

// inputFunc is an Input made of a function.
type inputFunc func(ctx context.Context, newSink func() Sink) (InputStats, error)

func (f inputFunc) Scan(ctx context.Context, newSink func() Sink) (InputStats, error) {
	return f(ctx, newSink)
}
