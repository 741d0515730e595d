package billing

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// inCurrency returns r's line item with Currency (and PublicCurrency) set.
func inCurrency(r row, cur, pubCur string) *LineItem {
	li := r.item()
	li.Currency, li.PublicCurrency = []byte(cur), []byte(pubCur)
	return li
}

// jpyConfig is a configuration of JPY cost data invoiced in JPY (B-1, B-10).
func jpyConfig() *Config {
	return &Config{
		Issuer:       Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		CostCurrency: money.JPY,
		Projects:     []Project{{ID: "p", Currency: money.JPY, Accounts: []string{acctA}}},
	}
}

// TestB1_CurrencyEnforced: every row's currency must be the configured one (USD by
// default): another stops the aggregation with a *FieldError naming the field, the
// value and the expected currency, and changes nothing; an empty currency is the
// configured one; case does not matter. The public cost's own currency is checked
// only where public costs are read (B-3).
func TestB1_CurrencyEnforced(t *testing.T) {
	usage := row{acct: acctA, code: "AmazonEC2", cost: "30", public: "31"}
	publicCfg := jpyConfig()
	publicCfg.Projects[0].CostBasis = CostBasisPublicOnDemand
	for _, tc := range []struct {
		name     string
		agg      func() *Aggregator
		cur, pub string
		field    Field  // "" when accepted
		msg      string // FieldError text
	}{
		{"B1 USD by default", func() *Aggregator { return NewAggregator(oct) }, "USD", "USD", "", ""},
		{"B1 empty is the configured currency", func() *Aggregator { return NewAggregator(oct) }, "", "", "", ""},
		{"B1 case does not matter", func() *Aggregator { return NewAggregator(oct) }, "usd", "", "", ""},
		{"B1 NOK refused", func() *Aggregator { return NewAggregator(oct) }, "NOK", "", FieldCurrency, `"NOK", the configuration expects USD`},
		{"B1 JPY refused when USD is configured", func() *Aggregator { return NewAggregatorFor(oct, issueConfig()) }, "JPY", "", FieldCurrency, `"JPY", the configuration expects USD`},
		{"B1 JPY accepted when configured", func() *Aggregator { return NewAggregatorFor(oct, jpyConfig()) }, "JPY", "", "", ""},
		{"B1 USD refused when JPY is configured", func() *Aggregator { return NewAggregatorFor(oct, jpyConfig()) }, "USD", "", FieldCurrency, `"USD", the configuration expects JPY`},
		{"B3 public cost currency read on public_on_demand", func() *Aggregator { return NewAggregatorFor(oct, publicCfg) }, "JPY", "USD", FieldPublicCurrency, `"USD", the configuration expects JPY`},
		{"B3 public cost currency unread on unblended", func() *Aggregator { return NewAggregatorFor(oct, jpyConfig()) }, "JPY", "USD", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.agg()
			err := a.Add(inCurrency(usage, tc.cur, tc.pub))
			if tc.field == "" {
				require.NoError(t, err)
				assert.Equal(t, int64(1), a.Rows())
				return
			}
			require.ErrorIs(t, err, ErrCurrency)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Equal(t, tc.msg, err.Error())
			assert.Zero(t, a.Rows(), "a refused row changes nothing")
			assert.Empty(t, a.Groups())
		})
	}
}

// TestB10_JPYCostDataInvoicedInJPY: JPY cost data invoiced in JPY is not converted
// (rate 1), only rounded to whole yen per line; tax once on the subtotal (B-11).
// By hand: charges 1000.4 (EC2) + 200.6 (S3) = 1201.0, support fee 10 % = 120.1, the
// credit −50.25, the AWS tax 120 excluded (B-4). Lines half up: 1000, 201, −50, 120;
// subtotal 1271; tax floor(127.1) = 127; total 1398.
func TestB10_JPYCostDataInvoicedInJPY(t *testing.T) {
	cfg := jpyConfig()
	a := NewAggregatorFor(oct, cfg)
	for _, li := range []*LineItem{
		inCurrency(row{acct: acctA, code: "AmazonEC2", cost: "1000.4"}, "JPY", ""),
		inCurrency(row{acct: acctA, code: "AmazonS3", cost: "200.6"}, "", ""), // empty: the configured JPY
		inCurrency(row{acct: acctA, code: "AmazonEC2", typ: "Tax", cost: "120"}, "JPY", ""),
		inCurrency(row{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-50.25"}, "JPY", ""),
	} {
		require.NoError(t, a.Add(li))
	}
	res, err := Compute(cfg, a)
	require.NoError(t, err)
	assert.Equal(t, money.JPY, res.CostCurrency)
	inv := res.Invoices[0]
	assert.Equal(t, "1", inv.ExchangeRate.String(), "not converted")
	assert.Equal(t, "1201", inv.ChargesUSD.String(), "in the cost currency, JPY")
	assert.Equal(t, "120.1", inv.SupportFeeUSD.String())
	assert.Equal(t, "120", inv.ExcludedUSD.Tax.String())
	var lines []string
	for _, l := range inv.Lines {
		lines = append(lines, l.Amount.String())
	}
	assert.Equal(t, []string{"1000", "201", "-50", "120"}, lines)
	assert.Equal(t, "1271", inv.Subtotal.String())
	assert.Equal(t, "127", inv.Tax.String())
	assert.Equal(t, "1398", inv.Total.String())

	// The same through Run, whose Job carries the cost currency.
	got, err := Run(context.Background(), Job{Period: oct, Issuer: cfg.Issuer, CostCurrency: money.JPY, Projects: cfg,
		Inputs: []Input{currencyInput{rows: []*LineItem{
			inCurrency(row{acct: acctA, code: "AmazonEC2", cost: "1000.4"}, "JPY", ""),
			inCurrency(row{acct: acctA, code: "AmazonS3", cost: "200.6"}, "JPY", ""),
			inCurrency(row{acct: acctA, code: "AmazonEC2", typ: "Tax", cost: "120"}, "JPY", ""),
			inCurrency(row{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-50.25"}, "JPY", ""),
		}}}})
	require.NoError(t, err)
	assert.Equal(t, "1398", got.Invoices[0].Total.String())

	// A USD aggregator cannot be computed with a JPY config, nor the reverse.
	_, err = Compute(cfg, NewAggregator(oct))
	require.ErrorContains(t, err, "against USD, the config's cost data is in JPY")
	_, err = Compute(issueConfig(), NewAggregatorFor(oct, cfg))
	require.ErrorContains(t, err, "against JPY, the config's cost data is in USD")
	require.Error(t, NewAggregator(oct).Merge(NewAggregatorFor(oct, cfg)))
}

// currencyInput is an Input of line items, read by one worker.
type currencyInput struct{ rows []*LineItem }

func (in currencyInput) Scan(ctx context.Context, newSink func() Sink) (InputStats, error) {
	s := newSink()
	for _, li := range in.rows {
		if err := s.Add(li); err != nil {
			return InputStats{}, err
		}
	}
	return InputStats{Name: "rows", Rows: int64(len(in.rows))}, nil
}

// TestB10_CostCurrencyRules: the exchange rate converts the cost data's currency into
// the invoice's. JPY cost data invoiced in JPY has rate 1; a USD invoice of JPY cost
// data is refused (its rate would be the inverse of a USD→JPY rate, not exact); the
// settings written in USD (AWS's support-plan formulas, flat custom items) are refused
// with JPY cost data.
func TestB10_CostCurrencyRules(t *testing.T) {
	for _, tc := range []struct {
		name   string // starts with the rule id
		mutate func(c *Config)
		field  string
		reason string
	}{
		{"B10 JPY invoice of JPY cost data needs no rate", func(c *Config) {}, "", ""},
		{"B10 rate 1 may be written", func(c *Config) { c.Projects[0].ExchangeRate = dec("1") }, "", ""},
		{"B10 another rate is refused", func(c *Config) { c.Projects[0].ExchangeRate = dec("151.37") }, "projects[0].exchange_rate", "not converted: rate 1"},
		{"B10 USD invoice of JPY cost data", func(c *Config) { c.Projects[0].Currency = money.USD }, "projects[0].currency", "invoice it in JPY"},
		{"B7 support plan in USD", func(c *Config) { c.Projects[0].SupportFee = &SupportFee{Plan: PlanBusiness} }, "projects[0].support_fee.plan", "USD minimums"},
		{"B7 a rate is fine", func(c *Config) { c.Projects[0].SupportFee = &SupportFee{Rate: dec("0.07")} }, "", ""},
		{"B6 flat USD item", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: CustomFee, AmountUSD: dec("10"), Start: oct}}
		}, "projects[0].custom_items[0].amount_usd", "use percent"},
		{"B6 a percent item is fine", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: CustomFee, Percent: pct("3"), Start: oct}}
		}, "", ""},
		{"B1 cost currency", func(c *Config) { c.CostCurrency = "NOK" }, "cost_currency", "want JPY or USD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := jpyConfig()
			tc.mutate(cfg)
			err := cfg.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, ruleOf(tc.name), ve.Rule)
			assert.Contains(t, ve.Reason, tc.reason)
		})
	}

	// A USD configuration keeps its rules: a JPY invoice needs a rate.
	usd := issueConfig()
	usd.Projects[0].ExchangeRate = nil
	require.ErrorContains(t, usd.Validate(), "required for a JPY invoice")
}

// TestB10_PlansOfJPYCostData: a catalog of JPY cost data gives a JPY project no rate
// and needs no policy for it; a USD catalog still does (B-10).
func TestB10_PlansOfJPYCostData(t *testing.T) {
	pl := &Plans{CostCurrency: money.JPY, ExchangeRates: map[string]ExchangeRatePolicy{
		"ttm": {Rates: map[resellerkit.Month]money.Decimal{oct: money.MustParse("151.37")}, Conversion: ConversionTotal}}}
	require.NoError(t, pl.Validate())
	p, err := pl.Project(ProjectRef{ID: "p", Currency: money.JPY, Accounts: []string{acctA}}, oct)
	require.NoError(t, err)
	assert.Nil(t, p.ExchangeRate)
	p, err = pl.Project(ProjectRef{ID: "p", Currency: money.JPY, Accounts: []string{acctA}, ExchangeRatePolicy: "ttm"}, oct)
	require.NoError(t, err)
	assert.Nil(t, p.ExchangeRate, "the policy's conversion point applies, its USD→JPY rate does not")
	assert.Equal(t, ConversionTotal, p.Conversion)
	require.NoError(t, (&Config{Issuer: Issuer{Name: "R", RegistrationNumber: "T1234567890123"}, CostCurrency: money.JPY, Projects: []Project{p}}).Validate())

	pl.CostCurrency = ""
	_, err = pl.Project(ProjectRef{ID: "p", Currency: money.JPY}, oct)
	require.ErrorContains(t, err, "needs an exchange-rate policy")
	pl.CostCurrency = "EUR"
	require.ErrorContains(t, pl.Validate(), "cost_currency")
}
