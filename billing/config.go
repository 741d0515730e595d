package billing

import (
	"context"
	"errors"
	"slices"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// ErrInvalid is wrapped by every *resellerkit.ValidationError of this package: a
// configuration value, a plan or a job that breaks a rule of DOMAIN.md §2.
var ErrInvalid = errors.New("billing: invalid input")

// Config is everything the engine needs besides cost data: the issuer, the tax and
// the projects with their accounts and billing settings. Its JSON form is the
// configuration file of examples/invoicing; DecodeConfig reads and validates it. The
// rule tags name the DOMAIN.md rule a field's decoding error cites.
//
// A Config is also the simplest ProjectSource: ProjectsFor returns its projects,
// whatever the month.
type Config struct {
	Issuer Issuer `json:"issuer" rule:"B-12"`
	Tax    Tax    `json:"tax" rule:"B-11"`
	// CostCurrency is the currency of the cost data (B-1): every row's currency
	// (CUR lineItem/CurrencyCode, FOCUS BillingCurrency) must be it, or the run
	// stops. Empty means money.USD; money.JPY is allowed, and a JPY project is then
	// invoiced without conversion (B-10). Amounts named …USD in the output are in
	// this currency.
	CostCurrency money.Currency `json:"cost_currency,omitempty" rule:"B-1"`
	Projects     []Project      `json:"projects" rule:"M-2"`
}

// costCurrency returns the currency of the cost data, money.USD when unset.
func (c *Config) costCurrency() money.Currency { return costCurrencyOr(c.CostCurrency) }

// costCurrencyOr returns cur, or money.USD when it is empty.
func costCurrencyOr(cur money.Currency) money.Currency {
	if cur == "" {
		return money.USD
	}
	return cur
}

// ProjectsFor returns the configuration's projects (a copy of the slice): a static
// configuration owns the same accounts every month. It implements ProjectSource; a
// nil *Config has no projects.
func (c *Config) ProjectsFor(ctx context.Context, period resellerkit.Month) ([]Project, error) {
	if c == nil {
		return nil, nil
	}
	return slices.Clone(c.Projects), nil
}

// Issuer is the reseller issuing the invoices (B-12).
type Issuer struct {
	Name string `json:"name"`
	// RegistrationNumber is the qualified-invoice issuer number: "T" + 13 digits.
	RegistrationNumber string `json:"registration_number"`
}

// Tax is the consumption tax (B-11).
type Tax struct {
	// Rate is the tax rate as a fraction; nil means DefaultTaxRate (0.10).
	Rate *money.Decimal `json:"rate,omitempty"`
	// Rounding is applied once per invoice per rate; nil means money.Floor.
	Rounding *money.RoundingMode `json:"rounding,omitempty"`
}

// DefaultTaxRate returns Japan's standard consumption tax rate, 0.10 (B-11), used
// when Tax.Rate is nil.
func DefaultTaxRate() money.Decimal { return money.New(10, -2) }

// DefaultSupportFeeRate returns the reseller support fee rate when a project sets
// none, 0.10 (B-7).
func DefaultSupportFeeRate() money.Decimal { return money.New(10, -2) }

// Project is the unit of invoicing (M-2): one invoice per project per month, with the
// accounts it owns that month (M-3) and its billing settings.
type Project struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// OrgID is the organization owning the project (M-2), when the source knows it:
	// the lifecycle Service scopes current charges and documents by it (M-7).
	OrgID string `json:"org_id,omitempty"`
	// Recipient is who the project's invoices are addressed to (B-12), e.g. the
	// organization's name; empty means Name.
	Recipient string `json:"recipient,omitempty"`
	// InvoiceTo and InvoiceCC are the addresses the invoice-issued notice goes to
	// (M-2); without any, no notice is sent.
	InvoiceTo []string       `json:"invoice_to,omitempty"`
	InvoiceCC []string       `json:"invoice_cc,omitempty"`
	Currency  money.Currency `json:"currency" rule:"B-10"` // money.JPY or money.USD
	Accounts  []string       `json:"accounts" rule:"M-3"`  // 12-digit AWS account ids
	// ExchangeRate is the rate of the invoice (B-10) from the cost data's currency
	// (Config.CostCurrency, USD by default) to Currency: required for a JPY invoice
	// of USD cost data; 1 (the default when nil) when both currencies are the same,
	// e.g. JPY cost data invoiced in JPY, which is not converted. A USD invoice of
	// JPY cost data is refused: its rate would be the inverse of a USD→JPY rate,
	// which no decimal holds exactly. The rate is recorded on the invoice.
	ExchangeRate *money.Decimal `json:"exchange_rate,omitempty" rule:"B-10"`
	// ExchangeRateSource says where the rate comes from and for which date (B-10),
	// e.g. "MUFG TTM 2026-10-30"; optional, recorded on the invoice.
	ExchangeRateSource string `json:"exchange_rate_source,omitempty" rule:"B-10"`
	// Conversion is where amounts are converted (B-10); empty means ConversionLine.
	Conversion Conversion `json:"conversion,omitempty" rule:"B-10"`
	// ConversionRounding rounds converted amounts to the currency's minor unit
	// (B-10); the zero value is money.HalfUp.
	ConversionRounding money.RoundingMode `json:"conversion_rounding,omitempty" rule:"B-10"`
	// SupportFee is the reseller support fee (B-7); nil means DefaultSupportFeeRate.
	SupportFee *SupportFee `json:"support_fee,omitempty" rule:"B-7"`
	// CostBasis is the cost the project's charges start from (B-3); empty means
	// CostBasisUnblended.
	CostBasis CostBasis `json:"cost_basis,omitempty" rule:"B-3"`
	// PassResellerDiscounts passes the reseller's own discounts (EdpDiscount, …) to
	// the customer as charges (B-3); false by default.
	PassResellerDiscounts bool          `json:"pass_reseller_discounts,omitempty" rule:"B-3"`
	PricingRules          []PricingRule `json:"pricing_rules,omitempty" rule:"B-5"`
	CustomItems           []CustomItem  `json:"custom_items,omitempty" rule:"B-6"`
	// LateCredits are credits and refunds of months already invoiced that arrived
	// after their invoice was issued (B-16): each becomes a LineLateCredits line of
	// this invoice, taxable, outside the support-fee base. The lifecycle Service
	// fills them when it issues a month; a config may name them by hand.
	LateCredits []LateCredit `json:"late_credits,omitempty" rule:"B-16"`
}

// LateCredit is an amount carried to an invoice from a month already invoiced
// (B-16): the difference between that month's credits now and those its invoice
// (and the carries before) billed.
type LateCredit struct {
	AccountID string            `json:"account_id"`
	RefPeriod resellerkit.Month `json:"ref_period"` // the month the credits belong to
	AmountUSD money.Decimal     `json:"amount_usd"` // in the cost currency, usually negative
}

// SupportFee selects the support fee of a project (B-7): either a rate of the base,
// or one of AWS's public support-plan formulas.
type SupportFee struct {
	// Rate is the fraction of the base (0.10 = 10%); only with PlanRate.
	Rate *money.Decimal `json:"rate,omitempty"`
	// Plan is PlanRate (empty) or one of AWS's support plans.
	Plan SupportPlan `json:"plan,omitempty"`
}

// PricingRule is a discount or markup on a project's charges (B-5). The most
// specific matching rule applies to a line: sku > service > billing_entity > global.
// Service is compared with the line's product code (in FOCUS data, ServiceName).
// A scope uses only its own target fields (global: none; billing_entity:
// BillingEntity; service: Service; sku: Service, UsageType and Operation, all
// required); Validate rejects any other target field, and a rule without a Percent.
type PricingRule struct {
	Scope         Scope    `json:"scope"`
	Type          RuleType `json:"type"`
	Percent       Percent  `json:"percent,omitzero"`
	BillingEntity string   `json:"billing_entity,omitempty"`
	Service       string   `json:"service,omitempty"`
	UsageType     string   `json:"usage_type,omitempty"`
	Operation     string   `json:"operation,omitempty"`
}

// CustomItem is a fee or credit the reseller adds to invoices (B-6): a flat USD amount
// or a percentage of the project's charges after pricing (optionally of one account,
// service or line item type), one-off in Start or recurring over [Start, End).
type CustomItem struct {
	Description  string            `json:"description"`
	Type         CustomItemType    `json:"type"`
	AmountUSD    *money.Decimal    `json:"amount_usd,omitempty"`
	Percent      Percent           `json:"percent,omitzero"`
	Account      string            `json:"account,omitempty"`
	Service      string            `json:"service,omitempty"`
	LineItemType string            `json:"line_item_type,omitempty"`
	Start        resellerkit.Month `json:"start"`
	End          resellerkit.Month `json:"end,omitzero"` // exclusive; only with Recurring
	Recurring    bool              `json:"recurring,omitempty"`
}

// activeIn reports whether the item applies to period p.
func (c *CustomItem) activeIn(p resellerkit.Month) bool {
	if !c.Recurring {
		return p == c.Start
	}
	return !p.Before(c.Start) && (c.End.IsZero() || p.Before(c.End))
}
