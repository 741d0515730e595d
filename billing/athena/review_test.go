package athena

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
)

// TestScanRefusesRowsTheQueryCounts: a result counting rows the query would not sum
// as a local run does — costs (or public costs) DECIMAL(38,10) rounds, rows with
// no usage start — fails the scan with ErrRowsRefused, naming the count column,
// the table column and the count summed over the result's rows.
func TestScanRefusesRowsTheQueryCounts(t *testing.T) {
	row := func(inexact, inexactPublic, noStart string) []*string {
		r := resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "2", "1.5")
		r = r[:len(r)-2]
		r = append(r[:9:9], aws.String("USD"), r[9], r[10], aws.String("1.5"))
		return append(r, aws.String(inexact), aws.String(inexactPublic), aws.String(noStart))
	}
	for _, tc := range []struct {
		name string
		rows [][]*string
		want string // "": no error
	}{
		{"none", [][]*string{row("0", "0", "0"), row("0", "0", "0")}, ""},
		{"inexact costs", [][]*string{row("1", "0", "0"), row("2", "0", "0")},
			`result, column "inexact_cost" (line_item_unblended_cost not exact at scale 10): 3 rows have a line_item_unblended_cost with more than 10 fractional digits`},
		{"inexact public costs", [][]*string{row("0", "0", "0"), row("0", "4", "0")},
			`column "inexact_public_cost" (pricing_public_on_demand_cost, else line_item_unblended_cost, not exact at scale 10): 4 rows have a pricing_public_on_demand_cost`},
		{"no usage start", [][]*string{row("0", "0", "5"), row("1", "0", "0")},
			`column "no_usage_start" (line_item_usage_start_date IS NULL): 5 rows have no line_item_usage_start_date`},
		{"a count that is no number", [][]*string{row("x", "0", "0")}, `result row 1, column "inexact_cost"`},
		{"a negative count", [][]*string{row("0", "0", "-1")}, `result row 1, column "no_usage_start"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{pages: []*types.ResultSet{resultSet(publicCols, true, tc.rows...)}}
			src, _ := newFakeSource(t, api, Config{Period: october})
			_, err := scan(src, &countingSink{})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
			var re *RowError
			require.ErrorAs(t, err, &re)
			if strings.HasPrefix(tc.name, "a ") {
				require.ErrorIs(t, err, ErrResult)
			} else {
				require.ErrorIs(t, err, ErrRowsRefused)
			}
		})
	}
}

// duckTable returns the setup of a DuckDB table "cur"."t" of CUR 2.0 rows given as
// SQL VALUES tuples (bill start, usage start, cost, public cost, tags).
func duckTable(rows ...string) []string {
	return []string{`CREATE SCHEMA "cur"`,
		`CREATE TABLE "cur"."t" AS SELECT "line_item_usage_account_id", 'AmazonEC2' AS "line_item_product_code",
		   MAP {'product_name': 'Amazon Elastic Compute Cloud'} AS "product", 'Usage' AS "line_item_line_item_type",
		   'BoxUsage' AS "line_item_usage_type", 'RunInstances' AS "line_item_operation", 'AWS' AS "bill_billing_entity",
		   "resource_tags", 'USD' AS "line_item_currency_code", 'USD' AS "pricing_currency",
		   "line_item_unblended_cost", "pricing_public_on_demand_cost",
		   "bill_billing_period_start_date", "line_item_usage_start_date"
		 FROM (VALUES ` + strings.Join(rows, ", ") + `) AS v("line_item_usage_account_id", "bill_billing_period_start_date",
		   "line_item_usage_start_date", "line_item_unblended_cost", "pricing_public_on_demand_cost", "resource_tags")`}
}

// TestAthenaRefusesWhatALocalRunWouldNotSumOnDuckDB runs the query on DuckDB over
// rows a local run would not sum as DECIMAL(38,10) does: a DOUBLE cost below 2^17
// with 12 fractional digits (the cast would round it), a public cost so, a row
// with no usage start but a bill in the month (a local run refuses it), a row with
// neither date; each fails the scan with ErrRowsRefused and its count. The same
// rows with 10 fractional digits are summed.
func TestAthenaRefusesWhatALocalRunWouldNotSumOnDuckDB(t *testing.T) {
	modules := duckDBModules(t)
	const ok = `('123456789012', TIMESTAMP '2026-10-01', TIMESTAMP '2026-10-03', 1.0000000001::DOUBLE, 2.5::DOUBLE, MAP {'user_name': 'web'})`
	for _, tc := range []struct {
		name   string
		row    string
		public bool
		want   string
	}{
		{"10 fractional digits", `('123456789012', TIMESTAMP '2026-10-01', TIMESTAMP '2026-10-04', 131071.0123456789::DOUBLE, 0.0000000001::DOUBLE, MAP {'user_name': 'web'})`, true, ""},
		{"a cost of 12 fractional digits", `('123456789012', TIMESTAMP '2026-10-01', TIMESTAMP '2026-10-04', 1234.567890123456::DOUBLE, NULL::DOUBLE, MAP {'user_name': 'web'})`, false,
			`1 rows have a line_item_unblended_cost with more than 10 fractional digits`},
		{"a public cost of 12 fractional digits", `('123456789012', TIMESTAMP '2026-10-01', TIMESTAMP '2026-10-04', 1.5::DOUBLE, 0.000000000012::DOUBLE, MAP {'user_name': 'web'})`, true,
			`1 rows have a pricing_public_on_demand_cost`},
		{"no usage start", `('123456789012', TIMESTAMP '2026-10-01', NULL, 1.5::DOUBLE, 2::DOUBLE, MAP {'user_name': 'web'})`, false,
			`1 rows have no line_item_usage_start_date`},
		{"no date at all", `('123456789012', NULL, NULL, 1.5::DOUBLE, 2::DOUBLE, MAP {'user_name': 'web'})`, false,
			`1 rows have no line_item_usage_start_date`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &duckAPI{t: t, modules: modules, setup: duckTable(ok, tc.row, ok)}
			src, err := New(api, Config{Layout: CUR2, Database: "cur", Table: "t", Period: october})
			require.NoError(t, err)
			sink := &publicSink{period: october, public: tc.public}
			_, err = src.Scan(context.Background(), func() billing.Sink { return sink })
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrRowsRefused)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// tagRow is a CUR 2.0 row whose resource_tags values may be null.
type tagRow struct {
	Entity  string             `parquet:"bill_billing_entity"`
	Bill    time.Time          `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	Account string             `parquet:"line_item_usage_account_id"`
	Type    string             `parquet:"line_item_line_item_type"`
	Start   time.Time          `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Product string             `parquet:"line_item_product_code"`
	Usage   string             `parquet:"line_item_usage_type"`
	Op      string             `parquet:"line_item_operation"`
	Curr    string             `parquet:"line_item_currency_code"`
	Cost    float64            `parquet:"line_item_unblended_cost"`
	PMap    map[string]string  `parquet:"product"`
	Tags    map[string]*string `parquet:"resource_tags"`
}

// TestB9_BillingGroupSameInCSVParquetAndAthenaOnDuckDB: the CmBillingGroup tag
// (B-9) is taken by one rule from a CUR 2.0 CSV (JSON text), the same rows'
// Parquet file and the Athena query over it (on DuckDB): the first spelling of
// the tag key in billing/costfile's order that the map holds decides, its null
// value being no group — with two spellings in one map, and a null-valued first
// one.
func TestB9_BillingGroupSameInCSVParquetAndAthenaOnDuckDB(t *testing.T) {
	modules := duckDBModules(t)
	s := func(v string) *string { return &v }
	cases := []map[string]*string{
		{"user_cm_billing_group": s("g2"), "user_name": s("web")},
		{"CmBillingGroup": s("g1"), "user:CmBillingGroup": s("g0")},
		{"cm_billing_group": s("g3"), "user_cm_billing_group": s("g2")},
		{"user:CmBillingGroup": nil, "CmBillingGroup": s("g1")},
		{"CmBillingGroup": nil, "user_cm_billing_group": s("g2"), "user_CmBillingGroup": s("g4")},
		{"cm_billing_group": nil, "user_cm_billing_group": s("g2")},
		{"user_CmBillingGroup": s("g4")},
		{"user_name": s("web")},
	}
	want := map[string]string{"000000000001": "g2", "000000000002": "g0", "000000000003": "g2", "000000000004": "",
		"000000000005": "", "000000000006": "g2", "000000000007": "g4", "000000000008": ""}
	bill := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	start := time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("bill_billing_entity,bill_billing_period_start_date,line_item_usage_account_id,line_item_line_item_type," +
		"line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_operation,line_item_currency_code,line_item_unblended_cost,product,resource_tags\n")
	var rows []tagRow
	for i, tags := range cases {
		acct := fmt.Sprintf("%012d", i+1)
		js := map[string]string{}
		for k, v := range tags {
			js[k] = "NULL" // a CUR 2.0 CSV's null
			if v != nil {
				js[k] = *v
			}
		}
		b, err := json.Marshal(js)
		require.NoError(t, err)
		fmt.Fprintf(&csv, "AWS,%s,%s,Usage,%s,AmazonEC2,BoxUsage,RunInstances,USD,1.5,\"{\"\"product_name\"\":\"\"EC2\"\"}\",\"%s\"\n",
			bill.Format(time.RFC3339), acct, start.Format(time.RFC3339), strings.ReplaceAll(string(b), `"`, `""`))
		rows = append(rows, tagRow{"AWS", bill, acct, "Usage", start, "AmazonEC2", "BoxUsage", "RunInstances", "USD", 1.5, map[string]string{"product_name": "EC2"}, tags})
	}
	csvPath := filepath.Join(dir, "cur2.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte(csv.String()), 0o600))
	pqPath := filepath.Join(dir, "cur2.parquet")
	f, err := os.Create(pqPath)
	require.NoError(t, err)
	w := parquet.NewGenericWriter[tagRow](f)
	_, err = w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())

	groups := func(in billing.Input) map[string]string {
		var aggs []*billing.Aggregator
		_, err := in.Scan(context.Background(), func() billing.Sink {
			aggs = append(aggs, billing.NewAggregator(october)) // Scan asks for Sinks before its workers start
			return aggs[len(aggs)-1]
		})
		require.NoError(t, err)
		total := billing.NewAggregator(october)
		for _, a := range aggs {
			require.NoError(t, total.Merge(a))
		}
		out := map[string]string{}
		for _, g := range total.Groups() {
			out[g.AccountID] = g.BillingGroup
		}
		return out
	}
	assert.Equal(t, want, groups(costfile.File{Path: csvPath}), "CSV")
	assert.Equal(t, want, groups(costfile.File{Path: pqPath}), "Parquet")
	lit := "'" + strings.ReplaceAll(pqPath, "'", "''") + "'"
	api := &duckAPI{t: t, modules: modules, setup: []string{`CREATE SCHEMA "cur"`, `CREATE VIEW "cur"."t" AS SELECT *, 'USD' AS "pricing_currency", NULL::DOUBLE AS "pricing_public_on_demand_cost" FROM read_parquet(` + lit + `)`}}
	src, err := New(api, Config{Layout: CUR2, Database: "cur", Table: "t"})
	require.NoError(t, err)
	assert.Equal(t, want, groups(src), "Athena on DuckDB")
}
