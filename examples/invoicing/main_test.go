package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// focusSample is the FinOps Foundation's FOCUS 1.0 sample (CC BY 4.0), kept with its
// attribution in billing/costfile/testdata.
const focusSample = "../../billing/costfile/testdata/focus_sample.csv"

func invoke(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

// TestSmoke_CURLegacy runs the command in-process on hand-written legacy CUR files
// (BOM, quoted commas, quotes and newlines, NULL, both timestamp forms of B-1, an
// unknown type, an unassigned account, a row of another month) and checks the golden
// output; the amounts of proj-a are the hand-computed ones of billing.TestB12_Invoice.
func TestSmoke_CURLegacy(t *testing.T) {
	stdout, stderr, code := invoke(t, "-config", "testdata/config.json", "-period", "2026-10", "testdata/cur_small.csv", "testdata/cur_part2.csv")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	golden(t, "cur_small.golden.json", stdout)

	var doc struct {
		Invoices []struct {
			ProjectID string `json:"project_id"`
			Subtotal  string `json:"subtotal"`
			Tax       string `json:"tax"`
			Total     string `json:"total"`
		} `json:"invoices"`
		Unassigned []struct {
			AccountID string `json:"account_id"`
		} `json:"unassigned_accounts"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Invoices, 2)
	assert.Equal(t, "60862", doc.Invoices[0].Subtotal) // B-12
	assert.Equal(t, "6086", doc.Invoices[0].Tax)       // B-11: floor, once
	assert.Equal(t, "66948", doc.Invoices[0].Total)
	require.Len(t, doc.Unassigned, 1)
	assert.Equal(t, "999999999999", doc.Unassigned[0].AccountID)
}

// TestSmoke_FOCUSSample runs the command on the real FOCUS sample (B-1, 2024-09).
func TestSmoke_FOCUSSample(t *testing.T) {
	stdout, stderr, code := invoke(t, "-config", "testdata/focus_config.json", "-period", "2024-09", focusSample)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	golden(t, "focus_sample.golden.json", stdout)
	assert.Contains(t, stdout, "skipped 58 FOCUS rows whose ProviderName is not AWS (Microsoft: 51, Oracle: 7)")
}

// TestB3_CostBasisCLI: a project with "cost_basis": "public_on_demand" is charged the
// list price (pricing/publicOnDemandCost): proj-b's Savings Plans covered usage at its
// public 1200 instead of the netted usage plus the 730 commitment fee.
func TestB3_CostBasisCLI(t *testing.T) {
	data, err := os.ReadFile("testdata/config.json")
	require.NoError(t, err)
	cfg := strings.Replace(string(data), `"id": "proj-b",`, `"id": "proj-b", "cost_basis": "public_on_demand",`, 1)
	require.NotEqual(t, string(data), cfg)
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o644))
	stdout, stderr, code := invoke(t, "-config", path, "-period", "2026-10", "testdata/cur_small.csv", "testdata/cur_part2.csv")
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Invoices []struct {
			CostBasis  string `json:"cost_basis"`
			ChargesUSD string `json:"charges_usd"`
			CreditsUSD string `json:"credits_usd"`
		} `json:"invoices"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Invoices, 2)
	assert.Equal(t, "unblended", doc.Invoices[0].CostBasis)
	assert.Equal(t, "373.88", doc.Invoices[0].ChargesUSD) // unchanged
	assert.Equal(t, "public_on_demand", doc.Invoices[1].CostBasis)
	assert.Equal(t, "-2.5", doc.Invoices[1].CreditsUSD) // credits stay unblended
	// 1e-10 (Usage) + 1200 (covered usage at list) + 0 (negation) + 0 (SP fee) + 1.5e-7
	// (unknown type, no public cost: unblended) + 8e-7 (cur_part2, no public column).
	assert.Equal(t, "1200.0000009501", doc.Invoices[1].ChargesUSD)
}

// TestProperty_FileOrderAndWorkers: the order of the files and the number of workers
// change nothing in the output but the files list.
func TestProperty_FileOrderAndWorkers(t *testing.T) {
	strip := func(s string) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		delete(m, "files")
		assert.ElementsMatch(t, []string{"testdata/cur_small.csv: " + noCurrency, "testdata/cur_part2.csv: " + noCurrency}, takeNoCurrency(m))
		return m
	}
	base, stderr, code := invoke(t, "-config", "testdata/config.json", "-period", "2026-10", "testdata/cur_small.csv", "testdata/cur_part2.csv")
	require.Equal(t, 0, code, stderr)
	for _, args := range [][]string{
		{"-workers", "1", "testdata/cur_part2.csv", "testdata/cur_small.csv"},
		{"-workers", "3", "testdata/cur_small.csv", "testdata/cur_part2.csv"},
		{"-parallel", "1", "testdata/cur_small.csv", "testdata/cur_part2.csv"},
		{"-parallel", "2", "-workers", "1", "testdata/cur_part2.csv", "testdata/cur_small.csv"},
	} {
		got, stderr, code := invoke(t, append([]string{"-config", "testdata/config.json", "-period", "2026-10"}, args...)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, strip(base), strip(got), "%v", args)
	}
}

func TestErrors_OneLineNothingOnStdout(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	brokenGzip := write("broken.csv.gz", "\x1f\x8b\x08\x00garbage-not-deflate")
	cfg := func(body string) string { return write("cfg.json", body) }
	issuer := `"issuer": {"name": "R", "registration_number": "T1234567890123"},`
	project := func(extra string) string {
		return `{` + issuer + `
"projects": [{"id": "a", "currency": "JPY", "exchange_rate": "150",
  "accounts": ["123456789012"]` + extra + `}]}`
	}
	for _, tc := range []struct {
		name   string
		args   func() []string
		prefix string
		want   string
	}{
		{"B1 missing file", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "testdata/nope.csv"}
		}, "testdata/nope.csv: open: ", "no such file"},
		{"broken gzip", func() []string { return []string{"-config", "testdata/config.json", "-period", "2026-10", brokenGzip} }, brokenGzip, "gzip"},
		{"unknown header", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "testdata/unknown_header.csv"}
		}, "testdata/unknown_header.csv:1:", "unknown cost file format"},
		{"malformed number", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "testdata/bad_number.csv"}
		}, "testdata/bad_number.csv:3:", `column lineItem/UnblendedCost: "1.0.5" is not a decimal number`},
		{"B1 cost out of range", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", write("big.csv",
				"lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"+
					"123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,1.5E-7\n"+
					"123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,1e400\n")}
		}, filepath.Join(dir, "big.csv") + ":3:", `column lineItem/UnblendedCost: "1e400" is out of range`},
		{"B1 cost with too many fractional digits", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", write("fine.csv",
				"lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"+
					"123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,0.0000000000000000000000000000001\n")}
		}, filepath.Join(dir, "fine.csv") + ":2:", "at most 30 fractional digits"},
		{"ragged row", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "testdata/ragged.csv"}
		}, "testdata/ragged.csv:3:", "fields"},
		{"bad period", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-13", "testdata/cur_small.csv"}
		}, "invoicing: -period", "YYYY-MM"},
		{"no files", func() []string { return []string{"-config", "testdata/config.json", "-period", "2026-10"} }, "invoicing: usage", ""},
		{"unknown flag", func() []string { return []string{"-bogus"} }, "invoicing:", "bogus"},
		{"missing config", func() []string {
			return []string{"-config", "testdata/none.json", "-period", "2026-10", "testdata/cur_small.csv"}
		}, "open testdata/none.json", ""},
		{"unknown scope", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [{"scope": "region", "type": "discount", "percent": "1"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:4:", `projects[0].pricing_rules[0].scope "region" (B-5): want global, billing_entity, service or sku`},
		{"unknown type", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [{"scope": "global", "type": "rebate", "percent": "1"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:4:", `projects[0].pricing_rules[0].type "rebate" (B-5): want discount or markup`},
		{"percent with 3 decimals", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "discount",
     "percent": "12.555"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `projects[0].pricing_rules[0].percent "12.555" (B-5): at most 2 decimals as written`},
		{"B5 percent trailing zero past 2 decimals", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "discount",
     "percent": "12.500"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `projects[0].pricing_rules[0].percent "12.500" (B-5): at most 2 decimals as written`},
		{"B5 percent missing", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "service", "service": "AmazonEC2",
     "type": "markup"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:5:", `projects[0].pricing_rules[0].percent "" (B-5): required`},
		{"B5 target field not used by scope", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "markup", "percent": "5",
     "service": "AmazonEC2"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `projects[0].pricing_rules[0].service "AmazonEC2" (B-5): not used by scope global`},
		{"B5 empty percent", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "markup",
     "percent": ""}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `projects[0].pricing_rules[0].percent "" (B-5): "": money: not a decimal number`},
		{"B5 unknown field in a pricing rule", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "markup", "percent": "5",
     "extra": 1}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `unknown field "extra"`},
		{"B12 registration number missing", func() []string {
			return []string{"-config", cfg(`{
 "issuer": {"name": "R"},
 "projects": [{"id": "a", "currency": "USD", "accounts": []}]}`), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:2:", `issuer.registration_number "" (B-12): want "T" followed by 13 digits`},
		{"B1 percent out of range", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "markup",
     "percent": "1e400"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `projects[0].pricing_rules[0].percent "1e400" (B-5): "1e400": money: out of range`},
		{"config wrong kind", func() []string {
			return []string{"-config", cfg(project(`,
  "pricing_rules": [
    {"scope": "global", "type": "markup", "percent": "5",
     "service": 7}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:6:", `cannot unmarshal number`},
		{"account in two projects", func() []string {
			return []string{"-config", cfg(`{` + issuer + `
"projects": [{"id": "a", "currency": "USD", "accounts": ["123456789012"]},
  {"id": "b", "currency": "USD",
   "accounts": ["123456789012"]}]}`), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:4:", `projects[1].accounts[0] "123456789012" (M-3): account already in project a`},
		{"malformed registration number", func() []string {
			return []string{"-config", cfg(`{"issuer": {"name": "R",
 "registration_number": "T123"}, "projects": [{"id": "a", "currency": "USD", "accounts": []}]}`), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:2:", `issuer.registration_number "T123" (B-12): want "T" followed by 13 digits`},
		{"unknown config field", func() []string {
			return []string{"-config", cfg(project(`, "discount": "5"`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:3:", `unknown field "discount"`},
		{"config syntax", func() []string {
			return []string{"-config", cfg("{\n\"issuer\": {,\n}"), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:2:", "invalid character"},
		{"unknown cost basis", func() []string {
			return []string{"-config", cfg(project(`,
  "cost_basis": "blended"`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:4:", `projects[0].cost_basis "blended" (B-3): want unblended or public_on_demand`},
		{"config bad decimal", func() []string {
			return []string{"-config", cfg(`{` + issuer + `
"projects": [{"id": "a", "currency": "JPY",
  "accounts": ["123456789012"], "exchange_rate": "1,5"}]}`), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:3:", `projects[0].exchange_rate "1,5" (B-10): "1,5": money: not a decimal number`},
		{"config key given twice", func() []string {
			return []string{"-config", cfg(project(`, "exchange_rate": "149"`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:3:", `projects[0].exchange_rate "": field given twice`},
		{"config every problem counted", func() []string {
			return []string{"-config", cfg(project(`,
  "cost_basis": "blended", "conversion": "daily", "extra": 1`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:4:", `projects[0].cost_basis "blended" (B-3): want unblended or public_on_demand (and 2 more problems)`},
		{"B6 custom item month before 2000", func() []string {
			return []string{"-config", cfg(project(`,
  "custom_items": [{"description": "x", "type": "fee", "amount_usd": "1",
    "start": "1999-12"}]`)), "-period", "2026-10", "testdata/cur_small.csv"}
		}, "cfg.json:5:", `projects[0].custom_items[0].start "1999-12" (B-6): month "1999-12": months before 2000 are refused`},
		{"B1 period before 2000", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "1999-12", "testdata/cur_small.csv"}
		}, "invoicing: -period", "months before 2000 are refused"},
		{"workers past the bound", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "-workers", "100000", "testdata/cur_small.csv"}
		}, "invoicing: -workers 100000", "want 1..256"},
		{"negative workers", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "-workers", "-1", "testdata/cur_small.csv"}
		}, "invoicing: -workers -1", "want 1..256"},
		{"negative parallel", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "-parallel", "-1", "testdata/cur_small.csv"}
		}, "invoicing: -parallel -1", "want 1..8"},
		{"parallel beyond billing.MaxParallelInputs", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", "-parallel", "9", "testdata/cur_small.csv"}
		}, "invoicing: -parallel 9", "want 1..8"},
		{"config over the size limit", func() []string {
			return []string{"-config", write("huge.json", `{"issuer": {"name": "`+strings.Repeat("x", billing.MaxConfigSize)+`"}}`), "-period", "2026-10", "testdata/cur_small.csv"}
		}, filepath.Join(dir, "huge.json") + ": ", "larger than 10 MiB"},
		{"B1 gzip of 2 bytes", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", write("two.csv.gz", "\x1f\x8b")}
		}, filepath.Join(dir, "two.csv.gz") + ": ", "costfile: broken gzip stream"},
		{"B1 truncated Parquet", func() []string {
			return []string{"-config", "testdata/config.json", "-period", "2026-10", truncatedParquet(t, dir)}
		}, filepath.Join(dir, "cut.parquet") + ": ", "costfile: unreadable Parquet file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := invoke(t, tc.args()...)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			require.True(t, strings.HasSuffix(stderr, "\n"), "stderr %q", stderr)
			line := strings.TrimSuffix(stderr, "\n")
			assert.NotContains(t, line, "\n", "exactly one line")
			prefix := strings.Replace(tc.prefix, "cfg.json", filepath.Join(dir, "cfg.json"), 1)
			assert.True(t, strings.HasPrefix(line, prefix), "stderr %q, want prefix %q", line, prefix)
			assert.Contains(t, line, tc.want)
		})
	}
}

// Example runs the command in-process on a small legacy CUR file: two projects, one
// in yen and one in dollars, each with its exact USD charges and its rounded total.
func Example() {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{
		"-config", "testdata/config.json", "-period", "2026-10", "testdata/cur_small.csv",
	}, &out, &errOut)
	var doc struct {
		Invoices []struct {
			ProjectID  string `json:"project_id"`
			Currency   string `json:"currency"`
			ChargesUSD string `json:"charges_usd"`
			Total      string `json:"total"`
		} `json:"invoices"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		fmt.Println(code, errOut.String())
		return
	}
	for _, inv := range doc.Invoices {
		fmt.Println(inv.ProjectID, inv.Currency, inv.ChargesUSD, inv.Total)
	}
	// Output:
	// proj-a JPY 373.88 66948
	// proj-b USD 730.0000001501 968.00
}

// TestB5_B8_ProjectedAggregatorsMatchFullDetail: the command aggregates with
// billing.NewAggregatorFor (usage type and operation kept only where the config's
// SKU rules or the B-8 domain test read them); its result equals Compute over
// full-detail aggregates of the same files (the fixture has an SKU rule and Route 53
// domain rows).
func TestB5_B8_ProjectedAggregatorsMatchFullDetail(t *testing.T) {
	files := []string{"testdata/cur_small.csv", "testdata/cur_part2.csv"}
	stdout, stderr, code := invoke(t, append([]string{"-config", "testdata/config.json", "-period", "2026-10", "-workers", "2"}, files...)...)
	require.Equal(t, 0, code, stderr)

	cfg, err := loadConfig("testdata/config.json")
	require.NoError(t, err)
	period, err := resellerkit.ParseMonth("2026-10")
	require.NoError(t, err)
	full := billing.NewAggregator(period)
	for _, f := range files {
		_, err := costfile.ScanFile(context.Background(), f, func() billing.Sink { return full }, costfile.Options{Workers: 1})
		require.NoError(t, err)
	}
	res, err := billing.Compute(cfg, full)
	require.NoError(t, err)
	out := newOutput(res)
	want, err := json.Marshal(out)
	require.NoError(t, err)

	var got, wantDoc map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.NoError(t, json.Unmarshal(want, &wantDoc))
	delete(got, "files")
	delete(wantDoc, "files")
	assert.Len(t, takeNoCurrency(got), 2, "the input warnings, which Compute alone has not")
	assert.Equal(t, wantDoc, got)
}

// truncatedParquet writes a CUR 2.0 Parquet file cut in the middle, as an interrupted
// download leaves it, and returns its path.
func truncatedParquet(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	_, err := curgen.WriteParquet(&b, curgen.Config{Rows: 500, Seed: 3})
	require.NoError(t, err)
	p := filepath.Join(dir, "cut.parquet")
	require.NoError(t, os.WriteFile(p, b.Bytes()[:b.Len()/2], 0o644))
	return p
}

// TestHelp: -h and -help print the usage with every flag on stdout and exit 0.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			stdout, stderr, code := invoke(t, arg)
			assert.Equal(t, 0, code)
			assert.Empty(t, stderr)
			assert.True(t, strings.HasPrefix(stdout, "usage: invoicing -config CONFIG.json -period YYYY-MM"), stdout)
			for _, flag := range []string{"-config", "-period", "-workers", "-parallel"} {
				assert.Contains(t, stdout, "  "+flag+" ", "every flag is listed")
			}
		})
	}
}

// TestConfigWithByteOrderMark: a configuration saved with a UTF-8 BOM (as some Windows
// editors do) is read like the same file without it.
func TestConfigWithByteOrderMark(t *testing.T) {
	data, err := os.ReadFile("testdata/config.json")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "bom.json")
	require.NoError(t, os.WriteFile(path, append([]byte("\xef\xbb\xbf"), data...), 0o644))
	want, stderr, code := invoke(t, "-config", "testdata/config.json", "-period", "2026-10", "testdata/cur_small.csv")
	require.Equal(t, 0, code, stderr)
	got, stderr, code := invoke(t, "-config", path, "-period", "2026-10", "testdata/cur_small.csv")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, want, got)

	// A BOM does not shift the reported column.
	bad := strings.Replace(string(data), `"percent": "5"`, `"percent": "5.001"`, 1)
	require.NoError(t, os.WriteFile(path, []byte("\xef\xbb\xbf"+bad), 0o644))
	plain := filepath.Join(t.TempDir(), "plain.json")
	require.NoError(t, os.WriteFile(plain, []byte(bad), 0o644))
	_, withBOM, _ := invoke(t, "-config", path, "-period", "2026-10", "testdata/cur_small.csv")
	_, without, _ := invoke(t, "-config", plain, "-period", "2026-10", "testdata/cur_small.csv")
	assert.Equal(t, strings.TrimPrefix(without, plain), strings.TrimPrefix(withBOM, path))
	assert.Contains(t, withBOM, ":8:")
}

// TestB1_HeaderWithoutRows: a cost file holding a header and no row is not an error
// (a month can be empty) but is reported by a "no rows" warning naming it.
func TestB1_HeaderWithoutRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.csv")
	require.NoError(t, os.WriteFile(path, []byte("lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"), 0o644))
	stdout, stderr, code := invoke(t, "-config", "testdata/config.json", "-period", "2026-10", path)
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Warnings []string `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Contains(t, doc.Warnings, path+": no rows: the file has a header and no data")
}
