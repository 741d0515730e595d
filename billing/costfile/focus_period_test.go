package costfile

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// csvOf writes a CSV with the given header and one record per map (missing keys are
// empty), quoting values that need it.
func csvOf(header []string, rows ...map[string]string) string {
	var b strings.Builder
	write := func(vals []string) {
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(v, ",\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			b.WriteString(v)
		}
		b.WriteByte('\n')
	}
	write(header)
	for _, r := range rows {
		vals := make([]string, len(header))
		for i, h := range header {
			vals[i] = r[h]
		}
		write(vals)
	}
	return b.String()
}

// awsFOCUS12Header is the column list of AWS Data Exports' "FOCUS 1.2 with AWS
// columns" table (docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns):
// the FOCUS 1.2 columns plus x_Discounts, x_Operation and x_ServiceCode — no
// x_UsageType.
var awsFOCUS12Header = strings.Split("AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingAccountType,"+
	"BillingCurrency,BillingPeriodEnd,BillingPeriodStart,CapacityReservationId,CapacityReservationStatus,ChargeCategory,"+
	"ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,"+
	"CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountQuantity,CommitmentDiscountStatus,CommitmentDiscountType,"+
	"CommitmentDiscountUnit,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,InvoiceId,"+
	"InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingCurrency,PricingCurrencyContractedUnitPrice,"+
	"PricingCurrencyEffectiveCost,PricingCurrencyListUnitPrice,PricingQuantity,PricingUnit,ProviderName,PublisherName,"+
	"RegionId,RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceName,ServiceSubcategory,SkuId,SkuMeter,"+
	"SkuPriceDetails,SkuPriceId,SubAccountId,SubAccountName,SubAccountType,Tags,x_Discounts,x_Operation,x_ServiceCode", ",")

// focusRow returns an AWS FOCUS row of October 2026 with the given overrides.
func focusRow(kv ...string) map[string]string {
	m := map[string]string{"BilledCost": "1.5", "ListCost": "1.6", "BillingAccountId": "999999999999", "BillingCurrency": "USD",
		"BillingPeriodStart": "2026-10-01T00:00:00Z", "BillingPeriodEnd": "2026-11-01T00:00:00Z", "ChargeCategory": "Usage",
		"ChargePeriodStart": "2026-10-05T00:00:00Z", "ChargePeriodEnd": "2026-10-05T01:00:00Z", "SubAccountId": "111111111111",
		"ProviderName": "AWS", "PublisherName": "Amazon Web Services, Inc.", "InvoiceIssuerName": "Amazon Web Services, Inc.",
		"ServiceName": "Amazon Elastic Compute Cloud", "x_ServiceCode": "AmazonEC2", "x_Operation": "RunInstances", "SkuId": "SKUEC2",
		"Tags": `{"user:CmBillingGroup": "blue"}`, "x_Discounts": `{"EDP": -0.1}`}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestB5_FOCUS12AWSColumns: an AWS "FOCUS 1.2 with AWS columns" export maps to the
// CUR product code (x_ServiceCode), so service rules (B-5), support rows (B-7) and
// Route 53 domain registrations (B-8) match FOCUS data as they match CUR.
func TestB5_FOCUS12AWSColumns(t *testing.T) {
	text := csvOf(awsFOCUS12Header,
		focusRow(),
		focusRow("ServiceName", "Amazon Registrar", "x_ServiceCode", "AmazonRegistrar", "x_Operation", "RegisterDomain",
			"SkuId", "SKUREG", "BilledCost", "15", "Tags", ""),
		focusRow("ServiceName", "AWS Support (Business)", "x_ServiceCode", "AWSSupportBusiness", "x_Operation", "NULL",
			"SkuId", "SKUSUP", "BilledCost", "100", "Tags", ""),
		// a null x_ServiceCode falls back to ServiceName
		focusRow("ServiceName", "Amazon Simple Storage Service", "x_ServiceCode", "NULL", "x_Operation", "", "SkuId", "SKUS3", "Tags", ""),
		// AWS Marketplace: ProviderName AWS, PublisherName the seller (B-8)
		focusRow("ServiceName", "Red Hat Enterprise Linux", "x_ServiceCode", "prod-abc123", "x_Operation", "",
			"PublisherName", "Red Hat Inc.", "SkuId", "SKURH", "BilledCost", "2", "Tags", ""),
	)
	want := []row{
		{Format: billing.FormatFOCUS, Period: "2026-10", Bill: "2026-10", Account: "111111111111", ProductCode: "AWSSupportBusiness",
			ProductName: "AWS Support (Business)", Type: "Usage", Usage: "SKUSUP", Ent: "AWS", Cost: "100", Public: "1.6"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Bill: "2026-10", Account: "111111111111", ProductCode: "AmazonEC2",
			ProductName: "Amazon Elastic Compute Cloud", Type: "Usage", Usage: "SKUEC2", Op: "RunInstances", Ent: "AWS", Group: "blue",
			Cost: "1.5", Public: "1.6"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Bill: "2026-10", Account: "111111111111", ProductCode: "AmazonRegistrar",
			ProductName: "Amazon Registrar", Type: "Usage", Usage: "SKUREG", Op: "RegisterDomain", Ent: "AWS", Cost: "15", Public: "1.6"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Bill: "2026-10", Account: "111111111111", ProductCode: "Amazon Simple Storage Service",
			ProductName: "Amazon Simple Storage Service", Type: "Usage", Usage: "SKUS3", Ent: "AWS", Cost: "1.5", Public: "1.6"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Bill: "2026-10", Account: "111111111111", ProductCode: "prod-abc123",
			ProductName: "Red Hat Enterprise Linux", Type: "Usage", Usage: "SKURH", Ent: "AWS Marketplace", Cost: "2", Public: "1.6"},
	}
	slices.SortFunc(want, func(a, b row) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 64}} {
		got, st, err := scanString(t, text, opt)
		require.NoError(t, err)
		assert.Equal(t, billing.FormatFOCUS, st.Format)
		assert.Equal(t, want, got)
		assert.Empty(t, st.Warnings, "x_ServiceCode is present")
		assert.Zero(t, st.SkippedRows)
	}

	// FOCUS 1.0 with AWS columns also has x_UsageType: it is the usage type, so
	// sku rules (B-5) and the DomainRegistration test (B-8) work.
	h10 := append(append([]string(nil), awsFOCUS12Header...), "x_UsageType")
	got, _, err := scanString(t, csvOf(h10, focusRow("ServiceName", "Amazon Route 53", "x_ServiceCode", "AmazonRoute53",
		"x_UsageType", "Global-DomainRegistration:com", "x_Operation", "RenewDomain", "Tags", "")), Options{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "AmazonRoute53", got[0].ProductCode)
	assert.Equal(t, "Global-DomainRegistration:com", got[0].Usage)
	assert.Equal(t, "RenewDomain", got[0].Op)
}

// TestB8_FOCUSProviderColumns: which column says a FOCUS row is AWS's. A Marketplace
// row (sold and invoiced by AWS, published by a third party) is charged as
// Marketplace, never skipped as another cloud's, whatever the FOCUS version.
func TestB8_FOCUSProviderColumns(t *testing.T) {
	base := []string{"BilledCost", "ChargeCategory", "ChargePeriodStart", "SubAccountId", "ServiceName"}
	hdr := func(extra ...string) []string { return append(append([]string(nil), base...), extra...) }
	r := func(kv ...string) map[string]string {
		m := map[string]string{"BilledCost": "1", "ChargeCategory": "Usage", "ChargePeriodStart": "2026-10-01 00:00:00",
			"SubAccountId": "111111111111", "ServiceName": "S"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		text    string
		ents    []string // BillingEntity of the charged rows, sorted
		skipped map[string]int64
	}{
		{"1.2: ProviderName decides, PublisherName marks Marketplace",
			csvOf(hdr("ProviderName", "PublisherName", "InvoiceIssuerName"),
				r("ProviderName", "AWS", "PublisherName", "Red Hat Inc.", "InvoiceIssuerName", "Amazon Web Services, Inc."),
				r("ProviderName", "Microsoft", "PublisherName", "Microsoft", "InvoiceIssuerName", "Microsoft")),
			[]string{"AWS Marketplace"}, map[string]int64{"Microsoft": 1}},
		{"1.3: ServiceProviderName is the seller; InvoiceIssuerName decides",
			csvOf(hdr("ServiceProviderName", "HostProviderName", "InvoiceIssuerName"),
				r("ServiceProviderName", "Red Hat Inc.", "HostProviderName", "Red Hat Inc.", "InvoiceIssuerName", "Amazon Web Services, Inc."),
				r("ServiceProviderName", "AWS", "HostProviderName", "AWS", "InvoiceIssuerName", "Amazon Web Services Japan G.K."),
				r("ServiceProviderName", "Oracle", "HostProviderName", "Oracle", "InvoiceIssuerName", "Oracle")),
			[]string{"AWS", "AWS Marketplace"}, map[string]int64{"Oracle": 1}},
		{"null InvoiceIssuerName (an AWS conformance gap): HostProviderName decides",
			csvOf(hdr("ServiceProviderName", "HostProviderName", "InvoiceIssuerName"),
				r("ServiceProviderName", "AWS", "HostProviderName", "AWS", "InvoiceIssuerName", "NULL"),
				r("ServiceProviderName", "X", "HostProviderName", "", "InvoiceIssuerName", "")),
			[]string{"AWS"}, map[string]int64{"": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st, err := scanString(t, tc.text, Options{Workers: 2})
			require.NoError(t, err)
			var ents []string
			for _, g := range got {
				ents = append(ents, g.Ent)
			}
			assert.Equal(t, tc.ents, ents)
			assert.Equal(t, tc.skipped, st.SkippedByProvider)
		})
	}

	// ServiceProviderName alone cannot tell Marketplace from another cloud: refused.
	_, _, err := scanString(t, csvOf(hdr("ServiceProviderName"), r("ServiceProviderName", "AWS")), Options{})
	require.ErrorIs(t, err, ErrMissingColumn)
	assert.Contains(t, err.Error(), "test.csv:1: ")
}

// TestB16_BillingPeriod: every format fills LineItem.BillingPeriod from its
// billing-period-start column, so a late credit for September usage in October's
// bill belongs to October; zero when the column is absent or null.
func TestB16_BillingPeriod(t *testing.T) {
	legacy := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost," +
		"bill/BillingPeriodStartDate\n"
	cur2 := "line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code," +
		"line_item_unblended_cost,bill_billing_period_start_date\n"
	focus := "BilledCost,ChargeCategory,ChargeClass,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,BillingPeriodStart\n"
	tests := []struct {
		name       string
		text       string
		period     string
		bill       string
		wantFormat billing.Format
	}{
		{"legacy CUR late credit", legacy + "1,Credit,2026-09-10T00:00:00Z,AmazonEC2,-5,2026-10-01T00:00:00Z\n", "2026-09", "2026-10", billing.FormatCURLegacy},
		{"legacy CUR space form", legacy + "1,Usage,2026-10-10 00:00:00,AmazonEC2,5,2026-10-01 00:00:00\n", "2026-10", "2026-10", billing.FormatCURLegacy},
		{"legacy CUR null", legacy + "1,Usage,2026-10-10T00:00:00Z,AmazonEC2,5,NULL\n", "2026-10", "", billing.FormatCURLegacy},
		{"CUR 2.0 CSV", cur2 + "1,Refund,2026-08-31T23:00:00Z,AmazonS3,-1,2026-10-01T00:00:00.000Z\n", "2026-08", "2026-10", billing.FormatCUR2},
		{"FOCUS correction", focus + "-2.5,Credit,Correction,2026-09-10T00:00:00Z,1,Amazon EC2,AWS,2026-10-01T00:00:00Z\n", "2026-09", "2026-10", billing.FormatFOCUS},
		{"column absent", legacyHeader + legacyRow("1", "Usage", "2026-10-01T00:00:00Z", "p", "u", "o", "1", "d", "n", "AWS", "1", ""), "2026-10", "", billing.FormatCURLegacy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st, err := scanString(t, tc.text, Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.wantFormat, st.Format)
			require.Len(t, got, 1)
			assert.Equal(t, tc.period, got[0].Period)
			assert.Equal(t, tc.bill, got[0].Bill)
		})
	}

	// Malformed: file:line, the column, ErrTimestamp — like the usage start.
	for _, tc := range []struct{ text, col string }{
		{legacy + "1,Usage,2026-10-10T00:00:00Z,AmazonEC2,5,2026-10-01T00:00:00Z\n1,Usage,2026-10-10T00:00:00Z,AmazonEC2,5,2026-13-01T00:00:00Z\n", "bill/BillingPeriodStartDate"},
		{cur2 + "1,Usage,2026-10-10T00:00:00Z,AmazonEC2,5,10/01/2026\n", "bill_billing_period_start_date"},
		{focus + "1,Usage,,2026-10-10T00:00:00Z,1,S,AWS,2026-10-01\n", "BillingPeriodStart"},
	} {
		_, _, err := scanString(t, tc.text, Options{Workers: 2})
		require.ErrorIs(t, err, ErrTimestamp)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, tc.col, e.Column)
		assert.Equal(t, int64(strings.Count(tc.text, "\n")), e.Line, "the last row is the bad one")
	}
}

func writeParquetRows[T any](t *testing.T, rows []T) string {
	t.Helper()
	p := t.TempDir() + "/f.parquet"
	f, err := os.Create(p)
	require.NoError(t, err)
	w := parquet.NewGenericWriter[T](f)
	_, err = w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	return p
}

// cur2BillRow is a CUR 2.0 Parquet row with the billing period start.
type cur2BillRow struct {
	Account string    `parquet:"line_item_usage_account_id"`
	Type    string    `parquet:"line_item_line_item_type"`
	Start   time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Bill    time.Time `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	Product string    `parquet:"line_item_product_code"`
	Cost    float64   `parquet:"line_item_unblended_cost"`
}

func TestB16_BillingPeriodParquet(t *testing.T) {
	p := writeParquetRows(t, []cur2BillRow{
		{Account: "1", Type: "Credit", Start: time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC),
			Bill: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Product: "AmazonEC2", Cost: -5},
	})
	var c collector
	_, err := ScanFile(context.Background(), p, c.newSink, Options{})
	require.NoError(t, err)
	got := c.sorted()
	require.Len(t, got, 1)
	assert.Equal(t, "2026-09", got[0].Period)
	assert.Equal(t, "2026-10", got[0].Bill)
}

// TestB1_FirstErrorInFileOrder: when a later block fails first, an earlier block
// still queued is parsed, not skipped, so the error reported is the first in file
// order. The hook holds the worker that took block 0 until block 1 has failed —
// the interleaving that used to skip block 0. It runs in a synctest bubble: the
// hook's safety timeout costs no real time, and the scan's goroutines must all end.
func TestB1_FirstErrorInFileOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		good := legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", "1", "d", "n", "AWS", "1", "")
		bad := strings.Replace(good, "2026-10-01T00:00:00Z,2026", "2026-13-01T00:00:00Z,2026", 1) // line 2: bad usage start
		ragged := "x,y\n"                                                                         // line 3: ragged
		text := legacyHeader + bad + ragged
		var mu sync.Mutex
		var seqs []int64
		waited := false
		testHookDequeued = func(seq int64, done <-chan struct{}) {
			mu.Lock()
			seqs = append(seqs, seq)
			mu.Unlock()
			if seq == 0 {
				select {
				case <-done: // block 1 failed
					waited = true
				case <-time.After(time.Minute): // block 1 was not handed out: a bug
				}
			}
		}
		defer func() { testHookDequeued = nil }()
		// One block per row: the first read holds the header and row 2 exactly.
		_, _, err := scanString(t, text, Options{Workers: 2, BlockSize: len(legacyHeader) + len(bad)})
		require.Error(t, err)
		assert.ElementsMatch(t, []int64{0, 1}, seqs, "two blocks")
		assert.True(t, waited, "block 0 was parsed after block 1 failed")
		require.ErrorIs(t, err, ErrTimestamp, "the error of line 2, not the ragged line 3")
		assert.True(t, strings.HasPrefix(err.Error(), "test.csv:2: "), err.Error())
	})
}

// TestB1_BrokenGzipLine: a truncated gzip stream is reported at the line after the
// last complete row it held, not at the start of the block.
func TestB1_BrokenGzipLine(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(legacyHeader)
	for i := range 2000 {
		sb.WriteString(legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o",
			"0."+strings.Repeat("7", 1+i%9), "d", "n", "AWS", "1", ""))
	}
	full := gz(t, sb.String())
	cut := full[:len(full)*3/4]
	// What a reader gets out of the truncated stream before the error.
	zr, err := kgzip.NewReader(bytes.NewReader(cut))
	require.NoError(t, err)
	prefix, rerr := io.ReadAll(zr)
	require.Error(t, rerr)
	complete := prefix[:bytes.LastIndexByte(prefix, '\n')+1]
	wantLine := int64(1 + bytes.Count(complete, newline))
	require.Greater(t, wantLine, int64(100))

	dir := t.TempDir()
	p := dir + "/t.csv.gz"
	require.NoError(t, os.WriteFile(p, cut, 0o600))
	for _, opt := range []Options{{Workers: 1}, {Workers: 2, BlockSize: 1000}, {}} {
		var c collector
		st, err := ScanFile(context.Background(), p, c.newSink, opt)
		require.ErrorIs(t, err, ErrCompressed)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, wantLine, e.Line, "%+v", opt)
		assert.Equal(t, wantLine-2, st.Rows, "the complete rows were parsed")
	}

	// An earlier bad row still wins over the broken stream.
	text := legacyHeader + "x,y\n" + strings.TrimPrefix(sb.String(), legacyHeader)
	g := gz(t, text)
	_, err = Scan(context.Background(), "t.csv.gz", bytes.NewReader(g[:len(g)/2]), func() billing.Sink { return &failSink{} }, Options{BlockSize: 1000})
	require.ErrorIs(t, err, ErrFieldCount)
	assert.True(t, strings.HasPrefix(err.Error(), "t.csv.gz:2: "), err.Error())
}
