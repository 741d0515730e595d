package members

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
)

// BilledProjectsOf returns BilledProjects' answer for one organization: each of
// orgID's projects that owns at least one account in month m, with those accounts,
// by the same rules (M-3, M-11) and in the same order, reading only that
// organization's projects and accounts. What one organization's current charges
// need (B-13), at the cost of one organization rather than all of them.
// ErrNotFound for an unknown organization; an empty orgID is refused (the store
// would read every organization's accounts for it, M-7).
//
// It reads page by page, outside any transaction, as BilledProjects. System
// operation: it takes no principal; its caller (billing.Service.OrgCharges) checks
// the principal's permission in orgID first.
func (s *Service) BilledProjectsOf(ctx context.Context, orgID string, m resellerkit.Month) ([]BilledProject, error) {
	if orgID == "" {
		return nil, invalid("org_id", "", "M-7", "required: the organization whose projects are billed")
	}
	org, err := s.store.GetOrganization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.billedOf(ctx, org, m)
}

// billedOf returns org's projects owning at least one account in m, with those
// accounts (ordered by id), ordered by project id: one organization's part of
// BilledProjects.
func (s *Service) billedOf(ctx context.Context, org Organization, m resellerkit.Month) ([]BilledProject, error) {
	accts, err := resellerkit.All(func(pg resellerkit.Page) ([]Account, string, error) {
		return s.store.ListAccounts(ctx, org.ID, pg)
	})
	if err != nil {
		return nil, err
	}
	owned := map[string][]string{}
	for _, a := range accts {
		if proj, ok := a.ProjectAt(m); ok {
			owned[proj] = append(owned[proj], a.ID)
		}
	}
	if len(owned) == 0 {
		return nil, nil
	}
	projs, err := resellerkit.All(func(pg resellerkit.Page) ([]Project, string, error) {
		return s.store.ListProjects(ctx, org.ID, pg)
	})
	if err != nil {
		return nil, err
	}
	var out []BilledProject
	for _, p := range projs {
		if ids := owned[p.ID]; len(ids) > 0 {
			out = append(out, BilledProject{Project: p, OrgName: org.Name, Accounts: ids})
		}
	}
	return out, nil
}
