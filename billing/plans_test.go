package billing

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

const plansDoc = `{
 "pricing": {
  "standard": {"pricing_rules": [{"scope": "global", "type": "markup", "percent": "5"}],
               "custom_items": [{"description": "Ops", "type": "fee", "amount_usd": "50", "start": "2026-01", "recurring": true}]},
  "list": {"cost_basis": "public_on_demand"}},
 "support_fees": {"business": {"plan": "business"}, "seven": {"rate": "0.07"}},
 "exchange_rates": {
  "mufg-ttm": {"source": "MUFG TTM, month end", "rates": {"2026-10": "151.37", "2026-11": "149.8"}, "conversion": "total", "rounding": "floor"}}}
`

func testPlans(t *testing.T) *Plans {
	t.Helper()
	pl, err := DecodePlans(strings.NewReader(plansDoc))
	require.NoError(t, err)
	return pl
}

// TestM2_PlansProject: a project that keeps only the names of its settings becomes a
// billing Project with the catalog's settings; empty names are the defaults (B-3
// unblended, no rules, B-7 10 %), a JPY project takes its policy's rate of the month
// (B-10) and records where it comes from.
func TestM2_PlansProject(t *testing.T) {
	pl := testPlans(t)
	oct, nov := resellerkit.NewMonth(2026, 10), resellerkit.NewMonth(2026, 11)
	ref := ProjectRef{ID: "p-1", Name: "Web", Currency: money.JPY, Accounts: []string{acctA},
		PricingPlan: "standard", SupportFeeRule: "business", ExchangeRatePolicy: "mufg-ttm"}

	p, err := pl.Project(ref, oct)
	require.NoError(t, err)
	assert.Equal(t, "p-1", p.ID)
	assert.Equal(t, "Web", p.Name)
	assert.Equal(t, []string{acctA}, p.Accounts)
	assert.Equal(t, []PricingRule{{Scope: ScopeGlobal, Type: RuleMarkup, Percent: MustParsePercent("5")}}, p.PricingRules)
	require.Len(t, p.CustomItems, 1)
	assert.Equal(t, &SupportFee{Plan: PlanBusiness}, p.SupportFee)
	assert.Equal(t, "151.37", p.ExchangeRate.String())
	assert.Equal(t, "MUFG TTM, month end", p.ExchangeRateSource)
	assert.Equal(t, ConversionTotal, p.Conversion)
	assert.Equal(t, money.Floor, p.ConversionRounding)

	p, err = pl.Project(ref, nov)
	require.NoError(t, err)
	assert.Equal(t, "149.8", p.ExchangeRate.String(), "one rate per invoice month")

	// The Project shares nothing with the catalog.
	p.PricingRules[0].Percent = MustParsePercent("50")
	p.Accounts[0] = acctB
	again, err := pl.Project(ref, oct)
	require.NoError(t, err)
	assert.Equal(t, "5", again.PricingRules[0].Percent.String())
	assert.Equal(t, acctA, ref.Accounts[0])

	// Empty names: the defaults. A USD project needs no rate.
	def, err := pl.Project(ProjectRef{ID: "p-2", Currency: money.USD, Accounts: []string{acctB}}, oct)
	require.NoError(t, err)
	assert.Equal(t, Project{ID: "p-2", Currency: money.USD, Accounts: []string{acctB}}, def)
	cfg := &Config{Issuer: Issuer{Name: "R", RegistrationNumber: "T1234567890123"}, Projects: []Project{def}}
	res, err := Compute(cfg, aggregate(t, row{acct: acctB, code: "AmazonEC2", cost: "100"}))
	require.NoError(t, err)
	inv := res.Invoices[0]
	assert.Equal(t, CostBasisUnblended, inv.CostBasis)
	assert.Equal(t, "10", inv.SupportFeeUSD.String(), "B-7 default 10 %")
	assert.Equal(t, "100", inv.ChargesUSD.String(), "no pricing rule")

	// A USD project with a policy keeps rate 1 but the policy's conversion point.
	usd, err := pl.Project(ProjectRef{ID: "p-3", Currency: money.USD, ExchangeRatePolicy: "mufg-ttm"}, oct)
	require.NoError(t, err)
	assert.Nil(t, usd.ExchangeRate)
	assert.Equal(t, ConversionTotal, usd.Conversion)
}

// TestB10_PlansNeverGuessMoney: a name the catalog lacks, a JPY project without a
// policy, and a policy without the month's rate stop the run with an error naming
// the setting and the project (B-10: one rate per invoice, never guessed).
func TestB10_PlansNeverGuessMoney(t *testing.T) {
	pl := testPlans(t)
	oct := resellerkit.NewMonth(2026, 10)
	jpy := ProjectRef{ID: "p-1", Currency: money.JPY, ExchangeRatePolicy: "mufg-ttm"}
	for _, tc := range []struct {
		name   string
		ref    func(r ProjectRef) ProjectRef
		period resellerkit.Month
		field  string
		value  string
		rule   string
		reason string
	}{
		{"M2 unknown pricing plan", func(r ProjectRef) ProjectRef { r.PricingPlan = "gold"; return r }, oct, "pricing_plan", "gold", "M-2", "no pricing plan of this name in the catalog (project p-1)"},
		{"M2 unknown support-fee rule", func(r ProjectRef) ProjectRef { r.SupportFeeRule = "premium"; return r }, oct, "support_fee_rule", "premium", "M-2", "no support-fee rule"},
		{"M2 unknown exchange-rate policy", func(r ProjectRef) ProjectRef { r.ExchangeRatePolicy = "spot"; return r }, oct, "exchange_rate_policy", "spot", "M-2", "no exchange-rate policy"},
		{"B10 JPY without a policy", func(r ProjectRef) ProjectRef { r.ExchangeRatePolicy = ""; return r }, oct, "exchange_rate_policy", "", "B-10", "project p-1 is invoiced in JPY"},
		{"B10 no rate for the month", func(r ProjectRef) ProjectRef { return r }, resellerkit.NewMonth(2026, 12), "exchange_rate_policy", "mufg-ttm", "B-10", "no USD→JPY rate for 2026-12 (project p-1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pl.Project(tc.ref(jpy), tc.period)
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.value, ve.Value)
			assert.Equal(t, tc.rule, ve.Rule)
			assert.Contains(t, ve.Reason, tc.reason)
		})
	}
}

// TestM2_PlansValidate: a catalog is decoded and validated like a configuration:
// each problem with its JSON path and line.
func TestM2_PlansValidate(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		line           int
		field, reason  string
	}{
		{"B5 bad percent in a plan", `"percent": "5"`, `"percent": "5.125"`, 3, "pricing.standard.pricing_rules[0].percent", "at most 2 decimals as written"},
		{"B5 discount over 100 in a plan", `"type": "markup", "percent": "5"`, `"type": "discount", "percent": "101"`, 3, "pricing.standard.pricing_rules[0].percent", "a discount is at most 100"},
		{"B6 plan item names an account", `"amount_usd": "50",`, `"amount_usd": "50", "account": "123456789012",`, 4, "pricing.standard.custom_items[0].account", "a plan's item names no account"},
		{"B7 plan and rate", `{"plan": "business"}`, `{"plan": "business", "rate": "0.1"}`, 6, "support_fees.business.rate", "a plan and a rate are exclusive"},
		{"B10 rate not positive", `"2026-11": "149.8"`, `"2026-11": "0"`, 8, "exchange_rates.mufg-ttm.rates.2026-11", "must be positive"},
		{"B10 rate month", `"2026-11": "149.8"`, `"2026-13": "149.8"`, 8, "exchange_rates.mufg-ttm.rates.2026-13", "a month 01..12"},
		{"B10 conversion", `"conversion": "total"`, `"conversion": "monthly"`, 8, "exchange_rates.mufg-ttm.conversion", "want line or total"},
		{"unknown key in a plan", `"cost_basis": "public_on_demand"`, `"cost_basis": "public_on_demand", "rate": "1"`, 5, "pricing.list.rate", `unknown field "rate"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(plansDoc, tc.old, tc.new, 1)
			require.NotEqual(t, plansDoc, doc)
			_, err := DecodePlans(strings.NewReader(doc))
			require.ErrorIs(t, err, ErrInvalid)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.line, ce.Line, "%v", ce)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
		})
	}
}
