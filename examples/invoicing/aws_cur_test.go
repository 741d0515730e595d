package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// awsCURSample is a real anonymized legacy CUR (FinOps Foundation, MIT), kept with
// its attribution in billing/costfile/testdata: 1,281 rows of November 2023 of one
// account, 12 of them Tax, timestamps with milliseconds, costs such as 1.81E-8.
const awsCURSample = "../../billing/costfile/testdata/aws_cur_sample.csv"

// TestB12_AWSCURSampleGolden (issue 7) invoices the real CUR sample with the command,
// on both cost bases, checks the golden output, and checks its money against an
// independent computation from the CSV (encoding/csv and big.Rat, none of the
// engine's code): the sum per product code of the Usage rows' cost column
// (lineItem/UnblendedCost, or pricing/publicOnDemandCost falling back to it when
// empty), the Tax rows excluded (B-4), each service line converted and rounded half
// up (B-10), the 10 % support fee as one more line (B-7), the tax floored once on the
// subtotal (B-11).
//
// By hand, from those sums (see testdata/README.md of billing/costfile for the
// sample):
//   - unblended, USD: charges 1.60230869740 (S3 1.3705653565, KMS 0.2305555574, EFS
//     0.0009452835, CloudTrail 0.00024, IoT 0.0000025; the other services 0 — free
//     tier), tax rows 0.08 excluded. Lines $1.37 + $0.23 + support fee
//     0.16023086974 → $0.16 (CloudTrail, EFS, IoT round to $0.00) = $1.76; tax
//     floor(0.176) = $0.17; total $1.93.
//   - public_on_demand, JPY at 150: charges 3.35617269490 at list price. Lines
//     CloudWatch 1.7343309718 × 150 = 260.15 → ¥260, S3 1.3708601348 × 150 = 205.63
//     → ¥206, KMS 0.2308525574 × 150 = 34.63 → ¥35, SQS 0.0185633241 × 150 = 2.78 →
//     ¥3, support fee 0.33561726949 × 150 = 50.34 → ¥50, the rest under ¥0.5 → ¥0:
//     subtotal ¥554, tax floor(55.4) = ¥55, total ¥609.
func TestB12_AWSCURSampleGolden(t *testing.T) {
	for _, tc := range []struct {
		name, config, golden string
		public               bool
		rate                 int64
		digits               int
		subtotal, tax, total string
	}{
		{"B3 unblended in USD", "testdata/aws_cur_config.json", "aws_cur_sample.golden.json", false, 1, 2, "1.76", "0.17", "1.93"},
		{"B3 public_on_demand in JPY", "testdata/aws_cur_public_config.json", "aws_cur_sample_public.golden.json", true, 150, 0, "554", "55", "609"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := invoke(t, "-config", tc.config, "-period", "2023-11", awsCURSample)
			require.Equal(t, 0, code, stderr)
			assert.Empty(t, stderr)
			golden(t, tc.golden, stdout)

			var doc struct {
				Warnings []string `json:"warnings"`
				Rows     struct {
					InPeriod      int64 `json:"in_period"`
					OutsidePeriod int64 `json:"outside_period"`
				} `json:"rows"`
				Invoices []struct {
					ChargesUSD  string `json:"charges_usd"`
					ExcludedUSD struct {
						Tax string `json:"tax"`
					} `json:"excluded_usd"`
					Subtotal string `json:"subtotal"`
					Tax      string `json:"tax"`
					Total    string `json:"total"`
					Lines    []struct {
						Kind    string `json:"kind"`
						Service string `json:"service"`
						Amount  string `json:"amount"`
					} `json:"lines"`
				} `json:"invoices"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
			assert.Empty(t, doc.Warnings, "a clean real CUR: no warning")
			assert.Equal(t, int64(1281), doc.Rows.InPeriod)
			assert.Zero(t, doc.Rows.OutsidePeriod)
			require.Len(t, doc.Invoices, 1)
			inv := doc.Invoices[0]
			assert.Equal(t, tc.subtotal, inv.Subtotal)
			assert.Equal(t, tc.tax, inv.Tax)
			assert.Equal(t, tc.total, inv.Total)

			// The independent computation.
			want := independentInvoice(t, awsCURSample, tc.public, big.NewRat(tc.rate, 1), tc.digits)
			assertRat(t, want.charges, inv.ChargesUSD, "charges")
			assertRat(t, want.excludedTax, inv.ExcludedUSD.Tax, "excluded tax")
			got := map[string]string{}
			for _, l := range inv.Lines {
				if l.Kind == "service" {
					got[l.Service] = l.Amount
				} else {
					got[l.Kind] = l.Amount
				}
			}
			assert.Equal(t, want.lines, got)
			assert.Equal(t, want.subtotal, inv.Subtotal)
			assert.Equal(t, want.tax, inv.Tax)
			assert.Equal(t, want.total, inv.Total)
		})
	}
}

// TestB1_AWSCURSampleLowercaseHeader (issue 7, item 7): the sample with its header
// lowercased, as Athena and several tools write it, gives the same invoices.
func TestB1_AWSCURSampleLowercaseHeader(t *testing.T) {
	raw, err := os.ReadFile(awsCURSample)
	require.NoError(t, err)
	nl := bytes.IndexByte(raw, '\n')
	lower := append(bytes.ToLower(raw[:nl:nl]), raw[nl:]...)
	p := filepath.Join(t.TempDir(), "athena.csv")
	require.NoError(t, os.WriteFile(p, lower, 0o600))
	strip := func(s string) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		delete(m, "files")
		return m
	}
	want, stderr, code := invoke(t, "-config", "testdata/aws_cur_public_config.json", "-period", "2023-11", awsCURSample)
	require.Equal(t, 0, code, stderr)
	got, stderr, code := invoke(t, "-config", "testdata/aws_cur_public_config.json", "-period", "2023-11", p)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, strip(want), strip(got))
}

// independent is an invoice of the sample computed apart from the engine.
type independent struct {
	charges, excludedTax *big.Rat
	lines                map[string]string // service (or "support_fee") → rounded amount
	subtotal, tax, total string
}

// independentInvoice computes the one-account invoice of a legacy CUR file from its
// text: see TestB12_AWSCURSampleGolden.
func independentInvoice(t *testing.T, path string, public bool, rate *big.Rat, digits int) independent {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	rat := func(s string) *big.Rat {
		r := new(big.Rat)
		if s == "" {
			return r
		}
		_, ok := r.SetString(s) // accepts exponents: 1.81E-8
		require.True(t, ok, "%q", s)
		return r
	}
	perService := map[string]*big.Rat{}
	out := independent{charges: new(big.Rat), excludedTax: new(big.Rat), lines: map[string]string{}}
	for _, r := range recs[1:] {
		cost := rat(r[col["lineItem/UnblendedCost"]])
		switch r[col["lineItem/LineItemType"]] {
		case "Tax":
			out.excludedTax.Add(out.excludedTax, cost)
		case "Usage":
			if p := r[col["pricing/publicOnDemandCost"]]; public && p != "" {
				cost = rat(p)
			}
			svc := r[col["lineItem/ProductCode"]]
			if perService[svc] == nil {
				perService[svc] = new(big.Rat)
			}
			perService[svc].Add(perService[svc], cost)
			out.charges.Add(out.charges, cost)
		default:
			t.Fatalf("unexpected line item type %q", r[col["lineItem/LineItemType"]])
		}
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
	// halfUp returns x rounded half up (away from zero) to digits, in units.
	halfUp := func(x *big.Rat) *big.Int {
		v := new(big.Rat).Mul(x, scale)
		neg := v.Sign() < 0
		v.Abs(v)
		v.Add(v, big.NewRat(1, 2))
		q := new(big.Int).Quo(v.Num(), v.Denom())
		if neg {
			q.Neg(q)
		}
		return q
	}
	format := func(units *big.Int) string { return new(big.Rat).SetFrac(units, scale.Num()).FloatString(digits) }
	subtotal := new(big.Int)
	addLine := func(name string, usd *big.Rat) {
		if usd.Sign() == 0 {
			return // a line of exactly zero is omitted
		}
		u := halfUp(new(big.Rat).Mul(usd, rate))
		out.lines[name] = format(u)
		subtotal.Add(subtotal, u)
	}
	for svc, amt := range perService {
		addLine(svc, amt)
	}
	addLine("support_fee", new(big.Rat).Mul(out.charges, big.NewRat(1, 10)))
	tax := new(big.Int).Div(subtotal, big.NewInt(10)) // floor of 10 % (the subtotal is positive)
	out.subtotal, out.tax = format(subtotal), format(tax)
	out.total = format(new(big.Int).Add(subtotal, tax))
	return out
}

func assertRat(t *testing.T, want *big.Rat, got, what string) {
	t.Helper()
	g, ok := new(big.Rat).SetString(got)
	require.True(t, ok, "%s %q", what, got)
	assert.Zero(t, want.Cmp(g), "%s: engine %s, independent %s", what, got, strings.TrimRight(strings.TrimRight(want.FloatString(20), "0"), "."))
}

// TestB1_CurrencyCLI (issue 7, item 1): a row in another currency than the configured
// one stops the command with one line naming the file, line, column and both
// currencies, and nothing on stdout; the configuration's cost_currency is a currency
// code the engine supports.
func TestB1_CurrencyCLI(t *testing.T) {
	dir := t.TempDir()
	cur := filepath.Join(dir, "nok.csv")
	require.NoError(t, os.WriteFile(cur, []byte("lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode\n"+
		"123412340534,Usage,2023-11-01T00:00:00.000Z,AmazonS3,10,USD\n"+
		"123412340534,Usage,2023-11-01T00:00:00.000Z,AmazonS3,30,NOK\n"), 0o600))
	stdout, stderr, code := invoke(t, "-config", "testdata/aws_cur_config.json", "-period", "2023-11", cur)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, cur+`:3: column lineItem/CurrencyCode: "NOK", the configuration expects USD`+"\n", stderr)

	raw, err := os.ReadFile("testdata/aws_cur_config.json")
	require.NoError(t, err)
	cfg := filepath.Join(dir, "nok.json")
	require.NoError(t, os.WriteFile(cfg, bytes.Replace(raw, []byte(`"tax":`), []byte(`"cost_currency": "NOK", "tax":`), 1), 0o600))
	_, stderr, code = invoke(t, "-config", cfg, "-period", "2023-11", awsCURSample)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `cost_currency "NOK" (B-1)`)
}
