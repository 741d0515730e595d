package costfile

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzScanCSV: the reader never panics, and the result (rows, or failing at all)
// does not depend on the number of workers or on where blocks are cut (B-1).
func FuzzScanCSV(f *testing.F) {
	f.Add(legacyHeader+legacyRow("1", "Usage", "2026-10-01T00:00:00Z", "p", "u", "o", "1", `"a,""b""`+"\n"+`c"`, "n", "AWS", "1", "g"), 7)
	f.Add("BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,Tags\n1,Usage,2026-10-01 00:00:00,1,S,AWS,\"{\"\"CmBillingGroup\"\": \"\"x\"\"}\"\n", 3)
	f.Add("line_item_usage_account_id,line_item_product_code,line_item_line_item_type,line_item_unblended_cost,line_item_usage_start_date\r\n1,p,Usage,NULL,2026-10-01T00:00:00+09:00\r\n", 1)
	f.Add("\xef\xbb\xbflineItem/UsageAccountId\n\"", 2)
	f.Add("BilledCost,ChargeCategory,ChargePeriodStart,BillingPeriodStart,SubAccountId,ServiceName,x_ServiceCode,ProviderName,PublisherName\n"+
		"1,Credit,2026-09-10T00:00:00Z,2026-10-01T00:00:00Z,1,Amazon Registrar,AmazonRegistrar,AWS,Red Hat Inc.\n"+
		"2,Usage,2026-10-10T00:00:00Z,NULL,1,Amazon S3,NULL,AWS,AWS\n", 5)
	f.Add("BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ServiceProviderName,HostProviderName,InvoiceIssuerName\n"+
		"1,Usage,2026-10-01 00:00:00,1,RHEL,Red Hat Inc.,Red Hat Inc.,\"Amazon Web Services, Inc.\"\n1,Usage,2026-10-01 00:00:00,1,VM,Oracle,,Oracle\n", 9)
	f.Add("lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,bill/BillingPeriodStartDate\n"+
		"1,Credit,2026-09-10T00:00:00Z,AmazonEC2,-5,2026-10-01T00:00:00Z\n1,Usage,2026-10-10T00:00:00Z,AmazonEC2,5,2026-13-01\n", 4)
	f.Fuzz(func(t *testing.T, text string, bs int) {
		bs = 1 + (bs&0xff)%64
		want, wst, werr := scanString(t, text, Options{Workers: 1})
		got, gst, gerr := scanString(t, text, Options{Workers: 3, BlockSize: bs})
		require.Equal(t, werr == nil, gerr == nil, "workers=1: %v; workers=3 block=%d: %v", werr, bs, gerr)
		if werr == nil {
			require.Equal(t, want, got)
			require.Equal(t, wst.Rows, gst.Rows)
			require.Equal(t, wst.SkippedByProvider, gst.SkippedByProvider)
		}
	})
}

// FuzzParseTimestamp: parsePeriod never panics, and agrees with the standard
// library's parse of the same text whenever its fast path accepts it (B-1).
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-10-01T00:00:00Z", "2026-10-01 00:00:00", "2024-02-29T23:59:59Z",
		"2026-04-01T08:59:00+09:00", "2026-10-01T00:00:00.123456Z", "9999-12-31 23:59:59", "0000-01-01T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePeriod([]byte(s))
		if err != nil {
			require.ErrorIs(t, err, ErrTimestamp)
			return
		}
		tm, err := parseTime([]byte(s))
		if err != nil { // fast path only: check against time.Parse with a fixed layout
			layout := "2006-01-02 15:04:05"
			if s[10] == 'T' {
				layout = "2006-01-02T15:04:05"
			}
			tm, err = time.Parse(layout, s[:19])
			require.NoError(t, err, s)
		}
		require.Equal(t, tm.UTC().Year(), p.Year(), s)
		require.Equal(t, tm.UTC().Month(), p.Month(), s)
	})
}
