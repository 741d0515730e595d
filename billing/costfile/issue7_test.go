package costfile

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The tests of issue 7 ("billing on real AWS data"), items 1 and 5–8: the money is
// right, or the run stops and says why.

var oct2026 = resellerkit.NewMonth(2026, time.October)

const acct7 = "123456789012"

// issue7Config is one project owning acct7, invoiced in the cost currency cur on
// basis.
func issue7Config(cur money.Currency, basis billing.CostBasis) *billing.Config {
	return &billing.Config{
		Issuer:       billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		CostCurrency: cur,
		Projects:     []billing.Project{{ID: "p", Currency: cur, Accounts: []string{acct7}, CostBasis: basis}},
	}
}

// aggScan scans text as the engine does (one Aggregator of NewAggregatorFor cfg per
// worker) and returns the stats, the error and the merged Aggregator.
func aggScan(t *testing.T, text string, cfg *billing.Config, opt Options) (billing.InputStats, *billing.Aggregator, error) {
	t.Helper()
	var mu sync.Mutex
	var aggs []*billing.Aggregator
	st, err := Scan(context.Background(), "test.csv", strings.NewReader(text), func() billing.Sink {
		a := billing.NewAggregatorFor(oct2026, cfg)
		mu.Lock()
		aggs = append(aggs, a)
		mu.Unlock()
		return a
	}, opt)
	total := billing.NewAggregatorFor(oct2026, cfg)
	for _, a := range aggs {
		require.NoError(t, total.Merge(a))
	}
	return st, total, err
}

// run7 invoices the file at path with cfg through billing.Run.
func run7(t *testing.T, cfg *billing.Config, paths ...string) (*billing.Result, error) {
	t.Helper()
	job := billing.Job{Period: oct2026, Issuer: cfg.Issuer, CostCurrency: cfg.CostCurrency, Projects: cfg}
	for _, p := range paths {
		job.Inputs = append(job.Inputs, File{Path: p, Options: Options{Workers: 2}})
	}
	return billing.Run(context.Background(), job)
}

func writeText7(t *testing.T, name, text string) string {
	t.Helper()
	p := t.TempDir() + "/" + name
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

// cur2CurrencyRow is a CUR 2.0 Parquet row with the currency column.
type cur2CurrencyRow struct {
	Account  string    `parquet:"line_item_usage_account_id"`
	Type     string    `parquet:"line_item_line_item_type"`
	Start    time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Product  string    `parquet:"line_item_product_code"`
	Cost     float64   `parquet:"line_item_unblended_cost"`
	Currency *string   `parquet:"line_item_currency_code,optional"`
}

// TestB1_CurrencyReadAndEnforced (issue 7, item 1): each format's currency column is
// read; a row in another currency than the configured one stops the run at its line,
// naming the column, the value and the expected currency; an empty (or null)
// currency is the configured one. 30 NOK are never invoiced as 30 USD.
func TestB1_CurrencyReadAndEnforced(t *testing.T) {
	start := "2026-10-01T00:00:00Z"
	tests := []struct {
		name, header, column string
		row                  func(cost, cur string) string
	}{
		{"B1 legacy CUR", "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode",
			"lineItem/CurrencyCode", func(cost, cur string) string {
				return strings.Join([]string{acct7, "Usage", start, "AmazonEC2", cost, cur}, ",")
			}},
		{"B1 CUR 2.0 CSV", "line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_unblended_cost,line_item_currency_code",
			"line_item_currency_code", func(cost, cur string) string {
				return strings.Join([]string{acct7, "Usage", start, "AmazonEC2", cost, cur}, ",")
			}},
		{"B1 FOCUS", "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,BillingCurrency",
			"BillingCurrency", func(cost, cur string) string {
				return strings.Join([]string{cost, "Usage", start, acct7, "Amazon EC2", "AWS", cur}, ",")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Lines 2–4: USD, empty (the configured one), NOK.
			text := tc.header + "\n" + tc.row("10", "USD") + "\n" + tc.row("20", "") + "\n" + tc.row("30", "NOK") + "\n"
			for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 16}} {
				_, _, err := aggScan(t, text, issue7Config(money.USD, ""), opt)
				require.ErrorIs(t, err, billing.ErrCurrency)
				assert.EqualError(t, err, `test.csv:4: column `+tc.column+`: "NOK", the configuration expects USD`)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tc.column, e.Column)
				assert.Equal(t, int64(4), e.Line)
			}
			// Without the NOK row: 10 + 20 = 30 USD, the empty currency being USD.
			_, agg, err := aggScan(t, tc.header+"\n"+tc.row("10", "USD")+"\n"+tc.row("20", "")+"\n", issue7Config(money.USD, ""), Options{})
			require.NoError(t, err)
			require.Len(t, agg.Groups(), 1)
			assert.Equal(t, "30", agg.Groups()[0].Cost.String())
		})
	}

	t.Run("B1 CUR 2.0 Parquet", func(t *testing.T) {
		usd, nok := "USD", "NOK"
		st := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		p := writeParquetRows(t, []cur2CurrencyRow{
			{Account: acct7, Type: "Usage", Start: st, Product: "AmazonEC2", Cost: 10, Currency: &usd},
			{Account: acct7, Type: "Usage", Start: st, Product: "AmazonEC2", Cost: 20}, // null: USD
			{Account: acct7, Type: "Usage", Start: st, Product: "AmazonEC2", Cost: 30, Currency: &nok},
		})
		_, err := run7(t, issue7Config(money.USD, ""), p)
		require.ErrorIs(t, err, billing.ErrCurrency)
		assert.EqualError(t, err, p+`:3: column line_item_currency_code: "NOK", the configuration expects USD`)
	})

	// The issue's FOCUS file in JPY: refused when the configuration expects USD,
	// invoiced in yen without conversion when it says the cost data is in JPY.
	// By hand: 10 + 20 + 30 = ¥60 charges, support fee 10 % = ¥6, subtotal ¥66,
	// tax floor(6.6) = ¥6, total ¥72.
	t.Run("B10 FOCUS in JPY", func(t *testing.T) {
		h, r := tests[2].header, tests[2].row
		p := writeText7(t, "focus.csv", h+"\n"+r("10", "JPY")+"\n"+r("20", "JPY")+"\n"+r("30", "")+"\n")
		_, err := run7(t, issue7Config(money.USD, ""), p)
		assert.EqualError(t, err, p+`:2: column BillingCurrency: "JPY", the configuration expects USD`)
		res, err := run7(t, issue7Config(money.JPY, ""), p)
		require.NoError(t, err)
		inv := res.Invoices[0]
		assert.Equal(t, money.JPY, res.CostCurrency)
		assert.Equal(t, "1", inv.ExchangeRate.String())
		assert.Equal(t, "60", inv.ChargesUSD.String())
		assert.Equal(t, "66", inv.Subtotal.String())
		assert.Equal(t, "72", inv.Total.String())
	})

	// pricing/currency says what the public cost is in: read only when the run
	// charges public costs (B-3).
	t.Run("B3 pricing/currency on public_on_demand", func(t *testing.T) {
		text := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost," +
			"lineItem/CurrencyCode,pricing/publicOnDemandCost,pricing/currency\n" +
			acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,10,USD,12,USD\n" +
			acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,10,USD,1800,JPY\n"
		_, _, err := aggScan(t, text, issue7Config(money.USD, billing.CostBasisPublicOnDemand), Options{})
		assert.EqualError(t, err, `test.csv:3: column pricing/currency: "JPY", the configuration expects USD`)
		_, agg, err := aggScan(t, text, issue7Config(money.USD, billing.CostBasisUnblended), Options{})
		require.NoError(t, err, "unused on the unblended basis")
		assert.Equal(t, "20", agg.Groups()[0].Cost.String())
	})
}

// TestB1_ValueErrorsNameTheColumn (issue 7, item 5): every value error names the file,
// the line and the column the value was read from, then the quoted value and what is
// wrong with it.
func TestB1_ValueErrorsNameTheColumn(t *testing.T) {
	legacy := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost," +
		"pricing/publicOnDemandCost,bill/BillingPeriodStartDate\n"
	good := acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,1.2,2026-10-01T00:00:00Z\n"
	goods := strings.Repeat(good, 4) // lines 2–5: the bad row is line 6
	cur2 := "line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_unblended_cost,resource_tags\n"
	focus := "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,ListCost,BillingPeriodStart\n"
	public := issue7Config(money.USD, billing.CostBasisPublicOnDemand)
	tests := []struct {
		name string
		text string
		want string
	}{
		{"B1 legacy cost", legacy + goods + acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,abc,1.2,2026-10-01T00:00:00Z\n",
			`test.csv:6: column lineItem/UnblendedCost: "abc" is not a decimal number`},
		{"B1 legacy cost out of range", legacy + goods + acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1e400,1.2,2026-10-01T00:00:00Z\n",
			`test.csv:6: column lineItem/UnblendedCost: "1e400" is out of range: want a magnitude below 1e15 and at most 30 fractional digits`},
		{"B3 legacy public cost on public_on_demand", legacy + goods + acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,1;2,2026-10-01T00:00:00Z\n",
			`test.csv:6: column pricing/publicOnDemandCost: "1;2" is not a decimal number`},
		{"B1 legacy usage start", legacy + goods + acct7 + ",Usage,2026-10-32T00:00:00Z,AmazonEC2,1,1.2,2026-10-01T00:00:00Z\n",
			`test.csv:6: column lineItem/UsageStartDate: "2026-10-32T00:00:00Z" is not a timestamp: want YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD HH:MM:SS or RFC 3339 (B-1)`},
		{"B1 legacy empty usage start", legacy + goods + acct7 + ",Usage,,AmazonEC2,1,1.2,2026-10-01T00:00:00Z\n",
			`test.csv:6: column lineItem/UsageStartDate: empty, but a usage start is required (B-1)`},
		{"B16 legacy billing period start", legacy + goods + acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,1.2,10/01/2026\n",
			`test.csv:6: column bill/BillingPeriodStartDate: "10/01/2026" is not a timestamp: want YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD HH:MM:SS or RFC 3339 (B-1)`},
		{"B1 CUR 2.0 cost", cur2 + acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,12.5.1,{}\n",
			`test.csv:2: column line_item_unblended_cost: "12.5.1" is not a decimal number`},
		{"B9 CUR 2.0 tags", cur2 + acct7 + `,Usage,2026-10-01T00:00:00Z,AmazonEC2,1,"{""user_cm_billing_group"": 7}"` + "\n",
			`test.csv:2: column resource_tags: "{\"user_cm_billing_group\": 7}" is not a JSON object of strings: key "user_cm_billing_group" has 7`},
		{"B1 FOCUS BilledCost", focus + "1,Usage,2026-10-01 00:00:00," + acct7 + ",S,AWS,1,2026-10-01 00:00:00\nNaN,Usage,2026-10-01 00:00:00," + acct7 + ",S,AWS,1,2026-10-01 00:00:00\n",
			`test.csv:3: column BilledCost: "NaN" is not a decimal number`},
		{"B3 FOCUS ListCost on public_on_demand", focus + "1,Usage,2026-10-01 00:00:00," + acct7 + ",S,AWS,USD 1,2026-10-01 00:00:00\n",
			`test.csv:2: column ListCost: "USD 1" is not a decimal number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, opt := range []Options{{Workers: 1}, {Workers: 2, BlockSize: 32}} {
				_, _, err := aggScan(t, tc.text, public, opt)
				require.Error(t, err)
				assert.EqualError(t, err, tc.want)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.NotEmpty(t, e.Column)
			}
		})
	}
}

// TestB3_UnusedColumnIsAWarning (issue 7, item 6): a bad value in a column the run
// does not use does not stop it. On the unblended basis pricing/publicOnDemandCost is
// unused: its bad values are counted in one warning naming the column, the first
// line and value; on public_on_demand the same file stops at that line.
func TestB3_UnusedColumnIsAWarning(t *testing.T) {
	text := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,pricing/publicOnDemandCost\n" +
		acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1.5,2\n" +
		acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,2.25,abc\n" + // line 3
		acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,3,\n" +
		acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,4,n/a\n" + // line 5
		acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,5,1.81E-8\n"
	const warning = `column pricing/publicOnDemandCost: 2 values that are not decimal numbers were ignored, the configuration does not use this column (first at test.csv:3: "abc")`
	for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 16}} {
		st, agg, err := aggScan(t, text, issue7Config(money.USD, billing.CostBasisUnblended), opt)
		require.NoError(t, err)
		assert.Equal(t, []string{noCurrencyWarningUSD, warning}, st.Warnings)
		assert.Equal(t, int64(5), st.Rows)
		require.Len(t, agg.Groups(), 1)
		assert.Equal(t, "15.75", agg.Groups()[0].Cost.String(), "1.5 + 2.25 + 3 + 4 + 5")
	}
	_, _, err := aggScan(t, text, issue7Config(money.USD, billing.CostBasisPublicOnDemand), Options{Workers: 2, BlockSize: 16})
	assert.EqualError(t, err, `test.csv:3: column pricing/publicOnDemandCost: "abc" is not a decimal number`)

	// Through Run: the warning is the input's, prefixed with its name; the invoice
	// is 15.75 + 10 % support fee = 17.325 → $17.33 (half up), tax $1.73 (floor).
	p := writeText7(t, "cur.csv", text)
	res, err := run7(t, issue7Config(money.USD, ""), p)
	require.NoError(t, err)
	assert.Contains(t, res.Warnings, p+": "+strings.Replace(warning, "test.csv", p, 1))
	assert.Equal(t, "17.33", res.Invoices[0].Subtotal.String())
	assert.Equal(t, "19.06", res.Invoices[0].Total.String())
	// A Sink that is no FieldUser gets every value as it is.
	rows, st, err := scanString(t, text, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{noCurrencyWarning}, st.Warnings)
	assert.Equal(t, "abc", rows[1].Public)
}

// TestB1_HeaderVariants (issue 7, item 7): the header variants real exports and tools
// produce. Column names match whatever their case; product/servicecode
// (product_servicecode) gives the product code when lineItem/ProductCode
// (line_item_product_code) is absent, with a warning saying so; FOCUS 1.3 files
// without ProviderName are read, and the warning about skipped rows names the
// column that decided.
func TestB1_HeaderVariants(t *testing.T) {
	r := legacyRow(acct7, "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "APN1-BoxUsage:t3.micro", "RunInstances",
		"0.0136000000", "desc", "Amazon Elastic Compute Cloud", "AWS", "0.0136000000", "teamA")
	want, st, err := scanString(t, legacyHeader+r, Options{})
	require.NoError(t, err)
	require.Len(t, want, 1)
	require.Equal(t, []string{noCurrencyWarning}, st.Warnings)
	for name, header := range map[string]string{
		"lower case (Athena)": strings.ToLower(legacyHeader),
		"upper case":          strings.ToUpper(legacyHeader),
	} {
		t.Run("B1 legacy "+name, func(t *testing.T) {
			got, st, err := scanString(t, header+r, Options{})
			require.NoError(t, err)
			assert.Equal(t, billing.FormatCURLegacy, st.Format)
			assert.Equal(t, want, got)
		})
	}

	t.Run("B1 product/servicecode when lineItem/ProductCode is absent", func(t *testing.T) {
		for _, tc := range []struct{ header, row, col, warning string }{
			{"lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,product/servicecode,lineItem/UnblendedCost,lineItem/CurrencyCode\n",
				acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD\n", "", servicecodeWarning("lineItem/ProductCode", "product/servicecode")},
			{"line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,product_servicecode,line_item_unblended_cost,line_item_currency_code\n",
				acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD\n", "", servicecodeWarning("line_item_product_code", "product_servicecode")},
			{"LINE_ITEM_USAGE_ACCOUNT_ID,LINE_ITEM_LINE_ITEM_TYPE,LINE_ITEM_USAGE_START_DATE,Product_ServiceCode,LINE_ITEM_UNBLENDED_COST,LINE_ITEM_CURRENCY_CODE\n",
				acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD\n", "", servicecodeWarning("line_item_product_code", "Product_ServiceCode")},
		} {
			got, st, err := scanString(t, tc.header+tc.row, Options{})
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, "AmazonEC2", got[0].ProductCode)
			assert.Equal(t, []string{tc.warning}, st.Warnings)
		}
		// Both present: lineItem/ProductCode decides (in the AWS sample, data
		// transfer rows have servicecode AWSDataTransfer and product code AmazonEC2).
		got, st, err := scanString(t, "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,product/servicecode,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode\n"+
			acct7+",Usage,2026-10-01T00:00:00Z,AWSDataTransfer,AmazonEC2,1,USD\n", Options{})
		require.NoError(t, err)
		assert.Equal(t, "AmazonEC2", got[0].ProductCode)
		assert.Empty(t, st.Warnings)
		// Neither: the required column is named.
		_, _, err = scanString(t, "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UnblendedCost\n", Options{})
		assert.EqualError(t, err, "test.csv:1: column lineItem/ProductCode: costfile: missing required column for cur-legacy (B-1)")
	})

	// FOCUS 1.3: no ProviderName; InvoiceIssuerName decides, HostProviderName when it
	// is null; ServiceProviderName is the seller. Lines 2–5: AWS, Oracle (issuer),
	// Microsoft (host), and an AWS Marketplace sale.
	t.Run("B8 FOCUS 1.3 names the column that decided", func(t *testing.T) {
		h := []string{"billedcost", "chargecategory", "chargeperiodstart", "subaccountid", "servicename", "ServiceProviderName", "InvoiceIssuerName", "HostProviderName"}
		row := func(cost, sp, issuer, host string) map[string]string {
			return map[string]string{"billedcost": cost, "chargecategory": "Usage", "chargeperiodstart": "2026-10-01 00:00:00",
				"subaccountid": acct7, "servicename": "S", "ServiceProviderName": sp, "InvoiceIssuerName": issuer, "HostProviderName": host}
		}
		text := csvOf(h, row("1", "AWS", "Amazon Web Services, Inc.", "AWS"), row("2", "Oracle", "Oracle", "Oracle"),
			row("4", "Microsoft", "", "Microsoft"), row("8", "Red Hat Inc.", "Amazon Web Services, Inc.", "Red Hat Inc."))
		got, st, err := scanString(t, text, Options{Workers: 2, BlockSize: 64})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "AWS", got[0].Ent)
		assert.Equal(t, "AWS Marketplace", got[1].Ent)
		assert.Equal(t, map[string]int64{"Oracle": 1, "Microsoft": 1}, st.SkippedByProvider)
		assert.Equal(t, []string{"InvoiceIssuerName", "HostProviderName"}, st.SkippedByColumns)

		p := writeText7(t, "focus13.csv", text)
		res, err := run7(t, issue7Config(money.USD, ""), p)
		require.NoError(t, err)
		assert.Contains(t, res.Warnings, p+": skipped 2 FOCUS rows whose InvoiceIssuerName or HostProviderName is not AWS (Microsoft: 1, Oracle: 1)")
		assert.Equal(t, "9", res.Invoices[0].ChargesUSD.String(), "1 + 8")

		// Only the issuer decided: the warning names it alone, never ProviderName.
		p = writeText7(t, "focus13b.csv", csvOf(h, row("1", "AWS", "AWS", "AWS"), row("2", "Oracle", "Oracle", "Oracle")))
		res, err = run7(t, issue7Config(money.USD, ""), p)
		require.NoError(t, err)
		assert.Contains(t, res.Warnings, p+": skipped 1 FOCUS rows whose InvoiceIssuerName is not AWS (Oracle: 1)")
	})
}

// TestM3_AccountIDsThatAreNotAWSIDs (issue 7, item 8): an account id that is not an
// AWS account id (13 digits, "ACCT-…", empty) can only ever be unassigned (no project
// may own it, M-3): one warning per id with its first file:line. Short all-digit ids
// are AWS ids whose zeros a spreadsheet stripped (padded by the engine).
func TestM3_AccountIDsThatAreNotAWSIDs(t *testing.T) {
	hdr := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"
	line := func(id, cost string) string { return id + ",Usage,2026-10-01T00:00:00Z,AmazonEC2," + cost + "\n" }
	text := hdr + line(acct7, "1") + line("1234567890123", "2") + line("ACCT-42", "4") + line("51738928782", "8") +
		line("1234567890123", "16") + line("", "32") // lines 2–7
	want := []string{
		`column lineItem/UsageAccountId: "1234567890123" is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at test.csv:3)`,
		`column lineItem/UsageAccountId: "ACCT-42" is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at test.csv:4)`,
		`column lineItem/UsageAccountId: "" is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at test.csv:7)`,
	}
	for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 8}} {
		_, st, err := scanString(t, text, opt)
		require.NoError(t, err)
		assert.Equal(t, append([]string{noCurrencyWarning}, want...), st.Warnings)
	}

	// Through Run: listed as unassigned with their charges, each warned once.
	p := writeText7(t, "cur.csv", text)
	res, err := run7(t, issue7Config(money.USD, ""), p)
	require.NoError(t, err)
	var unassigned []string
	for _, u := range res.Unassigned {
		unassigned = append(unassigned, u.AccountID+"="+u.ChargesUSD.String())
	}
	assert.Equal(t, []string{"=32", "051738928782=8", "1234567890123=18", "ACCT-42=4"}, unassigned)
	assert.Contains(t, res.Warnings, p+": "+strings.Replace(want[1], "test.csv", p, 1))
	assert.Equal(t, "1", res.Invoices[0].ChargesUSD.String())

	// Bounded: past maxBadIDs ids, one more warning says there were others.
	var b strings.Builder
	b.WriteString(hdr)
	for i := range 30 {
		b.WriteString(line(fmt.Sprintf("ACCT-%02d", i), "1"))
	}
	_, st, err := scanString(t, b.String(), Options{Workers: 2, BlockSize: 64})
	require.NoError(t, err)
	require.Len(t, st.Warnings, 1+maxBadIDs+1)
	assert.Equal(t, noCurrencyWarning, st.Warnings[0])
	assert.Contains(t, st.Warnings[1], `"ACCT-00"`)
	assert.Contains(t, st.Warnings[1+maxBadIDs], "more account ids that are not AWS account ids")
}

// awsCURSample is a real anonymized legacy CUR (FinOps Foundation, MIT; see
// testdata/README.md).
const awsCURSample = "testdata/aws_cur_sample.csv"

// TestB1_AWSCURSample reads the real CUR sample (issue 7): all 1,281 rows, of
// November 2023 by their .000Z timestamps, on the bill of November 2023 (B-16), costs
// in exponent notation handed on as written and summed exactly, no warning. The sums
// are those of an independent computation (examples/invoicing
// TestB12_AWSCURSampleGolden): Usage 1.6023086974, Tax 0.08.
func TestB1_AWSCURSample(t *testing.T) {
	var c collector
	st, err := ScanFile(context.Background(), awsCURSample, c.newSink, Options{Workers: 2, BlockSize: 64 << 10})
	require.NoError(t, err)
	assert.Equal(t, billing.FormatCURLegacy, st.Format)
	assert.Equal(t, int64(1281), st.Rows)
	assert.Empty(t, st.Warnings)
	rows := c.sorted()
	types := map[string]int{}
	exp := 0
	for _, r := range rows {
		require.Equal(t, "2023-11", r.Period)
		require.Equal(t, "2023-11", r.Bill)
		require.Equal(t, "123412340534", r.Account)
		types[r.Type]++
		if strings.ContainsAny(r.Cost, "eE") {
			exp++
		}
	}
	assert.Equal(t, map[string]int{"Usage": 1269, "Tax": 12}, types)
	assert.Positive(t, exp, "costs such as 1.81E-8")

	nov := resellerkit.NewMonth(2023, time.November)
	var mu sync.Mutex
	var aggs []*billing.Aggregator
	_, err = ScanFile(context.Background(), awsCURSample, func() billing.Sink {
		a := billing.NewAggregator(nov)
		mu.Lock()
		aggs = append(aggs, a)
		mu.Unlock()
		return a
	}, Options{Workers: 3, BlockSize: 32 << 10})
	require.NoError(t, err)
	total := billing.NewAggregator(nov)
	for _, a := range aggs {
		require.NoError(t, total.Merge(a))
	}
	sums := map[string]money.Decimal{}
	for _, g := range total.Groups() {
		sums[g.LineItemType] = sums[g.LineItemType].Add(g.Cost)
	}
	assert.Equal(t, "1.6023086974", sums["Usage"].String())
	assert.Equal(t, "0.08", sums["Tax"].String())
}

// TestM3_IsAWSAccountID: the eight-bytes-at-a-time test of a 12-digit id agrees with
// the plain one for every byte at every position, and ids of other lengths are
// checked digit by digit (1–12 digits are AWS ids, see TestM3_AccountIDsThatAreNotAWSIDs).
func TestM3_IsAWSAccountID(t *testing.T) {
	plain := func(a []byte) bool {
		if len(a) == 0 || len(a) > 12 {
			return false
		}
		for _, c := range a {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	for pos := range 12 {
		for b := range 256 {
			a := []byte("123456789012")
			a[pos] = byte(b)
			require.Equal(t, plain(a), isAWSAccountID(a), "%q", a)
		}
	}
	for _, a := range []string{"", "1", "51738928782", "000000000000", "999999999999", "1234567890123", "ACCT-42", "12345678901 "} {
		assert.Equal(t, plain([]byte(a)), isAWSAccountID([]byte(a)), "%q", a)
	}
}
