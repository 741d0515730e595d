package members_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// tenant is one random organization of the M-7 property test.
type tenant struct {
	org      members.Organization
	power    members.Principal
	general  members.Principal // general user holding every grantable permission
	projects []string
	accounts []string
	invs     []string
	invitee  members.Principal // addressee of the pending invitations
	apps     []string
}

// errClass reduces an error to the sentinel a caller can branch on.
func errClass(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, members.ErrMFARequired):
		return "mfa"
	case errors.Is(err, members.ErrPermissionDenied):
		return "denied"
	case errors.Is(err, members.ErrNotFound):
		return "not-found"
	case errors.Is(err, members.ErrConflict):
		return "conflict"
	case errors.Is(err, members.ErrAlreadyExists):
		return "already-exists"
	case errors.Is(err, members.ErrInvalid):
		return "invalid"
	}
	return "other: " + err.Error()
}

// snapshotAll returns every row of every organization, read straight from the store.
func snapshotAll(t *testing.T, ctx context.Context, s members.Store) map[string][]any {
	t.Helper()
	orgs, _, err := s.ListOrganizations(ctx, resellerkit.Page{})
	require.NoError(t, err)
	out := map[string][]any{}
	for _, o := range orgs {
		ps, _, err := s.ListProjects(ctx, o.ID, resellerkit.Page{})
		require.NoError(t, err)
		as, _, err := s.ListAccounts(ctx, o.ID, resellerkit.Page{})
		require.NoError(t, err)
		ms, _, err := s.ListMemberships(ctx, o.ID, resellerkit.Page{})
		require.NoError(t, err)
		is, _, err := s.ListInvitations(ctx, o.ID, resellerkit.Page{})
		require.NoError(t, err)
		aps, _, err := s.ListApplications(ctx, o.ID, resellerkit.Page{})
		require.NoError(t, err)
		out[o.ID] = []any{o, ps, as, ms, is, aps}
	}
	return out
}

func TestM7_PropertyNoCrossOrganizationReadOrWrite(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 7))
	store := memstore.New()
	serial := 0
	svc := members.NewService(store, members.WithClock(func() time.Time { return t0 }),
		members.WithIDGenerator(func() string { serial++; return fmt.Sprintf("x%05d", serial) }))
	op := members.Principal{IdentityID: "op", MFA: true, Operator: true}
	randAccountID := func() string { return fmt.Sprintf("%012d", rng.Int64N(1_000_000_000_000)) }
	randID := func() string { return fmt.Sprintf("x%05d", rng.IntN(100_000)) }

	// Random organizations with random content.
	var ts []*tenant
	nOrgs := 3 + rng.IntN(4)
	for i := range nOrgs {
		tn := &tenant{
			power:   members.Principal{IdentityID: fmt.Sprintf("power-%d", i), Email: fmt.Sprintf("power%d@t.example", i), MFA: true},
			general: members.Principal{IdentityID: fmt.Sprintf("general-%d", i), Email: fmt.Sprintf("general%d@t.example", i)},
			invitee: members.Principal{IdentityID: fmt.Sprintf("invitee-%d", i), Email: fmt.Sprintf("invitee%d@t.example", i)},
		}
		var err error
		tn.org, err = svc.CreateOrganization(ctx, tn.power, members.NewOrganization{Code: fmt.Sprintf("org-%d", i), Name: fmt.Sprintf("Org %d", i)})
		require.NoError(t, err)
		inv, err := svc.Invite(ctx, tn.power, tn.org.ID, members.NewInvitation{Email: tn.general.Email, Type: members.MemberGeneral, Permissions: members.AllPermissions()})
		require.NoError(t, err)
		_, err = svc.AcceptInvitation(ctx, tn.general, tn.org.ID, inv.ID)
		require.NoError(t, err)
		for range 1 + rng.IntN(3) {
			p, err := svc.CreateProject(ctx, tn.power, tn.org.ID, project(fmt.Sprintf("p%d", rng.IntN(1000))))
			require.NoError(t, err)
			tn.projects = append(tn.projects, p.ID)
		}
		for range 1 + rng.IntN(4) {
			id := randAccountID()
			_, err := svc.RegisterAccount(ctx, op, tn.org.ID, members.NewAccount{ID: id, ProjectID: tn.projects[rng.IntN(len(tn.projects))]})
			if errors.Is(err, members.ErrAlreadyExists) {
				continue // the same random id twice
			}
			require.NoError(t, err)
			tn.accounts = append(tn.accounts, id)
		}
		inv, err = svc.Invite(ctx, tn.power, tn.org.ID, members.NewInvitation{Email: tn.invitee.Email, Type: members.MemberPower})
		require.NoError(t, err)
		tn.invs = append(tn.invs, inv.ID)
		app, err := svc.SubmitApplication(ctx, tn.general, tn.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: tn.accounts[0]})
		require.NoError(t, err)
		tn.apps = append(tn.apps, app.ID)
		ts = append(ts, tn)
	}
	before := snapshotAll(t, ctx, store)

	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	name := "hijacked"
	edit := members.AccountDetails{Name: &name}

	// Operations that, called by a member of A, name A but B's ids. Each returns the
	// error and the organizations of whatever it returned.
	type op3 func(p members.Principal, a, b *tenant, id func(kind string) string) ([]string, error)
	inA := map[string]op3{
		"GetProject": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.GetProject(ctx, p, a.org.ID, id("project"))
			return []string{x.OrgID}, err
		},
		"UpdateProject": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			in := project("hijacked")
			in.ID = id("project")
			x, err := svc.UpdateProject(ctx, p, a.org.ID, in)
			return []string{x.OrgID}, err
		},
		"GetAccount": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.GetAccount(ctx, p, a.org.ID, id("account"))
			return []string{x.OrgID}, err
		},
		"MoveAccount/foreign account": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.MoveAccount(ctx, p, a.org.ID, id("account"), pick(a.projects), 1)
			return []string{x.OrgID}, err
		},
		"MoveAccount/foreign project": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.MoveAccount(ctx, p, a.org.ID, pick(a.accounts), id("project"), 1)
			return []string{x.OrgID}, err
		},
		"BulkEditAccounts": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			xs, err := svc.BulkEditAccounts(ctx, p, a.org.ID, []string{pick(a.accounts), id("account")}, edit)
			var orgs []string
			for _, x := range xs {
				orgs = append(orgs, x.OrgID)
			}
			return orgs, err
		},
		"EditAccounts": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			var orgs []string
			err := svc.EditAccounts(ctx, p, a.org.ID, []string{pick(a.accounts), id("account")}, members.PermContactsEdit,
				func(_ context.Context, as []members.Account) error {
					for _, x := range as {
						orgs = append(orgs, x.OrgID)
					}
					return nil
				})
			return orgs, err
		},
		"GetMember": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.GetMember(ctx, p, a.org.ID, id("member"))
			return []string{x.OrgID}, err
		},
		"ChangeMember": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.ChangeMember(ctx, p, a.org.ID, id("member"), members.MemberPower, nil, 1)
			return []string{x.OrgID}, err
		},
		"RemoveMember": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			return nil, svc.RemoveMember(ctx, p, a.org.ID, id("member"))
		},
		"RevokeInvitation": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.RevokeInvitation(ctx, p, a.org.ID, id("invitation"))
			return []string{x.OrgID}, err
		},
		"AcceptInvitation by its addressee": func(_ members.Principal, a, b *tenant, id func(string) string) ([]string, error) {
			x, err := svc.AcceptInvitation(ctx, b.invitee, a.org.ID, id("invitation"))
			return []string{x.OrgID}, err
		},
		"GetApplication": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.GetApplication(ctx, p, a.org.ID, id("application"))
			return []string{x.OrgID}, err
		},
		"CancelApplication": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.CancelApplication(ctx, p, a.org.ID, id("application"))
			return []string{x.OrgID}, err
		},
		"SubmitApplication/foreign account": func(p members.Principal, a, _ *tenant, id func(string) string) ([]string, error) {
			x, err := svc.SubmitApplication(ctx, p, a.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: id("account")})
			return []string{x.OrgID}, err
		},
	}
	// Operations naming organization B itself, by a non-member of B.
	inB := map[string]func(p members.Principal, orgID string) error{
		"GetOrganization": func(p members.Principal, o string) error { _, err := svc.GetOrganization(ctx, p, o); return err },
		"UpdateOrganization": func(p members.Principal, o string) error {
			_, err := svc.UpdateOrganization(ctx, p, o, members.OrganizationUpdate{Alias: &name, Version: 1})
			return err
		},
		"ListProjects": func(p members.Principal, o string) error {
			_, _, err := svc.ListProjects(ctx, p, o, resellerkit.Page{})
			return err
		},
		"CreateProject": func(p members.Principal, o string) error {
			_, err := svc.CreateProject(ctx, p, o, project("x"))
			return err
		},
		"ListAccounts": func(p members.Principal, o string) error {
			_, _, err := svc.ListAccounts(ctx, p, o, resellerkit.Page{})
			return err
		},
		"ListMembers": func(p members.Principal, o string) error {
			_, _, err := svc.ListMembers(ctx, p, o, resellerkit.Page{})
			return err
		},
		"ListInvitations": func(p members.Principal, o string) error {
			_, _, err := svc.ListInvitations(ctx, p, o, resellerkit.Page{})
			return err
		},
		"ListApplications": func(p members.Principal, o string) error {
			_, _, err := svc.ListApplications(ctx, p, o, resellerkit.Page{})
			return err
		},
		"Invite": func(p members.Principal, o string) error {
			_, err := svc.Invite(ctx, p, o, members.NewInvitation{Email: "evil@x.example", Type: members.MemberPower})
			return err
		},
		"BulkEditAccounts": func(p members.Principal, o string) error {
			_, err := svc.BulkEditAccounts(ctx, p, o, []string{randAccountID()}, edit)
			return err
		},
	}
	opNamesA := sortedKeys(inA)
	opNamesB := sortedKeys(inB)

	const iterations = 3000
	for i := range iterations {
		a := ts[rng.IntN(len(ts))]
		b := ts[rng.IntN(len(ts))]
		for b == a {
			b = ts[rng.IntN(len(ts))]
		}
		p := a.power
		if rng.IntN(2) == 0 {
			p = a.general
		}
		if rng.IntN(2) == 0 {
			name := opNamesA[rng.IntN(len(opNamesA))]
			call := inA[name]
			foreign := func(kind string) string {
				switch kind {
				case "project":
					return pick(b.projects)
				case "account":
					return pick(b.accounts)
				case "member":
					return pick([]string{b.power.IdentityID, b.general.IdentityID})
				case "invitation":
					return pick(b.invs)
				}
				return pick(b.apps)
			}
			missing := func(kind string) string {
				if kind == "account" {
					return randAccountID()
				}
				return randID() + "-missing"
			}
			orgsF, errF := call(p, a, b, foreign)
			orgsM, errM := call(p, a, b, missing)
			require.Error(t, errF, "iteration %d: %s with %s's id succeeded", i, name, b.org.ID)
			require.Equal(t, errClass(errM), errClass(errF), "iteration %d: %s: a foreign id and a missing id must look alike", i, name)
			for _, o := range append(orgsF, orgsM...) {
				require.NotEqual(t, b.org.ID, o, "iteration %d: %s returned data of another organization", i, name)
			}
		} else {
			name := opNamesB[rng.IntN(len(opNamesB))]
			errF := inB[name](p, b.org.ID)
			errM := inB[name](p, randID()+"-no-org")
			require.ErrorIs(t, errF, members.ErrPermissionDenied, "iteration %d: %s on %s", i, name, b.org.ID)
			require.Equal(t, errClass(errM), errClass(errF), "iteration %d: %s: a foreign org and a missing org must look alike", i, name)
		}
	}
	assert.Equal(t, before, snapshotAll(t, ctx, store), "no organization changed")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
