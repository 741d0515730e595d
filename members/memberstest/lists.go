package memberstest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// lister is one list of the Store contract, seen through keys and scopes (a row's
// organization, identity or email; none for unscoped lists), so the paging cases
// run the same checks on every list.
type lister = storetest.Lister[members.Store]

// scopes are the scopes (organizations, identities, emails) the paging checks
// fill.
var scopes = [2]string{"sa", "sb"}

// expiringAt is the time the ListPendingInvitationsExpiring lister asks about: its
// rows expire at t0, before it.
var expiringAt = t0.Add(time.Hour)

// mail is the address a ListInvitationsByEmail scope stands for.
func mail(scope string) string { return scope + "@example.com" }

// ensureOrg creates organization id unless it exists, without a call that fails:
// listers add rows inside transactions, and the cases that check what a failing
// call does inside one are elsewhere.
func ensureOrg(ctx context.Context, s members.Store, id string) error {
	_, err := s.GetOrganization(ctx, id)
	if errors.Is(err, members.ErrNotFound) {
		return s.CreateOrganization(ctx, Org(id, "code-"+id))
	}
	return err
}

// owner is the project that owns the accounts the ListAccounts lister adds.
func owner(org string) string { return "owner-" + org }

const (
	mailOrg     = "o-mail"     // the organization of ListInvitationsByEmail's rows
	expiringOrg = "o-expiring" // the organization of ListPendingInvitationsExpiring's rows
)

// listers returns every list of the Store contract.
func listers() []lister {
	orgKey := func(o members.Organization) string { return o.ID }
	inOrg := func(ctx context.Context, s members.Store, org string) error { return ensureOrg(ctx, s, org) }
	invID := func(i members.Invitation) string { return i.ID }
	invOrg := func(i members.Invitation) string { return i.OrgID }
	return []lister{{
		Name: "ListOrganizations",
		Add: func(ctx context.Context, s members.Store, _, key string) error {
			return s.CreateOrganization(ctx, Org(key, "code-"+key))
		},
		List: func(ctx context.Context, s members.Store, _ string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(orgKey, nil)(s.ListOrganizations(ctx, p))
		},
	}, {
		Name: "ListProjects", Scopes: scopes, Prepare: inOrg,
		Add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateProject(ctx, Project(org, key))
		},
		List: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(p members.Project) string { return p.ID },
				func(p members.Project) string { return p.OrgID })(s.ListProjects(ctx, org, p))
		},
	}, {
		Name: "ListAccounts", Scopes: scopes,
		Prepare: func(ctx context.Context, s members.Store, org string) error {
			if err := ensureOrg(ctx, s, org); err != nil {
				return err
			}
			return s.CreateProject(ctx, Project(org, owner(org)))
		},
		Add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateAccount(ctx, Account(org, key, owner(org)))
		},
		List: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(a members.Account) string { return a.ID },
				func(a members.Account) string { return a.OrgID })(s.ListAccounts(ctx, org, p))
		},
	}, {
		Name: "ListMemberships", Scopes: scopes, Prepare: inOrg,
		Add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateMembership(ctx, Member(org, key))
		},
		Remove: func(ctx context.Context, s members.Store, org, key string) error {
			return deleteMembership(ctx, s, org, key)
		},
		List: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(m members.Membership) string { return m.IdentityID },
				func(m members.Membership) string { return m.OrgID })(s.ListMemberships(ctx, org, p))
		},
	}, {
		Name: "ListMembershipsOfIdentity", Scopes: scopes,
		Add: func(ctx context.Context, s members.Store, identity, key string) error {
			if err := ensureOrg(ctx, s, key); err != nil {
				return err
			}
			return s.CreateMembership(ctx, Member(key, identity))
		},
		Remove: func(ctx context.Context, s members.Store, identity, key string) error {
			return deleteMembership(ctx, s, key, identity)
		},
		List: func(ctx context.Context, s members.Store, identity string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(m members.Membership) string { return m.OrgID },
				func(m members.Membership) string { return m.IdentityID })(s.ListMembershipsOfIdentity(ctx, identity, p))
		},
	}, {
		Name: "ListInvitations", Scopes: scopes, Prepare: inOrg,
		Add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateInvitation(ctx, Invitation(org, key, mail(key)))
		},
		List: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(invID, invOrg)(s.ListInvitations(ctx, org, p))
		},
	}, {
		// Decided invitations, so that one address has many in one organization.
		Name: "ListInvitationsByEmail", Scopes: scopes,
		Prepare: func(ctx context.Context, s members.Store, _ string) error { return ensureOrg(ctx, s, mailOrg) },
		Add: func(ctx context.Context, s members.Store, scope, key string) error {
			inv := Invitation(mailOrg, key, mail(scope))
			inv.State, inv.DecidedAt = members.InvitationRevoked, t0
			return s.CreateInvitation(ctx, inv)
		},
		List: func(ctx context.Context, s members.Store, scope string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(invID, func(i members.Invitation) string {
				return strings.TrimSuffix(i.Email, "@example.com")
			})(s.ListInvitationsByEmail(ctx, mail(scope), p))
		},
	}, {
		Name:    "ListPendingInvitationsExpiring",
		Prepare: func(ctx context.Context, s members.Store, _ string) error { return ensureOrg(ctx, s, expiringOrg) },
		Add: func(ctx context.Context, s members.Store, _, key string) error {
			inv := Invitation(expiringOrg, key, mail(key))
			inv.ExpiresAt = t0
			return s.CreateInvitation(ctx, inv)
		},
		Remove: func(ctx context.Context, s members.Store, _, key string) error {
			inv, err := s.GetInvitation(ctx, expiringOrg, key)
			if err != nil {
				return err
			}
			inv.State, inv.DecidedAt = members.InvitationRevoked, t0
			return s.UpdateInvitation(ctx, inv)
		},
		List: func(ctx context.Context, s members.Store, _ string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(invID, nil)(s.ListPendingInvitationsExpiring(ctx, expiringAt, p))
		},
	}, {
		Name: "ListApplications", Scopes: scopes, Prepare: inOrg,
		Add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateApplication(ctx, Application(org, key))
		},
		List: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(a members.Application) string { return a.ID },
				func(a members.Application) string { return a.OrgID })(s.ListApplications(ctx, org, p))
		},
	}}
}

// deleteMembership removes identityID's membership of orgID at its current version.
func deleteMembership(ctx context.Context, s members.Store, orgID, identityID string) error {
	m, err := s.GetMembership(ctx, orgID, identityID)
	if err != nil {
		return err
	}
	return s.DeleteMembership(ctx, orgID, identityID, m.Version)
}

// listed returns the keys of scope's whole list l.
func listed(t *testing.T, s members.Store, l lister, scope string) []string {
	t.Helper()
	return storetest.Keys(storetest.All(t, func(p resellerkit.Page) ([]storetest.Row, string, error) {
		return l.List(t.Context(), s, scope, p)
	}))
}

// lists returns the lister of the Store method name.
func lists(name string) lister {
	for _, l := range listers() {
		if l.Name == name {
			return l
		}
	}
	panic("memberstest: no lister " + name)
}
