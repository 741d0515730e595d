package costfile

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// TestB9_TagColumnExactCaseFirst (issue 7, item 7): header names ignore case, but AWS
// tag keys do not, so a column in the exact case of the name sought wins over an
// earlier one equal to it ignoring case; without an exact one, the case-insensitive
// one is used (Athena lowercases every column).
func TestB9_TagColumnExactCaseFirst(t *testing.T) {
	base := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode"
	vals := acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD"
	for _, tc := range []struct{ name, cols, vals, want string }{
		{"lower case first", "resourceTags/user:cmbillinggroup,resourceTags/user:CmBillingGroup", "lower,exact", "exact"},
		{"exact case first", "resourceTags/user:CmBillingGroup,resourceTags/user:cmbillinggroup", "exact,lower", "exact"},
		{"only lower case (Athena)", "resourceTags/user:cmbillinggroup", "lower", "lower"},
		{"only upper case", "RESOURCETAGS/USER:CMBILLINGGROUP", "upper", "upper"},
		{"two case variants, no exact: the first", "resourceTags/user:CMBillingGroup,resourceTags/user:cmbillinggroup", "first,second", "first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, st, err := scanString(t, base+","+tc.cols+"\n"+vals+","+tc.vals+"\n", Options{})
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Equal(t, tc.want, rows[0].Group)
			assert.Empty(t, st.Warnings)
		})
	}
}

// servicecodeWarning is the warning of a file whose product codes are read from used
// because it has no column want (issue 7, item 7).
func servicecodeWarning(want, used string) string {
	return "no " + want + " column: product codes are read from " + used + ", so service-scoped pricing rules (B-5) and the per-service invoice lines follow " +
		used + ", not " + want + " (data transfer is AWSDataTransfer rather than the service it belongs to, and Tax rows may have no service)"
}

// The warnings of a legacy CUR file without lineItem/CurrencyCode (issue 7, item 1):
// for a Sink that does not say its currency, and for an Aggregator of USD cost data.
const (
	noCurrencyWarning    = "no lineItem/CurrencyCode column: every row is taken to be in the configured cost currency"
	noCurrencyWarningUSD = "no lineItem/CurrencyCode column: every row is taken to be in USD, as configured"
)

// TestB1_NoCurrencyColumnIsAWarning (issue 7, item 1): a file without the currency
// column of its format has every row taken to be in the configured cost currency;
// one warning per file says so, naming the column and, for an Aggregator, the
// currency. A file with the column, even empty, gets none.
func TestB1_NoCurrencyColumnIsAWarning(t *testing.T) {
	start := "2026-10-01T00:00:00Z"
	rows := func(row string) string { return strings.Repeat(row+"\n", 40) }
	for _, tc := range []struct{ name, text, column string }{
		{"legacy CUR", "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n" +
			rows(acct7+",Usage,"+start+",AmazonEC2,1"), "lineItem/CurrencyCode"},
		{"CUR 2.0", "line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_unblended_cost\n" +
			rows(acct7+",Usage,"+start+",AmazonEC2,1"), "line_item_currency_code"},
		{"FOCUS", "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,x_ServiceCode,ProviderName\n" +
			rows("1,Usage,"+start+","+acct7+",Amazon EC2,AmazonEC2,AWS"), "BillingCurrency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cur := range []money.Currency{money.USD, money.JPY} {
				st, agg, err := aggScan(t, tc.text, issue7Config(cur, ""), Options{Workers: 3, BlockSize: 64})
				require.NoError(t, err)
				assert.Equal(t, []string{"no " + tc.column + " column: every row is taken to be in " + string(cur) + ", as configured"}, st.Warnings)
				assert.Equal(t, "40", agg.Groups()[0].Cost.String())
			}
			_, st, err := scanString(t, tc.text, Options{Workers: 2})
			require.NoError(t, err)
			assert.Equal(t, []string{"no " + tc.column + " column: every row is taken to be in the configured cost currency"}, st.Warnings)

			// Through Run: once for the file, prefixed with its name.
			p := writeText7(t, "cost.csv", tc.text)
			res, err := run7(t, issue7Config(money.USD, ""), p)
			require.NoError(t, err)
			assert.Equal(t, []string{p + ": no " + tc.column + " column: every row is taken to be in USD, as configured"}, res.Warnings)
		})
	}

	// Parquet: the same, once per file whatever its row groups.
	st := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	p := writeParquetRows(t, []cur2BillRow{{Account: acct7, Type: "Usage", Start: st, Bill: st, Product: "AmazonEC2", Cost: 1}})
	res, err := run7(t, issue7Config(money.JPY, ""), p)
	require.NoError(t, err)
	assert.Equal(t, []string{p + ": no line_item_currency_code column: every row is taken to be in JPY, as configured"}, res.Warnings)

	// With the column, values empty or not: no warning.
	p = writeParquetRows(t, []cur2CurrencyRow{{Account: acct7, Type: "Usage", Start: st, Product: "AmazonEC2", Cost: 1}})
	res, err = run7(t, issue7Config(money.USD, ""), p)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	stats, _, err := aggScan(t, "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode\n"+
		acct7+",Usage,"+start+",AmazonEC2,1,\n", issue7Config(money.USD, ""), Options{})
	require.NoError(t, err)
	assert.Empty(t, stats.Warnings)
}

// TestM3_BadAccountIDsFirstLineIsExact (issue 7, item 8): past maxBadIDs ids that are
// no AWS account ids, the warnings still name the first maxBadIDs ids of the file,
// each at its first line, whatever the workers, the block size and the order in
// which a worker meets its lines.
func TestM3_BadAccountIDsFirstLineIsExact(t *testing.T) {
	// One worker meeting lines out of order keeps the earliest ids at their
	// earliest lines.
	f := &rowFiller{}
	seen := map[string]int64{}
	for i, line := range []int64{900, 50, 700, 10, 300, 5, 800, 20, 600, 2, 400, 3, 500, 1, 100, 4, 200, 6, 150, 7, 250, 8, 350, 9, 450} {
		for _, id := range []string{fmt.Sprintf("ACCT-%d", i%13), fmt.Sprintf("X-%d", i)} {
			f.line = line
			f.badAccount([]byte(id))
			if l, ok := seen[id]; !ok || line < l {
				seen[id] = line
			}
		}
	}
	assert.Len(t, f.badIDs, maxBadIDs)
	assert.True(t, f.badIDsMore)
	want := slices.SortedFunc(maps.Keys(seen), func(a, b string) int { return cmp.Compare(seen[a], seen[b]) })[:maxBadIDs]
	for _, id := range want {
		assert.Equal(t, seen[id], f.badIDs[id], id)
	}

	// A file: 60 ids, each on three lines spread over the file.
	hdr := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode\n"
	var b strings.Builder
	b.WriteString(hdr)
	first := map[string]int64{}
	line := int64(1)
	for round := range 3 {
		for i := range 60 {
			id := fmt.Sprintf("ACCT-%02d", (i*7+round*11)%60)
			line++
			if _, ok := first[id]; !ok {
				first[id] = line
			}
			b.WriteString(id + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD\n")
		}
	}
	order := slices.SortedFunc(maps.Keys(first), func(a, b string) int { return cmp.Compare(first[a], first[b]) })[:maxBadIDs]
	var wantWarnings []string
	for _, id := range order {
		wantWarnings = append(wantWarnings, fmt.Sprintf(`column lineItem/UsageAccountId: %q is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at test.csv:%d)`, id, first[id]))
	}
	wantWarnings = append(wantWarnings, "column lineItem/UsageAccountId: more account ids that are not AWS account ids than the 20 above: their rows are unassigned too")
	for _, opt := range []Options{{Workers: 1}, {Workers: 4, BlockSize: 64}, {Workers: 7, BlockSize: 200}} {
		_, st, err := scanString(t, b.String(), opt)
		require.NoError(t, err)
		assert.Equal(t, wantWarnings, st.Warnings, "%+v", opt)
	}
}

// TestM3_BadAccountIDInTwoFiles: the warning is per file — an id in two files is
// warned once for each, at its first line there, since the line to look at is the
// file's; the unassigned list has it once with the rows of both.
func TestM3_BadAccountIDInTwoFiles(t *testing.T) {
	hdr := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode\n"
	row := func(id, day, cost string) string {
		return id + ",Usage,2026-10-" + day + "T00:00:00Z,AmazonEC2," + cost + ",USD\n"
	}
	a := writeText7(t, "a.csv", hdr+row(acct7, "01", "1")+row("ACCT-42", "01", "2"))
	b := writeText7(t, "b.csv", hdr+row("ACCT-42", "02", "4")+row(acct7, "02", "8"))
	res, err := run7(t, issue7Config(money.USD, ""), a, b)
	require.NoError(t, err)
	w := func(p string, line int) string {
		return fmt.Sprintf(`%s: column lineItem/UsageAccountId: "ACCT-42" is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at %s:%d)`, p, p, line)
	}
	assert.Equal(t, []string{"1 accounts are in no project and not invoiced (listed in unassigned_accounts): ACCT-42", w(a, 3), w(b, 2)}, res.Warnings)
	require.Len(t, res.Unassigned, 1)
	assert.Equal(t, "ACCT-42", res.Unassigned[0].AccountID)
	assert.Equal(t, "6", res.Unassigned[0].ChargesUSD.String())
}
