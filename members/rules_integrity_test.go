// Tests of the integrity guarantees around M-2, M-6 and M-7: versions are required,
// authorization holds inside write transactions, and edits cannot escape their fields.

package members_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

func TestM7_EditAccountsNeedsAnEditRightAndSeesOnlyTheOrganizationsAccounts(t *testing.T) {
	f := newFixture(t)
	applied := false
	apply := func(context.Context, []members.Account) error { applied = true; return nil }
	for _, need := range []members.Permission{"", members.PermUserManage, "root", members.PermAccountView, members.PermOperator} {
		err := f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{f.acct1.ID}, need, apply)
		requireValidation(t, err, "edit.permission", "M-10")
	}
	require.False(t, applied, "apply never runs for a permission outside the allowlist")

	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	op, err := f.svc.CreateProject(f.ctx, f.alice, other.ID, project("Other"))
	require.NoError(t, err)
	_, err = f.svc.RegisterAccount(f.ctx, f.op, other.ID, members.NewAccount{ID: "999999999999", ProjectID: op.ID})
	require.NoError(t, err)
	// alice is a power user of both organizations: naming the other one's account in
	// this one's batch is still not found (M-7), and apply never sees it.
	err = f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{f.acct1.ID, "999999999999"}, members.PermContactsEdit, apply)
	require.ErrorIs(t, err, members.ErrNotFound)
	assert.ErrorContains(t, err, `bulk edit (M-10), account_ids[1] "999999999999"`, "a batch names the id's place in it")
	require.False(t, applied)
	// An edit of one account (contacts' and security's single-account calls) names
	// the account, not a batch the caller never sent.
	err = f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{"999999999999"}, members.PermContactsEdit, apply)
	require.ErrorIs(t, err, members.ErrNotFound)
	assert.ErrorContains(t, err, `account "999999999999"`)
	assert.NotContains(t, err.Error(), "bulk edit")
	require.False(t, applied)

	var seen []string
	require.NoError(t, f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{f.acct2.ID, f.acct1.ID}, members.PermSecurityEdit,
		func(_ context.Context, as []members.Account) error {
			seen = nil
			for _, a := range as {
				seen = append(seen, a.OrgID+"/"+a.ID)
			}
			return nil
		}))
	assert.Equal(t, []string{f.org.ID + "/" + f.acct2.ID, f.org.ID + "/" + f.acct1.ID}, seen, "the organization's accounts, in the order given")
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
	list, _, err := f.svc.ListOrganizations(f.ctx, opNoMFA, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1, "the MFA-enforcing organization is left out")
	assert.Equal(t, lax.ID, list[0].ID)

	list, _, err = f.svc.ListOrganizations(f.ctx, f.op, resellerkit.Page{})
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

func (s *racingStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
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
		"EditAccounts": func(f *fixture, svc *members.Service) error {
			return svc.EditAccounts(f.ctx, carol, f.org.ID, []string{f.acct1.ID}, members.PermContactsEdit,
				func(context.Context, []members.Account) error { return nil })
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
				ps, _, err := f.store.ListProjects(f.ctx, f.org.ID, resellerkit.Page{})
				require.NoError(t, err)
				is, _, err := f.store.ListInvitations(f.ctx, f.org.ID, resellerkit.Page{})
				require.NoError(t, err)
				aps, _, err := f.store.ListApplications(f.ctx, f.org.ID, resellerkit.Page{})
				require.NoError(t, err)
				return []any{ps, f.accounts(t, f.org.ID), is, aps}
			}
			before := snapshot()
			require.ErrorIs(t, call(f, svc), members.ErrMFARequired)
			assert.Equal(t, before, snapshot(), "nothing written")
		})
	}
}
