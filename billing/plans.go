package billing

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Plans is a catalog of named billing settings (M-2): a project that keeps only the
// names of its pricing plan, support-fee rule and exchange-rate policy (as package
// members does) becomes a billing Project with Plans.Project. Its JSON form is
// decoded and validated by DecodePlans:
//
//	{"pricing": {"standard": {"pricing_rules": [{"scope": "global", "type": "markup", "percent": "5"}]}},
//	 "support_fees": {"business": {"plan": "business"}},
//	 "exchange_rates": {"mufg-ttm": {"source": "MUFG TTM, month end", "rates": {"2026-10": "151.37"}}}}
type Plans struct {
	// CostCurrency is the currency of the cost data the projects are billed from
	// (B-1; empty means USD), as Config.CostCurrency: a project invoiced in it needs
	// no rate (JPY cost data invoiced in JPY is not converted, B-10). Give the Job
	// of the run the same value.
	CostCurrency  money.Currency                `json:"cost_currency,omitempty" rule:"B-1"`
	Pricing       map[string]PricingPlan        `json:"pricing,omitempty" rule:"B-5"`
	SupportFees   map[string]SupportFee         `json:"support_fees,omitempty" rule:"B-7"`
	ExchangeRates map[string]ExchangeRatePolicy `json:"exchange_rates,omitempty" rule:"B-10"`
}

// PricingPlan is how a project's charges are priced: the cost basis (B-3), the
// pricing rules (B-5) and the custom items every project of the plan gets (B-6; a
// plan's item names no account). The zero PricingPlan is the default: unblended, no
// rules, no items.
type PricingPlan struct {
	CostBasis             CostBasis     `json:"cost_basis,omitempty" rule:"B-3"`
	PassResellerDiscounts bool          `json:"pass_reseller_discounts,omitempty" rule:"B-3"`
	PricingRules          []PricingRule `json:"pricing_rules,omitempty" rule:"B-5"`
	CustomItems           []CustomItem  `json:"custom_items,omitempty" rule:"B-6"`
}

// ExchangeRatePolicy is how USD amounts become yen (B-10): the USD→JPY rate of each
// invoice month (one rate per invoice, fixed and recorded), where the rates come from,
// and the conversion point and rounding.
type ExchangeRatePolicy struct {
	// Source says where the rates come from, e.g. "MUFG TTM, last business day of
	// the month"; it is recorded on each invoice (Invoice.ExchangeRateSource).
	Source string `json:"source,omitempty"`
	// Rates holds the USD→JPY rate of each invoice month ("2026-10": "151.37").
	Rates map[resellerkit.Month]money.Decimal `json:"rates"`
	// Conversion is where amounts are converted; empty means ConversionLine.
	Conversion Conversion `json:"conversion,omitempty"`
	// Rounding rounds converted amounts to whole yen; the zero value is money.HalfUp.
	Rounding money.RoundingMode `json:"rounding,omitempty"`
}

// ProjectRef is a project as a store of projects keeps it (M-2): its identity,
// invoice currency, the accounts it owns in the month being invoiced (M-3), and the
// names of its billing settings in a Plans catalog ("" for the default).
type ProjectRef struct {
	ID       string
	Name     string
	Currency money.Currency
	Accounts []string
	// PricingPlan names a Plans.Pricing entry; "" means the zero PricingPlan
	// (unblended, no rules).
	PricingPlan string
	// SupportFeeRule names a Plans.SupportFees entry; "" means DefaultSupportFeeRate.
	SupportFeeRule string
	// ExchangeRatePolicy names a Plans.ExchangeRates entry; required for a JPY
	// project, optional for USD (its rate is 1; the policy's conversion point and
	// rounding still apply).
	ExchangeRatePolicy string
}

// DecodePlans reads a Plans catalog (JSON, as DecodeConfig reads a Config: size
// limit, optional byte order mark, every problem a *ConfigError with its line) and
// returns it validated.
func DecodePlans(r io.Reader) (*Plans, error) {
	var p Plans
	if err := decodeDocument(r, &p, p.Validate); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks every entry of the catalog and returns nil or the errors.Join of
// one *resellerkit.ValidationError (wrapping ErrInvalid) per problem, by section and
// name: Field is the JSON path ("pricing.standard.pricing_rules[0].percent").
func (pl *Plans) Validate() error {
	var p problems
	if pl.CostCurrency != "" && !pl.CostCurrency.Valid() {
		p.add("cost_currency", string(pl.CostCurrency), "B-1", "want JPY or USD")
	}
	for _, name := range slices.Sorted(maps.Keys(pl.Pricing)) {
		pp := pl.Pricing[name]
		pp.check(&p, join("pricing", name))
	}
	for _, name := range slices.Sorted(maps.Keys(pl.SupportFees)) {
		sf := pl.SupportFees[name]
		sf.check(&p, join("support_fees", name))
	}
	for _, name := range slices.Sorted(maps.Keys(pl.ExchangeRates)) {
		er := pl.ExchangeRates[name]
		er.check(&p, join("exchange_rates", name))
	}
	return p.err()
}

func (pp *PricingPlan) check(p *problems, f string) {
	if !pp.CostBasis.Valid() {
		p.add(f+".cost_basis", string(pp.CostBasis), "B-3", want(costBases))
	}
	checkRules(p, f, pp.PricingRules)
	for j := range pp.CustomItems {
		ci := &pp.CustomItems[j]
		cf := fmt.Sprintf("%s.custom_items[%d]", f, j)
		ci.check(p, cf)
		if ci.Account != "" {
			p.add(cf+".account", ci.Account, "B-6", "a plan's item names no account: attach it to one project")
		}
	}
}

func (er *ExchangeRatePolicy) check(p *problems, f string) {
	for _, m := range slices.SortedFunc(maps.Keys(er.Rates), resellerkit.Month.Compare) {
		if r := er.Rates[m]; r.Sign() <= 0 {
			p.add(f+".rates."+m.String(), r.String(), "B-10", "must be positive")
		}
	}
	if !er.Conversion.Valid() {
		p.add(f+".conversion", string(er.Conversion), "B-10", want(conversions))
	}
	if !er.Rounding.Valid() {
		p.add(f+".rounding", er.Rounding.String(), "B-10", "want half_up, half_even, floor, ceil or down")
	}
}

// Project returns the billing Project of ref for the invoice month period: ref's
// identity, currency and accounts with the settings its names select in the catalog
// (copied, so the Project shares nothing with pl). An empty name selects the
// default. A name the catalog lacks, a JPY project of USD cost data without an
// exchange-rate policy, or a policy without a rate for period (a JPY project of JPY
// cost data is not converted and needs none) is a *resellerkit.ValidationError wrapping
// ErrInvalid, whose Field names the setting ("pricing_plan", "support_fee_rule" or
// "exchange_rate_policy"): money is never guessed (B-10). The Project is not
// validated here; Run validates the month's projects together (M-3 needs all).
func (pl *Plans) Project(ref ProjectRef, period resellerkit.Month) (Project, error) {
	p := Project{ID: ref.ID, Name: ref.Name, Currency: ref.Currency, Accounts: slices.Clone(ref.Accounts)}
	if ref.PricingPlan != "" {
		pp, ok := pl.Pricing[ref.PricingPlan]
		if !ok {
			return Project{}, unknownName(ref, "pricing_plan", ref.PricingPlan, "pricing plan")
		}
		p.CostBasis, p.PassResellerDiscounts = pp.CostBasis, pp.PassResellerDiscounts
		p.PricingRules, p.CustomItems = slices.Clone(pp.PricingRules), slices.Clone(pp.CustomItems)
		for i, ci := range p.CustomItems {
			if ci.AmountUSD != nil {
				amount := *ci.AmountUSD
				p.CustomItems[i].AmountUSD = &amount
			}
		}
	}
	if ref.SupportFeeRule != "" {
		sf, ok := pl.SupportFees[ref.SupportFeeRule]
		if !ok {
			return Project{}, unknownName(ref, "support_fee_rule", ref.SupportFeeRule, "support-fee rule")
		}
		if sf.Rate != nil {
			rate := *sf.Rate
			sf.Rate = &rate
		}
		p.SupportFee = &sf
	}
	converted := ref.Currency != costCurrencyOr(pl.CostCurrency) // B-10: USD cost data invoiced in JPY
	if ref.ExchangeRatePolicy == "" {
		if ref.Currency == money.JPY && converted {
			return Project{}, resellerkit.Invalid(ErrInvalid, "exchange_rate_policy", "", "B-10",
				fmt.Sprintf("project %s is invoiced in JPY: it needs an exchange-rate policy", ref.ID))
		}
		return p, nil
	}
	er, ok := pl.ExchangeRates[ref.ExchangeRatePolicy]
	if !ok {
		return Project{}, unknownName(ref, "exchange_rate_policy", ref.ExchangeRatePolicy, "exchange-rate policy")
	}
	p.Conversion, p.ConversionRounding = er.Conversion, er.Rounding
	if ref.Currency != money.JPY || !converted {
		return p, nil // a USD invoice of USD cost data, or a JPY one of JPY cost data, has rate 1
	}
	rate, ok := er.Rates[period]
	if !ok {
		return Project{}, resellerkit.Invalid(ErrInvalid, "exchange_rate_policy", ref.ExchangeRatePolicy, "B-10",
			fmt.Sprintf("no USD→JPY rate for %s (project %s): money is never guessed", period, ref.ID))
	}
	p.ExchangeRate = &rate
	p.ExchangeRateSource = cmpOr(er.Source, ref.ExchangeRatePolicy)
	return p, nil
}

// unknownName is the error for a setting name the catalog lacks.
func unknownName(ref ProjectRef, field, name, what string) error {
	return resellerkit.Invalid(ErrInvalid, field, name, "M-2", fmt.Sprintf("no %s of this name in the catalog (project %s)", what, ref.ID))
}
