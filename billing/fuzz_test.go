package billing

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/stretchr/testify/require"
)

// FuzzAggregatorCost: Add accepts exactly the costs money.Parse accepts (or empty),
// sums them exactly, and leaves the Aggregator unchanged on error.
func FuzzAggregatorCost(f *testing.F) {
	for _, s := range []string{"0.00000080000", "", "-1", "1e-11", "abc", "99999999999.5", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cost string) {
		a := NewAggregator(oct)
		require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "1"}.item()))
		err := a.Add(row{acct: acctA, code: "AmazonEC2", cost: cost}.item())
		want := money.NewFromInt(1)
		if cost != "" {
			d, perr := money.Parse(cost)
			if perr != nil {
				require.Error(t, err)
				require.Equal(t, "1", a.Groups()[0].Cost.String())
				require.Equal(t, int64(1), a.Rows())
				return
			}
			want = want.Add(d)
		}
		require.NoError(t, err)
		require.True(t, want.Equal(a.Groups()[0].Cost), "%s ≠ %s", want, a.Groups()[0].Cost)
	})
}

// FuzzB3_AggregatorPublicCost: Add accepts exactly the public costs money.Parse
// accepts, sums them exactly (an empty one counts as the row's cost), and leaves the
// Aggregator unchanged on error.
func FuzzB3_AggregatorPublicCost(f *testing.F) {
	for _, s := range []string{"0.192", "", "-1", "2E-11", "NULL", "1,5", "99999999999.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, public string) {
		a := NewAggregator(oct)
		require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "1", public: "2"}.item()))
		err := a.Add(row{acct: acctA, code: "AmazonEC2", cost: "0.5", public: public}.item())
		want := money.MustParse("2.5") // empty: the row's cost
		if public != "" {
			d, perr := money.Parse(public)
			if perr != nil {
				require.ErrorIs(t, err, money.ErrSyntax)
				require.Equal(t, "2", a.Groups()[0].PublicCost.String())
				require.Equal(t, "1", a.Groups()[0].Cost.String())
				require.Equal(t, int64(1), a.Rows())
				return
			}
			want = d.Add(money.NewFromInt(2))
		}
		require.NoError(t, err)
		require.True(t, want.Equal(a.Groups()[0].PublicCost), "%s ≠ %s", want, a.Groups()[0].PublicCost)
		require.Equal(t, "1.5", a.Groups()[0].Cost.String())
	})
}

// FuzzDecodeConfig: DecodeConfig never panics; it either returns a configuration that
// validates and computes an invoice per project, and that encodes and decodes back to
// itself, or errors each of which is a *ConfigError wrapping ErrInvalid, located
// inside the document.
func FuzzDecodeConfig(f *testing.F) {
	seed, _ := json.Marshal(propertyConfig())
	f.Add(seed)
	f.Add([]byte(`{"issuer":{"name":"R","registration_number":"T1234567890123"},"projects":[{"id":"a","currency":"USD","accounts":["123456789012"],"pricing_rules":[{"scope":"sku","type":"markup","percent":"0.01"}]}]}`))
	f.Add([]byte(`{"projects":[{"custom_items":[{"type":"fee","percent":"1.5","start":"2026-10","end":"2026-09","recurring":true}]}]}`))
	f.Add([]byte("\xef\xbb\xbf{\"issuer\": {\"name\": \"R\", \"name\": 7},\n \"tax\": {\"rounding\": \"up\"}, \"x\": null}"))
	f.Add([]byte(`{"projects": [{"currency": "EUR", "cost_basis": "blended", "conversion": null, "support_fee": {"plan": "gold"}}]`))
	agg := NewAggregator(oct)
	for _, r := range randomRows(randSource(), 50) {
		_ = agg.Add(r.item())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil {
			require.Nil(t, cfg)
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			lines := 1 + bytes.Count(data, []byte("\n"))
			for _, e := range errs {
				var ce *ConfigError
				require.ErrorAs(t, e, &ce, "%v", e)
				require.ErrorIs(t, e, ErrInvalid)
				require.True(t, ce.Line >= 1 && ce.Line <= lines && ce.Column >= 1, "%d:%d in %d lines", ce.Line, ce.Column, lines)
			}
			return
		}
		require.NoError(t, cfg.Validate())
		res, err := Compute(cfg, agg)
		require.NoError(t, err)
		require.Len(t, res.Invoices, len(cfg.Projects))

		again, err := json.Marshal(cfg)
		require.NoError(t, err)
		back, err := DecodeConfig(bytes.NewReader(again))
		require.NoError(t, err, "%s", again)
		twice, err := json.Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(again), string(twice))
	})
}
