package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// generatedOutput is the part of the command's output that must not depend on how the
// same rows were stored (the "files" section names paths and formats, so it is left out).
type generatedOutput struct {
	Invoices []struct {
		ProjectID  string `json:"project_id"`
		Currency   string `json:"currency"`
		ChargesUSD string `json:"charges_usd"`
		Subtotal   string `json:"subtotal"`
		Tax        string `json:"tax"`
		Total      string `json:"total"`
		Accounts   []struct {
			ChargesUSD string `json:"charges_usd"`
		} `json:"accounts"`
		Lines []struct {
			Amount string `json:"amount"`
		} `json:"lines"`
	} `json:"invoices"`
	Unassigned []json.RawMessage `json:"unassigned_accounts"`
	Rows       struct {
		InPeriod      int64 `json:"in_period"`
		OutsidePeriod int64 `json:"outside_period"`
	} `json:"rows"`
}

// TestB12_ContractOnGeneratedCUR runs the command on realistic generated CUR (121
// columns, every B-2 line item type, quoted descriptions, Marketplace, support and
// domain rows, a few rows of neighbouring months) stored three ways: legacy CSV, its
// gzip, and CUR 2.0 Parquet. The invoices must be identical, every row accounted for,
// and each invoice must hold the contract's sums: the accounts' charges add up to the
// invoice's, the lines to the subtotal, and tax is the subtotal's 10 % floored once
// (B-11) in the invoice currency.
func TestB12_ContractOnGeneratedCUR(t *testing.T) {
	const rows = 20000
	cfg := curgen.Config{Rows: rows, Seed: 7}
	dir := t.TempDir()
	csvPath := writeFile(t, filepath.Join(dir, "cur.csv"), func(w io.Writer) error {
		_, err := curgen.Write(w, cfg)
		return err
	})
	gzPath := writeFile(t, filepath.Join(dir, "cur.csv.gz"), func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := curgen.Write(zw, cfg); err != nil {
			return err
		}
		return zw.Close()
	})
	pqPath := writeFile(t, filepath.Join(dir, "cur2.parquet"), func(w io.Writer) error {
		_, err := curgen.WriteParquet(w, cfg)
		return err
	})

	var first []byte
	for _, path := range []string{csvPath, gzPath, pqPath} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{
				"-config", "../../scripts/testdata/bench-config.json", "-period", "2026-10", path,
			}, &out, &errOut)
			require.Equal(t, 0, code, errOut.String())
			require.Empty(t, errOut.String())

			var got generatedOutput
			require.NoError(t, json.Unmarshal(out.Bytes(), &got))
			assert.Equal(t, int64(rows), got.Rows.InPeriod+got.Rows.OutsidePeriod, "every row is charged or reported")
			assert.Positive(t, got.Rows.OutsidePeriod, "rows of other months are reported (B-1)")
			assert.NotEmpty(t, got.Unassigned, "accounts in no project are listed, never dropped")
			require.Len(t, got.Invoices, 2)
			for _, inv := range got.Invoices {
				cur, err := money.ParseCurrency(inv.Currency)
				require.NoError(t, err)
				var accounts, lines money.Decimal
				for _, a := range inv.Accounts {
					accounts = accounts.Add(money.MustParse(a.ChargesUSD))
				}
				for _, l := range inv.Lines {
					lines = lines.Add(money.MustParse(l.Amount))
				}
				subtotal, tax := money.MustParse(inv.Subtotal), money.MustParse(inv.Tax)
				assert.True(t, money.MustParse(inv.ChargesUSD).Equal(accounts), "%s: accounts sum to the invoice's charges", inv.ProjectID)
				assert.True(t, subtotal.Equal(lines), "%s: lines sum to the subtotal", inv.ProjectID)
				assert.True(t, tax.Equal(cur.Round(subtotal.Mul(money.MustParse("0.10")), money.Floor)), "%s: tax once on the subtotal", inv.ProjectID)
				assert.True(t, money.MustParse(inv.Total).Equal(subtotal.Add(tax)), "%s: total", inv.ProjectID)
				assert.Positive(t, subtotal.Sign(), "%s: the generated month bills something", inv.ProjectID)
			}

			norm, err := json.Marshal(got)
			require.NoError(t, err)
			if first == nil {
				first = norm
				return
			}
			assert.JSONEq(t, string(first), string(norm), "same rows, same invoices, whatever the storage")
		})
	}
}

// writeFile creates path and fills it with write.
func writeFile(t *testing.T, path string, write func(io.Writer) error) string {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, write(f))
	require.NoError(t, f.Close())
	return path
}
