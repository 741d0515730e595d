package membersource

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Source is the billing.ProjectSource of a members.Service and a catalog of named
// billing settings.
type Source struct {
	svc   *members.Service
	plans *billing.Plans
	// costCurrency: every project is resolved in the cost data's currency.
	costCurrency bool
}

var _ billing.OrgProjectSource = (*Source)(nil)

// New returns the Source of svc, resolving each project's setting names in plans (nil
// means an empty catalog: every project on the defaults, and JPY projects refused for
// want of a rate).
func New(svc *members.Service, plans *billing.Plans) *Source {
	if plans == nil {
		plans = &billing.Plans{}
	}
	return &Source{svc: svc, plans: plans}
}

// InCostCurrency returns a Source that resolves every project in the cost data's
// currency (Plans.CostCurrency, USD by default) instead of its invoice currency, so
// no exchange rate is needed: the source of current charges (B-13), which are
// shown in the cost currency and tax-exclusive while the month's rate is not known
// yet.
func (s *Source) InCostCurrency() *Source {
	c := *s
	c.costCurrency = true
	return &c
}

// ProjectsFor implements billing.ProjectSource: every project of every organization
// that owns at least one account in period, with those accounts and its settings.
func (s *Source) ProjectsFor(ctx context.Context, period resellerkit.Month) ([]billing.Project, error) {
	billed, err := s.svc.BilledProjects(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("membersource: projects of %s: %w", period, err)
	}
	return s.resolve(billed, period)
}

// ProjectsOfOrg implements billing.OrgProjectSource: ProjectsFor's projects of
// organization orgID, reading only that organization's projects and accounts
// (members.Service.BilledProjectsOf), so its cost does not grow with the other
// organizations'. An unknown organization is members.ErrNotFound.
func (s *Source) ProjectsOfOrg(ctx context.Context, orgID string, period resellerkit.Month) ([]billing.Project, error) {
	billed, err := s.svc.BilledProjectsOf(ctx, orgID, period)
	if err != nil {
		return nil, fmt.Errorf("membersource: projects of organization %s in %s: %w", orgID, period, err)
	}
	return s.resolve(billed, period)
}

// resolve turns members' billed projects into billing's, their setting names
// resolved in the catalog.
func (s *Source) resolve(billed []members.BilledProject, period resellerkit.Month) ([]billing.Project, error) {
	out := make([]billing.Project, 0, len(billed))
	for _, bp := range billed {
		p := bp.Project
		cur := p.Currency
		if s.costCurrency {
			cur = cmp.Or(s.plans.CostCurrency, money.USD)
		}
		proj, err := s.plans.Project(billing.ProjectRef{
			ID: p.ID, Name: p.Name, Currency: cur, Accounts: bp.Accounts,
			PricingPlan: p.Billing.PricingPlan, SupportFeeRule: p.Billing.SupportFeeRule,
			ExchangeRatePolicy: p.Billing.ExchangeRatePolicy,
		}, period)
		if err != nil {
			return nil, fmt.Errorf("membersource: project %s (%s) of organization %s: %w", p.ID, p.Name, p.OrgID, err)
		}
		proj.OrgID, proj.Recipient = p.OrgID, bp.OrgName
		proj.InvoiceTo, proj.InvoiceCC = slices.Clone(p.InvoiceTo), slices.Clone(p.InvoiceCC)
		out = append(out, proj)
	}
	return out, nil
}
