package billing

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Charges are the month-to-date charges of a month (B-13): per project, account,
// service and CmBillingGroup value, after the projects' pricing, tax-exclusive, in
// the cost data's currency (USD unless configured otherwise).
type Charges struct {
	Period       resellerkit.Month
	CostCurrency money.Currency
	// LastUpdated is when the data shown was aggregated (B-13): the latest
	// AggregatedAt of the month's stored reports; zero when none is stored. The
	// data itself lags AWS by 1–1.5 days.
	LastUpdated time.Time
	Reports     []Report // the report versions the figures come from, one per payer
	Projects    []ProjectCharges
}

// ProjectCharges is one project's month-to-date charges. The amounts are exact, in
// the cost currency; Estimate adds what the invoice will add (custom items, the
// support fee) before tax.
type ProjectCharges struct {
	OrgID       string
	ProjectID   string
	ProjectName string
	Charges     money.Decimal // after pricing (B-5)
	Credits     money.Decimal
	CustomItems money.Decimal
	SupportFee  money.Decimal
	Estimate    money.Decimal // Charges + Credits + CustomItems + SupportFee: the invoice before tax so far
	Accounts    []AccountCharges
	// Services sums the accounts' charges per service (product code), by code.
	Services []ServiceCharges
	// BillingGroups sums the accounts' charges per CmBillingGroup value ("" the
	// untagged ones), by value; Ratio is left nil (per-account ratios are in
	// Accounts).
	BillingGroups []BillingGroupShare
}

// Account returns the charges of one account of the project, if it has some.
func (p *ProjectCharges) Account(id string) (AccountCharges, bool) {
	for _, a := range p.Accounts {
		if a.AccountID == id {
			return a, true
		}
	}
	return AccountCharges{}, false
}

// CurrentCharges computes the month-to-date charges of period for every project
// (B-13) from the stored data. A system operation (operators, jobs): it takes no
// principal. A month without stored data gives projects with zero charges.
func (s *Service) CurrentCharges(ctx context.Context, period resellerkit.Month) (*Charges, error) {
	if period.IsZero() {
		return nil, resellerkit.Invalid(ErrInvalid, "period", "", "B-13", "required")
	}
	m, err := s.compute(ctx, period, s.charges, nil, nil)
	if err != nil {
		return nil, err
	}
	return chargesOf(m), nil
}

// OrgCharges returns the month-to-date charges of orgID's projects (B-13) to p,
// who needs charges.view in orgID (M-5). No other organization's project is ever
// included (M-7): projects are selected by the OrgID their source gives, and
// Reports (the reseller's payer accounts) is left empty.
//
// It costs what the organization costs, not what the reseller's whole month
// costs: the projects come from the source's ProjectsOfOrg when it is an
// OrgProjectSource (else ProjectsFor, filtered), and only the cost groups of their
// accounts are read (Store.CostGroupsOf, with the unpadded spellings of their ids
// that Compute left-pads). The result is the whole month's computation filtered
// to the organization, to the digit, because nothing in a project's invoice
// depends on data outside the project: Compute routes each group to the project
// owning its account and prices it with that project's own rules, support fee,
// custom items, late credits, currency and the reseller's tax; every other group
// only ever reaches Unassigned and the warnings, which Charges do not carry; and
// LastUpdated still comes from every payer's report. One difference, on purpose:
// another organization's project that its source cannot resolve (say, a setting
// name missing from the catalog) no longer fails this organization's charges.
func (s *Service) OrgCharges(ctx context.Context, p members.Principal, orgID string, period resellerkit.Month) (*Charges, error) {
	if err := s.authorize(ctx, p, orgID, members.PermChargesView); err != nil {
		return nil, err
	}
	if period.IsZero() {
		return nil, resellerkit.Invalid(ErrInvalid, "period", "", "B-13", "required")
	}
	var (
		projects []Project
		err      error
	)
	if op, ok := s.charges.(OrgProjectSource); ok {
		projects, err = op.ProjectsOfOrg(ctx, orgID, period)
	} else {
		projects, err = s.charges.ProjectsFor(ctx, period)
	}
	if err != nil {
		return nil, err
	}
	// M-7 whatever the source answered.
	projects = slices.DeleteFunc(projects, func(p Project) bool { return p.OrgID != orgID })
	reports, groups, err := s.stored(ctx, period, storedSpellings(projects))
	if err != nil {
		return nil, err
	}
	m, err := s.price(period, reports, groups, projects, nil, nil)
	if err != nil {
		return nil, err
	}
	c := chargesOf(m)
	c.Reports = nil // the reseller's payer accounts are not the customer's business
	return c, nil
}

// OrgProjectSource is a ProjectSource that can answer for one organization at
// that organization's cost (membersource.Source is one): OrgCharges uses it when
// the Service's charge source has it.
type OrgProjectSource interface {
	ProjectSource
	// ProjectsOfOrg returns exactly the projects of ProjectsFor(ctx, period)
	// whose OrgID is orgID, in the same order, with the same accounts and
	// settings.
	ProjectsOfOrg(ctx context.Context, orgID string, period resellerkit.Month) ([]Project, error)
}

// storedSpellings returns the account ids of projects and, for each 12-digit id
// with leading zeros, its spellings without some of them: the ids cost data may
// carry for it, which Compute left-pads to 12 digits before routing. Never nil.
func storedSpellings(projects []Project) []string {
	ids := []string{}
	for _, p := range projects {
		for _, a := range p.Accounts {
			ids = append(ids, a)
			if len(a) == 12 && allDigits(a) {
				for i := 0; i < 11 && a[i] == '0'; i++ {
					ids = append(ids, a[i+1:])
				}
			}
		}
	}
	return ids
}

// chargesOf turns a computed month into Charges.
func chargesOf(m *computed) *Charges {
	c := &Charges{Period: m.result.Period, CostCurrency: m.result.CostCurrency, Projects: []ProjectCharges{}}
	for _, r := range m.reports {
		c.Reports = append(c.Reports, r.Report)
		if r.AggregatedAt.After(c.LastUpdated) {
			c.LastUpdated = r.AggregatedAt
		}
	}
	for i := range m.result.Invoices {
		inv := &m.result.Invoices[i]
		pc := ProjectCharges{ProjectID: inv.ProjectID, ProjectName: inv.ProjectName, Charges: inv.ChargesUSD,
			Credits: inv.CreditsUSD, CustomItems: inv.CustomItemsUSD, SupportFee: inv.SupportFeeUSD, Accounts: inv.Accounts}
		if p, ok := projectOf(m.projects, inv.ProjectID); ok {
			pc.OrgID = p.OrgID
		}
		for _, l := range inv.Lines {
			pc.Estimate = pc.Estimate.Add(l.AmountUSD)
		}
		services := map[string]money.Decimal{}
		groups := map[string]money.Decimal{}
		for _, a := range inv.Accounts {
			for _, sc := range a.Services {
				services[sc.Service] = services[sc.Service].Add(sc.ChargesUSD)
			}
			if len(a.BillingGroups) == 0 {
				groups[""] = groups[""].Add(a.ChargesUSD)
			}
			for _, g := range a.BillingGroups {
				groups[g.Group] = groups[g.Group].Add(g.ChargesUSD)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(services)) {
			pc.Services = append(pc.Services, ServiceCharges{Service: k, ChargesUSD: services[k]})
		}
		for _, k := range slices.Sorted(maps.Keys(groups)) {
			pc.BillingGroups = append(pc.BillingGroups, BillingGroupShare{Group: k, ChargesUSD: groups[k]})
		}
		c.Projects = append(c.Projects, pc)
	}
	return c
}
