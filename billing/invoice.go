package billing

import (
	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The types of this file are the engine's output. They carry no JSON tags: how a
// result is printed (JSON field names, which fields) belongs to the program that
// prints it, e.g. examples/invoicing.

// Result is the priced outcome of one billing period: one invoice per project, the
// accounts found in the data but in no project, and warnings.
type Result struct {
	Period resellerkit.Month
	Issuer Issuer
	// CostCurrency is the currency of the cost data (Config.CostCurrency, USD by
	// default): the amounts named …USD below are in it (B-1, B-10).
	CostCurrency money.Currency
	Invoices     []Invoice // in project order
	Unassigned   []UnassignedAccount
	Warnings     []string
	Rows         RowCounts
	// Inputs describes what Run read, one entry per Job input in order; Compute
	// leaves it empty.
	Inputs []InputStats
}

// RowCounts counts the rows the engine saw.
type RowCounts struct {
	InPeriod      int64 // rows of the period, all charged or classified
	OutsidePeriod int64 // rows of other months: not charged (B-1)
}

// Invoice is the amounts of one project's invoice for the period (B-12). The amounts
// named …USD are exact and in the cost data's currency (Result.CostCurrency, USD
// unless configured otherwise); Subtotal, Tax, Total and each line's Amount are in
// Currency, rounded.
type Invoice struct {
	ProjectID          string
	ProjectName        string
	Currency           money.Currency
	ExchangeRate       money.Decimal // the one rate of the invoice from the cost currency to Currency (B-10)
	ExchangeRateSource string        // where the rate comes from, when configured
	Conversion         Conversion    // where amounts were converted (B-10)
	CostBasis          CostBasis     // B-3

	ChargesUSD              money.Decimal // charges after pricing (B-5)
	ChargesBeforePricingUSD money.Decimal // the same rows on the cost basis (B-3), before pricing
	SupportFeeBaseUSD       money.Decimal // B-7 base
	SupportFeeUSD           money.Decimal
	CreditsUSD              money.Decimal
	CustomItemsUSD          money.Decimal // B-6, fees positive, credits negative
	LateCreditsUSD          money.Decimal // B-16, carried from months already invoiced
	ExcludedUSD             ExcludedUSD

	Subtotal     money.Amount
	Tax          money.Amount
	Total        money.Amount
	TaxBreakdown []TaxAmount

	Accounts []AccountCharges
	Lines    []Line
}

// ExcludedUSD sums the rows of a project kept off the customer's bill.
type ExcludedUSD struct {
	Tax              money.Decimal // AWS tax rows (B-4)
	ResellerDiscount money.Decimal // EdpDiscount, … (B-3)
	AWSSupport       money.Decimal // AWS support plan rows (B-7)
}

// TaxAmount is the tax of one rate: computed once on the sum of its taxable lines and
// rounded once (B-11). Taxable and Tax are in the invoice currency.
type TaxAmount struct {
	Rate     money.Decimal
	Taxable  money.Amount
	Tax      money.Amount
	Rounding money.RoundingMode
}

// AccountCharges is one account's share of an invoice.
type AccountCharges struct {
	AccountID     string
	ChargesUSD    money.Decimal
	CreditsUSD    money.Decimal
	Services      []ServiceCharges    // by product code
	BillingGroups []BillingGroupShare // B-9; empty when every charge is untagged
}

// ServiceCharges is one service's (product code's) charges in an account, after pricing.
type ServiceCharges struct {
	Service    string
	ChargesUSD money.Decimal
}

// BillingGroupShare is one value of the CmBillingGroup tag in an account (B-9); the
// untagged charges have Group "". Ratio is the share of the account's charges with 4
// decimals, allocated so that the ratios sum to exactly 1; it is nil when the
// account's charges are zero.
type BillingGroupShare struct {
	Group      string
	ChargesUSD money.Decimal
	Ratio      *money.Decimal
}

// LineKind says what an invoice line bills.
type LineKind string

// The kinds of invoice line (B-12).
const (
	LineService    LineKind = "service"     // one service of one account
	LineCredits    LineKind = "credits"     // the credits and refunds of one account
	LineCustom     LineKind = "custom"      // a custom item (B-6)
	LineSupportFee LineKind = "support_fee" // the reseller support fee (B-7)
	// LineLateCredits carries credits and refunds of an issued month that arrived
	// after its invoice (B-16) to the next invoice; DocumentLine.RefPeriod names
	// the month.
	LineLateCredits LineKind = "late_credits"
	// LineReturn is a line of a credit note: money returned on an invoice (B-12).
	LineReturn LineKind = "return"
)

// Line is one invoice line (B-12): its exact USD amount and its amount in the invoice
// currency, converted and rounded (B-10).
type Line struct {
	Kind        LineKind
	AccountID   string // empty for lines of the whole project
	Service     string // the product code
	ServiceName string // the product name, when the data has one
	Description string
	// RefPeriod is the month a LineLateCredits line carries credits of; else zero.
	RefPeriod resellerkit.Month
	AmountUSD money.Decimal
	Amount    money.Amount
}

// UnassignedAccount is an account in the data but in no project: listed, never
// silently dropped. ChargesUSD is at AWS's cost (no project's pricing applies).
type UnassignedAccount struct {
	AccountID  string
	ChargesUSD money.Decimal
	CreditsUSD money.Decimal
	Rows       int64
}
