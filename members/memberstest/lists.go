package memberstest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// row is one item of a list as the paging cases see it: its key (the one the list
// is ordered by) and the scope it belongs to (its organization, identity or email;
// "" for unscoped lists).
type row struct{ key, scope string }

// lister is one list of the Store contract, seen through keys and scopes, so the
// paging cases run the same checks on every list.
type lister struct {
	name   string // the Store method
	scoped bool   // the list is of one organization, identity or email (M-7)
	// prepare creates what add needs in scope (its organization…); may be nil.
	prepare func(ctx context.Context, s members.Store, scope string) error
	// add stores a row with key in scope's list.
	add func(ctx context.Context, s members.Store, scope, key string) error
	// remove takes the row with key out of scope's list; nil when the contract
	// has no way to (no Delete, no field that leaves the list).
	remove func(ctx context.Context, s members.Store, scope, key string) error
	// list returns one page of scope's list.
	list func(ctx context.Context, s members.Store, scope string, page resellerkit.Page) ([]row, string, error)
}

// rowsOf turns a page of T into rows with key and scope.
func rowsOf[T any](key, scope func(T) string) func([]T, string, error) ([]row, string, error) {
	return func(items []T, next string, err error) ([]row, string, error) {
		rows := make([]row, len(items))
		for i, v := range items {
			rows[i] = row{key(v), scope(v)}
		}
		return rows, next, err
	}
}

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
		name: "ListOrganizations",
		add: func(ctx context.Context, s members.Store, _, key string) error {
			return s.CreateOrganization(ctx, Org(key, "code-"+key))
		},
		list: func(ctx context.Context, s members.Store, _ string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(orgKey, func(members.Organization) string { return "" })(s.ListOrganizations(ctx, p))
		},
	}, {
		name: "ListProjects", scoped: true, prepare: inOrg,
		add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateProject(ctx, Project(org, key))
		},
		list: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(p members.Project) string { return p.ID },
				func(p members.Project) string { return p.OrgID })(s.ListProjects(ctx, org, p))
		},
	}, {
		name: "ListAccounts", scoped: true,
		prepare: func(ctx context.Context, s members.Store, org string) error {
			if err := ensureOrg(ctx, s, org); err != nil {
				return err
			}
			return s.CreateProject(ctx, Project(org, owner(org)))
		},
		add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateAccount(ctx, Account(org, key, owner(org)))
		},
		list: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(a members.Account) string { return a.ID },
				func(a members.Account) string { return a.OrgID })(s.ListAccounts(ctx, org, p))
		},
	}, {
		name: "ListMemberships", scoped: true, prepare: inOrg,
		add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateMembership(ctx, Member(org, key))
		},
		remove: func(ctx context.Context, s members.Store, org, key string) error {
			return deleteMembership(ctx, s, org, key)
		},
		list: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(m members.Membership) string { return m.IdentityID },
				func(m members.Membership) string { return m.OrgID })(s.ListMemberships(ctx, org, p))
		},
	}, {
		name: "ListMembershipsOfIdentity", scoped: true,
		add: func(ctx context.Context, s members.Store, identity, key string) error {
			if err := ensureOrg(ctx, s, key); err != nil {
				return err
			}
			return s.CreateMembership(ctx, Member(key, identity))
		},
		remove: func(ctx context.Context, s members.Store, identity, key string) error {
			return deleteMembership(ctx, s, key, identity)
		},
		list: func(ctx context.Context, s members.Store, identity string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(m members.Membership) string { return m.OrgID },
				func(m members.Membership) string { return m.IdentityID })(s.ListMembershipsOfIdentity(ctx, identity, p))
		},
	}, {
		name: "ListInvitations", scoped: true, prepare: inOrg,
		add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateInvitation(ctx, Invitation(org, key, mail(key)))
		},
		list: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(invID, invOrg)(s.ListInvitations(ctx, org, p))
		},
	}, {
		// Decided invitations, so that one address has many in one organization.
		name: "ListInvitationsByEmail", scoped: true,
		prepare: func(ctx context.Context, s members.Store, _ string) error { return ensureOrg(ctx, s, mailOrg) },
		add: func(ctx context.Context, s members.Store, scope, key string) error {
			inv := Invitation(mailOrg, key, mail(scope))
			inv.State, inv.DecidedAt = members.InvitationRevoked, t0
			return s.CreateInvitation(ctx, inv)
		},
		list: func(ctx context.Context, s members.Store, scope string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(invID, func(i members.Invitation) string {
				return strings.TrimSuffix(i.Email, "@example.com")
			})(s.ListInvitationsByEmail(ctx, mail(scope), p))
		},
	}, {
		name:    "ListPendingInvitationsExpiring",
		prepare: func(ctx context.Context, s members.Store, _ string) error { return ensureOrg(ctx, s, expiringOrg) },
		add: func(ctx context.Context, s members.Store, _, key string) error {
			inv := Invitation(expiringOrg, key, mail(key))
			inv.ExpiresAt = t0
			return s.CreateInvitation(ctx, inv)
		},
		remove: func(ctx context.Context, s members.Store, _, key string) error {
			inv, err := s.GetInvitation(ctx, expiringOrg, key)
			if err != nil {
				return err
			}
			inv.State, inv.DecidedAt = members.InvitationRevoked, t0
			return s.UpdateInvitation(ctx, inv)
		},
		list: func(ctx context.Context, s members.Store, _ string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(invID, func(members.Invitation) string { return "" })(s.ListPendingInvitationsExpiring(ctx, expiringAt, p))
		},
	}, {
		name: "ListApplications", scoped: true, prepare: inOrg,
		add: func(ctx context.Context, s members.Store, org, key string) error {
			return s.CreateApplication(ctx, Application(org, key))
		},
		list: func(ctx context.Context, s members.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(a members.Application) string { return a.ID },
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

// maxPages bounds how many pages a walk through a list reads: a store whose
// tokens never end fails instead of looping.
const maxPages = 10_000

// collect pages through a whole list with page size limit and returns every item,
// requiring each call to succeed.
func collect[T any](t *testing.T, limit int, list func(resellerkit.Page) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	page := resellerkit.Page{Limit: limit}
	for range maxPages {
		items, next, err := list(page)
		require.NoError(t, err)
		out = append(out, items...)
		if next == "" {
			return out
		}
		page.Token = next
	}
	require.FailNow(t, "the list never ended", "%d pages", maxPages)
	return nil
}

// keysOf returns the keys of items, in order.
func keysOf[T any](items []T, key func(T) string) []string {
	keys := make([]string, len(items))
	for i, v := range items {
		keys[i] = key(v)
	}
	return keys
}

// listed returns the keys of scope's whole list l.
func listed(t *testing.T, s members.Store, l lister, scope string) []string {
	t.Helper()
	rows := collect(t, 0, func(p resellerkit.Page) ([]row, string, error) { return l.list(t.Context(), s, scope, p) })
	return keysOf(rows, func(r row) string { return r.key })
}

// lists returns the lister of the Store method name.
func lists(name string) lister {
	for _, l := range listers() {
		if l.name == name {
			return l
		}
	}
	panic("memberstest: no lister " + name)
}
