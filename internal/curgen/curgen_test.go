package curgen

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func generate(t testing.TB, cfg Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := Write(&buf, cfg)
	require.NoError(t, err)
	require.Equal(t, cfg.Rows, n)
	return buf.Bytes()
}

func readAll(t testing.TB, data []byte) (header []string, rows [][]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data)) // FieldsPerRecord 0: every row must match the header
	all, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	return all[0], all[1:]
}

func TestWrite_DeterministicForSeed(t *testing.T) {
	a := generate(t, Config{Rows: 3000, Seed: 7})
	b := generate(t, Config{Rows: 3000, Seed: 7})
	c := generate(t, Config{Rows: 3000, Seed: 8})
	assert.Equal(t, sha256.Sum256(a), sha256.Sum256(b), "same seed must write the same bytes")
	assert.NotEqual(t, sha256.Sum256(a), sha256.Sum256(c), "another seed must write other rows")
}

func TestB1_LegacyHeaderAndFieldCount(t *testing.T) {
	header, rows := readAll(t, generate(t, Config{Rows: 5000, Seed: 1}))
	assert.GreaterOrEqual(t, len(header), 100)
	require.Len(t, rows, 5000)
	for _, c := range []string{
		"identity/LineItemId", "bill/BillingEntity", "bill/PayerAccountId",
		"lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate",
		"lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
		"lineItem/UnblendedCost", "product/ProductName", "pricing/publicOnDemandCost",
		"resourceTags/user:CmBillingGroup",
	} {
		assert.Contains(t, header, c)
	}
	for i, row := range rows {
		require.Len(t, row, len(header), "row %d", i)
	}
}

func TestWrite_AboutEightHundredBytesPerRow(t *testing.T) {
	const n = 20000
	data := generate(t, Config{Rows: n, Seed: 3})
	per := len(data) / n
	assert.GreaterOrEqual(t, per, 700, "bytes per row")
	assert.LessOrEqual(t, per, 900, "bytes per row")
}

// parseCost parses generated cost text into 1e-10 units, failing on anything but
// plain decimal text with at most 10 fractional digits.
func parseCost(t testing.TB, s string) int64 {
	t.Helper()
	require.NotContains(t, s, "e")
	require.NotContains(t, s, "E")
	d, err := decimal.NewFromString(s)
	require.NoError(t, err, s)
	require.GreaterOrEqual(t, d.Exponent(), int32(-CostScale), "more than 10 fractional digits: %s", s)
	return d.Shift(CostScale).IntPart()
}

func TestB2_LineItemTypesAndRealShares(t *testing.T) {
	var observed []Row
	data := generate(t, Config{Rows: 60000, Seed: 11, Observe: func(r *Row) { observed = append(observed, *r) }})
	header, rows := readAll(t, data)
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	count := map[string]int{}
	entities := map[string]int{}
	products := map[string]bool{}
	for i, row := range rows {
		typ := row[idx["lineItem/LineItemType"]]
		count[typ]++
		entities[row[idx["bill/BillingEntity"]]]++
		products[row[idx["lineItem/ProductCode"]]] = true
		// The Observe view matches the CSV row.
		o := observed[i]
		assert.Equal(t, o.LineItemType, typ)
		assert.Equal(t, o.AccountID, row[idx["lineItem/UsageAccountId"]])
		assert.Equal(t, o.ProductCode, row[idx["lineItem/ProductCode"]])
		assert.Equal(t, o.BillingEntity, row[idx["bill/BillingEntity"]])
		assert.Equal(t, o.BillingGroup, row[idx["resourceTags/user:CmBillingGroup"]])
		require.Equal(t, o.Cost, parseCost(t, row[idx["lineItem/UnblendedCost"]]), "row %d", i)
		if o.HasPublicCost {
			require.Equal(t, o.PublicCost, parseCost(t, row[idx["pricing/publicOnDemandCost"]]))
		}
		acct := row[idx["lineItem/UsageAccountId"]]
		require.Len(t, acct, 12)
	}
	for _, typ := range []string{"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation",
		"Fee", "RIFee", "Credit", "Refund", "Tax", "EdpDiscount", "BundledDiscount", "SavingsPlanRecurringFee",
		"PrivateRateDiscount"} {
		assert.Positive(t, count[typ], typ)
	}
	assert.Greater(t, count["Usage"], len(rows)*3/4, "mostly Usage")
	assert.Equal(t, count["SavingsPlanCoveredUsage"], count["SavingsPlanNegation"])
	assert.Positive(t, entities["AWS Marketplace"])
	for _, p := range []string{"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSSupportBusiness", "AmazonRegistrar", "AmazonRoute53", "AWSLambda"} {
		assert.True(t, products[p], p)
	}
	assert.GreaterOrEqual(t, len(products), 25, "many services")
}

func TestB3_SavingsPlanNegationNetsCoveredUsage(t *testing.T) {
	var rows []Row
	_ = generate(t, Config{Rows: 20000, Seed: 5, Observe: func(r *Row) { rows = append(rows, *r) }})
	pairs := 0
	for i, r := range rows {
		if r.LineItemType != "SavingsPlanNegation" {
			continue
		}
		require.Positive(t, i)
		prev := rows[i-1]
		require.Equal(t, "SavingsPlanCoveredUsage", prev.LineItemType)
		assert.Equal(t, prev.AccountID, r.AccountID)
		assert.Equal(t, prev.UsageType, r.UsageType)
		assert.Equal(t, int64(0), prev.Cost+r.Cost)
		pairs++
	}
	assert.Positive(t, pairs)
}

func TestB9_CmBillingGroupOnSomeRows(t *testing.T) {
	tagged, total := 0, 0
	_ = generate(t, Config{Rows: 10000, Seed: 2, Observe: func(r *Row) {
		total++
		if r.BillingGroup != "" {
			tagged++
		}
	}})
	assert.Greater(t, tagged, total/10)
	assert.Less(t, tagged, total*2/3)
}

func TestB1_QuotedDescriptions(t *testing.T) {
	data := generate(t, Config{Rows: 60000, Seed: 9})
	header, rows := readAll(t, data)
	d := -1
	for i, h := range header {
		if h == "lineItem/LineItemDescription" {
			d = i
		}
	}
	require.GreaterOrEqual(t, d, 0)
	var comma, quote, newline int
	for _, row := range rows {
		s := row[d]
		if strings.Contains(s, ",") {
			comma++
		}
		if strings.Contains(s, `"`) {
			quote++
		}
		if strings.Contains(s, "\n") {
			newline++
		}
	}
	assert.Positive(t, comma)
	assert.Positive(t, quote)
	assert.Positive(t, newline)
	assert.Contains(t, string(data), `""Activate""`, "doubled quotes in the raw CSV")
}

func TestB16_PeriodIsOneUTCMonth(t *testing.T) {
	start := time.Date(2025, time.February, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	tests := []struct {
		name    string
		outside float64
		wantOut bool
	}{
		{"none outside", -1, false},
		{"some outside", 0.05, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := 0
			_ = generate(t, Config{Rows: 5000, Seed: 4, Year: 2025, Month: time.February, OutsideFraction: tt.outside,
				Observe: func(r *Row) {
					u := r.UsageStart
					if u.Before(start) || !u.Before(end) {
						out++
						assert.True(t, !u.Before(start.AddDate(0, 0, -1)) && u.Before(end.AddDate(0, 0, 1)), u)
					}
				}})
			assert.Equal(t, tt.wantOut, out > 0, "rows outside: %d", out)
		})
	}
}

func TestAccountIDs_StableAndDistinct(t *testing.T) {
	a := AccountIDs(48)
	b := AccountIDs(10)
	assert.Equal(t, a[:10], b, "a prefix does not depend on n")
	seen := map[string]bool{}
	for _, id := range a {
		assert.Len(t, id, 12)
		assert.False(t, seen[id])
		assert.NotEqual(t, PayerAccountID, id)
		seen[id] = true
	}
}

func TestAppendDecimal(t *testing.T) {
	tests := []struct {
		v     int64
		scale int
		trim  bool
		want  string
	}{
		{0, 10, true, "0.0"},
		{0, 10, false, "0.0000000000"},
		{1, 10, true, "0.0000000001"},
		{-1, 10, true, "-0.0000000001"},
		{1_160_000_000, 10, true, "0.116"},
		{1_160_000_000, 10, false, "0.1160000000"},
		{123_4567890123, 10, true, "123.4567890123"},
		{-50_000_000_000, 10, true, "-5.0"},
		{42, 0, true, "42"},
		{1_000_000, 6, true, "1.0"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendDecimal(nil, tt.v, tt.scale, tt.trim)), "%d/%d", tt.v, tt.scale)
	}
}

func FuzzAppendDecimal(f *testing.F) {
	for _, s := range []int64{0, 1, -1, 9_999_999_999, -123_4567890123, 1 << 62} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, v int64, trim bool) {
		if v == -1<<63 {
			return
		}
		got := string(appendDecimal(nil, v, CostScale, trim))
		d, err := decimal.NewFromString(got)
		require.NoError(t, err)
		require.True(t, d.Equal(decimal.New(v, -CostScale)), "%d → %s", v, got)
	})
}

func TestCostOfRoundsHalfUp(t *testing.T) {
	tests := []struct{ rate, amount, want int64 }{
		{1_088_0000, 1_000_000, 1_088_000_000}, // $0.1088 × 1 h
		{1, 5_000, 1},                          // 0.5e-10 rounds up
		{1, 4_999, 0},
		{-1, 5_000, -1},
		{3_000_000_000, 10_000_000_000_000, 3_000_000_000_000_000_000}, // large, no overflow
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, costOf(tt.rate, tt.amount), "%d×%d", tt.rate, tt.amount)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"negative rows", Config{Rows: -1}},
		{"bad month", Config{Rows: 1, Month: 13}},
		{"negative accounts", Config{Rows: 1, Accounts: -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Write(&buf, tt.cfg)
			require.Error(t, err)
			assert.Zero(t, buf.Len(), "nothing written on a config error")
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWrite_ReportsWriterError(t *testing.T) {
	_, err := Write(failWriter{}, Config{Rows: 5000})
	require.ErrorContains(t, err, "disk full")
	_, err = Write(io.Discard, Config{Rows: 10})
	require.NoError(t, err)
}

func TestCatalogBreadth(t *testing.T) {
	services, usageTypes := map[string]bool{}, map[string]bool{}
	for _, s := range catalog {
		services[s.code] = true
		usageTypes[s.usageType+"|"+s.operation] = true
	}
	t.Logf("%d catalog services, %d usage type+operation pairs", len(services), len(usageTypes))
	assert.GreaterOrEqual(t, len(services), 25)
	assert.GreaterOrEqual(t, len(usageTypes), 100)
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkWrite(b *testing.B) {
	const rows = 10000
	var c countWriter
	for b.Loop() {
		if _, err := Write(&c, Config{Rows: rows, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(c.n / int64(b.N))
}

func TestB16_OutsideRowsCarryTheirOwnBillingPeriod(t *testing.T) {
	header, rows := readAll(t, generate(t, Config{Rows: 4000, Seed: 6, OutsideFraction: 0.05}))
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	outside := 0
	for _, row := range rows {
		start := row[idx["lineItem/UsageStartDate"]]
		bp := row[idx["bill/BillingPeriodStartDate"]]
		require.Equal(t, start[:7]+"-01T00:00:00Z", bp, "usage %s billed in %s", start, bp)
		if !strings.HasPrefix(start, "2026-10") {
			outside++
		}
	}
	assert.Positive(t, outside)
}
