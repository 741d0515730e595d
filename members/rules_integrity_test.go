// Tests of the integrity guarantees around M-2, M-6 and M-7: versions are required,
// authorization holds inside write transactions, and edits cannot escape their fields.

package members_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// evilEdit is an AccountEdit written by a third party that tries to reach beyond the
// customer-editable fields: it names any permission and may rewrite anything.
type evilEdit struct {
	perm  members.Permission
	apply func(a *members.Account)
}

func (e evilEdit) Permission() members.Permission { return e.perm }
func (e evilEdit) Validate() error                { return nil }
func (e evilEdit) Apply(a *members.Account) error {
	a.Name = "touched"
	if e.apply != nil {
		e.apply(a)
	}
	return nil
}

func TestM7_BulkEditCannotEscapeTheEditableFields(t *testing.T) {
	cases := []struct {
		name  string
		edit  evilEdit
		field string
		rule  string
	}{
		{"empty permission means any member", evilEdit{perm: ""}, "edit.permission", "M-10"},
		{"user.manage is not an edit right", evilEdit{perm: members.PermUserManage}, "edit.permission", "M-10"},
		{"unknown permission", evilEdit{perm: "root"}, "edit.permission", "M-10"},
		{"view permission", evilEdit{perm: members.PermAccountView}, "edit.permission", "M-10"},
		{"ownership to a foreign project", evilEdit{perm: members.PermContactsEdit, apply: func(a *members.Account) {
			a.Ownership = append(a.Ownership, members.Ownership{ProjectID: "foreign-project", From: t0.AddDate(0, 1, 0)})
		}}, "ownership", "M-7"},
		{"ownership rewritten in place", evilEdit{perm: members.PermContactsEdit, apply: func(a *members.Account) {
			a.Ownership[0].ProjectID = "foreign-project"
		}}, "ownership", "M-7"},
		{"org id", evilEdit{perm: members.PermContactsEdit, apply: func(a *members.Account) { a.OrgID = "other" }}, "org_id", "M-7"},
		{"id", evilEdit{perm: members.PermContactsEdit, apply: func(a *members.Account) { a.ID = "999999999999" }}, "id", "M-7"},
		{"closed from", evilEdit{perm: members.PermSecurityEdit, apply: func(a *members.Account) { a.ClosedFrom = t0 }}, "closed_from", "M-7"},
		{"created at", evilEdit{perm: members.PermSecurityEdit, apply: func(a *members.Account) { a.CreatedAt = t0.Add(time.Hour) }}, "created_at", "M-7"},
		{"version", evilEdit{perm: members.PermSecurityEdit, apply: func(a *members.Account) { a.Version = 99 }}, "version", "M-7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			// carol is a member with no permission at all, alice a power user: the
			// edit must fail for both.
			carol := members.Principal{IdentityID: "carol", Email: "carol@acme.example"}
			f.join(t, f.org.ID, f.alice, carol, members.MemberGeneral)
			before, err := f.store.ListAccounts(f.ctx, f.org.ID)
			require.NoError(t, err)
			for _, p := range []members.Principal{carol, f.alice} {
				_, err := f.svc.BulkEditAccounts(f.ctx, p, f.org.ID, []string{f.acct1.ID, f.acct2.ID}, c.edit)
				if p.IdentityID == "carol" && c.field != "edit.permission" {
					require.ErrorIs(t, err, members.ErrPermissionDenied, "carol holds no edit right")
					continue
				}
				requireValidation(t, err, c.field, c.rule)
			}
			after, err := f.store.ListAccounts(f.ctx, f.org.ID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "nothing changed (M-10)")
		})
	}
}

func TestM2_UpdateWithoutVersionIsRejected(t *testing.T) {
	for _, v := range []int64{0, -1} {
		f := newFixture(t)
		alias := "new"
		in := f.p1
		in.Name, in.Version = "renamed", v
		cases := map[string]func() error{
			"UpdateOrganization": func() error {
				_, err := f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: v})
				return err
			},
			"UpdateProject": func() error { _, err := f.svc.UpdateProject(f.ctx, f.alice, f.org.ID, in); return err },
			"MoveAccount": func() error {
				_, err := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p2.ID, v)
				return err
			},
			"ChangeMember": func() error {
				_, err := f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberPower, nil, v)
				return err
			},
		}
		rules := map[string]string{"UpdateOrganization": "M-1", "UpdateProject": "M-2", "MoveAccount": "M-3", "ChangeMember": "M-4"}
		for name, call := range cases {
			ve := requireValidation(t, call(), "version", rules[name])
			assert.Equal(t, map[bool]string{true: "0", false: "-1"}[v == 0], ve.Value, name)
		}
		org, err := f.store.GetOrganization(f.ctx, f.org.ID)
		require.NoError(t, err)
		assert.Equal(t, f.org, org, "organization unchanged")
		p, err := f.store.GetProject(f.ctx, f.org.ID, f.p1.ID)
		require.NoError(t, err)
		assert.Equal(t, f.p1, p, "project unchanged")
		a, err := f.store.GetAccount(f.ctx, f.org.ID, f.acct1.ID)
		require.NoError(t, err)
		assert.Equal(t, f.acct1, a, "account unchanged")
		m, err := f.store.GetMembership(f.ctx, f.org.ID, f.bob.IdentityID)
		require.NoError(t, err)
		assert.Equal(t, members.MemberGeneral, m.Type, "membership unchanged")
	}
}

func TestM6_OperatorWithoutMFAListsNoEnforcingOrganization(t *testing.T) {
	f := newFixture(t)
	on := true
	_, err := f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{EnforceMFA: &on, Version: f.org.Version})
	require.NoError(t, err)
	lax, err := f.svc.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "lax", Name: "Lax"})
	require.NoError(t, err)

	opNoMFA := f.op
	opNoMFA.MFA = false
	_, err = f.svc.GetOrganization(f.ctx, opNoMFA, f.org.ID)
	require.ErrorIs(t, err, members.ErrMFARequired)
	list, err := f.svc.ListOrganizations(f.ctx, opNoMFA)
	require.NoError(t, err)
	require.Len(t, list, 1, "the MFA-enforcing organization is left out")
	assert.Equal(t, lax.ID, list[0].ID)

	list, err = f.svc.ListOrganizations(f.ctx, f.op)
	require.NoError(t, err)
	assert.Len(t, list, 2, "an operator with MFA lists both")
}

func TestM2_ValidationErrorsAreDeterministic(t *testing.T) {
	f := newFixture(t)
	in := project("Web")
	bad := string([]byte{0xff}) // not UTF-8: invalid in every text field
	in.Billing = members.BillingSettings{PricingPlan: bad, SupportFeeRule: bad, ExchangeRatePolicy: bad}
	_, first := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, in)
	requireValidation(t, first, "billing.pricing_plan", "M-2")
	for range 50 {
		_, err := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, in)
		require.Equal(t, first.Error(), err.Error())
	}
}

// racingStore runs hook once, just before the first transaction starts: it plays a
// concurrent change that lands between the Service's early permission check and its
// write transaction.
type racingStore struct {
	*memstore.Store
	once sync.Once
	hook func()
}

func (s *racingStore) InTx(ctx context.Context, fn func(tx members.Store) error) error {
	s.once.Do(s.hook)
	return s.Store.InTx(ctx, fn)
}

func TestM6_WritesAuthorizeInsideTheirTransaction(t *testing.T) {
	// Every write re-checks the principal inside its own transaction: a principal
	// who passed the early check but lost access before the write (here: the
	// organization turned EnforceMFA on and the principal has no MFA) writes nothing.
	carol := members.Principal{IdentityID: "carol", Email: "carol@acme.example"} // power user, no MFA
	opNoMFA := members.Principal{IdentityID: "op", Email: "op@reseller.example", Operator: true}
	cases := map[string]func(f *fixture, svc *members.Service) error{
		"CreateProject": func(f *fixture, svc *members.Service) error {
			_, err := svc.CreateProject(f.ctx, carol, f.org.ID, project("late"))
			return err
		},
		"UpdateProject": func(f *fixture, svc *members.Service) error {
			in := f.p1
			in.Name = "late"
			_, err := svc.UpdateProject(f.ctx, carol, f.org.ID, in)
			return err
		},
		"RegisterAccount": func(f *fixture, svc *members.Service) error {
			_, err := svc.RegisterAccount(f.ctx, opNoMFA, f.org.ID, members.NewAccount{ID: "333333333333", ProjectID: f.p1.ID})
			return err
		},
		"MoveAccount": func(f *fixture, svc *members.Service) error {
			_, err := svc.MoveAccount(f.ctx, carol, f.org.ID, f.acct1.ID, f.p2.ID, f.acct1.Version)
			return err
		},
		"Invite": func(f *fixture, svc *members.Service) error {
			_, err := svc.Invite(f.ctx, carol, f.org.ID, members.NewInvitation{Email: "dave@acme.example", Type: members.MemberPower})
			return err
		},
		"SubmitApplication": func(f *fixture, svc *members.Service) error {
			_, err := svc.SubmitApplication(f.ctx, carol, f.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct1.ID})
			return err
		},
	}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.join(t, f.org.ID, f.alice, carol, members.MemberPower)
			rs := &racingStore{Store: f.store}
			rs.hook = func() {
				org, err := f.store.GetOrganization(f.ctx, f.org.ID)
				require.NoError(t, err)
				org.EnforceMFA = true
				require.NoError(t, f.store.UpdateOrganization(f.ctx, org))
			}
			svc := members.NewService(rs, members.WithClock(f.clock.now))
			snapshot := func() []any {
				ps, err := f.store.ListProjects(f.ctx, f.org.ID)
				require.NoError(t, err)
				as, err := f.store.ListAccounts(f.ctx, f.org.ID)
				require.NoError(t, err)
				is, err := f.store.ListInvitations(f.ctx, f.org.ID)
				require.NoError(t, err)
				aps, err := f.store.ListApplications(f.ctx, f.org.ID)
				require.NoError(t, err)
				return []any{ps, as, is, aps}
			}
			before := snapshot()
			require.ErrorIs(t, call(f, svc), members.ErrMFARequired)
			assert.Equal(t, before, snapshot(), "nothing written")
		})
	}
}
