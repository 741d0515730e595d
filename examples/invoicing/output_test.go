package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB10_OutputNamesTheCostCurrency (issue 7, item 1): with JPY cost data every
// invoice, line and unassigned account says its cost amounts are in JPY, under
// currency-neutral keys equal to the deprecated …_usd ones (which hold yen here).
// By hand: 10 + 20 = ¥30 charges for the project, ¥5 for an account in no project;
// support fee 10 % = ¥3; subtotal ¥33.
func TestB10_OutputNamesTheCostCurrency(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"issuer": {"name": "R", "registration_number": "T1234567890123"},
 "cost_currency": "JPY", "tax": {"rate": "0.10", "rounding": "floor"},
 "projects": [{"id": "p", "currency": "JPY", "accounts": ["123456789012"], "support_fee": {"rate": "0.10"}}]}`), 0o600))
	data := filepath.Join(dir, "focus.csv")
	require.NoError(t, os.WriteFile(data, []byte("BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,x_ServiceCode,ProviderName,BillingCurrency\n"+
		"10,Usage,2026-10-01T00:00:00Z,123456789012,Amazon EC2,AmazonEC2,AWS,JPY\n"+
		"20,Usage,2026-10-02T00:00:00Z,123456789012,Amazon S3,AmazonS3,AWS,JPY\n"+
		"5,Usage,2026-10-03T00:00:00Z,210987654321,Amazon S3,AmazonS3,AWS,JPY\n"), 0o600))
	stdout, stderr, code := invoke(t, "-config", cfg, "-period", "2026-10", data)
	require.Equal(t, 0, code, stderr)

	var doc struct {
		CostCurrency string `json:"cost_currency"`
		Invoices     []struct {
			CostCurrency string `json:"cost_currency"`
			ChargesUSD   string `json:"charges_usd"`
			Charges      string `json:"charges"`
			SupportFee   string `json:"support_fee"`
			Subtotal     string `json:"subtotal"`
			Accounts     []struct {
				Charges  string `json:"charges"`
				Services []struct {
					Service string `json:"service"`
					Charges string `json:"charges"`
				} `json:"services"`
			} `json:"accounts"`
			Lines []struct {
				Kind         string `json:"kind"`
				CostCurrency string `json:"cost_currency"`
				AmountUSD    string `json:"amount_usd"`
				CostAmount   string `json:"cost_amount"`
				Amount       string `json:"amount"`
			} `json:"lines"`
		} `json:"invoices"`
		Unassigned []struct {
			CostCurrency string `json:"cost_currency"`
			ChargesUSD   string `json:"charges_usd"`
			Charges      string `json:"charges"`
		} `json:"unassigned_accounts"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, "JPY", doc.CostCurrency)
	require.Len(t, doc.Invoices, 1)
	inv := doc.Invoices[0]
	assert.Equal(t, "JPY", inv.CostCurrency)
	assert.Equal(t, "30", inv.Charges)
	assert.Equal(t, inv.Charges, inv.ChargesUSD, "the deprecated key, in yen")
	assert.Equal(t, "3", inv.SupportFee)
	assert.Equal(t, "33", inv.Subtotal)
	assert.Equal(t, "30", inv.Accounts[0].Charges)
	assert.Equal(t, "AmazonEC2", inv.Accounts[0].Services[0].Service)
	assert.Equal(t, "10", inv.Accounts[0].Services[0].Charges)
	require.Len(t, inv.Lines, 3)
	for _, l := range inv.Lines {
		assert.Equal(t, "JPY", l.CostCurrency)
		assert.Equal(t, l.AmountUSD, l.CostAmount)
	}
	assert.Equal(t, "20", inv.Lines[1].CostAmount)
	require.Len(t, doc.Unassigned, 1)
	assert.Equal(t, "JPY", doc.Unassigned[0].CostCurrency)
	assert.Equal(t, "5", doc.Unassigned[0].Charges)
	assert.Equal(t, "5", doc.Unassigned[0].ChargesUSD)
}
