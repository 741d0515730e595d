package athena

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	athenasdk "github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// duckDBModules returns the directory holding DuckDB's Node API (scripts/duckdb,
// where scripts/bench.sh and CI install it with `npm ci`). Without node or the
// module the test is skipped, saying how to install them; under CI
// (RESELLERKIT_CI=1) it fails instead, as CI installs both.
func duckDBModules(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "scripts", "duckdb"))
	require.NoError(t, err)
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed (apt-get install nodejs npm)"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		missing = "DuckDB's Node API is not installed (cd scripts/duckdb && npm ci)"
	}
	if missing != "" {
		if os.Getenv("RESELLERKIT_CI") == "1" {
			t.Fatalf("RESELLERKIT_CI=1 and %s: .ci/run installs it", missing)
		}
		t.Skipf("the SQL is not run on DuckDB: %s", missing)
	}
	return dir
}

// toDuckDB translates Athena's SQL (Trino) to DuckDB's. The statements use a
// common subset of both but for one function: the map lookup that answers NULL
// for a missing key is Trino's element_at and DuckDB's map_extract_value
// (DuckDB's element_at answers a list).
func toDuckDB(sql string) string {
	return strings.ReplaceAll(sql, "element_at(", "map_extract_value(")
}

// unliteral returns the value of an Athena execution parameter, a SQL string
// literal ('…' with quotes doubled), to bind it to DuckDB's placeholder.
func unliteral(t testing.TB, lit string) string {
	t.Helper()
	require.True(t, len(lit) >= 2 && lit[0] == '\'' && lit[len(lit)-1] == '\'', "parameter %q is not a string literal", lit)
	inner := lit[1 : len(lit)-1]
	require.NotContains(t, strings.ReplaceAll(inner, "''", ""), "'", "parameter %q has a lone quote", lit)
	return strings.ReplaceAll(inner, "''", "'")
}

func TestToDuckDBTranslatesOnlyTheMapLookup(t *testing.T) {
	q := Config{Layout: CUR2, Database: "cur", Table: "t"}
	sql := q.statement(resellerkit.NewMonth(2026, time.October), true).SQL
	duck := toDuckDB(sql)
	assert.Equal(t, strings.Count(sql, "element_at("), strings.Count(duck, "map_extract_value("))
	assert.Equal(t, 6, strings.Count(duck, "map_extract_value("), "product name and five tag keys")
	assert.Equal(t, 5, strings.Count(duck, "contains(map_keys("), "five tag keys, in Trino's and DuckDB's common syntax")
	assert.Equal(t, sql, strings.ReplaceAll(duck, "map_extract_value(", "element_at("))
	for _, tc := range []struct{ lit, want string }{{"'a'", "a"}, {"'it''s'", "it's"}, {"''", ""}} {
		assert.Equal(t, tc.want, unliteral(t, tc.lit))
	}
}

// duckAPI is Athena's three operations over DuckDB: StartQueryExecution runs the
// query it is sent (translated by toDuckDB, its execution parameters bound to the
// placeholders) on the tables setup makes, GetQueryExecution answers SUCCEEDED,
// GetQueryResults pages the result as Athena does: every value as text, the first
// page starting with the header row.
type duckAPI struct {
	t       testing.TB
	modules string
	setup   []string
	mu      sync.Mutex
	results map[string]*duckResult
	started []*athenasdk.StartQueryExecutionInput
	pages   int
}

type duckResult struct {
	Columns []string    `json:"columns"`
	Rows    [][]*string `json:"rows"`
}

func (d *duckAPI) StartQueryExecution(_ context.Context, in *athenasdk.StartQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.StartQueryExecutionOutput, error) {
	params := make([]string, len(in.ExecutionParameters))
	for i, p := range in.ExecutionParameters {
		params[i] = unliteral(d.t, p)
	}
	req, err := json.Marshal(map[string]any{"modules": d.modules, "setup": d.setup, "sql": toDuckDB(aws.ToString(in.QueryString)), "params": params})
	require.NoError(d.t, err)
	cmd := exec.Command("node", filepath.Join("testdata", "duckdb.mjs"))
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(d.t, err, "DuckDB: %s", stderr.String())
	var res duckResult
	require.NoError(d.t, json.Unmarshal(out, &res))
	d.mu.Lock()
	defer d.mu.Unlock()
	d.started = append(d.started, in)
	id := fmt.Sprintf("duck-%d", len(d.started))
	if d.results == nil {
		d.results = map[string]*duckResult{}
	}
	d.results[id] = &res
	return &athenasdk.StartQueryExecutionOutput{QueryExecutionId: aws.String(id)}, nil
}

func (d *duckAPI) GetQueryExecution(_ context.Context, in *athenasdk.GetQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.GetQueryExecutionOutput, error) {
	return &athenasdk.GetQueryExecutionOutput{QueryExecution: &types.QueryExecution{QueryExecutionId: in.QueryExecutionId,
		Status:     &types.QueryExecutionStatus{State: types.QueryExecutionStateSucceeded},
		Statistics: &types.QueryExecutionStatistics{DataScannedInBytes: aws.Int64(1 << 20)}}}, nil
}

func (d *duckAPI) GetQueryResults(_ context.Context, in *athenasdk.GetQueryResultsInput, _ ...func(*athenasdk.Options)) (*athenasdk.GetQueryResultsOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pages++
	res := d.results[aws.ToString(in.QueryExecutionId)]
	require.NotNil(d.t, res)
	// Athena's result: the header row, then the data rows.
	all := make([][]*string, 0, len(res.Rows)+1)
	header := make([]*string, len(res.Columns))
	for i, c := range res.Columns {
		header[i] = aws.String(c)
	}
	all = append(all, header)
	all = append(all, res.Rows...)
	from := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		var err error
		from, err = strconv.Atoi(tok)
		require.NoError(d.t, err)
	}
	to := min(from+int(aws.ToInt32(in.MaxResults)), len(all))
	out := &athenasdk.GetQueryResultsOutput{ResultSet: &types.ResultSet{}}
	if from == 0 {
		md := &types.ResultSetMetadata{}
		for _, c := range res.Columns {
			md.ColumnInfo = append(md.ColumnInfo, types.ColumnInfo{Name: aws.String(c), Type: aws.String("varchar")})
		}
		out.ResultSet.ResultSetMetadata = md
	}
	for _, r := range all[from:to] {
		row := types.Row{}
		for _, v := range r {
			row.Data = append(row.Data, types.Datum{VarCharValue: v})
		}
		out.ResultSet.Rows = append(out.ResultSet.Rows, row)
	}
	if to < len(all) {
		out.NextToken = aws.String(strconv.Itoa(to))
	}
	return out, nil
}

// invoicingConfig is a month's projects over curgen's accounts: one JPY project
// with every kind of pricing rule (an SKU rule, so the projected Aggregator keeps
// RDS's usage types), one USD project on the public_on_demand basis when public is
// set, and accounts in no project.
func invoicingConfig(t testing.TB, public bool) *billing.Config {
	accts := curgen.AccountIDs(48)
	rate := money.MustParse("151.37")
	feeRate := money.MustParse("0.07")
	pct := billing.MustParsePercent
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{
			{ID: "proj-a", Name: "Project A", Currency: money.JPY, ExchangeRate: &rate, Accounts: accts[:12],
				PricingRules: []billing.PricingRule{
					{Scope: billing.ScopeGlobal, Type: billing.RuleMarkup, Percent: pct("5")},
					{Scope: billing.ScopeBillingEntity, BillingEntity: "AWS", Type: billing.RuleDiscount, Percent: pct("1")},
					{Scope: billing.ScopeService, Service: "AmazonEC2", Type: billing.RuleDiscount, Percent: pct("3")},
					{Scope: billing.ScopeSKU, Service: "AmazonRDS", UsageType: "APN1-InstanceUsage:db.r6g.large",
						Operation: "CreateDBInstance:0016", Type: billing.RuleDiscount, Percent: pct("12.5")}}},
			{ID: "proj-b", Name: "Project B", Currency: money.USD, Accounts: accts[12:24], SupportFee: &billing.SupportFee{Rate: &feeRate},
				PricingRules: []billing.PricingRule{{Scope: billing.ScopeService, Service: "AmazonS3", Type: billing.RuleMarkup, Percent: pct("2.25")}}},
		},
	}
	if public {
		cfg.Projects[1].CostBasis = billing.CostBasisPublicOnDemand
	}
	require.NoError(t, cfg.Validate())
	return cfg
}

// TestAthenaInvoicesEqualLocalOnDuckDB runs the SQL a Source sends to Athena on
// DuckDB over a CUR 2.0 Parquet file, as a CUR 2.0 table and as the legacy CUR
// Athena layout (a view renaming its columns), and checks that billing.Run gives
// the invoices, unassigned accounts, row counts and warnings of the local engine
// reading the same file (costfile.File), with and without public costs (B-3).
func TestAthenaInvoicesEqualLocalOnDuckDB(t *testing.T) {
	modules := duckDBModules(t)
	period := resellerkit.NewMonth(2026, time.October)
	file := filepath.Join(t.TempDir(), "cur2.parquet")
	f, err := os.Create(file)
	require.NoError(t, err)
	_, err = curgen.WriteParquet(f, curgen.Config{Rows: 30_000, Seed: 7, Year: 2026, Month: time.October, Accounts: 48})
	require.NoError(t, err)
	require.NoError(t, f.Close())

	lit := "'" + strings.ReplaceAll(file, "'", "''") + "'"
	setup := []string{
		`CREATE SCHEMA "cur"`,
		// A Data Exports table, partitioned by billing_period as AWS writes it.
		`CREATE VIEW "cur"."cur2" AS SELECT *, strftime("bill_billing_period_start_date", '%Y-%m') AS "billing_period"
		 FROM read_parquet(` + lit + `)`,
		// Legacy CUR's Athena table: the product name and the tag as columns,
		// partitioned by year and month (no leading zero).
		`CREATE VIEW "cur"."legacy" AS SELECT * EXCLUDE ("product", "resource_tags"),
		   map_extract_value("product", 'product_name') AS "product_product_name",
		   map_extract_value("resource_tags", 'user_CmBillingGroup') AS "resource_tags_user_cm_billing_group",
		   CAST(year("bill_billing_period_start_date") AS VARCHAR) AS "year",
		   CAST(month("bill_billing_period_start_date") AS VARCHAR) AS "month"
		 FROM read_parquet(` + lit + `)`,
	}
	for _, public := range []bool{false, true} {
		cfg := invoicingConfig(t, public)
		job := billing.Job{Period: period, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg}
		job.Inputs = []billing.Input{costfile.File{Path: file}}
		local, err := billing.Run(context.Background(), job)
		require.NoError(t, err)
		require.NotEmpty(t, local.Invoices)
		for _, tc := range []struct {
			layout     Layout
			table      string
			partitions Partitioning
		}{{CUR2, "cur2", NoPartitions}, {CUR2, "cur2", BillingPeriodPartition}, {LegacyCUR, "legacy", NoPartitions}, {LegacyCUR, "legacy", YearMonthPartitions}} {
			t.Run(fmt.Sprintf("%s/partitions=%s/public=%v", tc.layout, tc.partitions, public), func(t *testing.T) {
				api := &duckAPI{t: t, modules: modules, setup: setup}
				src, err := New(api, Config{Layout: tc.layout, Database: "cur", Table: tc.table, Partitions: tc.partitions, PageSize: 250})
				require.NoError(t, err)
				job.Inputs = []billing.Input{src}
				got, err := billing.Run(context.Background(), job)
				require.NoError(t, err)

				assert.Equal(t, local.Invoices, got.Invoices)
				assert.Equal(t, local.Unassigned, got.Unassigned)
				assert.Equal(t, local.Rows.InPeriod, got.Rows.InPeriod)
				assert.Equal(t, local.CostCurrency, got.CostCurrency)
				// The rows of other months are not read at all: the table holds every
				// month, so the local file's few are neither counted nor warned about.
				assert.Positive(t, local.Rows.OutsidePeriod, "curgen dates a few rows in the months around")
				assert.Zero(t, got.Rows.OutsidePeriod)
				assert.Equal(t, withoutInputs(local), withoutInputs(got), "Compute's warnings")
				require.Len(t, got.Inputs, 1)
				assert.Equal(t, local.Rows.InPeriod, got.Inputs[0].Rows, "line items")
				assert.Equal(t, `athena "cur".`+strconv.Quote(tc.table)+` query duck-1`, got.Inputs[0].Name)
				assert.Greater(t, api.pages, 2, "the result came over several pages")
				require.Len(t, api.started, 1)
				if public {
					assert.Contains(t, aws.ToString(api.started[0].QueryString), colPublicCost)
				} else {
					assert.NotContains(t, aws.ToString(api.started[0].QueryString), colPublicCost, "public costs are read only when used (B-3)")
				}
			})
		}
	}
}

// withoutInputs returns the run's warnings but those of its inputs (which name
// the input: a file path, a query id) and the one about rows of other months.
func withoutInputs(r *billing.Result) []string {
	var out []string
	for _, w := range r.Warnings {
		input := strings.Contains(w, " rows outside period ")
		for _, in := range r.Inputs {
			input = input || strings.HasPrefix(w, in.Name+": ")
		}
		if !input {
			out = append(out, w)
		}
	}
	return out
}

// TestDuckDBCastsDoublesAsTheLocalReader checks the claim of the package doc on
// DuckDB: CAST(DOUBLE AS DECIMAL(38,10)) of a cost below 2^17 in magnitude with at
// most 10 fractional digits and 15 significant digits — random ones, and edge
// cases — is the decimal the local reader renders (the shortest text that
// round-trips, strconv 'f', -1). Above 2^17 DuckDB's cast, which scales the binary
// value by 10^10 in floating point, may differ (1234567.89 becomes
// 1234567.8899999998): the equality test's curgen costs are all far below it.
func TestDuckDBCastsDoublesAsTheLocalReader(t *testing.T) {
	modules := duckDBModules(t)
	r := rand.New(rand.NewPCG(8, 3))
	values := []string{"0.1", "0.2", "0.3", "-0.0000000001", "0.0000000001", "99999.9999999999", "12345.6789012345",
		"131071.999999999", "-131071.999999999", "0.000003", "1234.56789", "-4.0000000002", "0.0000017361"}
	for len(values) < 20000 {
		frac := r.IntN(11)
		digits := 1 + r.IntN(15)
		d := money.New(r.Int64N(int64(math.Pow10(digits))), -int32(min(frac, digits)))
		if d.Abs().Cmp(money.New(1<<17, 0)) >= 0 {
			continue // DuckDB's cast may differ above 2^17 (see the package doc)
		}
		if r.IntN(4) == 0 {
			d = d.Neg()
		}
		values = append(values, d.String())
	}
	rows := make([]string, len(values))
	for i, v := range values {
		rows[i] = "(" + strconv.Itoa(i) + ", " + v + "::DOUBLE)"
	}
	api := &duckAPI{t: t, modules: modules, setup: []string{`CREATE TABLE "d" AS SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) AS v("i", "x")`}}
	_, err := api.StartQueryExecution(context.Background(), &athenasdk.StartQueryExecutionInput{
		QueryString: aws.String(`SELECT "i", CAST("x" AS DECIMAL(38,10)) FROM "d" ORDER BY "i"`)})
	require.NoError(t, err)
	res := api.results["duck-1"]
	require.Len(t, res.Rows, len(values))
	for i, v := range values {
		f, err := strconv.ParseFloat(v, 64)
		require.NoError(t, err)
		want := money.MustParse(strconv.FormatFloat(f, 'f', -1, 64))
		got := money.MustParse(*res.Rows[i][1])
		assert.True(t, want.Equal(got), "%s: DuckDB %s, local %s", v, got, want)
	}
}
