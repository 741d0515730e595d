package billing

import (
	"slices"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The billing settings of a project are typed: each type below rejects a bad value
// when it is decoded (UnmarshalText, so the configuration file's error names the
// JSON path and line), and has Valid for values built in Go, which Config.Validate
// checks. Validate itself is then about the rules between fields.

// Scope is what a pricing rule applies to (B-5). The most specific matching scope
// wins: ScopeSKU > ScopeService > ScopeBillingEntity > ScopeGlobal.
type Scope string

// The scopes of a pricing rule (B-5).
const (
	ScopeGlobal        Scope = "global"         // every charge of the project
	ScopeBillingEntity Scope = "billing_entity" // charges of one bill/BillingEntity
	ScopeService       Scope = "service"        // charges of one product code
	ScopeSKU           Scope = "sku"            // one product code, usage type and operation
)

// Valid reports whether s is one of the scopes.
func (s Scope) Valid() bool { return slices.Contains(scopes, s) }

// UnmarshalText accepts the name of a scope and nothing else.
func (s *Scope) UnmarshalText(b []byte) error { return unmarshalEnum(s, b, scopes) }

// rank is the specificity of the scope: a matching rule of a higher rank wins.
func (s Scope) rank() int { return slices.Index(scopes, s) }

var scopes = []Scope{ScopeGlobal, ScopeBillingEntity, ScopeService, ScopeSKU}

// RuleType says whether a pricing rule lowers or raises a charge (B-5).
type RuleType string

// The types of pricing rule (B-5).
const (
	RuleDiscount RuleType = "discount" // charge × (1 − percent/100)
	RuleMarkup   RuleType = "markup"   // charge × (1 + percent/100)
)

// Valid reports whether t is RuleDiscount or RuleMarkup.
func (t RuleType) Valid() bool { return slices.Contains(ruleTypes, t) }

// UnmarshalText accepts "discount" or "markup".
func (t *RuleType) UnmarshalText(b []byte) error { return unmarshalEnum(t, b, ruleTypes) }

var ruleTypes = []RuleType{RuleDiscount, RuleMarkup}

// CostBasis is the cost a project's charges start from (B-3). The zero value means
// CostBasisUnblended.
type CostBasis string

// The cost bases (B-3).
const (
	// CostBasisUnblended charges the rows' unblended cost (CUR lineItem/UnblendedCost,
	// FOCUS BilledCost): the cash basis, the default.
	CostBasisUnblended CostBasis = "unblended"
	// CostBasisPublicOnDemand charges the rows' public on-demand (list) cost (CUR
	// pricing/publicOnDemandCost, FOCUS ListCost), the basis for markups as AWS
	// Billing Conductor uses it; AWS's commitment fees and discounts off the list price
	// count zero (Class.NotListPriced), a row without a public price counts at its
	// unblended cost, and credits always do.
	CostBasisPublicOnDemand CostBasis = "public_on_demand"
)

// Valid reports whether b is a cost basis or empty (the default).
func (b CostBasis) Valid() bool { return slices.Contains(costBases, b) }

// UnmarshalText accepts "unblended", "public_on_demand" or "" (the default).
func (b *CostBasis) UnmarshalText(t []byte) error { return unmarshalEnum(b, t, costBases) }

// orDefault returns b, or CostBasisUnblended when b is empty.
func (b CostBasis) orDefault() CostBasis { return cmpOr(b, CostBasisUnblended) }

var costBases = []CostBasis{"", CostBasisUnblended, CostBasisPublicOnDemand}

// Conversion is where an invoice's USD amounts are converted to its currency (B-10).
// The zero value means ConversionLine.
type Conversion string

// The conversion points (B-10).
const (
	// ConversionLine converts and rounds each line: the default.
	ConversionLine Conversion = "line"
	// ConversionTotal converts the USD total once, rounds it, and allocates it over
	// the lines by largest remainder, so the lines still sum to the subtotal: each
	// line is its own converted amount rounded down or up by one minor unit.
	ConversionTotal Conversion = "total"
)

// Valid reports whether c is a conversion point or empty (the default).
func (c Conversion) Valid() bool { return slices.Contains(conversions, c) }

// UnmarshalText accepts "line", "total" or "" (the default).
func (c *Conversion) UnmarshalText(b []byte) error { return unmarshalEnum(c, b, conversions) }

// orDefault returns c, or ConversionLine when c is empty.
func (c Conversion) orDefault() Conversion { return cmpOr(c, ConversionLine) }

var conversions = []Conversion{"", ConversionLine, ConversionTotal}

// SupportPlan names the support-fee formula of B-7.
type SupportPlan string

// The support plans: a flat rate, or AWS's public support-plan formulas (B-7).
const (
	PlanRate             SupportPlan = "" // SupportFee.Rate of the base
	PlanDeveloper        SupportPlan = "developer"
	PlanBusiness         SupportPlan = "business"
	PlanEnterpriseOnRamp SupportPlan = "enterprise_on_ramp"
	PlanEnterprise       SupportPlan = "enterprise"
)

// Valid reports whether p is one of the plans (PlanRate included).
func (p SupportPlan) Valid() bool { return slices.Contains(supportPlans, p) }

// UnmarshalText accepts the name of a plan, or "" for PlanRate.
func (p *SupportPlan) UnmarshalText(b []byte) error { return unmarshalEnum(p, b, supportPlans) }

var supportPlans = []SupportPlan{PlanRate, PlanDeveloper, PlanBusiness, PlanEnterpriseOnRamp, PlanEnterprise}

// CustomItemType says whether a custom line item adds to or takes from an invoice
// (B-6).
type CustomItemType string

// The types of custom line item (B-6).
const (
	CustomFee    CustomItemType = "fee"
	CustomCredit CustomItemType = "credit"
)

// Valid reports whether t is CustomFee or CustomCredit.
func (t CustomItemType) Valid() bool { return slices.Contains(customItemTypes, t) }

// UnmarshalText accepts "fee" or "credit".
func (t *CustomItemType) UnmarshalText(b []byte) error {
	return unmarshalEnum(t, b, customItemTypes)
}

var customItemTypes = []CustomItemType{CustomFee, CustomCredit}

// unmarshalEnum sets *dst to the text when it is one of values (which hold "" for
// the types whose zero value means their default), and otherwise returns a
// *resellerkit.ValidationError naming the value and the accepted ones; the decoder
// fills in its field and rule.
func unmarshalEnum[T ~string](dst *T, b []byte, values []T) error {
	v := T(b)
	if !slices.Contains(values, v) {
		return resellerkit.Invalid(ErrInvalid, "", string(b), "", want(values))
	}
	*dst = v
	return nil
}

// want returns "want a, b or c" for the non-empty values.
func want[T ~string](values []T) string {
	names := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			names = append(names, string(v))
		}
	}
	if len(names) == 1 {
		return "want " + names[0]
	}
	return "want " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// cmpOr returns v, or def when v is empty.
func cmpOr[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// Percent is a percentage as a configuration writes it (B-5, B-6): not negative, with
// at most 2 decimals as written ("12.50" is fine; "12.500" and "1e-3" are not, even
// where the value would fit). Its zero value is "not given" (IsSet reports false), so
// a pricing rule without a percent is reported rather than read as 0 %. Build one with
// ParsePercent, or with PercentOf and check it with Valid.
type Percent struct {
	d   money.Decimal
	set bool
}

// maxPercentScale is the most decimals a percent may be written with (B-5).
const maxPercentScale = 2

// ParsePercent parses a percentage such as "12.5" and checks it: an error that is not
// decimal text wraps money.ErrSyntax or money.ErrRange; a negative or over-precise
// percent is a *resellerkit.ValidationError wrapping ErrInvalid.
func ParsePercent(s string) (Percent, error) {
	d, err := money.Parse(s)
	if err != nil {
		return Percent{}, err
	}
	return checkedPercent(d)
}

// checkedPercent returns d as a Percent, or the *resellerkit.ValidationError saying
// why it is not one.
func checkedPercent(d money.Decimal) (Percent, error) {
	p := PercentOf(d)
	if reason := p.problem(); reason != "" {
		return Percent{}, resellerkit.Invalid(ErrInvalid, "", p.String(), "", reason)
	}
	return p, nil
}

// MustParsePercent is ParsePercent for constants known to be valid; it panics
// otherwise.
func MustParsePercent(s string) Percent {
	p, err := ParsePercent(s)
	if err != nil {
		panic("billing.MustParsePercent: " + err.Error())
	}
	return p
}

// PercentOf returns d as a given Percent, unchecked: Valid tells whether it is one a
// configuration may hold.
func PercentOf(d money.Decimal) Percent { return Percent{d: d, set: true} }

// IsSet reports whether the percent was given.
func (p Percent) IsSet() bool { return p.set }

// Decimal returns the percentage as a number (12.5 for 12.5 %).
func (p Percent) Decimal() money.Decimal { return p.d }

// Valid reports whether p is given, not negative and written with at most 2
// decimals.
func (p Percent) Valid() bool { return p.set && p.problem() == "" }

// problem returns what is wrong with a given percent, or "".
func (p Percent) problem() string {
	switch {
	case p.d.Scale() > maxPercentScale:
		return "at most 2 decimals as written"
	case p.d.Sign() < 0:
		return "must not be negative"
	}
	return ""
}

// String returns the percentage as written, trailing zeros included ("12.50"), or ""
// when it was not given.
func (p Percent) String() string {
	if !p.set {
		return ""
	}
	return p.d.StringFixed(p.d.Scale())
}

// MarshalText returns String().
func (p Percent) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses text with ParsePercent.
func (p *Percent) UnmarshalText(b []byte) error {
	v, err := ParsePercent(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// UnmarshalJSON decodes a JSON string (or, leniently, a JSON number, read as exact
// decimal text) with ParsePercent; JSON null leaves p not given.
func (p *Percent) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var d money.Decimal
	if err := d.UnmarshalJSON(b); err != nil {
		return err
	}
	v, err := checkedPercent(d)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
