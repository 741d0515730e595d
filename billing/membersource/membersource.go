package membersource

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Source is the billing.ProjectSource of a members.Service and a catalog of named
// billing settings.
type Source struct {
	svc   *members.Service
	plans *billing.Plans
}

var _ billing.ProjectSource = (*Source)(nil)

// New returns the Source of svc, resolving each project's setting names in plans (nil
// means an empty catalog: every project on the defaults, and JPY projects refused for
// want of a rate).
func New(svc *members.Service, plans *billing.Plans) *Source {
	if plans == nil {
		plans = &billing.Plans{}
	}
	return &Source{svc: svc, plans: plans}
}

// ProjectsFor implements billing.ProjectSource: every project of every organization
// that owns at least one account in period, with those accounts and its settings.
func (s *Source) ProjectsFor(ctx context.Context, period resellerkit.Month) ([]billing.Project, error) {
	billed, err := s.svc.BilledProjects(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("membersource: projects of %s: %w", period, err)
	}
	out := make([]billing.Project, 0, len(billed))
	for _, bp := range billed {
		p := bp.Project
		proj, err := s.plans.Project(billing.ProjectRef{
			ID: p.ID, Name: p.Name, Currency: p.Currency, Accounts: bp.Accounts,
			PricingPlan: p.Billing.PricingPlan, SupportFeeRule: p.Billing.SupportFeeRule,
			ExchangeRatePolicy: p.Billing.ExchangeRatePolicy,
		}, period)
		if err != nil {
			return nil, fmt.Errorf("membersource: project %s (%s) of organization %s: %w", p.ID, p.Name, p.OrgID, err)
		}
		out = append(out, proj)
	}
	return out, nil
}
