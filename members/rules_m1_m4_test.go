package members_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

func requireValidation(t *testing.T, err error, field, rule string) *resellerkit.ValidationError {
	t.Helper()
	require.ErrorIs(t, err, members.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(err, &ve), "want *ValidationError, got %v", err)
	assert.Equal(t, field, ve.Field)
	assert.Equal(t, rule, ve.Rule)
	assert.Contains(t, err.Error(), rule)
	assert.Contains(t, err.Error(), field)
	return ve
}

func TestM1_OrganizationCodeUniqueAndValidated(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "acme", Name: "Other"})
	require.ErrorIs(t, err, members.ErrAlreadyExists)

	for _, c := range []struct{ code, field string }{
		{"", "code"}, {"a", "code"}, {"-acme", "code"}, {"ACME", "code"}, {"ac me", "code"},
		{"ａｃｍｅ", "code"}, {"abcdefghijabcdefghijabcdefghijabc", "code"},
	} {
		_, err := f.svc.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: c.code, Name: "X"})
		ve := requireValidation(t, err, c.field, "M-1")
		assert.Equal(t, c.code, ve.Value)
	}
	_, err = f.svc.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "ok-1", Name: " "})
	requireValidation(t, err, "name", "M-1")
}

func TestM1_OnlyAliasAndEnforceMFAEditableByPowerUsers(t *testing.T) {
	f := newFixture(t)
	alias := "ACME"
	_, err := f.svc.UpdateOrganization(f.ctx, f.bob, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "general users do not edit the organization (M-5)")

	f.clock.add(time.Minute)
	org, err := f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.NoError(t, err)
	assert.Equal(t, "ACME", org.Alias)
	assert.Equal(t, "ACME", org.DisplayName())
	assert.Equal(t, f.org.Code, org.Code)
	assert.Equal(t, f.org.Name, org.Name)
	assert.Equal(t, t0.Add(time.Minute), org.UpdatedAt)
	assert.Equal(t, f.org.Version+1, org.Version)

	_, err = f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.ErrorIs(t, err, members.ErrConflict, "stale version")
	got, err := f.svc.GetOrganization(f.ctx, f.bob, f.org.ID)
	require.NoError(t, err)
	assert.Equal(t, org, got)
}

func TestM2_ProjectValidation(t *testing.T) {
	f := newFixture(t)
	emails := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = string(rune('a'+i)) + "@x.example"
		}
		return out
	}
	cases := []struct {
		name  string
		edit  func(*members.Project)
		field string
	}{
		{"no name", func(p *members.Project) { p.Name = "" }, "name"},
		{"bad payment", func(p *members.Project) { p.PaymentMethod = "cash" }, "payment_method"},
		{"bad currency", func(p *members.Project) { p.Currency = "EUR" }, "currency"},
		{"no TO", func(p *members.Project) { p.InvoiceTo = nil }, "invoice_to"},
		{"seven TO", func(p *members.Project) { p.InvoiceTo = emails(7) }, "invoice_to"},
		{"seven CC", func(p *members.Project) { p.InvoiceCC = emails(7) }, "invoice_cc"},
		{"bad TO email", func(p *members.Project) { p.InvoiceTo = []string{"ok@x.example", "not-an-email"} }, "invoice_to[1]"},
		{"display name", func(p *members.Project) { p.InvoiceTo = []string{"Bob <bob@x.example>"} }, "invoice_to[0]"},
		{"duplicate TO", func(p *members.Project) { p.InvoiceTo = []string{"a@x.example", "A@x.example"} }, "invoice_to[1]"},
		{"CC repeats TO", func(p *members.Project) { p.InvoiceCC = []string{"billing@acme.example"} }, "invoice_cc[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := project("P")
			c.edit(&p)
			_, err := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, p)
			requireValidation(t, err, c.field, "M-2")
		})
	}
	ok := project("Six and six")
	ok.InvoiceTo, ok.InvoiceCC = emails(6), []string{"1@y.example", "2@y.example", "3@y.example", "4@y.example", "5@y.example", "6@y.example"}
	ok.PaymentMethod, ok.Currency = members.PaymentCard, money.USD
	p, err := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, ok)
	require.NoError(t, err)
	got, err := f.svc.GetProject(f.ctx, f.bob, f.org.ID, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got)
	ps, _, err := f.svc.ListProjects(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, ps, 3)
}

func TestM2_ProjectUpdateNeedsOrgEditAndCurrentVersion(t *testing.T) {
	f := newFixture(t)
	in := f.p1
	in.Name = "Web (renamed)"
	_, err := f.svc.UpdateProject(f.ctx, f.bob, f.org.ID, in)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.CreateProject(f.ctx, f.bob, f.org.ID, project("X"))
	require.ErrorIs(t, err, members.ErrPermissionDenied)

	got, err := f.svc.UpdateProject(f.ctx, f.alice, f.org.ID, in)
	require.NoError(t, err)
	assert.Equal(t, "Web (renamed)", got.Name)
	assert.Equal(t, int64(2), got.Version)
	_, err = f.svc.UpdateProject(f.ctx, f.alice, f.org.ID, in) // still version 1
	require.ErrorIs(t, err, members.ErrConflict)
}

func TestM3_AccountIDIsTwelveDigits(t *testing.T) {
	for _, c := range []struct {
		id string
		ok bool
	}{
		{"123456789012", true}, {"000000000001", true},
		{"", false}, {"12345678901", false}, {"1234567890123", false}, {"12345678901a", false},
		{"１２３４５６７８９０１２", false}, {" 12345678901", false}, {"-12345678901", false},
	} {
		err := members.ValidateAccountID("account_id", c.id)
		if c.ok {
			assert.NoError(t, err, c.id)
			continue
		}
		ve := requireValidation(t, err, "account_id", "M-3")
		assert.Equal(t, c.id, ve.Value)
	}
}

func TestM3_MoveTakesEffectNextMonthAndKeepsHistory(t *testing.T) {
	f := newFixture(t)
	march, april, may := t0, t0.AddDate(0, 1, 0), t0.AddDate(0, 2, 0)

	a, err := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p2.ID, f.acct1.Version)
	require.NoError(t, err)
	assert.Equal(t, []members.Ownership{
		{ProjectID: f.p1.ID, From: resellerkit.MonthOf(march)},
		{ProjectID: f.p2.ID, From: resellerkit.MonthOf(april)},
	}, a.Ownership)

	owner := func(at time.Time) string {
		o, err := f.svc.ProjectOwning(f.ctx, f.acct1.ID, resellerkit.MonthOf(at))
		require.NoError(t, err)
		assert.Equal(t, f.org.ID, o.OrgID)
		return o.ProjectID
	}
	assert.Equal(t, f.p1.ID, owner(march), "the current month stays with the owner at month end")
	assert.Equal(t, f.p2.ID, owner(april))
	assert.Equal(t, f.p2.ID, owner(may))
	_, err = f.svc.ProjectOwning(f.ctx, f.acct1.ID, resellerkit.MonthOf(march).Prev())
	require.ErrorIs(t, err, members.ErrNotFound, "not billed before registration")

	// In April, move back to p1 from May; April stays with p2, March with p1.
	f.clock.set(april)
	a, err = f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p1.ID, a.Version)
	require.NoError(t, err)
	assert.Len(t, a.Ownership, 3)
	assert.Equal(t, f.p1.ID, owner(march))
	assert.Equal(t, f.p2.ID, owner(april))
	assert.Equal(t, f.p1.ID, owner(may))

	// Moving twice within a month keeps only the last target; moving back to the
	// current owner cancels the pending move.
	a, err = f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p2.ID, a.Version)
	require.NoError(t, err)
	assert.Len(t, a.Ownership, 2)
	assert.Equal(t, f.p2.ID, owner(may))

	// Stale version.
	_, err = f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p1.ID, 1)
	require.ErrorIs(t, err, members.ErrConflict)
	// Needs org.edit.
	_, err = f.svc.MoveAccount(f.ctx, f.bob, f.org.ID, f.acct1.ID, f.p1.ID, a.Version)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

func TestM3_MoveToAnotherOrganizationFails(t *testing.T) {
	f := newFixture(t)
	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	foreign, err := f.svc.CreateProject(f.ctx, f.alice, other.ID, project("Foreign"))
	require.NoError(t, err)

	_, errForeign := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, foreign.ID, f.acct1.Version)
	require.ErrorIs(t, errForeign, members.ErrNotFound)
	_, errMissing := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, "no-such-project", f.acct1.Version)
	require.ErrorIs(t, errMissing, members.ErrNotFound, "a foreign project looks exactly like a missing one (M-7)")

	// Even naming the other organization (where alice is power user too) does not
	// reach an account of this one.
	_, err = f.svc.MoveAccount(f.ctx, f.alice, other.ID, f.acct1.ID, foreign.ID, f.acct1.Version)
	require.ErrorIs(t, err, members.ErrNotFound)

	a, err := f.svc.GetAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID)
	require.NoError(t, err)
	assert.Equal(t, f.acct1, a, "nothing changed")
}

func TestM3_RegisterAccount(t *testing.T) {
	f := newFixture(t)
	for _, p := range []members.Principal{f.alice, f.bob} {
		_, err := f.svc.RegisterAccount(f.ctx, p, f.org.ID, members.NewAccount{ID: "333333333333", ProjectID: f.p1.ID})
		require.ErrorIs(t, err, members.ErrPermissionDenied, "only operators register accounts")
		assert.EqualError(t, err, "members: permission denied: only reseller operators may do this",
			"the denial names the real requirement, not org.edit")
	}
	_, err := f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: "33333333333", ProjectID: f.p1.ID})
	requireValidation(t, err, "id", "M-3") // the input's own field name
	_, err = f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: f.acct1.ID, ProjectID: f.p1.ID})
	require.ErrorIs(t, err, members.ErrAlreadyExists, "an account belongs to exactly one project")
	require.NotErrorIs(t, err, members.ErrConflict, "already exists is not a concurrent change")
	_, err = f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: "333333333333", ProjectID: "nope"})
	require.ErrorIs(t, err, members.ErrNotFound)
	as, _, err := f.svc.ListAccounts(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Equal(t, []members.Account{f.acct1, f.acct2}, as)
}

func TestM4_TypeAndPermissionsArePerOrganization(t *testing.T) {
	f := newFixture(t)
	// bob creates his own organization: power user there, general user in acme.
	own, err := f.svc.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "bobs", Name: "Bob's"})
	require.NoError(t, err)
	ms, _, err := f.svc.ListMyMemberships(f.ctx, f.bob, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, ms, 2)
	types := map[string]members.MemberType{ms[0].OrgID: ms[0].Type, ms[1].OrgID: ms[1].Type}
	assert.Equal(t, members.MemberGeneral, types[f.org.ID])
	assert.Equal(t, members.MemberPower, types[own.ID])

	_, err = f.svc.Invite(f.ctx, f.bob, own.ID, members.NewInvitation{Email: "x@y.example", Type: members.MemberGeneral})
	require.NoError(t, err, "power user manages users in his organization")
	_, err = f.svc.Invite(f.ctx, f.bob, f.org.ID, members.NewInvitation{Email: "x@y.example", Type: members.MemberGeneral})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "but not in acme, where he is a general user")

	orgs, _, err := f.svc.ListOrganizations(f.ctx, f.bob, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, orgs, 2)
}

func TestM2_ConcurrentProjectUpdatesOneWins(t *testing.T) {
	for run := range 20 {
		f := newFixture(t)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := f.p1.Clone()
				in.Name = fmt.Sprintf("writer %d", i)
				<-start
				_, errs[i] = f.svc.UpdateProject(f.ctx, f.alice, f.org.ID, in)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, members.ErrConflict, "run %d", run)
			}
		}
		require.Equal(t, 1, ok, "run %d: exactly one writer of version %d wins", run, f.p1.Version)
	}
}
