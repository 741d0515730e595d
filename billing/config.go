package billing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// ErrInvalid is wrapped by every validation error of this package.
var ErrInvalid = errors.New("invalid")

// ValidationError reports one invalid configuration value: the field (a JSON path
// such as "projects[0].pricing_rules[1].percent"), the offending value and the rule
// it breaks. It wraps ErrInvalid.
type ValidationError struct {
	Field string
	Value string
	Rule  string
}

// Error returns `billing: FIELD "VALUE": RULE`.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("billing: %s %s: %s", e.Field, strconv.Quote(e.Value), e.Rule)
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Config is everything the engine needs besides cost data: the issuer, the tax and
// the projects with their accounts and billing settings. Its JSON form is the
// -config file of examples/invoicing.
type Config struct {
	Issuer   Issuer    `json:"issuer"`
	Tax      Tax       `json:"tax"`
	Projects []Project `json:"projects"`
}

// Issuer is the reseller issuing the invoices (B-12).
type Issuer struct {
	Name string `json:"name"`
	// RegistrationNumber is the qualified-invoice issuer number: "T" + 13 digits.
	RegistrationNumber string `json:"registration_number"`
}

// Tax is the consumption tax (B-11).
type Tax struct {
	// Rate is the tax rate as a fraction; the zero value means the default 0.10.
	Rate *money.Decimal `json:"rate,omitempty"`
	// Rounding is the money.RoundingMode name applied once per invoice per rate;
	// empty means "floor".
	Rounding string `json:"rounding,omitempty"`
}

// Project is the unit of invoicing (M-2): one invoice per project per month.
type Project struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Currency string   `json:"currency"` // "JPY" or "USD"
	Accounts []string `json:"accounts"` // 12-digit AWS account ids (M-3)
	// ExchangeRate is the USD→currency rate of the invoice (B-10); required for JPY,
	// 1 (the default) for USD.
	ExchangeRate *money.Decimal `json:"exchange_rate,omitempty"`
	// Conversion is where amounts are converted (B-10): "line" (default: each line
	// converted and rounded) or "total" (the USD total converted and rounded once,
	// then allocated over the lines by largest remainder).
	Conversion string `json:"conversion,omitempty"`
	// ConversionRounding is the money.RoundingMode name for converted amounts;
	// empty means "half_up".
	ConversionRounding string `json:"conversion_rounding,omitempty"`
	// SupportFee is the reseller support fee (B-7); nil means rate 0.10.
	SupportFee *SupportFee `json:"support_fee,omitempty"`
	// CostBasis is the cost the project's charges start from (B-3):
	// CostBasisUnblended (the default when empty) or CostBasisPublicOnDemand.
	CostBasis string `json:"cost_basis,omitempty"`
	// PassResellerDiscounts passes the reseller's own discounts (EdpDiscount, …) to
	// the customer as charges (B-3); false by default.
	PassResellerDiscounts bool          `json:"pass_reseller_discounts,omitempty"`
	PricingRules          []PricingRule `json:"pricing_rules,omitempty"`
	CustomItems           []CustomItem  `json:"custom_items,omitempty"`
}

// SupportFee selects the support fee of a project (B-7): either a rate of the base,
// or one of AWS's public support-plan formulas.
type SupportFee struct {
	// Rate is the fraction of the base (0.10 = 10%); used when Plan is empty.
	Rate *money.Decimal `json:"rate,omitempty"`
	// Plan is "developer", "business", "enterprise_on_ramp" or "enterprise".
	Plan string `json:"plan,omitempty"`
}

// Cost bases of a project (B-3).
const (
	// CostBasisUnblended charges the rows' unblended cost (CUR lineItem/UnblendedCost,
	// FOCUS BilledCost): the cash basis, the default.
	CostBasisUnblended = "unblended"
	// CostBasisPublicOnDemand charges the rows' public on-demand (list) cost (CUR
	// pricing/publicOnDemandCost, FOCUS ListCost), the basis for markups as AWS
	// Billing Conductor uses it; AWS's commitment fees and discounts off the list price
	// count zero (Class.NotListPriced), a row without a public price counts at its
	// unblended cost, and credits always do.
	CostBasisPublicOnDemand = "public_on_demand"
)

// Rule scopes and types (B-5).
const (
	ScopeGlobal        = "global"
	ScopeBillingEntity = "billing_entity"
	ScopeService       = "service"
	ScopeSKU           = "sku"

	RuleDiscount = "discount"
	RuleMarkup   = "markup"
)

// PricingRule is a discount or markup on a project's charges (B-5). The most
// specific matching rule applies to a line: sku > service > billing_entity > global.
// Service is compared with the line's product code (in FOCUS data, ServiceName).
// A scope uses only its own target fields (global: none; billing_entity:
// BillingEntity; service: Service; sku: Service, UsageType and Operation, all
// required); Validate rejects any other target field.
type PricingRule struct {
	Scope         string        `json:"scope"`
	Type          string        `json:"type"`    // "discount" or "markup"
	Percent       money.Decimal `json:"percent"` // required in JSON; at most 2 decimals as written
	BillingEntity string        `json:"billing_entity,omitempty"`
	Service       string        `json:"service,omitempty"`
	UsageType     string        `json:"usage_type,omitempty"`
	Operation     string        `json:"operation,omitempty"`

	// percentMissing records a JSON rule without "percent", which Validate rejects
	// (B-5) rather than reading it as 0%.
	percentMissing bool
}

// UnmarshalJSON decodes a rule strictly: unknown fields are errors, and a missing
// "percent" is remembered so that Validate reports it (B-5).
func (r *PricingRule) UnmarshalJSON(b []byte) error {
	type plain PricingRule
	var aux struct {
		plain
		Percent *money.Decimal `json:"percent"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*r = PricingRule(aux.plain)
	r.percentMissing = aux.Percent == nil
	if aux.Percent != nil {
		r.Percent = *aux.Percent
	}
	return nil
}

// CustomItem is a fee or credit the reseller adds to invoices (B-6): a flat USD amount
// or a percentage of the project's charges after pricing (optionally of one account,
// service or line item type), one-off in Start or recurring over [Start, End).
type CustomItem struct {
	Description  string         `json:"description"`
	Type         string         `json:"type"` // "fee" or "credit"
	AmountUSD    *money.Decimal `json:"amount_usd,omitempty"`
	Percent      *money.Decimal `json:"percent,omitempty"`
	Account      string         `json:"account,omitempty"`
	Service      string         `json:"service,omitempty"`
	LineItemType string         `json:"line_item_type,omitempty"`
	Start        string         `json:"start"`         // "YYYY-MM"
	End          string         `json:"end,omitempty"` // "YYYY-MM", exclusive; only with Recurring
	Recurring    bool           `json:"recurring,omitempty"`
}

// activeIn reports whether the item applies to period p (the item is valid).
func (c *CustomItem) activeIn(p Period) bool {
	start, _ := ParsePeriod(c.Start)
	if !c.Recurring {
		return p == start
	}
	if periodLess(p, start) {
		return false
	}
	if c.End == "" {
		return true
	}
	end, _ := ParsePeriod(c.End)
	return periodLess(p, end)
}

func periodLess(a, b Period) bool {
	return a.Year < b.Year || (a.Year == b.Year && a.Month < b.Month)
}

// SupportPlan names the support-fee formula of B-7.
type SupportPlan string

// The support plans: a flat rate, or AWS's public support-plan formulas (B-7).
const (
	PlanRate             SupportPlan = ""
	PlanDeveloper        SupportPlan = "developer"
	PlanBusiness         SupportPlan = "business"
	PlanEnterpriseOnRamp SupportPlan = "enterprise_on_ramp"
	PlanEnterprise       SupportPlan = "enterprise"
)

// DefaultSupportFeeRate is the reseller support fee rate when a project sets none (B-7).
var DefaultSupportFeeRate = money.MustParse("0.10")

// DefaultTaxRate is Japan's standard consumption tax rate (B-11).
var DefaultTaxRate = money.MustParse("0.10")

var hundred = money.NewFromInt(100)

// Validate checks the whole configuration and returns nil or the errors.Join of one
// *ValidationError per problem, in field order.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, value, rule string) {
		errs = append(errs, &ValidationError{Field: field, Value: value, Rule: rule})
	}
	if c.Issuer.Name == "" {
		bad("issuer.name", "", "required (B-12)")
	}
	if !validRegistrationNumber(c.Issuer.RegistrationNumber) {
		bad("issuer.registration_number", c.Issuer.RegistrationNumber, `want "T" followed by 13 digits (B-12)`)
	}
	if c.Tax.Rate != nil && (c.Tax.Rate.Sign() < 0 || c.Tax.Rate.Cmp(money.NewFromInt(1)) >= 0) {
		bad("tax.rate", c.Tax.Rate.String(), "want a fraction in [0, 1), e.g. 0.10 (B-11)")
	}
	if c.Tax.Rounding != "" {
		if _, err := money.ParseRoundingMode(c.Tax.Rounding); err != nil {
			bad("tax.rounding", c.Tax.Rounding, "want half_up, half_even, floor, ceil or down (B-11)")
		}
	}
	if len(c.Projects) == 0 {
		bad("projects", "", "at least one project is required (M-2)")
	}
	projectOf := map[string]string{}
	ids := map[string]bool{}
	for i := range c.Projects {
		p := &c.Projects[i]
		f := fmt.Sprintf("projects[%d]", i)
		if p.ID == "" {
			bad(f+".id", "", "required (M-2)")
		} else if ids[p.ID] {
			bad(f+".id", p.ID, "project ids must be unique (M-2)")
		}
		ids[p.ID] = true
		cur, err := money.ParseCurrency(p.Currency)
		if err != nil {
			bad(f+".currency", p.Currency, "want JPY or USD (M-2, B-10)")
		}
		switch {
		case p.ExchangeRate == nil && err == nil && cur != money.USD:
			bad(f+".exchange_rate", "", "required for a "+p.Currency+" invoice (B-10)")
		case p.ExchangeRate != nil && p.ExchangeRate.Sign() <= 0:
			bad(f+".exchange_rate", p.ExchangeRate.String(), "must be positive (B-10)")
		case p.ExchangeRate != nil && err == nil && cur == money.USD && !p.ExchangeRate.Equal(money.NewFromInt(1)):
			bad(f+".exchange_rate", p.ExchangeRate.String(), "a USD invoice has rate 1 (B-10)")
		}
		if p.Conversion != "" && p.Conversion != "line" && p.Conversion != "total" {
			bad(f+".conversion", p.Conversion, "want line or total (B-10)")
		}
		switch p.CostBasis {
		case "", CostBasisUnblended, CostBasisPublicOnDemand:
		default:
			bad(f+".cost_basis", p.CostBasis, "want unblended or public_on_demand (B-3)")
		}
		if p.ConversionRounding != "" {
			if _, err := money.ParseRoundingMode(p.ConversionRounding); err != nil {
				bad(f+".conversion_rounding", p.ConversionRounding, "want half_up, half_even, floor, ceil or down (B-10)")
			}
		}
		inProject := map[string]bool{}
		for j, a := range p.Accounts {
			af := fmt.Sprintf("%s.accounts[%d]", f, j)
			switch {
			case !validAccountID(a):
				bad(af, a, "an AWS account id is 12 digits (M-3)")
			case inProject[a]:
				bad(af, a, "account listed twice in project "+p.ID+" (M-3)")
			case projectOf[a] != "":
				bad(af, a, "account already in project "+projectOf[a]+": an account belongs to exactly one project (M-3)")
			default:
				projectOf[a] = p.ID
			}
			inProject[a] = true
		}
		if s := p.SupportFee; s != nil {
			switch SupportPlan(s.Plan) {
			case PlanRate:
				if s.Rate == nil {
					bad(f+".support_fee.rate", "", "a rate or a plan is required (B-7)")
				} else if s.Rate.Sign() < 0 || s.Rate.Cmp(money.NewFromInt(1)) > 0 {
					bad(f+".support_fee.rate", s.Rate.String(), "want a fraction in [0, 1], e.g. 0.10 (B-7)")
				}
			case PlanDeveloper, PlanBusiness, PlanEnterpriseOnRamp, PlanEnterprise:
				if s.Rate != nil {
					bad(f+".support_fee.rate", s.Rate.String(), "a plan and a rate are exclusive (B-7)")
				}
			default:
				bad(f+".support_fee.plan", s.Plan, "want developer, business, enterprise_on_ramp or enterprise (B-7)")
			}
		}
		seen := map[string]int{}
		for j := range p.PricingRules {
			r := &p.PricingRules[j]
			rf := fmt.Sprintf("%s.pricing_rules[%d]", f, j)
			var target string
			unused := func(fields ...string) {
				for _, name := range fields {
					var v string
					switch name {
					case "billing_entity":
						v = r.BillingEntity
					case "service":
						v = r.Service
					case "usage_type":
						v = r.UsageType
					case "operation":
						v = r.Operation
					}
					if v != "" {
						bad(rf+"."+name, v, "not used by scope "+r.Scope+" (B-5)")
					}
				}
			}
			switch r.Scope {
			case ScopeGlobal:
				unused("billing_entity", "service", "usage_type", "operation")
			case ScopeBillingEntity:
				if r.BillingEntity == "" {
					bad(rf+".billing_entity", "", "required by scope billing_entity (B-5)")
				}
				unused("service", "usage_type", "operation")
				target = r.BillingEntity
			case ScopeService:
				if r.Service == "" {
					bad(rf+".service", "", "required by scope service (B-5)")
				}
				unused("billing_entity", "usage_type", "operation")
				target = r.Service
			case ScopeSKU:
				if r.Service == "" || r.UsageType == "" || r.Operation == "" {
					bad(rf, "", "scope sku requires service, usage_type and operation (B-5)")
				}
				unused("billing_entity")
				target = r.Service + "\x00" + r.UsageType + "\x00" + r.Operation
			default:
				bad(rf+".scope", r.Scope, "want global, billing_entity, service or sku (B-5)")
			}
			if k := r.Scope + "\x00" + target; r.Scope != "" {
				if prev, dup := seen[k]; dup {
					bad(rf, r.Scope, fmt.Sprintf("same scope and target as pricing_rules[%d]: one rule per line (B-5)", prev))
				}
				seen[k] = j
			}
			switch r.Type {
			case RuleDiscount, RuleMarkup:
			default:
				bad(rf+".type", r.Type, "want discount or markup (B-5)")
			}
			switch {
			case r.percentMissing:
				bad(rf+".percent", "", "required (B-5)")
			case r.Percent.Scale() > 2:
				bad(rf+".percent", r.Percent.StringFixed(r.Percent.Scale()), "at most 2 decimals as written (B-5)")
			case r.Percent.Sign() < 0:
				bad(rf+".percent", r.Percent.String(), "must not be negative (B-5)")
			case r.Type == RuleDiscount && r.Percent.Cmp(hundred) > 0:
				bad(rf+".percent", r.Percent.String(), "a discount is at most 100 (B-5)")
			}
		}
		for j := range p.CustomItems {
			ci := &p.CustomItems[j]
			cf := fmt.Sprintf("%s.custom_items[%d]", f, j)
			if ci.Description == "" {
				bad(cf+".description", "", "required (B-6)")
			}
			if ci.Type != "fee" && ci.Type != "credit" {
				bad(cf+".type", ci.Type, "want fee or credit (B-6)")
			}
			switch {
			case (ci.AmountUSD == nil) == (ci.Percent == nil):
				bad(cf, "", "exactly one of amount_usd and percent (B-6)")
			case ci.AmountUSD != nil && ci.AmountUSD.Sign() <= 0:
				bad(cf+".amount_usd", ci.AmountUSD.String(), "must be positive; type says fee or credit (B-6)")
			case ci.Percent != nil && (ci.Percent.Sign() <= 0 || ci.Percent.Scale() > 2):
				bad(cf+".percent", ci.Percent.StringFixed(ci.Percent.Scale()), "must be positive with at most 2 decimals as written (B-6)")
			case ci.AmountUSD != nil && (ci.Service != "" || ci.LineItemType != ""):
				bad(cf, "", "service and line_item_type filter a percent item only (B-6)")
			}
			if ci.Account != "" && !inProject[ci.Account] {
				bad(cf+".account", ci.Account, "not an account of project "+p.ID+" (B-6)")
			}
			start, serr := ParsePeriod(ci.Start)
			if serr != nil {
				bad(cf+".start", ci.Start, "want YYYY-MM (B-6)")
			}
			if ci.End != "" {
				end, eerr := ParsePeriod(ci.End)
				switch {
				case !ci.Recurring:
					bad(cf+".end", ci.End, "only a recurring item has an end (B-6)")
				case eerr != nil:
					bad(cf+".end", ci.End, "want YYYY-MM (B-6)")
				case serr == nil && !periodLess(start, end):
					bad(cf+".end", ci.End, "must be after start: periods are [start, end) (B-6)")
				}
			}
		}
	}
	return errors.Join(errs...)
}

func validRegistrationNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' {
		return false
	}
	return allDigits(s[1:])
}

func validAccountID(s string) bool { return len(s) == 12 && allDigits(s) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
