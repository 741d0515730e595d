package billing

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Compute prices the aggregates of one period with cfg (B-2 … B-12). It validates cfg
// first and returns its errors unchanged, and refuses an Aggregator projected
// (NewAggregatorFor) for a config lacking this one's SKU rules. It never drops a row:
// every row of the period lands in an invoice (charged, credited or excluded by rule)
// or in Unassigned.
//
// The stages: route each aggregate to its project and account (or to Unassigned),
// adding it to the project's totals on the way; then per project build the lines,
// convert them to the invoice currency and compute the tax; last, the warnings.
func Compute(cfg *Config, agg *Aggregator) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// An aggregator projected for another config may have dropped the usage types
	// and operations this config's SKU rules need: refuse rather than misprice.
	if err := agg.CheckConfig(cfg); err != nil {
		return nil, err
	}
	period := agg.Period()
	projects := make([]*projState, len(cfg.Projects))
	for i := range cfg.Projects {
		projects[i] = newProjState(&cfg.Projects[i])
	}
	r := route(agg.Groups(), projects)

	rate, mode := cfg.Tax.resolve()
	res := &Result{Period: period, Issuer: cfg.Issuer, CostCurrency: cfg.costCurrency(), Invoices: make([]Invoice, 0, len(projects)),
		Unassigned: r.unassignedAccounts(), Rows: RowCounts{InPeriod: agg.Rows()}, Inputs: []InputStats{}}
	for _, ps := range projects {
		ps.lines(period)
		if err := ps.convert(); err != nil {
			return nil, err
		}
		ps.tax(rate, mode)
		res.Invoices = append(res.Invoices, *ps.inv)
	}
	res.Warnings = r.warnings(res.Unassigned)
	res.Rows.OutsidePeriod = outsideWarning(&res.Warnings, agg.OutsideRows(), period)
	return res, nil
}

// resolve returns the tax rate and rounding mode, defaults applied.
func (t *Tax) resolve() (money.Decimal, money.RoundingMode) {
	rate, mode := DefaultTaxRate(), money.Floor
	if t.Rate != nil {
		rate = *t.Rate
	}
	if t.Rounding != nil {
		mode = *t.Rounding
	}
	return rate, mode
}

// projState is one project's invoice while it is computed.
type projState struct {
	p        *Project
	inv      *Invoice
	rate     money.Decimal // USD → invoice currency
	plan     SupportPlan
	feeRate  money.Decimal
	accounts map[string]*accState
	charges  []pricedCharge // for the bases of percent custom items (B-6)
}

type accState struct {
	charges       money.Decimal
	credits       money.Decimal
	services      map[string]money.Decimal
	serviceNames  map[string]string // product code → product name (the least non-empty one)
	billingGroups map[string]money.Decimal
}

type pricedCharge struct {
	account, service, lineItemType string
	amount                         money.Decimal
}

// newProjState resolves the project's settings, defaults applied (the project is
// valid).
func newProjState(p *Project) *projState {
	ps := &projState{p: p, rate: money.NewFromInt(1), plan: PlanRate, feeRate: DefaultSupportFeeRate(),
		accounts: make(map[string]*accState, len(p.Accounts))}
	if p.ExchangeRate != nil {
		ps.rate = *p.ExchangeRate
	}
	if s := p.SupportFee; s != nil {
		ps.plan = s.Plan
		if s.Rate != nil {
			ps.feeRate = *s.Rate
		}
	}
	ps.inv = &Invoice{ProjectID: p.ID, ProjectName: p.Name, Currency: p.Currency, ExchangeRate: ps.rate,
		ExchangeRateSource: p.ExchangeRateSource, Conversion: p.Conversion.orDefault(), CostBasis: p.CostBasis.orDefault(),
		Accounts: []AccountCharges{}, Lines: []Line{}}
	for _, a := range p.Accounts {
		ps.accounts[a] = &accState{services: map[string]money.Decimal{}, serviceNames: map[string]string{}, billingGroups: map[string]money.Decimal{}}
	}
	return ps
}

// routing is what the route stage found besides the projects' totals.
type routing struct {
	unassigned map[string]*UnassignedAccount
	unknown    map[string]int64 // unknown line item type (label) → rows
	padded     map[string]bool  // account ids of the data that were left-padded
}

// route adds every group to the totals of the project owning its account, or to the
// unassigned accounts.
func route(groups []Group, projects []*projState) *routing {
	owner := map[string]*projState{}
	for _, ps := range projects {
		for _, a := range ps.p.Accounts {
			owner[a] = ps
		}
	}
	r := &routing{unassigned: map[string]*UnassignedAccount{}, unknown: map[string]int64{}, padded: map[string]bool{}}
	for i := range groups {
		g := &groups[i]
		acct := g.AccountID
		if len(acct) < 12 && len(acct) > 0 && allDigits(acct) {
			acct = strings.Repeat("0", 12-len(acct)) + acct
			r.padded[g.AccountID] = true
		}
		if g.Class.Unknown {
			label := "line item type"
			if g.Format == FormatFOCUS {
				label = "ChargeCategory"
			}
			r.unknown[fmt.Sprintf("%s %q", label, g.LineItemType)] += g.Rows
		}
		if ps := owner[acct]; ps != nil {
			ps.add(g, acct)
		} else {
			r.unassign(g, acct)
		}
	}
	return r
}

// unassign adds a group of an account in no project, at AWS's cost.
func (r *routing) unassign(g *Group, acct string) {
	u := r.unassigned[acct]
	if u == nil {
		u = &UnassignedAccount{AccountID: acct}
		r.unassigned[acct] = u
	}
	u.Rows += g.Rows
	switch g.Class.Kind {
	case KindCharge:
		u.ChargesUSD = u.ChargesUSD.Add(g.Cost)
	case KindCredit:
		u.CreditsUSD = u.CreditsUSD.Add(g.Cost)
	}
}

// add adds one group of account acct to the project's totals: exclusions (B-3, B-4,
// B-7), credits, or charges on the project's cost basis (B-3), priced (B-5).
func (ps *projState) add(g *Group, acct string) {
	inv, as := ps.inv, ps.accounts[acct]
	kind := g.Class.Kind
	if kind == KindResellerDiscount && ps.p.PassResellerDiscounts {
		kind = KindCharge
	}
	switch kind {
	case KindTax:
		inv.ExcludedUSD.Tax = inv.ExcludedUSD.Tax.Add(g.Cost)
	case KindResellerDiscount:
		inv.ExcludedUSD.ResellerDiscount = inv.ExcludedUSD.ResellerDiscount.Add(g.Cost)
	case KindAWSSupport:
		inv.ExcludedUSD.AWSSupport = inv.ExcludedUSD.AWSSupport.Add(g.Cost)
	case KindCredit:
		as.credits = as.credits.Add(g.Cost)
		inv.CreditsUSD = inv.CreditsUSD.Add(g.Cost)
	case KindCharge:
		cost := g.Cost
		if inv.CostBasis == CostBasisPublicOnDemand {
			cost = g.PublicCost
			if g.Class.NotListPriced {
				cost = money.Decimal{} // B-3: the covered usage is charged at list price instead
			}
		}
		priced := cost
		if !g.Class.Marketplace {
			priced = applyRule(matchRule(ps.p.PricingRules, &g.GroupKey), cost)
		}
		inv.ChargesBeforePricingUSD = inv.ChargesBeforePricingUSD.Add(cost)
		inv.ChargesUSD = inv.ChargesUSD.Add(priced)
		if !g.Class.Marketplace && !g.Class.DomainRegistration {
			inv.SupportFeeBaseUSD = inv.SupportFeeBaseUSD.Add(priced)
		}
		as.charges = as.charges.Add(priced)
		as.services[g.ProductCode] = as.services[g.ProductCode].Add(priced)
		if n, ok := as.serviceNames[g.ProductCode]; g.ProductName != "" && (!ok || g.ProductName < n) {
			as.serviceNames[g.ProductCode] = g.ProductName
		}
		as.billingGroups[g.BillingGroup] = as.billingGroups[g.BillingGroup].Add(priced)
		ps.charges = append(ps.charges, pricedCharge{acct, g.ProductCode, g.LineItemType, priced})
	}
}

// lines builds the invoice's accounts and lines in USD: per account (project order)
// its services by product code, then its credits; the custom items active in period
// (B-6); the support fee (B-7).
func (ps *projState) lines(period resellerkit.Month) {
	inv := ps.inv
	inv.SupportFeeUSD = SupportPlanFee(ps.plan, inv.SupportFeeBaseUSD, ps.feeRate)
	for _, id := range ps.p.Accounts {
		ps.accountLines(id)
	}
	for i := range ps.p.CustomItems {
		if ci := &ps.p.CustomItems[i]; ci.activeIn(period) {
			ps.customLine(ci)
		}
	}
	for _, lc := range ps.p.LateCredits {
		if lc.AmountUSD.IsZero() {
			continue
		}
		inv.LateCreditsUSD = inv.LateCreditsUSD.Add(lc.AmountUSD)
		inv.Lines = append(inv.Lines, Line{Kind: LineLateCredits, AccountID: lc.AccountID, RefPeriod: lc.RefPeriod,
			Description: fmt.Sprintf("Credits of %s received after its invoice — account %s", lc.RefPeriod, lc.AccountID), AmountUSD: lc.AmountUSD})
	}
	if !inv.SupportFeeUSD.IsZero() {
		inv.Lines = append(inv.Lines, Line{Kind: LineSupportFee, Description: ps.supportFeeDescription(), AmountUSD: inv.SupportFeeUSD})
	}
}

// accountLines adds one account's charges, its service lines and its credits line.
func (ps *projState) accountLines(id string) {
	inv, as := ps.inv, ps.accounts[id]
	ac := AccountCharges{AccountID: id, ChargesUSD: as.charges, CreditsUSD: as.credits, Services: []ServiceCharges{}}
	for _, svc := range slices.Sorted(maps.Keys(as.services)) {
		amt := as.services[svc]
		ac.Services = append(ac.Services, ServiceCharges{Service: svc, ChargesUSD: amt})
		if amt.IsZero() {
			continue
		}
		name := as.serviceNames[svc]
		label := name
		if label == "" {
			label = svc
		}
		inv.Lines = append(inv.Lines, Line{Kind: LineService, AccountID: id, Service: svc, ServiceName: name,
			Description: fmt.Sprintf("%s — account %s", label, id), AmountUSD: amt})
	}
	if _, untagged := as.billingGroups[""]; len(as.billingGroups) > 1 || (len(as.billingGroups) == 1 && !untagged) {
		ac.BillingGroups = billingGroupShares(as.billingGroups, as.charges)
	}
	if !as.credits.IsZero() {
		inv.Lines = append(inv.Lines, Line{Kind: LineCredits, AccountID: id, Description: "Credits — account " + id, AmountUSD: as.credits})
	}
	inv.Accounts = append(inv.Accounts, ac)
}

// customLine adds one active custom item (B-6): its flat amount, or its percent of
// the project's charges after pricing that match its filters; credits negative.
func (ps *projState) customLine(ci *CustomItem) {
	var amt money.Decimal
	if ci.AmountUSD != nil {
		amt = *ci.AmountUSD
	} else {
		var base money.Decimal
		for _, c := range ps.charges {
			if (ci.Account == "" || ci.Account == c.account) && (ci.Service == "" || ci.Service == c.service) &&
				(ci.LineItemType == "" || ci.LineItemType == c.lineItemType) {
				base = base.Add(c.amount)
			}
		}
		amt = base.MulPercent(ci.Percent.Decimal())
	}
	if ci.Type == CustomCredit {
		amt = amt.Neg()
	}
	ps.inv.CustomItemsUSD = ps.inv.CustomItemsUSD.Add(amt)
	if !amt.IsZero() {
		ps.inv.Lines = append(ps.inv.Lines, Line{Kind: LineCustom, AccountID: ci.Account, Description: ci.Description, AmountUSD: amt})
	}
}

// supportFeeDescription shows the rate or plan and the base, to the cent; the fee
// itself stays exact.
func (ps *projState) supportFeeDescription() string {
	base := "$" + money.USD.Format(money.USD.Round(ps.inv.SupportFeeBaseUSD, money.HalfUp))
	if ps.plan == PlanRate {
		return fmt.Sprintf("Support fee (%s%% of %s)", ps.feeRate.MulPercent(money.NewFromInt(10000)), base)
	}
	return fmt.Sprintf("Support fee (AWS %s plan rates on %s)", planNames[ps.plan], base)
}

// convert sets each line's Amount in the invoice currency and the subtotal (B-10):
// per line, each converted and rounded; per total, the USD total converted and
// rounded once, then allocated over the lines by largest remainder of their own
// converted amounts (allocateRounding).
func (ps *projState) convert() error {
	inv, cur, mode := ps.inv, ps.p.Currency, ps.p.ConversionRounding
	var totalUSD money.Decimal
	for i := range inv.Lines {
		totalUSD = totalUSD.Add(inv.Lines[i].AmountUSD)
		inv.Lines[i].Amount = cur.Amount(cur.Round(inv.Lines[i].AmountUSD.Mul(ps.rate), mode))
	}
	if inv.Conversion == ConversionTotal && len(inv.Lines) > 0 {
		exact := make([]money.Decimal, len(inv.Lines))
		for i := range inv.Lines {
			exact[i] = inv.Lines[i].AmountUSD.Mul(ps.rate)
		}
		parts, err := allocateRounding(cur.Round(totalUSD.Mul(ps.rate), mode), exact, cur.MinorDigits())
		if err != nil {
			return fmt.Errorf("billing: project %s: %w", ps.p.ID, err)
		}
		for i := range inv.Lines {
			inv.Lines[i].Amount = cur.Amount(parts[i])
		}
	}
	var subtotal money.Decimal
	for _, l := range inv.Lines {
		subtotal = subtotal.Add(l.Amount.Decimal())
	}
	inv.Subtotal = cur.Amount(subtotal)
	return nil
}

// allocateRounding splits total, the rounded sum of exact, over the lines whose
// exact converted amounts are exact (B-10, conversion per total): each line is its
// own amount rounded toward −∞ to places digits, then the units the rounding of the
// total left over go one each to the lines with the largest discarded remainders
// (ties to the earlier line). So every line is within one minor unit of its own
// converted amount and the lines sum to total. (Splitting total in proportion to
// the lines instead would scale every line by total / Σ exact, which a credit line
// makes arbitrary: USD 100 at 150 shown as ¥0 or ¥16,667.) Since total is the sum
// rounded once, 0 ≤ units left ≤ len(exact); anything else is an error.
func allocateRounding(total money.Decimal, exact []money.Decimal, places int32) ([]money.Decimal, error) {
	parts := make([]money.Decimal, len(exact))
	rems := make([]money.Decimal, len(exact))
	left := total
	for i, e := range exact {
		parts[i] = e.Round(places, money.Floor)
		rems[i] = e.Sub(parts[i])
		left = left.Sub(parts[i])
	}
	unit := money.New(1, -places)
	n := left.Quo(unit, 0, money.Down)
	if !n.Mul(unit).Equal(left) || n.Sign() < 0 || n.Cmp(money.NewFromInt(int64(len(exact)))) > 0 {
		return nil, fmt.Errorf("%w: total %s is not the rounded sum of the lines' converted amounts", money.ErrAllocate, total)
	}
	order := make([]int, len(exact))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for k := 0; money.NewFromInt(int64(k)).Cmp(n) < 0; k++ {
		parts[order[k]] = parts[order[k]].Add(unit)
	}
	return parts, nil
}

// tax computes the consumption tax once on the subtotal, rounded once (B-11).
func (ps *projState) tax(rate money.Decimal, mode money.RoundingMode) {
	inv, cur := ps.inv, ps.p.Currency
	subtotal := inv.Subtotal.Decimal()
	inv.Tax = cur.Amount(cur.Round(subtotal.Mul(rate), mode))
	inv.Total = cur.Amount(subtotal.Add(inv.Tax.Decimal()))
	inv.TaxBreakdown = []TaxAmount{{Rate: rate, Taxable: inv.Subtotal, Tax: inv.Tax, Rounding: mode}}
}

// unassignedAccounts returns the accounts in no project, by id.
func (r *routing) unassignedAccounts() []UnassignedAccount {
	out := make([]UnassignedAccount, 0, len(r.unassigned))
	for _, id := range slices.Sorted(maps.Keys(r.unassigned)) {
		out = append(out, *r.unassigned[id])
	}
	return out
}

// warnings returns the warnings of the route stage, in a fixed order: unknown line
// item types, unassigned accounts, padded account ids.
func (r *routing) warnings(unassigned []UnassignedAccount) []string {
	out := []string{}
	for _, k := range slices.Sorted(maps.Keys(r.unknown)) {
		out = append(out, fmt.Sprintf("%s is unknown (B-2): %d rows kept as other and charged", k, r.unknown[k]))
	}
	if len(unassigned) > 0 {
		var ids []string
		for i, u := range unassigned {
			if i == 5 {
				ids = append(ids, "…")
				break
			}
			ids = append(ids, u.AccountID)
		}
		out = append(out, fmt.Sprintf("%d accounts are in no project and not invoiced (listed in unassigned_accounts): %s", len(unassigned), strings.Join(ids, ", ")))
	}
	if len(r.padded) > 0 {
		out = append(out, fmt.Sprintf("%d account ids in the data had fewer than 12 digits and were left-padded with zeros (e.g. %s)", len(r.padded), slices.Min(slices.Collect(maps.Keys(r.padded)))))
	}
	return out
}

// outsideWarning adds the warning about rows of other months, which are not charged
// (B-1), and returns their number.
func outsideWarning(warnings *[]string, out map[resellerkit.Month]int64, period resellerkit.Month) int64 {
	if len(out) == 0 {
		return 0
	}
	var total int64
	months := slices.SortedFunc(maps.Keys(out), resellerkit.Month.Compare)
	parts := make([]string, len(months))
	for i, m := range months {
		name := m.String()
		if m.IsZero() {
			name = "no usage date"
		}
		parts[i] = fmt.Sprintf("%s: %d", name, out[m])
		total += out[m]
	}
	*warnings = append(*warnings, fmt.Sprintf("%d rows outside period %s were not charged (%s)", total, period, strings.Join(parts, ", ")))
	return total
}

func billingGroupShares(groups map[string]money.Decimal, total money.Decimal) []BillingGroupShare {
	keys := slices.Sorted(maps.Keys(groups))
	out := make([]BillingGroupShare, len(keys))
	weights := make([]money.Decimal, len(keys))
	for i, k := range keys {
		out[i] = BillingGroupShare{Group: k, ChargesUSD: groups[k]}
		weights[i] = groups[k]
	}
	if !total.IsZero() {
		ratios, err := money.Allocate(money.NewFromInt(1), weights, 4)
		if err == nil {
			for i := range out {
				r := ratios[i]
				out[i].Ratio = &r
			}
		} else if !errors.Is(err, money.ErrAllocate) {
			panic(err)
		}
	}
	return out
}

// matchRule returns the most specific rule matching the group (B-5), or nil.
func matchRule(rules []PricingRule, k *GroupKey) *PricingRule {
	var best *PricingRule
	for i := range rules {
		r := &rules[i]
		if r.matches(k) && (best == nil || r.Scope.rank() > best.Scope.rank()) {
			best = r
		}
	}
	return best
}

// matches reports whether the rule applies to the group.
func (r *PricingRule) matches(k *GroupKey) bool {
	switch r.Scope {
	case ScopeSKU:
		return r.Service == k.ProductCode && r.UsageType == k.UsageType && r.Operation == k.Operation
	case ScopeService:
		return r.Service == k.ProductCode
	case ScopeBillingEntity:
		return r.BillingEntity == k.BillingEntity
	}
	return r.Scope == ScopeGlobal
}

// applyRule multiplies cost by (1 − p/100) for a discount or (1 + p/100) for a markup;
// exact, so it distributes over sums (DESIGN.md rule 5).
func applyRule(r *PricingRule, cost money.Decimal) money.Decimal {
	if r == nil {
		return cost
	}
	adj := cost.MulPercent(r.Percent.Decimal())
	if r.Type == RuleDiscount {
		return cost.Sub(adj)
	}
	return cost.Add(adj)
}
