package costfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// valueSink is a Sink of a value type: each copy is its own, so returning it from
// several newSink calls shares nothing.
type valueSink struct{}

func (valueSink) Add(*billing.LineItem) error { return nil }

// TestB1_EachWorkerItsOwnSink: a newSink that returns one Sink twice is refused before
// any row flows, with ErrSinkReused naming the mistake, for CSV and Parquet and
// whatever the Sink's type; a fresh Sink per call, or a stateless value, is fine. With
// one worker newSink is called once, so nothing is shared.
func TestB1_EachWorkerItsOwnSink(t *testing.T) {
	text := legacyHeader + strings.Repeat(legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", "1", "d", "n", "AWS", "1", ""), 50)
	shared := billing.NewAggregator(resellerkit.NewMonth(2026, 10))
	sharedMap := mapSink{}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	pq := writeParquet(t, []cur2Row{{Account: "1", Type: "Usage", Start: start, Product: "p", Cost: 1}, {Account: "1", Type: "Usage", Start: start, Product: "p", Cost: 2}}, 1)
	for _, tc := range []struct {
		name    string
		newSink func() billing.Sink
		workers int
		refused bool
	}{
		{"one shared Aggregator", func() billing.Sink { return shared }, 3, true},
		{"one shared map", func() billing.Sink { return sharedMap }, 2, true},
		{"nil", func() billing.Sink { return nil }, 2, true},
		{"a new Aggregator each call", func() billing.Sink { return billing.NewAggregator(resellerkit.NewMonth(2026, 10)) }, 3, false},
		{"a stateless value", func() billing.Sink { return valueSink{} }, 3, false},
		{"one shared Aggregator, one worker", func() billing.Sink { return shared }, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Scan(context.Background(), "cur.csv", strings.NewReader(text), tc.newSink, Options{Workers: tc.workers, BlockSize: 256})
			_, perr := ScanFile(context.Background(), pq, tc.newSink, Options{Workers: tc.workers})
			if !tc.refused {
				require.NoError(t, err)
				require.NoError(t, perr)
				return
			}
			for _, err := range []error{err, perr} {
				require.ErrorIs(t, err, ErrSinkReused)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.NotEmpty(t, e.File)
			}
			assert.Contains(t, err.Error(), "cur.csv: costfile: newSink must return a new Sink on every call")
		})
	}
}

// mapSink is a Sink of a map type: a reference, so sharing it would race.
type mapSink map[string]int

func (m mapSink) Add(li *billing.LineItem) error { m[string(li.AccountID)]++; return nil }

// TestB1_WorkersBounded: more than MaxWorkers workers is an error before anything is
// read; the default is GOMAXPROCS, never more than MaxWorkers.
func TestB1_WorkersBounded(t *testing.T) {
	var c collector
	_, err := Scan(context.Background(), "t.csv", strings.NewReader(legacyHeader), c.newSink, Options{Workers: MaxWorkers + 1})
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), "t.csv: costfile: invalid options: 257 workers, at most 256")
	_, err = ScanFile(context.Background(), focusSample, c.newSink, Options{Workers: 100000})
	require.ErrorIs(t, err, ErrOptions)
	assert.Empty(t, c.sinks, "no Sink was made")

	o, err := Options{}.withDefaults()
	require.NoError(t, err)
	assert.True(t, o.Workers >= 1 && o.Workers <= MaxWorkers)
}

// TestB1_HeaderWithoutRows: a file with a header and no row reads without error and
// says so in a warning.
func TestB1_HeaderWithoutRows(t *testing.T) {
	for _, text := range []string{legacyHeader, strings.TrimSuffix(legacyHeader, "\n"), legacyHeader + "\n\n"} {
		_, st, err := scanString(t, text, Options{Workers: 2})
		require.NoError(t, err)
		assert.Equal(t, int64(0), st.Rows)
		assert.Equal(t, []string{noCurrencyWarning, noRowsWarning}, st.Warnings)
	}
	_, st, err := scanString(t, legacyHeader+legacyRow("1", "Usage", "2026-10-01T00:00:00Z", "p", "u", "o", "1", "d", "n", "AWS", "1", ""), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{noCurrencyWarning}, st.Warnings)
}

// TestB1_FileIsABillingInput: File runs in billing.Run; the real FOCUS sample is
// invoiced with its stats and the reader's warnings in the result.
func TestB1_FileIsABillingInput(t *testing.T) {
	var _ billing.Input = File{}
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "sunbird", Currency: money.JPY, ExchangeRate: &rate,
			Accounts: []string{"011353890204", "018938484842", "085742851457", "069918885631"}}},
	}
	res, err := billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2024, 9), Issuer: cfg.Issuer, Projects: cfg,
		Inputs: []billing.Input{File{Path: focusSample, Options: Options{Workers: 2}}}})
	require.NoError(t, err)
	require.Len(t, res.Inputs, 1)
	assert.Equal(t, focusSample, res.Inputs[0].Name)
	assert.Equal(t, LayoutCSV, res.Inputs[0].Layout)
	assert.Equal(t, int64(942), res.Inputs[0].Rows)
	assert.Equal(t, int64(942), res.Rows.InPeriod+res.Rows.OutsidePeriod)
	assert.Contains(t, res.Warnings, focusSample+": skipped 58 FOCUS rows whose ProviderName is not AWS (Microsoft: 51, Oracle: 7)")
	assert.Positive(t, res.Invoices[0].ChargesUSD.Sign())

	_, err = billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2024, 9), Issuer: cfg.Issuer, Projects: cfg,
		Inputs: []billing.Input{File{Path: filepath.Join(t.TempDir(), "missing.csv")}}})
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "missing.csv: open: ")
}

// FuzzDetectFormat: format detection (B-1) never panics; it finds a format exactly
// when the header has that format's marker columns, every column it maps is one of
// the header's, and the order of the columns changes nothing but their indexes.
func FuzzDetectFormat(f *testing.F) {
	for _, h := range []string{
		strings.TrimSuffix(legacyHeader, "\n"),
		"line_item_usage_account_id,line_item_product_code,line_item_line_item_type,line_item_unblended_cost,line_item_usage_start_date,resource_tags,product",
		"BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,Tags,x_ServiceCode",
		"BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ServiceProviderName",
		"lineItem/UsageAccountId,lineItem/LineItemType",
		"a,b,c", "", " lineItem/UnblendedCost ,\"x,y\",\"\"\"q\"",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, header string) {
		s, _, err := parseHeader([]byte(header + "\n"))
		if err != nil {
			require.True(t, errors.Is(err, ErrUnknownFormat) || errors.Is(err, ErrMissingColumn) || errors.Is(err, ErrQuote), "%v", err)
			return
		}
		cols := s.names
		has := func(n string) bool {
			for _, c := range cols {
				if strings.EqualFold(strings.TrimSpace(c), n) { // names match whatever their case
					return true
				}
			}
			return false
		}
		switch s.format {
		case billing.FormatCURLegacy:
			require.True(t, has("lineItem/UnblendedCost") || has("lineItem/LineItemType") || has("lineItem/UsageAccountId"))
		case billing.FormatCUR2:
			require.True(t, has("line_item_unblended_cost") || has("line_item_line_item_type") || has("line_item_usage_account_id"))
		case billing.FormatFOCUS:
			require.True(t, has("BilledCost") && has("ChargeCategory"))
		default:
			t.Fatalf("format %v without error", s.format)
		}
		for _, nc := range s.need {
			require.True(t, nc.col >= 0 && nc.col < len(cols))
		}
		// The same columns reversed: the same format and the same columns found.
		rev := make([]string, len(cols))
		for i, c := range cols {
			rev[len(cols)-1-i] = c
		}
		s2, err := newSchema(rev)
		require.NoError(t, err)
		require.Equal(t, s.format, s2.format)
		for sl := range s.col {
			if s.col[sl] < 0 {
				require.Negative(t, s2.col[sl])
				continue
			}
			require.True(t, strings.EqualFold(strings.TrimSpace(cols[s.col[sl]]), strings.TrimSpace(rev[s2.col[sl]])), "slot %d", sl)
		}
	})
}
