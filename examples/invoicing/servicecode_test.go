package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB5_AWSCURSampleWithoutProductCode (issue 7, item 7) invoices the real CUR sample
// with its lineItem/ProductCode column dropped, so that product codes come from
// product/servicecode, with a service-scoped markup of 10 % on AmazonS3. The run
// says once that rules and lines follow product/servicecode, and they do: the 422
// S3 data transfer rows (and 24 of CloudShell, SQS, SNS, Step Functions) are
// AWSDataTransfer, outside the S3 rule; the 12 Tax rows have no service (and stay
// excluded, B-4).
//
// By hand, from the CSV (Usage rows, lineItem/UnblendedCost summed per code):
//   - by lineItem/ProductCode: S3 1.3705653565 → × 1.1 = 1.50762189215; charges
//     1.6023086974 + 0.13705653565 = 1.73936523305.
//   - by product/servicecode: S3 1.3704976744 → × 1.1 = 1.50754744184,
//     AWSDataTransfer 0.0000676821 (1.3705653565 − 1.3704976744, CloudShell, SQS,
//     SNS and Step Functions transfer being 0); charges 1.6023086974 + 0.13704976744
//     = 1.73935846484. Both round to the same lines in cents: subtotal $1.91.
func TestB5_AWSCURSampleWithoutProductCode(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"issuer": {"name": "R", "registration_number": "T1234567890123"},
 "tax": {"rate": "0.10", "rounding": "floor"},
 "projects": [{"id": "p", "currency": "USD", "accounts": ["123412340534"],
   "pricing_rules": [{"scope": "service", "service": "AmazonS3", "type": "markup", "percent": "10"}]}]}`), 0o600))

	// The sample without lineItem/ProductCode.
	in, err := os.Open(awsCURSample)
	require.NoError(t, err)
	defer in.Close()
	records, err := csv.NewReader(in).ReadAll()
	require.NoError(t, err)
	drop := slices.Index(records[0], "lineItem/ProductCode")
	require.Positive(t, drop)
	sample := filepath.Join(dir, "no_product_code.csv")
	out, err := os.Create(sample)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	for _, r := range records {
		require.NoError(t, w.Write(slices.Delete(slices.Clone(r), drop, drop+1)))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, out.Close())

	type result struct {
		warnings []string
		charges  string
		services map[string]string
		lines    map[string]string
		excluded string
		subtotal string
	}
	invoice := func(path string) result {
		t.Helper()
		stdout, stderr, code := invoke(t, "-config", cfg, "-period", "2023-11", path)
		require.Equal(t, 0, code, stderr)
		var doc struct {
			Warnings []string `json:"warnings"`
			Invoices []struct {
				ChargesUSD  string `json:"charges_usd"`
				ExcludedUSD struct {
					Tax string `json:"tax"`
				} `json:"excluded_usd"`
				Subtotal string `json:"subtotal"`
				Accounts []struct {
					Services []struct {
						Service    string `json:"service"`
						ChargesUSD string `json:"charges_usd"`
					} `json:"services"`
				} `json:"accounts"`
				Lines []struct {
					Kind      string `json:"kind"`
					Service   string `json:"service"`
					AmountUSD string `json:"amount_usd"`
				} `json:"lines"`
			} `json:"invoices"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
		require.Len(t, doc.Invoices, 1)
		inv := doc.Invoices[0]
		r := result{warnings: doc.Warnings, charges: inv.ChargesUSD, excluded: inv.ExcludedUSD.Tax, subtotal: inv.Subtotal,
			services: map[string]string{}, lines: map[string]string{}}
		for _, s := range inv.Accounts[0].Services {
			if s.ChargesUSD != "0" {
				r.services[s.Service] = s.ChargesUSD
			}
		}
		for _, l := range inv.Lines {
			if l.Kind == "service" {
				r.lines[l.Service] = l.AmountUSD
			}
		}
		return r
	}

	full := invoice(awsCURSample)
	assert.Empty(t, full.warnings)
	assert.Equal(t, "1.73936523305", full.charges)
	assert.Equal(t, map[string]string{"AmazonS3": "1.50762189215", "awskms": "0.2305555574", "AmazonEFS": "0.0009452835",
		"AWSCloudTrail": "0.00024", "AWSIoT": "0.0000025"}, full.services)
	assert.Equal(t, full.services, full.lines)

	got := invoice(sample)
	assert.Equal(t, []string{sample + ": no lineItem/ProductCode column: product codes are read from product/servicecode, " +
		"so service-scoped pricing rules (B-5) and the per-service invoice lines follow product/servicecode, not lineItem/ProductCode " +
		"(data transfer is AWSDataTransfer rather than the service it belongs to, and Tax rows may have no service)"}, got.warnings)
	assert.Equal(t, "1.73935846484", got.charges)
	assert.Equal(t, map[string]string{"AmazonS3": "1.50754744184", "AWSDataTransfer": "0.0000676821", "awskms": "0.2305555574",
		"AmazonEFS": "0.0009452835", "AWSCloudTrail": "0.00024", "AWSIoT": "0.0000025"}, got.services)
	assert.Equal(t, got.services, got.lines)
	assert.Equal(t, "0.08", got.excluded, "the Tax rows, without a service, are still excluded (B-4)")
	assert.Equal(t, "1.91", got.subtotal)
	assert.Equal(t, full.subtotal, got.subtotal)
}
