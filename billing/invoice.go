package billing

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// Result is the priced outcome of one billing period: one invoice per project, the
// accounts found in the data but in no project, and warnings. Its JSON form is the
// stdout of examples/invoicing.
type Result struct {
	Period     string              `json:"period"`
	Issuer     Issuer              `json:"issuer"`
	Invoices   []Invoice           `json:"invoices"`
	Unassigned []UnassignedAccount `json:"unassigned_accounts"`
	Warnings   []string            `json:"warnings"`
	Rows       RowCounts           `json:"rows"`
}

// RowCounts counts the rows the engine saw.
type RowCounts struct {
	InPeriod      int64 `json:"in_period"`      // rows of the period, all charged or classified
	OutsidePeriod int64 `json:"outside_period"` // rows of other months: not charged (B-1)
}

// Invoice is the amounts of one project's invoice for the period (B-12). USD amounts
// are exact; Subtotal, Tax, Total and each line's Amount are in Currency, rounded.
type Invoice struct {
	ProjectID    string        `json:"project_id"`
	ProjectName  string        `json:"project_name,omitempty"`
	Currency     string        `json:"currency"`
	ExchangeRate money.Decimal `json:"exchange_rate"`
	Conversion   string        `json:"conversion"`
	CostBasis    string        `json:"cost_basis"` // B-3: unblended or public_on_demand

	ChargesUSD              money.Decimal `json:"charges_usd"`                // charges after pricing (B-5)
	ChargesBeforePricingUSD money.Decimal `json:"charges_before_pricing_usd"` // the same rows on the cost basis (B-3), before pricing
	SupportFeeBaseUSD       money.Decimal `json:"support_fee_base_usd"`       // B-7 base
	SupportFeeUSD           money.Decimal `json:"support_fee_usd"`
	CreditsUSD              money.Decimal `json:"credits_usd"`
	CustomItemsUSD          money.Decimal `json:"custom_items_usd"` // B-6, fees positive, credits negative
	ExcludedUSD             ExcludedUSD   `json:"excluded_usd"`

	Subtotal     money.Amount `json:"subtotal"`
	Tax          money.Amount `json:"tax"`
	Total        money.Amount `json:"total"`
	TaxBreakdown []TaxAmount  `json:"tax_breakdown"`

	Accounts []AccountCharges `json:"accounts"`
	Lines    []Line           `json:"lines"`
}

// ExcludedUSD sums the rows of a project kept off the customer's bill.
type ExcludedUSD struct {
	Tax              money.Decimal `json:"tax"`               // AWS tax rows (B-4)
	ResellerDiscount money.Decimal `json:"reseller_discount"` // EdpDiscount, … (B-3)
	AWSSupport       money.Decimal `json:"aws_support"`       // AWS support plan rows (B-7)
}

// TaxAmount is the tax of one rate: computed once on the sum of its taxable lines and
// rounded once (B-11). Taxable and Tax are in the invoice currency.
type TaxAmount struct {
	Rate     money.Decimal `json:"rate"`
	Taxable  money.Amount  `json:"taxable"`
	Tax      money.Amount  `json:"tax"`
	Rounding string        `json:"rounding"`
}

// AccountCharges is one account's share of an invoice.
type AccountCharges struct {
	AccountID     string              `json:"account_id"`
	ChargesUSD    money.Decimal       `json:"charges_usd"`
	CreditsUSD    money.Decimal       `json:"credits_usd"`
	Services      []ServiceCharges    `json:"services"`
	BillingGroups []BillingGroupShare `json:"billing_groups,omitempty"`
}

// ServiceCharges is one service's (product code's) charges in an account, after pricing.
type ServiceCharges struct {
	Service    string        `json:"service"`
	ChargesUSD money.Decimal `json:"charges_usd"`
}

// BillingGroupShare is one value of the CmBillingGroup tag in an account (B-9); the
// untagged charges have Group "". Ratio is the share of the account's charges with 4
// decimals, allocated so that the ratios sum to exactly 1; it is absent when the
// account's charges are zero.
type BillingGroupShare struct {
	Group      string         `json:"group"`
	ChargesUSD money.Decimal  `json:"charges_usd"`
	Ratio      *money.Decimal `json:"ratio,omitempty"`
}

// Line kinds.
const (
	LineService    = "service"
	LineCredits    = "credits"
	LineCustom     = "custom"
	LineSupportFee = "support_fee"
)

// Line is one invoice line (B-12): its exact USD amount and its amount in the invoice
// currency, converted and rounded (B-10).
type Line struct {
	Kind        string        `json:"kind"`
	AccountID   string        `json:"account_id,omitempty"`
	Service     string        `json:"service,omitempty"`      // the product code
	ServiceName string        `json:"service_name,omitempty"` // the product name, when the data has one
	Description string        `json:"description"`
	AmountUSD   money.Decimal `json:"amount_usd"`
	Amount      money.Amount  `json:"amount"`
}

// UnassignedAccount is an account in the data but in no project: listed, never
// silently dropped. ChargesUSD is at AWS's cost (no project's pricing applies).
type UnassignedAccount struct {
	AccountID  string        `json:"account_id"`
	ChargesUSD money.Decimal `json:"charges_usd"`
	CreditsUSD money.Decimal `json:"credits_usd"`
	Rows       int64         `json:"rows"`
}

type accState struct {
	id            string
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

type projState struct {
	inv      *Invoice
	accounts map[string]*accState
	charges  []pricedCharge
}

// Compute prices the aggregates of one period with cfg (B-2 … B-12). It validates cfg
// first and returns its errors unchanged, and refuses an Aggregator projected
// (NewAggregatorFor) for a config lacking this one's SKU rules. It never drops a row: every row of the period
// lands in an invoice (charged, credited or excluded by rule) or in Unassigned.
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
	res := &Result{Period: period.String(), Issuer: cfg.Issuer, Invoices: []Invoice{}, Unassigned: []UnassignedAccount{}, Warnings: []string{}}
	res.Rows.InPeriod = agg.Rows()

	owner := map[string]int{}
	projects := make([]*projState, len(cfg.Projects))
	for i := range cfg.Projects {
		p := &cfg.Projects[i]
		ps := &projState{inv: &Invoice{ProjectID: p.ID, ProjectName: p.Name, Currency: p.Currency, Conversion: "line"}, accounts: map[string]*accState{}}
		if p.Conversion != "" {
			ps.inv.Conversion = p.Conversion
		}
		ps.inv.CostBasis = CostBasisUnblended
		if p.CostBasis != "" {
			ps.inv.CostBasis = p.CostBasis
		}
		for _, a := range p.Accounts {
			owner[a] = i
			ps.accounts[a] = &accState{id: a, services: map[string]money.Decimal{}, serviceNames: map[string]string{}, billingGroups: map[string]money.Decimal{}}
		}
		projects[i] = ps
	}

	unassigned := map[string]*UnassignedAccount{}
	unknown := map[string]int64{}
	padded := map[string]bool{}
	for _, g := range agg.Groups() {
		acct := g.AccountID
		if len(acct) < 12 && len(acct) > 0 && allDigits(acct) {
			acct = strings.Repeat("0", 12-len(acct)) + acct
			padded[g.AccountID] = true
		}
		if g.Class.Unknown {
			label := "line item type"
			if g.Format == FormatFOCUS {
				label = "ChargeCategory"
			}
			unknown[fmt.Sprintf("%s %q", label, g.LineItemType)] += g.Rows
		}
		pi, ok := owner[acct]
		if !ok {
			u := unassigned[acct]
			if u == nil {
				u = &UnassignedAccount{AccountID: acct}
				unassigned[acct] = u
			}
			u.Rows += g.Rows
			switch g.Class.Kind {
			case KindCharge:
				u.ChargesUSD = u.ChargesUSD.Add(g.Cost)
			case KindCredit:
				u.CreditsUSD = u.CreditsUSD.Add(g.Cost)
			}
			continue
		}
		p, ps := &cfg.Projects[pi], projects[pi]
		inv, as := ps.inv, ps.accounts[acct]
		kind := g.Class.Kind
		if kind == KindResellerDiscount && p.PassResellerDiscounts {
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
					cost = money.Zero // B-3: the covered usage is charged at list price instead
				}
			}
			priced := cost
			if !g.Class.Marketplace {
				priced = applyRule(matchRule(p.PricingRules, &g.GroupKey), cost)
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

	taxRate, taxMode := DefaultTaxRate, money.Floor
	if cfg.Tax.Rate != nil {
		taxRate = *cfg.Tax.Rate
	}
	if cfg.Tax.Rounding != "" {
		taxMode, _ = money.ParseRoundingMode(cfg.Tax.Rounding)
	}
	for i, ps := range projects {
		inv, err := finishInvoice(&cfg.Projects[i], ps, period, taxRate, taxMode)
		if err != nil {
			return nil, err
		}
		res.Invoices = append(res.Invoices, *inv)
	}

	for _, u := range unassigned {
		res.Unassigned = append(res.Unassigned, *u)
	}
	sort.Slice(res.Unassigned, func(i, j int) bool { return res.Unassigned[i].AccountID < res.Unassigned[j].AccountID })

	// Warnings, in a fixed order.
	for _, k := range sortedKeys(unknown) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is unknown (B-2): %d rows kept as other and charged", k, unknown[k]))
	}
	if len(res.Unassigned) > 0 {
		var ids []string
		for i, u := range res.Unassigned {
			if i == 5 {
				ids = append(ids, "…")
				break
			}
			ids = append(ids, u.AccountID)
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d accounts are in no project and not invoiced (listed in unassigned_accounts): %s", len(res.Unassigned), strings.Join(ids, ", ")))
	}
	if len(padded) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d account ids in the data had fewer than 12 digits and were left-padded with zeros (e.g. %s)", len(padded), sortedKeys(padded)[0]))
	}
	if out := agg.OutsideRows(); len(out) > 0 {
		ps := make([]Period, 0, len(out))
		for p, n := range out {
			ps = append(ps, p)
			res.Rows.OutsidePeriod += n
		}
		sort.Slice(ps, func(i, j int) bool { return periodLess(ps[i], ps[j]) })
		parts := make([]string, len(ps))
		for i, p := range ps {
			name := p.String()
			if p.IsZero() {
				name = "no usage date"
			}
			parts[i] = fmt.Sprintf("%s: %d", name, out[p])
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d rows outside period %s were not charged (%s)", res.Rows.OutsidePeriod, period, strings.Join(parts, ", ")))
	}
	return res, nil
}

func finishInvoice(p *Project, ps *projState, period Period, taxRate money.Decimal, taxMode money.RoundingMode) (*Invoice, error) {
	inv := ps.inv
	cur := money.Currency(p.Currency)
	rate := money.NewFromInt(1)
	if p.ExchangeRate != nil {
		rate = *p.ExchangeRate
	}
	inv.ExchangeRate = rate
	convMode := money.HalfUp
	if p.ConversionRounding != "" {
		convMode, _ = money.ParseRoundingMode(p.ConversionRounding)
	}

	// Support fee (B-7).
	plan, feeRate := PlanRate, DefaultSupportFeeRate
	if s := p.SupportFee; s != nil {
		plan = SupportPlan(s.Plan)
		if s.Rate != nil {
			feeRate = *s.Rate
		}
	}
	inv.SupportFeeUSD = SupportPlanFee(plan, inv.SupportFeeBaseUSD, feeRate)

	// Accounts and their lines, in the project's account order.
	inv.Accounts = []AccountCharges{}
	for _, id := range p.Accounts {
		as := ps.accounts[id]
		ac := AccountCharges{AccountID: id, ChargesUSD: as.charges, CreditsUSD: as.credits, Services: []ServiceCharges{}}
		for _, svc := range sortedKeys(as.services) {
			amt := as.services[svc]
			ac.Services = append(ac.Services, ServiceCharges{Service: svc, ChargesUSD: amt})
			if !amt.IsZero() {
				name := as.serviceNames[svc]
				label := name
				if label == "" {
					label = svc
				}
				inv.Lines = append(inv.Lines, Line{Kind: LineService, AccountID: id, Service: svc, ServiceName: name,
					Description: fmt.Sprintf("%s — account %s", label, id), AmountUSD: amt})
			}
		}
		if _, untagged := as.billingGroups[""]; len(as.billingGroups) > 1 || (len(as.billingGroups) == 1 && !untagged) {
			ac.BillingGroups = billingGroupShares(as.billingGroups, as.charges)
		}
		if !as.credits.IsZero() {
			inv.Lines = append(inv.Lines, Line{Kind: LineCredits, AccountID: id,
				Description: "Credits — account " + id, AmountUSD: as.credits})
		}
		inv.Accounts = append(inv.Accounts, ac)
	}

	// Custom line items (B-6).
	for _, ci := range p.CustomItems {
		if !ci.activeIn(period) {
			continue
		}
		var amt money.Decimal
		if ci.AmountUSD != nil {
			amt = *ci.AmountUSD
		} else {
			base := money.Zero
			for _, c := range ps.charges {
				if (ci.Account == "" || ci.Account == c.account) && (ci.Service == "" || ci.Service == c.service) &&
					(ci.LineItemType == "" || ci.LineItemType == c.lineItemType) {
					base = base.Add(c.amount)
				}
			}
			amt = base.MulPercent(*ci.Percent)
		}
		if ci.Type == "credit" {
			amt = amt.Neg()
		}
		inv.CustomItemsUSD = inv.CustomItemsUSD.Add(amt)
		if !amt.IsZero() {
			inv.Lines = append(inv.Lines, Line{Kind: LineCustom, AccountID: ci.Account, Description: ci.Description, AmountUSD: amt})
		}
	}
	if !inv.SupportFeeUSD.IsZero() {
		// The base is shown to the cent; the fee itself stays exact.
		base := "$" + money.USD.Format(money.USD.Round(inv.SupportFeeBaseUSD, money.HalfUp))
		var desc string
		if plan == PlanRate {
			desc = fmt.Sprintf("Support fee (%s%% of %s)", feeRate.MulPercent(money.NewFromInt(10000)), base)
		} else {
			desc = fmt.Sprintf("Support fee (AWS %s plan rates on %s)", planNames[plan], base)
		}
		inv.Lines = append(inv.Lines, Line{Kind: LineSupportFee, Description: desc, AmountUSD: inv.SupportFeeUSD})
	}
	if inv.Lines == nil {
		inv.Lines = []Line{}
	}

	// Conversion (B-10).
	totalUSD := money.Zero
	for i := range inv.Lines {
		totalUSD = totalUSD.Add(inv.Lines[i].AmountUSD)
		inv.Lines[i].Amount = cur.Amount(cur.Round(inv.Lines[i].AmountUSD.Mul(rate), convMode))
	}
	if inv.Conversion == "total" && len(inv.Lines) > 0 && !totalUSD.IsZero() {
		weights := make([]money.Decimal, len(inv.Lines))
		for i := range inv.Lines {
			weights[i] = inv.Lines[i].AmountUSD
		}
		parts, err := money.Allocate(cur.Round(totalUSD.Mul(rate), convMode), weights, cur.MinorDigits())
		if err != nil {
			return nil, fmt.Errorf("billing: project %s: %w", p.ID, err)
		}
		for i := range inv.Lines {
			inv.Lines[i].Amount = cur.Amount(parts[i])
		}
	}
	subtotal := money.Zero
	for _, l := range inv.Lines {
		subtotal = subtotal.Add(l.Amount.Decimal)
	}
	inv.Subtotal = cur.Amount(subtotal)

	// Consumption tax, once per rate on the sum (B-11).
	inv.Tax = cur.Amount(cur.Round(subtotal.Mul(taxRate), taxMode))
	inv.Total = cur.Amount(subtotal.Add(inv.Tax.Decimal))
	inv.TaxBreakdown = []TaxAmount{{Rate: taxRate, Taxable: inv.Subtotal, Tax: inv.Tax, Rounding: taxMode.String()}}
	return inv, nil
}

func billingGroupShares(groups map[string]money.Decimal, total money.Decimal) []BillingGroupShare {
	keys := sortedKeys(groups)
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
	bestRank := -1
	for i := range rules {
		r := &rules[i]
		rank := -1
		switch r.Scope {
		case ScopeSKU:
			if r.Service == k.ProductCode && r.UsageType == k.UsageType && r.Operation == k.Operation {
				rank = 3
			}
		case ScopeService:
			if r.Service == k.ProductCode {
				rank = 2
			}
		case ScopeBillingEntity:
			if r.BillingEntity == k.BillingEntity {
				rank = 1
			}
		case ScopeGlobal:
			rank = 0
		}
		if rank > bestRank {
			best, bestRank = r, rank
		}
	}
	return best
}

// applyRule multiplies cost by (1 − p/100) for a discount or (1 + p/100) for a markup;
// exact, so it distributes over sums (DESIGN.md rule 5).
func applyRule(r *PricingRule, cost money.Decimal) money.Decimal {
	if r == nil {
		return cost
	}
	adj := cost.MulPercent(r.Percent)
	if r.Type == RuleDiscount {
		return cost.Sub(adj)
	}
	return cost.Add(adj)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
