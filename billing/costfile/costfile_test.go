package costfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// focusSample is the FinOps Foundation's FOCUS 1.0 sample (CC BY 4.0, see
// testdata/README.md).
const focusSample = "testdata/focus_sample.csv"

func TestB1_LegacyCUR(t *testing.T) {
	ec2 := row{Format: billing.FormatCURLegacy, Period: "2026-10", Account: "123456789012", ProductCode: "AmazonEC2",
		ProductName: "Amazon Elastic Compute Cloud", Type: "Usage", Usage: "APN1-BoxUsage:t3.micro", Op: "RunInstances",
		Ent: "AWS", Group: "teamA", Cost: "0.0136000000", Public: "0.0136000000"}
	r1 := legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "APN1-BoxUsage:t3.micro", "RunInstances",
		"0.0136000000", "plain description", "Amazon Elastic Compute Cloud", "AWS", "0.0136000000", "teamA")
	tests := []struct {
		name string
		text string
		want []row
	}{
		{"plain", legacyHeader + r1, []row{ec2}},
		{"no final newline", legacyHeader + strings.TrimSuffix(r1, "\n"), []row{ec2}},
		{"UTF-8 BOM and CRLF", "\xef\xbb\xbf" + strings.ReplaceAll(legacyHeader+r1, "\n", "\r\n"), []row{ec2}},
		{"blank lines are skipped", legacyHeader + "\n" + r1 + "\r\n", []row{ec2}},
		{"space timestamp form (B-1)", legacyHeader + strings.ReplaceAll(r1, "2026-10-01T00:00:00Z", "2026-10-01 00:00:00"), []row{ec2}},
		{"RFC 3339 offset converted to UTC (B-1)", legacyHeader + strings.ReplaceAll(r1, "2026-10-01T00:00:00Z", "2026-09-30T23:30:00.5-01:00"), []row{ec2}},
		{"NULL and empty are empty (B-1)",
			legacyHeader + legacyRow("123456789012", "Tax", "2026-10-05T00:00:00Z", "AmazonEC2", "NULL", "", "1.5", "Tax", "NULL", "AWS", "", "NULL"),
			[]row{{Format: billing.FormatCURLegacy, Period: "2026-10", Account: "123456789012", ProductCode: "AmazonEC2", Type: "Tax", Ent: "AWS", Cost: "1.5"}}},
		{"quoted comma, doubled quote and newline",
			legacyHeader + legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "APN1-BoxUsage:t3.micro", `"Run,Instances"`,
				"0.0136000000", "\"line one,\n\"\"two\"\"\r\nthree\"", `"Amazon ""Elastic"" Compute Cloud"`, "AWS", "0.0136000000", `"team,A"`),
			[]row{{Format: billing.FormatCURLegacy, Period: "2026-10", Account: "123456789012", ProductCode: "AmazonEC2",
				ProductName: `Amazon "Elastic" Compute Cloud`, Type: "Usage", Usage: "APN1-BoxUsage:t3.micro", Op: "Run,Instances",
				Ent: "AWS", Group: "team,A", Cost: "0.0136000000", Public: "0.0136000000"}}},
		{"quoted header and empty quoted field",
			`"lineItem/UsageAccountId","lineItem/LineItemType","lineItem/UsageStartDate","lineItem/ProductCode","lineItem/UnblendedCost"` + "\n" +
				`"123456789012","Credit","2026-10-31T23:59:59Z","","-5"` + "\n",
			[]row{{Format: billing.FormatCURLegacy, Period: "2026-10", Account: "123456789012", Type: "Credit", Cost: "-5"}}},
		{"any column order, unknown columns",
			"x/Unknown,lineItem/UnblendedCost,lineItem/ProductCode,lineItem/UsageStartDate,lineItem/LineItemType,lineItem/UsageAccountId,y\n" +
				"a,1.25,AmazonS3,2026-11-01 00:00:00,Usage,210987654321,b\n",
			[]row{{Format: billing.FormatCURLegacy, Period: "2026-11", Account: "210987654321", ProductCode: "AmazonS3", Type: "Usage", Cost: "1.25"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, opt := range []Options{{Workers: 1}, {Workers: 4, BlockSize: 7}} {
				got, st, err := scanString(t, tc.text, opt)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				assert.Equal(t, billing.FormatCURLegacy, st.Format)
				assert.Equal(t, int64(len(tc.want)), st.Rows)
				assert.Equal(t, int64(len(tc.text)), st.Bytes)
			}
		})
	}
}

func TestB1_CUR2CSV(t *testing.T) {
	header := "bill_billing_entity,line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date," +
		"line_item_product_code,line_item_usage_type,line_item_operation,line_item_unblended_cost,pricing_public_on_demand_cost,product,resource_tags\n"
	text := header +
		`AWS Marketplace,123456789012,Usage,2026-10-02T03:00:00Z,prod-abc,MP:Units,Run,12.5,,"{""product_name"": ""Red Hat Enterprise Linux""}","{""user_cm_billing_group"": ""g1"", ""user_name"": ""x""}"` + "\n" +
		`AWS,123456789012,Usage,2026-10-02 03:00:00,AmazonS3,APN1-TimedStorage-ByteHrs,PutObject,0.023,0.025,"{""region"": ""ap-northeast-1""}",{}` + "\n"
	got, st, err := scanString(t, text, Options{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, billing.FormatCUR2, st.Format)
	assert.Equal(t, []row{
		{Format: billing.FormatCUR2, Period: "2026-10", Account: "123456789012", ProductCode: "AmazonS3", Type: "Usage",
			Usage: "APN1-TimedStorage-ByteHrs", Op: "PutObject", Ent: "AWS", Cost: "0.023", Public: "0.025"},
		{Format: billing.FormatCUR2, Period: "2026-10", Account: "123456789012", ProductCode: "prod-abc", ProductName: "Red Hat Enterprise Linux",
			Type: "Usage", Usage: "MP:Units", Op: "Run", Ent: "AWS Marketplace", Group: "g1", Cost: "12.5"},
	}, got)
}

func TestB1_FOCUSSample(t *testing.T) {
	var c collector
	st, err := ScanFile(context.Background(), focusSample, c.newSink, Options{Workers: 2})
	require.NoError(t, err)
	rows := c.sorted()
	assert.Equal(t, billing.FormatFOCUS, st.Format)
	assert.Equal(t, int64(942), st.Rows, "942 AWS rows (testdata/README.md)")
	assert.Len(t, rows, 942)
	assert.Equal(t, int64(58), st.SkippedRows)
	assert.Equal(t, map[string]int64{"Microsoft": 51, "Oracle": 7}, st.SkippedByProvider)
	require.Len(t, st.Warnings, 1, "the sample has no x_ServiceCode")
	assert.Contains(t, st.Warnings[0], "x_ServiceCode")
	var market, credits int
	for _, r := range rows {
		assert.Equal(t, "2024-09", r.Period)
		assert.NotEmpty(t, r.Account)
		assert.Equal(t, r.ProductCode, r.ProductName)
		if r.Ent == "AWS Marketplace" {
			market++
		} else {
			assert.Equal(t, "AWS", r.Ent)
		}
		if r.Type == "Credit" {
			credits++
		}
	}
	assert.Equal(t, 1, market, "the one Red Hat Inc. row is Marketplace (B-8)")
	assert.Equal(t, 1, credits)
	// The first data row of the file, by hand.
	assert.Contains(t, rows, row{Format: billing.FormatFOCUS, Period: "2024-09", Bill: "2024-09", Account: "51738928782",
		ProductCode: "Amazon Simple Queue Service", ProductName: "Amazon Simple Queue Service", Type: "Usage",
		Usage: "G95FST5FTYV3JSRX", Ent: "AWS", Cost: "0.00000080000", Public: "0.00000080000"})

	// The same through gzip, and with 1 and 4 workers and tiny blocks.
	raw, err := os.ReadFile(focusSample)
	require.NoError(t, err)
	for _, opt := range []Options{{Workers: 1}, {Workers: 4, BlockSize: 1000}} {
		var c2 collector
		st2, err := Scan(context.Background(), "focus.csv.gz", bytes.NewReader(gz(t, string(raw))), c2.newSink, opt)
		require.NoError(t, err)
		assert.Equal(t, CompressionGzip, st2.Compression)
		assert.Equal(t, rows, c2.sorted())
		assert.Equal(t, st.SkippedByProvider, st2.SkippedByProvider)
	}
}

func TestB8_FOCUSMarketplaceAndB9_Tags(t *testing.T) {
	header := "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,PublisherName,ListCost,x_UsageType,x_Operation,SkuId,Tags\n"
	text := header +
		`1.00,Usage,2026-10-01T00:00:00Z,111111111111,Amazon EC2,AWS,"Amazon Web Services Japan G.K.",1.10,APN1-BoxUsage,RunInstances,SKU1,"{""user:CmBillingGroup"": ""blue""}"` + "\n" +
		`2.00,Usage,2026-10-01T00:00:00Z,111111111111,RHEL,AWS,Red Hat Inc.,NULL,NULL,NULL,SKU2,"{""CmBillingGroup"": ""red"", ""env"": ""prod""}"` + "\n" +
		`3.00,Usage,2026-10-01T00:00:00Z,111111111111,Amazon S3,AWS,NULL,,,,SKU3,NULL` + "\n" +
		`4.00,Usage,2026-10-01T00:00:00Z,111111111111,VM,Microsoft,Microsoft,,,,SKU4,NULL` + "\n"
	got, st, err := scanString(t, text, Options{})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"Microsoft": 1}, st.SkippedByProvider)
	assert.Equal(t, []row{
		{Format: billing.FormatFOCUS, Period: "2026-10", Account: "111111111111", ProductCode: "Amazon EC2", ProductName: "Amazon EC2",
			Type: "Usage", Usage: "APN1-BoxUsage", Op: "RunInstances", Ent: "AWS", Group: "blue", Cost: "1.00", Public: "1.10"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Account: "111111111111", ProductCode: "Amazon S3", ProductName: "Amazon S3",
			Type: "Usage", Usage: "SKU3", Ent: "AWS", Cost: "3.00"},
		{Format: billing.FormatFOCUS, Period: "2026-10", Account: "111111111111", ProductCode: "RHEL", ProductName: "RHEL",
			Type: "Usage", Usage: "SKU2", Ent: "AWS Marketplace", Group: "red", Cost: "2.00"},
	}, got)
}

func TestB1_Gzip(t *testing.T) {
	text := legacyHeader + legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", "1", "d", "n", "AWS", "1", "")
	want, _, err := scanString(t, text, Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	p := filepath.Join(dir, "cur.csv.gz")
	require.NoError(t, os.WriteFile(p, gz(t, text), 0o600))
	var c collector
	st, err := ScanFile(context.Background(), p, c.newSink, Options{})
	require.NoError(t, err)
	assert.Equal(t, CompressionGzip, st.Compression)
	assert.Equal(t, int64(len(text)), st.Bytes)
	assert.Equal(t, want, c.sorted())

	// Two concatenated gzip members read as one stream.
	var c2 collector
	two := append(gz(t, legacyHeader), gz(t, strings.TrimPrefix(text, legacyHeader))...)
	_, err = Scan(context.Background(), "two.gz", bytes.NewReader(two), c2.newSink, Options{})
	require.NoError(t, err)
	assert.Equal(t, want, c2.sorted())
}

type failSink struct{ n int }

var errSinkFull = errors.New("sink refuses")

func (f *failSink) Add(li *billing.LineItem) error {
	f.n++
	if string(li.Cost) == "bad" {
		return errSinkFull
	}
	return nil
}

func TestB1_Errors(t *testing.T) {
	good := legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", "1", "d", "n", "AWS", "1", "")
	withCost := func(c string) string {
		return legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", c, "d", "n", "AWS", "1", "")
	}
	tests := []struct {
		name   string
		input  []byte
		is     error
		prefix string // start of Error()
	}{
		{"ragged row names file:line", []byte(legacyHeader + good + "\"multi\nline\"," + good + good), ErrFieldCount, "test.csv:3: costfile: wrong number of fields: 24 fields, the header has 23"},
		{"ragged row after a quoted newline", []byte(legacyHeader + withCost(`"a`+"\n"+`b"`) + "a,b\n"), ErrFieldCount, "test.csv:4: "},
		{"bare quote", []byte(legacyHeader + good + strings.Replace(good, "d,n", `d"x,n`, 1)), ErrQuote, "test.csv:3: column lineItem/LineItemDescription: costfile: bad quoting"},
		{"text after closing quote", []byte(legacyHeader + strings.Replace(good, ",d,", `,"d"x,`, 1)), ErrQuote, "test.csv:2: column lineItem/LineItemDescription: "},
		{"unterminated quote", []byte(legacyHeader + good + strings.Replace(good, ",d,", `,"d,`, 1)), ErrQuote, "test.csv:3: "},
		{"unknown header", []byte("a,b,c\n1,2,3\n"), ErrUnknownFormat, "test.csv:1: costfile: unknown cost file format"},
		{"empty input", nil, ErrUnknownFormat, "test.csv:1: "},
		{"missing required column", []byte("lineItem/UsageAccountId,lineItem/LineItemType\n1,2\n"), ErrMissingColumn, `test.csv:1: column lineItem/ProductCode: costfile: missing required column`},
		{"malformed timestamp", []byte(legacyHeader + good + strings.ReplaceAll(good, "2026-10-01T00:00:00Z", "2026-13-01T00:00:00Z")), ErrTimestamp,
			`test.csv:3: column lineItem/UsageStartDate: "2026-13-01T00:00:00Z" is not a timestamp: want YYYY-MM-DDTHH:MM:SSZ`},
		{"empty timestamp", []byte(legacyHeader + strings.ReplaceAll(good, "2026-10-01T00:00:00Z", "")), ErrTimestamp, `test.csv:2: column lineItem/UsageStartDate: empty, but a usage start is required (B-1)`},
		{"sink error is wrapped", []byte(legacyHeader + good + good + withCost("bad")), errSinkFull, "test.csv:4: sink refuses"},
		{"broken gzip", gz(t, legacyHeader+good)[:30], ErrCompressed, "test.csv"},
		{"not gzip after magic", []byte{0x1f, 0x8b, 0, 0, 0, 0}, ErrCompressed, "test.csv: costfile: broken gzip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 16}} {
				_, err := Scan(context.Background(), "test.csv", bytes.NewReader(tc.input), func() billing.Sink { return &failSink{} }, opt)
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.is)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, "test.csv", e.File)
				assert.True(t, strings.HasPrefix(err.Error(), tc.prefix), "%q does not start with %q", err.Error(), tc.prefix)
			}
		})
	}
}

func TestB1_MissingFile(t *testing.T) {
	_, err := ScanFile(context.Background(), "/nonexistent/cur.csv", func() billing.Sink { return &failSink{} }, Options{})
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "/nonexistent/cur.csv")
}

func TestB1_ContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := legacyHeader + strings.Repeat(legacyRow("1", "Usage", "2026-10-01T00:00:00Z", "p", "u", "o", "1", "d", "n", "AWS", "1", ""), 100)
	_, err := Scan(ctx, "t.csv", strings.NewReader(text), func() billing.Sink { return &failSink{} }, Options{BlockSize: 64})
	require.ErrorIs(t, err, context.Canceled)
}

// TestB1_BlocksAndWorkers: the result never depends on where blocks are cut — even
// inside a quoted field holding newlines — nor on the number of workers.
func TestB1_BlocksAndWorkers(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(legacyHeader)
	for i := range 300 {
		desc := "plain"
		switch i % 4 {
		case 1:
			desc = "\"with, comma and \"\"quotes\"\"\""
		case 2:
			desc = "\"two\nlines\r\nand three\""
		}
		sb.WriteString(legacyRow("12345678901"+string(rune('0'+i%10)), "Usage", "2026-10-01T00:00:00Z", "AmazonEC2",
			"u", "o", "0.00"+strings.Repeat("1", i%7+1), desc, "n", "AWS", "1", string(rune('a'+i%3))))
	}
	text := sb.String()
	want, st, err := scanString(t, text, Options{Workers: 1})
	require.NoError(t, err)
	require.Len(t, want, 300)
	require.Equal(t, int64(300), st.Rows)
	for _, bs := range []int{1, 2, 3, 5, 8, 13, 64, 100, 333, 4096} {
		for _, w := range []int{1, 4} {
			got, _, err := scanString(t, text, Options{Workers: w, BlockSize: bs})
			require.NoError(t, err)
			require.Equal(t, want, got, "block size %d, workers %d", bs, w)
		}
	}
	// A ragged row is reported at the same physical line whatever the cut.
	bad := text + "x,y\n"
	for _, bs := range []int{1, 50, 4096} {
		_, _, err := scanString(t, bad, Options{Workers: 4, BlockSize: bs})
		require.ErrorIs(t, err, ErrFieldCount)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, int64(1+300+75+75+1), e.Line)
	}
}

func TestB1_RecordTooLong(t *testing.T) {
	text := legacyHeader + strings.Repeat("x", 500) + "\n"
	_, _, err := scanString(t, text, Options{BlockSize: 16, MaxRecordSize: 100})
	require.ErrorIs(t, err, ErrRecordTooLong)
}

func TestB1_ParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want string // period, or "" for an error
	}{
		{"2026-10-01T00:00:00Z", "2026-10"},
		{"2026-10-31 23:59:59", "2026-10"},
		{"2026-03-31T23:59:59.999Z", "2026-03"},
		{"2026-04-01T08:59:00+09:00", "2026-03"}, // the seed case: 04/01 08:59 JST is March
		{"2024-02-29T00:00:00Z", "2024-02"},
		{"2023-02-29T00:00:00Z", ""},
		{"2026-10-01T24:00:00Z", ""},
		{"2026-10-01", ""},
		{"", ""},
		{"2026-1O-01T00:00:00Z", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := parsePeriod([]byte(tc.in))
			if tc.want == "" {
				require.ErrorIs(t, err, ErrTimestamp)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.String())
		})
	}
}
