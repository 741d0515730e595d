package billing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// problems collects the *resellerkit.ValidationErrors of a check, in field order.
type problems []error

func (p *problems) add(field, value, rule, reason string) {
	*p = append(*p, resellerkit.Invalid(ErrInvalid, field, value, rule, reason))
}

// err returns nil, or the errors.Join of every problem.
func (p problems) err() error { return errors.Join(p...) }

// Validate checks the whole configuration and returns nil or the errors.Join of one
// *resellerkit.ValidationError (wrapping ErrInvalid) per problem, in field order:
// Field is the JSON path ("projects[0].pricing_rules[1].percent"), Rule the
// DOMAIN.md rule id, Reason what is wrong. It checks the typed settings built in Go
// (their Valid methods; decoding already checked those of a file) and the rules
// between fields: unique project ids, an account in one project only (M-3), a rate
// for every JPY project, the targets a pricing rule's scope uses (B-5), the accounts
// custom items name (B-6).
func (c *Config) Validate() error {
	var p problems
	c.Issuer.check(&p, "issuer")
	c.Tax.check(&p, "tax")
	if c.CostCurrency != "" && !c.CostCurrency.Valid() {
		p.add("cost_currency", string(c.CostCurrency), "B-1", "want JPY or USD")
	}
	checkProjects(&p, c.Projects, c.costCurrency())
	return p.err()
}

func (i *Issuer) check(p *problems, f string) {
	if i.Name == "" {
		p.add(f+".name", "", "B-12", "required")
	}
	if !validRegistrationNumber(i.RegistrationNumber) {
		p.add(f+".registration_number", i.RegistrationNumber, "B-12", `want "T" followed by 13 digits`)
	}
}

func (t *Tax) check(p *problems, f string) {
	if t.Rate != nil && (t.Rate.Sign() < 0 || t.Rate.Cmp(money.NewFromInt(1)) >= 0) {
		p.add(f+".rate", t.Rate.String(), "B-11", "want a fraction in [0, 1), e.g. 0.10")
	}
	if t.Rounding != nil && !t.Rounding.Valid() {
		p.add(f+".rounding", t.Rounding.String(), "B-11", "want half_up, half_even, floor, ceil or down")
	}
}

// checkProjects checks each project, and that ids are unique (M-2) and every account
// belongs to one project only (M-3); cost is the cost data's currency (B-1, B-10).
func checkProjects(p *problems, projects []Project, cost money.Currency) {
	if len(projects) == 0 {
		p.add("projects", "", "M-2", "at least one project is required")
	}
	ids := map[string]bool{}
	owner := map[string]string{} // account → project id
	for i := range projects {
		pr := &projects[i]
		f := fmt.Sprintf("projects[%d]", i)
		switch {
		case pr.ID == "":
			p.add(f+".id", "", "M-2", "required")
		case ids[pr.ID]:
			p.add(f+".id", pr.ID, "M-2", "project ids must be unique")
		}
		ids[pr.ID] = true
		pr.check(p, f, owner, cost)
	}
}

// check checks one project; owner maps the accounts of the projects before it to
// their project, and gets this project's accounts; cost is the cost data's currency.
func (pr *Project) check(p *problems, f string, owner map[string]string, cost money.Currency) {
	if !pr.Currency.Valid() {
		p.add(f+".currency", string(pr.Currency), "B-10", "want JPY or USD")
	}
	// B-10: the rate converts the cost data's currency into the invoice's.
	rate := pr.ExchangeRate
	switch {
	case pr.Currency == money.USD && cost == money.JPY:
		p.add(f+".currency", string(pr.Currency), "B-10", "the cost data is in JPY (cost_currency): invoice it in JPY, "+
			"a USD invoice would need the inverse of a USD→JPY rate, which no decimal holds exactly")
	case rate == nil && pr.Currency == money.JPY && cost != money.JPY:
		p.add(f+".exchange_rate", "", "B-10", "required for a JPY invoice")
	case rate != nil && rate.Sign() <= 0:
		p.add(f+".exchange_rate", rate.String(), "B-10", "must be positive")
	case rate != nil && pr.Currency == money.USD && !rate.Equal(money.NewFromInt(1)):
		p.add(f+".exchange_rate", rate.String(), "B-10", "a USD invoice has rate 1")
	case rate != nil && pr.Currency == cost && !rate.Equal(money.NewFromInt(1)):
		p.add(f+".exchange_rate", rate.String(), "B-10", "JPY cost data invoiced in JPY is not converted: rate 1")
	}
	if !pr.Conversion.Valid() {
		p.add(f+".conversion", string(pr.Conversion), "B-10", want(conversions))
	}
	if !pr.CostBasis.Valid() {
		p.add(f+".cost_basis", string(pr.CostBasis), "B-3", want(costBases))
	}
	if !pr.ConversionRounding.Valid() {
		p.add(f+".conversion_rounding", pr.ConversionRounding.String(), "B-10", "want half_up, half_even, floor, ceil or down")
	}
	inProject := map[string]bool{}
	for j, a := range pr.Accounts {
		af := fmt.Sprintf("%s.accounts[%d]", f, j)
		switch {
		case !validAccountID(a):
			p.add(af, a, "M-3", "an AWS account id is 12 digits")
		case inProject[a]:
			p.add(af, a, "M-3", "account listed twice in project "+pr.ID)
		case owner[a] != "":
			p.add(af, a, "M-3", "account already in project "+owner[a]+": an account belongs to exactly one project")
		default:
			owner[a] = pr.ID
		}
		inProject[a] = true
	}
	if pr.SupportFee != nil {
		pr.SupportFee.check(p, f+".support_fee")
		if pr.SupportFee.Plan != PlanRate && pr.SupportFee.Plan.Valid() && cost != money.USD {
			p.add(f+".support_fee.plan", string(pr.SupportFee.Plan), "B-7", "AWS's support-plan formulas have USD minimums and bands, "+
				"and the cost data is in "+string(cost)+" (cost_currency): use a rate")
		}
	}
	checkRules(p, f, pr.PricingRules)
	for j, lc := range pr.LateCredits {
		lf := fmt.Sprintf("%s.late_credits[%d]", f, j)
		if !validAccountID(lc.AccountID) {
			p.add(lf+".account_id", lc.AccountID, "B-16", "an AWS account id is 12 digits")
		}
		if lc.RefPeriod.IsZero() {
			p.add(lf+".ref_period", "", "B-16", "required: the month the credits belong to")
		}
	}
	for j := range pr.CustomItems {
		ci := &pr.CustomItems[j]
		cf := fmt.Sprintf("%s.custom_items[%d]", f, j)
		ci.check(p, cf)
		if ci.AmountUSD != nil && cost != money.USD {
			p.add(cf+".amount_usd", ci.AmountUSD.String(), "B-6", "the cost data is in "+string(cost)+
				" (cost_currency) and a USD amount cannot be added to it without a rate: use percent")
		}
		if ci.Account != "" && !inProject[ci.Account] {
			p.add(cf+".account", ci.Account, "B-6", "not an account of project "+pr.ID)
		}
	}
}

func (s *SupportFee) check(p *problems, f string) {
	switch {
	case !s.Plan.Valid():
		p.add(f+".plan", string(s.Plan), "B-7", want(supportPlans))
	case s.Plan != PlanRate && s.Rate != nil:
		p.add(f+".rate", s.Rate.String(), "B-7", "a plan and a rate are exclusive")
	case s.Plan == PlanRate && s.Rate == nil:
		p.add(f+".rate", "", "B-7", "a rate or a plan is required")
	case s.Plan == PlanRate && (s.Rate.Sign() < 0 || s.Rate.Cmp(money.NewFromInt(1)) > 0):
		p.add(f+".rate", s.Rate.String(), "B-7", "want a fraction in [0, 1], e.g. 0.10")
	}
}

// checkRules checks each pricing rule of a project, and that no two have the same
// scope and target: one rule per line (B-5).
func checkRules(p *problems, f string, rules []PricingRule) {
	seen := map[string]int{} // scope and target → index
	for j := range rules {
		r := &rules[j]
		rf := fmt.Sprintf("%s.pricing_rules[%d]", f, j)
		r.check(p, rf)
		if !r.Scope.Valid() {
			continue
		}
		k := r.targetKey()
		if prev, dup := seen[k]; dup {
			p.add(rf, string(r.Scope), "B-5", fmt.Sprintf("same scope and target as pricing_rules[%d]: one rule per line", prev))
			continue
		}
		seen[k] = j
	}
}

// targetNames are the JSON names of a pricing rule's target fields, in field order.
var targetNames = [...]string{"billing_entity", "service", "usage_type", "operation"}

// targets returns the target fields scope s requires; it uses no other (B-5).
func (s Scope) targets() []string {
	switch s {
	case ScopeBillingEntity:
		return targetNames[:1]
	case ScopeService:
		return targetNames[1:2]
	case ScopeSKU:
		return targetNames[1:]
	}
	return nil
}

// target returns the value of the target field with JSON name name.
func (r *PricingRule) target(name string) string {
	switch name {
	case "billing_entity":
		return r.BillingEntity
	case "service":
		return r.Service
	case "usage_type":
		return r.UsageType
	}
	return r.Operation
}

// targetKey identifies what a rule applies to: its scope and the targets it uses.
func (r *PricingRule) targetKey() string {
	k := string(r.Scope)
	for _, name := range r.Scope.targets() {
		k += "\x00" + r.target(name)
	}
	return k
}

func (r *PricingRule) check(p *problems, f string) {
	if !r.Scope.Valid() {
		p.add(f+".scope", string(r.Scope), "B-5", want(scopes))
	} else {
		r.checkTargets(p, f)
	}
	if !r.Type.Valid() {
		p.add(f+".type", string(r.Type), "B-5", want(ruleTypes))
	}
	switch {
	case !r.Percent.IsSet():
		p.add(f+".percent", "", "B-5", "required")
	case r.Percent.problem() != "":
		p.add(f+".percent", r.Percent.String(), "B-5", r.Percent.problem())
	case r.Type == RuleDiscount && r.Percent.Decimal().Cmp(money.NewFromInt(100)) > 0:
		p.add(f+".percent", r.Percent.String(), "B-5", "a discount is at most 100")
	}
}

// checkTargets checks that the rule sets the targets its scope requires, and no other.
func (r *PricingRule) checkTargets(p *problems, f string) {
	required := r.Scope.targets()
	for _, name := range required {
		if r.target(name) != "" {
			continue
		}
		if len(required) == 1 {
			p.add(f+"."+name, "", "B-5", "required by scope "+string(r.Scope))
		} else {
			p.add(f, "", "B-5", "scope sku requires service, usage_type and operation")
		}
		break
	}
	for _, name := range targetNames {
		if v := r.target(name); v != "" && !slices.Contains(required, name) {
			p.add(f+"."+name, v, "B-5", "not used by scope "+string(r.Scope))
		}
	}
}

// maxLineDescription bounds the description of a line an operator writes (a
// custom item's, a credit note's): it is one line of the invoice's PDF and CSV.
const maxLineDescription = 200

// lineDescriptionProblem says what is wrong with the description of a line an
// operator writes, or "".
func lineDescriptionProblem(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "required"
	case utf8.RuneCountInString(s) > maxLineDescription:
		return fmt.Sprintf("want at most %d characters: one line of the invoice", maxLineDescription)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "want one line: no line break, tab or other control character"
	}
	return ""
}

// check checks one custom item, except its account, which its project checks.
func (ci *CustomItem) check(p *problems, f string) {
	if problem := lineDescriptionProblem(ci.Description); problem != "" {
		p.add(f+".description", ci.Description, "B-6", problem)
	}
	if !ci.Type.Valid() {
		p.add(f+".type", string(ci.Type), "B-6", want(customItemTypes))
	}
	switch {
	case (ci.AmountUSD == nil) == !ci.Percent.IsSet():
		p.add(f, "", "B-6", "exactly one of amount_usd and percent")
	case ci.AmountUSD != nil && ci.AmountUSD.Sign() <= 0:
		p.add(f+".amount_usd", ci.AmountUSD.String(), "B-6", "must be positive; type says fee or credit")
	case ci.Percent.IsSet() && (ci.Percent.Decimal().Sign() <= 0 || ci.Percent.problem() != ""):
		p.add(f+".percent", ci.Percent.String(), "B-6", "must be positive with at most 2 decimals as written")
	case ci.AmountUSD != nil && (ci.Service != "" || ci.LineItemType != ""):
		p.add(f, "", "B-6", "service and line_item_type filter a percent item only")
	}
	if ci.Start.IsZero() {
		p.add(f+".start", "", "B-6", "required: the first month, YYYY-MM")
	}
	switch {
	case ci.End.IsZero():
	case !ci.Recurring:
		p.add(f+".end", ci.End.String(), "B-6", "only a recurring item has an end")
	case !ci.Start.IsZero() && !ci.Start.Before(ci.End):
		p.add(f+".end", ci.End.String(), "B-6", "must be after start: periods are [start, end)")
	}
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
