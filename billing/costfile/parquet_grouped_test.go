package costfile

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The grouped path (parquet_fast.go) must give a Sink the result of adding every
// row, and leave every error and warning to the row path. These tests read each
// file twice into billing.Aggregators: once as they are (the grouped path, through
// AddSum), once through rowOnly, which hides AddSum (the row path), and compare all
// a run sees.

// rowOnly is an Aggregator without AddSum: the reader adds it row by row.
type rowOnly struct{ a *billing.Aggregator }

func (s rowOnly) Add(li *billing.LineItem) error { return s.a.Add(li) }
func (s rowOnly) UsesField(f billing.Field) bool { return s.a.UsesField(f) }
func (s rowOnly) CostCurrency() money.Currency   { return s.a.CostCurrency() }

// counted is an Aggregator that counts the calls of each path.
type counted struct {
	*billing.Aggregator
	adds, sums *atomic.Int64
}

func (s counted) Add(li *billing.LineItem) error {
	s.adds.Add(1)
	return s.Aggregator.Add(li)
}

func (s counted) AddSum(li *billing.LineItem, rows int64, cost, public *money.Sum) error {
	s.sums.Add(1)
	return s.Aggregator.AddSum(li, rows, cost, public)
}

// scanResult is all a run sees of one scan.
type scanResult struct {
	mu         sync.Mutex
	aggs       []*billing.Aggregator
	err        string
	st         billing.InputStats
	sketch     []byte
	groups     []billing.Group
	rows       int64
	outside    map[resellerkit.Month]int64
	adds, sums atomic.Int64
}

func (s *scanResult) add(a *billing.Aggregator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.aggs = append(s.aggs, a)
}

// scanBoth reads path with workers workers into aggregators made by newAgg, on the
// grouped path (grouped) and the row path (rows).
func scanBoth(t *testing.T, path string, workers int, newAgg func() *billing.Aggregator) (grouped, rows *scanResult) {
	t.Helper()
	return scanBothWith(t, func(newSink func() billing.Sink) (billing.InputStats, error) {
		return ScanFile(context.Background(), path, newSink, Options{Workers: workers})
	}, newAgg)
}

// scanBothWith is scanBoth with scan reading the input.
func scanBothWith(t *testing.T, scan func(newSink func() billing.Sink) (billing.InputStats, error), newAgg func() *billing.Aggregator) (grouped, rows *scanResult) {
	t.Helper()
	run := func(wrap func(a *billing.Aggregator, r *scanResult) billing.Sink) *scanResult {
		r := &scanResult{}
		st, err := scan(func() billing.Sink {
			a := newAgg()
			r.add(a)
			return wrap(a, r)
		})
		r.st = st
		if err != nil {
			r.err = err.Error()
			return r
		}
		if st.Sketch != nil {
			b, err := st.Sketch.MarshalBinary()
			require.NoError(t, err)
			r.sketch = b
		}
		r.st.Sketch = nil
		all := newAgg()
		for _, a := range r.aggs {
			require.NoError(t, all.Merge(a))
		}
		r.groups, r.rows, r.outside = all.Groups(), all.Rows(), all.OutsideRows()
		return r
	}
	grouped = run(func(a *billing.Aggregator, r *scanResult) billing.Sink {
		return counted{Aggregator: a, adds: &r.adds, sums: &r.sums}
	})
	rows = run(func(a *billing.Aggregator, _ *scanResult) billing.Sink { return rowOnly{a} })
	return grouped, rows
}

// assertSame asserts that two scans give a run the same: error, stats, warnings,
// sketch (B-14), groups with their exact sums, row counts.
func assertSame(t *testing.T, grouped, rows *scanResult) {
	t.Helper()
	assert.Equal(t, rows.err, grouped.err, "error")
	if rows.err != "" {
		return // the rows read before an error depend on the workers' timing
	}
	assert.Equal(t, rows.st, grouped.st, "input stats and warnings")
	assert.Equal(t, rows.sketch, grouped.sketch, "B-14 sketch")
	assert.Equal(t, rows.rows, grouped.rows, "rows")
	assert.Equal(t, rows.outside, grouped.outside, "rows of other months (B-1)")
	require.Equal(t, len(rows.groups), len(grouped.groups), "groups")
	for i := range rows.groups {
		r, g := rows.groups[i], grouped.groups[i]
		assert.Equal(t, r.GroupKey, g.GroupKey)
		assert.Equal(t, r.Class, g.Class)
		assert.Equal(t, r.Rows, g.Rows, "%+v", r.GroupKey)
		assert.True(t, r.Cost.Equal(g.Cost), "cost of %+v: %s vs %s", r.GroupKey, r.Cost, g.Cost)
		assert.True(t, r.PublicCost.Equal(g.PublicCost), "public cost of %+v: %s vs %s", r.GroupKey, r.PublicCost, g.PublicCost)
	}
}

// curgenParquet writes curgen's CUR 2.0 Parquet file of rows rows with opt.
func curgenParquet(t *testing.T, rows int, opt curgen.ParquetOptions) string {
	t.Helper()
	p := t.TempDir() + "/cur2.parquet"
	f, err := os.Create(p)
	require.NoError(t, err)
	_, err = curgen.WriteParquetWith(f, curgen.Config{Rows: rows, Seed: 3}, opt)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return p
}

// TestB1_ParquetGroupedEqualsRowByRow: on dictionary-encoded CUR 2.0 files (as AWS
// Data Exports writes them) the Sink gets the rows grouped, and everything a run
// sees — groups and their exact sums (B-3 on both bases), rows, rows of other
// months (B-1), warnings, the overlap sketch (B-14) — is what adding every row
// gives; on plain pages the row path reads every row group.
func TestB1_ParquetGroupedEqualsRowByRow(t *testing.T) {
	period := resellerkit.NewMonth(2026, time.October)
	sinks := map[string]func() *billing.Aggregator{
		"full detail":      func() *billing.Aggregator { return billing.NewAggregator(period) },
		"unblended config": func() *billing.Aggregator { return billing.NewAggregatorFor(period, benchConfig(t, false)) },
		"public basis":     func() *billing.Aggregator { return billing.NewAggregatorFor(period, benchConfig(t, true)) },
	}
	for _, tc := range []struct {
		name    string
		opt     curgen.ParquetOptions
		grouped bool // every row group is grouped
		rowPath bool // some row group is read row by row
	}{
		{"dictionary pages v2", curgen.ParquetOptions{Dictionary: true}, true, false},
		{"dictionary pages v1, small row groups", curgen.ParquetOptions{Dictionary: true, DataPageV1: true, RowGroupRows: 4097}, true, false},
		{"dictionary pages, ZSTD", curgen.ParquetOptions{Dictionary: true, Compression: &parquet.Zstd, RowGroupRows: 9000}, true, false},
		{"plain pages", curgen.ParquetOptions{RowGroupRows: 9000}, false, true},
	} {
		path := curgenParquet(t, 20000, tc.opt)
		for name, newAgg := range sinks {
			for _, workers := range []int{1, 2} {
				t.Run(tc.name+"/"+name+"/workers="+strconv.Itoa(workers), func(t *testing.T) {
					grouped, rows := scanBoth(t, path, workers, newAgg)
					require.Empty(t, rows.err)
					assertSame(t, grouped, rows)
					assert.Equal(t, tc.grouped, grouped.sums.Load() > 0, "AddSum calls: %d", grouped.sums.Load())
					assert.Equal(t, tc.rowPath, grouped.adds.Load() > 0, "Add calls: %d", grouped.adds.Load())
				})
			}
		}
	}
}

// groupedRow is a CUR 2.0 row whose every column may be null, dictionary-encoded,
// for the cases the grouped path leaves to the row path.
type groupedRow struct {
	ID       *string           `parquet:"identity_line_item_id,optional"`
	Entity   string            `parquet:"bill_billing_entity"`
	Account  string            `parquet:"line_item_usage_account_id"`
	Type     string            `parquet:"line_item_line_item_type"`
	Start    *time.Time        `parquet:"line_item_usage_start_date,optional,timestamp(millisecond)"`
	Product  string            `parquet:"line_item_product_code"`
	Usage    string            `parquet:"line_item_usage_type,optional"`
	Op       string            `parquet:"line_item_operation,optional"`
	Currency *string           `parquet:"line_item_currency_code,optional"`
	PubCur   *string           `parquet:"pricing_currency,optional"`
	Cost     float64           `parquet:"line_item_unblended_cost"`
	Public   *float64          `parquet:"pricing_public_on_demand_cost,optional"`
	Products map[string]string `parquet:"product"`
	Tags     map[string]string `parquet:"resource_tags"`
}

func toGrouped(r toolRow) groupedRow {
	id, start, usd := r.ID, r.Start, "USD"
	var pub *float64
	if r.Public != noPublic {
		f := float64(r.Public) / 1e4
		pub = &f
	}
	return groupedRow{&id, r.Entity, r.Account, r.Type, &start, r.Product, r.Usage, r.Op, &usd, &usd, float64(r.Cost) / 1e4, pub, r.productMap(), r.tags()}
}

// TestB1_ParquetGroupedLeavesErrorsToRowPath: a row group holding a row the row path
// reports or counts is read row by row, so errors keep their line and column and
// warnings their first line; the other row groups stay grouped, and the result is
// the same as reading every row.
func TestB1_ParquetGroupedLeavesErrorsToRowPath(t *testing.T) {
	period := resellerkit.NewMonth(2026, time.October)
	for _, tc := range []struct {
		name    string
		mutate  func(i int, r *groupedRow)
		every   int    // mutate every every-th row from row 1234 on (0: rows 1234 and 2500)
		public  bool   // the Sink uses public costs
		wantErr string // part of the error; "" for none
		fullErr string // the same for a full-detail Sink (both bases); "" when wantErr
	}{
		{"B-1 cost in another currency", func(_ int, r *groupedRow) { r.Currency = ptr("JPY") }, 0, false, "JPY", ""},
		{"B-1 currency code in lower case", func(_ int, r *groupedRow) { r.Currency = ptr("usd") }, 0, true, "", ""},
		{"B-1 row without usage start", func(_ int, r *groupedRow) { r.Start = nil }, 0, false, "line_item_usage_start_date", ""},
		{"B-1 usage start in another month", func(_ int, r *groupedRow) { s := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC); r.Start = &s }, 0, false, "", ""},
		{"B-1 cost not a number", func(_ int, r *groupedRow) { r.Cost = math.Inf(1) }, 0, false, "line_item_unblended_cost", ""},
		{"B-1 cost beyond the fixed-point units", func(_ int, r *groupedRow) { r.Cost = 123456789.123 }, 0, false, "", ""},
		{"B-1 cost with more than 10 fractional digits", func(_ int, r *groupedRow) { r.Cost = 1e-12 }, 0, false, "", ""},
		{"B-3 unused public cost not a number (counted)", func(_ int, r *groupedRow) { r.Public = ptrF(math.NaN()) }, 0, false, "", "pricing_public_on_demand_cost"},
		{"B-3 public cost not a number", func(_ int, r *groupedRow) { r.Public = ptrF(math.NaN()) }, 0, true, "pricing_public_on_demand_cost", ""},
		{"issue 7 account id that is no AWS account id", func(_ int, r *groupedRow) { r.Account = "acct-7" }, 0, false, "", ""},
		{"issue 7 many account ids that are no AWS account ids", func(i int, r *groupedRow) { r.Account = "acct-" + strconv.Itoa(i%31) }, 7, false, "", ""},
		{"B-1 public currency of a row without public cost", func(_ int, r *groupedRow) { r.PubCur, r.Public = ptr("JPY"), nil }, 0, true, "", ""},
		{"B-1 public cost in another currency", func(_ int, r *groupedRow) { r.PubCur = ptr("JPY") }, 0, true, "JPY", ""},
		{"B-14 row without line item id", func(_ int, r *groupedRow) { r.ID = nil }, 0, false, "", ""},
		{"B-14 row with an empty line item id", func(_ int, r *groupedRow) { r.ID = ptr("") }, 0, false, "", ""},
		{"B-14 row with line item id NULL", func(_ int, r *groupedRow) { r.ID = ptr("NULL") }, 0, false, "", ""},
		{"B-9 tag value NULL", func(_ int, r *groupedRow) { r.Tags = map[string]string{"user_cm_billing_group": "NULL"} }, 0, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := toolRows(3000)
			var conv []groupedRow
			for i, r := range rows {
				g := toGrouped(r)
				if i == 1234 || i == 2500 || (tc.every > 0 && i > 1234 && i%tc.every == 0) {
					tc.mutate(i, &g)
				}
				conv = append(conv, g)
			}
			path := writeRows(t, conv, 1000, dictionary()...)
			cfg := benchConfig(t, tc.public)
			newAggs := []func() *billing.Aggregator{
				func() *billing.Aggregator { return billing.NewAggregatorFor(period, cfg) },
				func() *billing.Aggregator { return billing.NewAggregator(period) }, // full detail, both bases
			}
			for i, workers := range []int{1, 2, 1, 2} {
				grouped, rowsRes := scanBoth(t, path, workers, newAggs[i/2])
				assertSame(t, grouped, rowsRes)
				wantErr := tc.wantErr
				if i >= 2 && tc.fullErr != "" {
					wantErr = tc.fullErr
				}
				if wantErr != "" {
					assert.Contains(t, grouped.err, wantErr)
					assert.Contains(t, grouped.err, ":1235:", "the first bad row's line")
					continue
				}
				require.Empty(t, grouped.err)
				assert.Positive(t, grouped.sums.Load(), "the first row group is grouped")
			}
		})
	}
}

func ptrF(f float64) *float64 { return &f }

// TestB9_ParquetGroupedBillingGroup: the grouped path takes the billing group of
// resource_tags by the CSV rule (billingGroupCases: several spellings, null
// values before and after the wanted one), on pages holding whole rows and on
// pages so small that a row's entries span pages, as the row path does.
func TestB9_ParquetGroupedBillingGroup(t *testing.T) {
	start := time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	bill := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var rows []tagRow
	want := map[string]string{} // account → group
	for copy := range 30 {
		for i, tc := range billingGroupCases {
			acct := fmt.Sprintf("%012d", i+1)
			want[acct] = tc.want
			rows = append(rows, tagRow{"AWS", bill, acct, "Usage", start.Add(time.Duration(copy) * time.Hour), "AmazonEC2", 1.5, tc.tags})
		}
	}
	for _, tc := range []struct {
		name    string
		opts    []parquet.WriterOption
		grouped bool
	}{
		{"dictionary pages", dictionary(), true},
		{"dictionary pages v1 of 16 bytes", append(dictionary(), parquet.PageBufferSize(16), parquet.DataPageVersion(1)), true},
		{"plain pages", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeRows(t, rows, 97, tc.opts...)
			for _, workers := range []int{1, 2} {
				grouped, byRow := scanBoth(t, p, workers, func() *billing.Aggregator { return billing.NewAggregator(resellerkit.NewMonth(2026, time.October)) })
				require.Empty(t, grouped.err)
				assertSame(t, grouped, byRow)
				assert.Equal(t, tc.grouped, grouped.sums.Load() > 0)
				got := map[string]string{}
				for _, g := range grouped.groups {
					got[g.AccountID] = g.BillingGroup
				}
				assert.Equal(t, want, got)
			}
		})
	}
}

// FuzzScanParquetGrouped: on any file, valid or mutated, the grouped path gives a
// run what the row path gives (the same error, or the same groups, sums, rows,
// warnings and sketch), and never panics.
func FuzzScanParquetGrouped(f *testing.F) {
	for _, seed := range groupedSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		compareGroupedOnBytes(t, data)
	})
}

// groupedSeeds are small dictionary-encoded CUR 2.0 files the grouped path reads:
// v2 and v1 pages, nulls, maps, several row groups.
func groupedSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, opts := range [][]parquet.WriterOption{dictionary(), append(dictionary(), parquet.DataPageVersion(1), parquet.Compression(&parquet.Zstd))} {
		var b bytes.Buffer
		w := parquet.NewGenericWriter[groupedRow](&b, opts...)
		for i, r := range toolRows(60) {
			g := toGrouped(r)
			if i%7 == 0 {
				g.Public = nil
			}
			_, err := w.Write([]groupedRow{g})
			require.NoError(t, err)
			if i%25 == 24 {
				require.NoError(t, w.Flush())
			}
		}
		require.NoError(t, w.Close())
		out = append(out, b.Bytes())
	}
	return out
}

// compareGroupedOnBytes reads data both ways, with 1 and 2 workers, into
// aggregators of the bench config on both cost bases, and asserts the same result.
func compareGroupedOnBytes(t *testing.T, data []byte) {
	t.Helper()
	for _, public := range []bool{false, true} {
		cfg := benchConfig(t, public)
		for _, workers := range []int{1, 2} {
			grouped, rows := scanBothWith(t, func(newSink func() billing.Sink) (billing.InputStats, error) {
				return ScanReaderAt(context.Background(), "fuzz.parquet", bytes.NewReader(data), int64(len(data)), newSink, Options{Workers: workers, BlockSize: 4 << 10})
			}, func() *billing.Aggregator {
				return billing.NewAggregatorFor(resellerkit.NewMonth(2026, time.October), cfg)
			})
			assertSame(t, grouped, rows)
		}
	}
}

// TestB1_ParquetGroupedMutants: what FuzzScanParquetGrouped checks, on deterministic
// mutants of its seeds (bytes overwritten, inserted, deleted), so that every test
// run covers malformed pages on the grouped path.
func TestB1_ParquetGroupedMutants(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for si, seed := range groupedSeeds(t) {
		compareGroupedOnBytes(t, seed)
		for i := range 60 {
			m := slices.Clone(seed)
			at := r.IntN(len(m))
			switch i % 3 {
			case 0:
				m[at] ^= byte(1 + r.IntN(255))
			case 1:
				m = slices.Insert(m, at, byte(r.IntN(256)))
			default:
				m = slices.Delete(m, at, min(at+1+r.IntN(8), len(m)))
			}
			t.Run(fmt.Sprintf("seed%d/mutant%d", si, i), func(t *testing.T) { compareGroupedOnBytes(t, m) })
		}
	}
}

// TestB1_ParquetGroupedLargeDictionaries: a row group whose grouped columns have
// so many distinct values that a group's key needs more than 64 bits (a large
// payer: thousands of accounts, usage types, operations, tags), and one whose map
// values fall back from dictionary to plain pages (as parquet-mr does once a
// chunk's dictionary passes 1 MiB), stay on the grouped path with the row path's
// result.
func TestB1_ParquetGroupedLargeDictionaries(t *testing.T) {
	base := toolRows(6000)
	for _, tc := range []struct {
		name   string
		mutate func(i int, r *groupedRow)
		opts   []parquet.WriterOption
		check  func(t *testing.T, path string)
	}{
		{"keys beyond 64 bits", func(i int, r *groupedRow) {
			r.Account = fmt.Sprintf("%012d", 100000+i%1500)
			r.Usage, r.Op = fmt.Sprintf("APN1-Usage-%d", i%1499), fmt.Sprintf("Op%d", i%1400)
			r.Tags = map[string]string{"user_cm_billing_group": fmt.Sprintf("g%d", i%1300)}
			r.Products = map[string]string{"product_name": fmt.Sprintf("Product %d", i%997)}
		}, dictionary(), nil},
		{"map values on plain pages after the dictionary", func(i int, r *groupedRow) {
			r.Products = map[string]string{"product_name": r.Products["product_name"], "sku": fmt.Sprintf("SKU-%08d", i)}
			r.Tags = map[string]string{"user_cm_billing_group": fmt.Sprintf("g%d", i%7), "user_serial": fmt.Sprintf("s%08d", i)}
		}, append(dictionary(), parquet.DictionaryMaxBytes(2048), parquet.PageBufferSize(4096)), func(t *testing.T, path string) {
			// The product map's value leaf has dictionary pages, then plain ones.
			pf := openParquetFile(t, path)
			leaf, ok := pf.Schema().Lookup("product", "key_value", "value")
			require.True(t, ok)
			pages := pf.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex].Pages()
			defer pages.Close()
			var dict, plain int
			for {
				pg, err := pages.ReadPage()
				if err != nil {
					break
				}
				if pg.Dictionary() != nil {
					dict++
				} else {
					plain++
				}
			}
			require.Positive(t, dict, "dictionary pages")
			require.Positive(t, plain, "plain pages after them")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rows []groupedRow
			for i, r := range base {
				g := toGrouped(r)
				tc.mutate(i, &g)
				rows = append(rows, g)
			}
			p := writeRows(t, rows, len(rows), tc.opts...)
			if tc.check != nil {
				tc.check(t, p)
			}
			for _, workers := range []int{1, 2} {
				grouped, byRow := scanBoth(t, p, workers, func() *billing.Aggregator { return billing.NewAggregator(resellerkit.NewMonth(2026, time.October)) })
				require.Empty(t, grouped.err)
				assertSame(t, grouped, byRow)
				assert.Positive(t, grouped.sums.Load(), "grouped")
				assert.Zero(t, grouped.adds.Load(), "no row group left to the row path")
			}
		})
	}
}

// cancelOnSum cancels its context when the first group is added.
type cancelOnSum struct {
	counted
	cancel context.CancelFunc
}

func (s cancelOnSum) AddSum(li *billing.LineItem, rows int64, cost, public *money.Sum) error {
	s.cancel()
	return s.counted.AddSum(li, rows, cost, public)
}

// TestB1_ParquetGroupedCancelled: a scan cancelled while the grouped path reads
// stops at the next batch of rows with the context's error, naming the file.
func TestB1_ParquetGroupedCancelled(t *testing.T) {
	path := curgenParquet(t, 20000, curgen.ParquetOptions{Dictionary: true, RowGroupRows: 5000})
	for _, workers := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		var adds, sums atomic.Int64
		_, err := ScanFile(ctx, path, func() billing.Sink {
			return cancelOnSum{counted{billing.NewAggregator(resellerkit.NewMonth(2026, time.October)), &adds, &sums}, cancel}
		}, Options{Workers: workers})
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, path, e.File)
		assert.Zero(t, adds.Load(), "no row path")
		assert.Less(t, sums.Load(), int64(20000), "stopped")
	}
}

// groupedOnEverySink reads path both ways into a full-detail, an unblended and a
// public-basis Aggregator with 1 and 2 workers, asserts the same result each
// time, and returns the last grouped scan.
func groupedOnEverySink(t *testing.T, path string) (grouped, rows *scanResult) {
	t.Helper()
	period := resellerkit.NewMonth(2026, time.October)
	for _, newAgg := range []func() *billing.Aggregator{
		func() *billing.Aggregator { return billing.NewAggregator(period) },
		func() *billing.Aggregator { return billing.NewAggregatorFor(period, benchConfig(t, false)) },
		func() *billing.Aggregator { return billing.NewAggregatorFor(period, benchConfig(t, true)) },
	} {
		for _, workers := range []int{1, 2} {
			grouped, rows = scanBoth(t, path, workers, newAgg)
			assertSame(t, grouped, rows)
		}
	}
	return grouped, rows
}

// floatRow: FLOAT costs, optional billing period, optional usage type.
type floatRow struct {
	ID      *string    `parquet:"identity_line_item_id,optional"`
	Bill    *time.Time `parquet:"bill_billing_period_start_date,optional,timestamp(millisecond)"`
	Account string     `parquet:"line_item_usage_account_id"`
	Type    string     `parquet:"line_item_line_item_type"`
	Start   time.Time  `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Product string     `parquet:"line_item_product_code"`
	Usage   *string    `parquet:"line_item_usage_type,optional"`
	Cost    float32    `parquet:"line_item_unblended_cost"`
	Public  *float32   `parquet:"pricing_public_on_demand_cost,optional"`
}

// "NULL" text in flat grouped columns (account, usage type, operation, line item
// type, currencies) and in the product map.
func TestB1_ParquetGroupedNullText(t *testing.T) {
	rows := toolRows(3000)
	var conv []groupedRow
	for i, r := range rows {
		g := toGrouped(r)
		switch i % 11 {
		case 1:
			g.Account = "NULL"
		case 2:
			g.Usage = "NULL"
		case 3:
			g.Op = "NULL"
		case 4:
			g.Currency = ptr("NULL")
		case 5:
			g.PubCur = ptr("NULL")
		case 6:
			g.Products = map[string]string{"product_name": "NULL"}
		case 7:
			g.Type = "NULL"
		case 8:
			g.Entity = "NULL"
		case 9:
			g.Currency = ptr("")
			g.Account = ""
		}
		conv = append(conv, g)
	}
	p := writeRows(t, conv, 1000, dictionary()...)
	g, _ := groupedOnEverySink(t, p)
	require.Empty(t, g.err)
}

// FLOAT costs, B-16 billing periods (null, other month), other months of usage.
func TestB16_ParquetGroupedFloatCostsAndBillingPeriods(t *testing.T) {
	var rows []floatRow
	sep, nov := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	costs := []float32{0.1, -0.25, 1.5, 3.3333333, 0, float32(math.Copysign(0, -1)), 123456.7, 1e-7, 4e5, 16777216}
	for i := range 5000 {
		r := floatRow{ID: ptr("id-" + strconv.Itoa(i/2)), Account: fmt.Sprintf("%012d", 1+i%7), Type: []string{"Usage", "Credit", "Tax"}[i%3],
			Start: oct.Add(time.Duration(i%700) * time.Hour), Product: []string{"AmazonEC2", "AmazonS3"}[i%2], Cost: costs[i%len(costs)]}
		switch i % 5 {
		case 0:
			r.Bill = &oct
		case 1:
			r.Bill = &nov
		case 2:
			r.Bill = &sep
		}
		if i%4 != 0 {
			u := "u" + strconv.Itoa(i%3)
			r.Usage = &u
		}
		if i%3 != 0 {
			f := costs[(i+3)%len(costs)]
			r.Public = &f
		}
		rows = append(rows, r)
	}
	p := writeRows(t, rows, 1200, append(dictionary(), parquet.DefaultEncodingFor(parquet.Float, &parquet.RLEDictionary))...)
	g, _ := groupedOnEverySink(t, p)
	require.Empty(t, g.err)
	assert.Positive(t, g.sums.Load())
	assert.NotEmpty(t, g.outside, "rows of other months (B-16)")
}

// DOUBLE costs around the fast path's limits: -0, ≥ 4e5, 1e8, 17 digits.
func TestB1_ParquetGroupedDoubleEdges(t *testing.T) {
	rows := toolRows(3000)
	edges := []float64{math.Copysign(0, -1), 0, 4e5, -4e5, 399999.9999999999, 400000.0000000001, 1e8 - 0.5, 99999999.9999999999, 0.30000000000000004,
		1e-10, -1e-10, 5e-11, 123456789.5, 1e15, 9.9999999999}
	var conv []groupedRow
	for i, r := range rows {
		g := toGrouped(r)
		if i%3 == 0 {
			g.Cost = edges[i%len(edges)]
		}
		if i%5 == 0 && g.Public != nil {
			v := edges[(i+1)%len(edges)]
			g.Public = &v
		}
		conv = append(conv, g)
	}
	groupedOnEverySink(t, writeRows(t, conv, 1000, dictionary()...)) // some beyond the units: the row path
	// Same, but only the edges the units hold: grouped.
	var conv2 []groupedRow
	for i, r := range rows {
		g := toGrouped(r)
		if i%3 == 0 {
			g.Cost = edges[i%6]
		}
		conv2 = append(conv2, g)
	}
	g2, _ := groupedOnEverySink(t, writeRows(t, conv2, 1000, dictionary()...))
	require.Empty(t, g2.err)
	assert.Zero(t, g2.adds.Load(), "all grouped")
}

// More than 64 usage months in a row group.
func TestB1_ParquetGroupedManyMonths(t *testing.T) {
	rows := toolRows(3000)
	var conv []groupedRow
	for i, r := range rows {
		g := toGrouped(r)
		s := time.Date(2020, time.Month(1+i%80), 5, 0, 0, 0, 0, time.UTC)
		g.Start = &s
		conv = append(conv, g)
	}
	g, _ := groupedOnEverySink(t, writeRows(t, conv, 1000, dictionary()...))
	require.Empty(t, g.err)
	assert.Positive(t, g.adds.Load(), "row path")
}
