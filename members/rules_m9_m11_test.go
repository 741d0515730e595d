package members_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

func TestM9_LastPowerUserCannotLeaveOrBeDemoted(t *testing.T) {
	f := newFixture(t)
	err := f.svc.RemoveMember(f.ctx, f.alice, f.org.ID, f.alice.IdentityID)
	requireValidation(t, err, "identity_id", "M-9")
	_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.alice.IdentityID, members.MemberGeneral, []members.Permission{members.PermProjectView}, f.memberVersion(t, f.org.ID, f.alice.IdentityID))
	requireValidation(t, err, "type", "M-9")
	err = f.svc.RemoveMember(f.ctx, f.op, f.org.ID, f.alice.IdentityID)
	requireValidation(t, err, "identity_id", "M-9")
	m, err := f.svc.GetMember(f.ctx, f.alice, f.org.ID, f.alice.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, members.MemberPower, m.Type)

	// With a second power user, alice may leave; then bob is the last one.
	_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberPower, nil, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.NoError(t, err)
	require.NoError(t, f.svc.RemoveMember(f.ctx, f.alice, f.org.ID, f.alice.IdentityID))
	_, err = f.svc.GetOrganization(f.ctx, f.alice, f.org.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "alice is gone")
	err = f.svc.RemoveMember(f.ctx, f.bob, f.org.ID, f.bob.IdentityID)
	requireValidation(t, err, "identity_id", "M-9")
}

func TestM9_RemovalKeepsOtherOrganizations(t *testing.T) {
	f := newFixture(t)
	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	f.join(t, other.ID, f.alice, f.bob, members.MemberGeneral, members.PermProjectView)

	require.NoError(t, f.svc.RemoveMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID))
	ms, err := f.svc.ListMyMemberships(f.ctx, f.bob)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, other.ID, ms[0].OrgID)
	_, err = f.svc.ListProjects(f.ctx, f.bob, other.ID)
	require.NoError(t, err)
	_, err = f.svc.ListProjects(f.ctx, f.bob, f.org.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	err = f.svc.RemoveMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID)
	require.ErrorIs(t, err, members.ErrNotFound)
}

func TestM9_ConcurrentDemotionsKeepAPowerUser(t *testing.T) {
	for i := range 50 {
		f := newFixture(t)
		_, err := f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberPower, nil, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
		require.NoError(t, err)
		bob := f.bob
		bob.MFA = true
		vBob, vAlice := f.memberVersion(t, f.org.ID, bob.IdentityID), f.memberVersion(t, f.org.ID, f.alice.IdentityID)
		var wg sync.WaitGroup
		wg.Add(2)
		errs := make([]error, 2)
		go func() {
			defer wg.Done()
			_, errs[0] = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, bob.IdentityID, members.MemberGeneral, nil, vBob)
		}()
		go func() {
			defer wg.Done()
			_, errs[1] = f.svc.ChangeMember(f.ctx, bob, f.org.ID, f.alice.IdentityID, members.MemberGeneral, nil, vAlice)
		}()
		wg.Wait()
		assert.False(t, errs[0] == nil && errs[1] == nil, "run %d: both demotions succeeded", i)
		ms, err := f.store.ListMemberships(f.ctx, f.org.ID)
		require.NoError(t, err)
		power := 0
		for _, m := range ms {
			if m.Type == members.MemberPower {
				power++
			}
		}
		require.Equal(t, 1, power, "run %d", i)
	}
}

// failOn is an AccountEdit that rejects one account, to show that a per-account
// failure in Apply also fails the whole batch (M-10).
type failOn struct{ members.SetAccountDetails }

func (e failOn) Apply(a *members.Account) error {
	if a.ID == "222222222222" {
		return &members.ValidationError{Field: "account_id", Value: a.ID, Rule: "M-10", Reason: "rejected by the edit"}
	}
	return e.SetAccountDetails.Apply(a)
}

func TestM10_BulkEditIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	op, err := f.svc.CreateProject(f.ctx, f.alice, other.ID, project("Other"))
	require.NoError(t, err)
	_, err = f.svc.RegisterAccount(f.ctx, f.op, other.ID, members.NewAccount{ID: "999999999999", ProjectID: op.ID})
	require.NoError(t, err)

	snapshot := func() [2][]members.Account {
		a, err := f.store.ListAccounts(f.ctx, f.org.ID)
		require.NoError(t, err)
		b, err := f.store.ListAccounts(f.ctx, other.ID)
		require.NoError(t, err)
		return [2][]members.Account{a, b}
	}
	name, badName := "renamed", "bad\x00name"
	labels, badLabels := []string{"team-a", "prod"}, []string{"x", "x"}
	ok := members.SetAccountDetails{Name: &name, Labels: &labels}
	both := []string{f.acct1.ID, f.acct2.ID}

	cases := []struct {
		name  string
		p     members.Principal
		ids   []string
		edit  members.AccountEdit
		is    error
		field string
		rule  string
	}{
		{"account of another organization last", f.alice, []string{f.acct1.ID, f.acct2.ID, "999999999999"}, ok, members.ErrNotFound, "", ""},
		{"unknown account last", f.alice, []string{f.acct1.ID, f.acct2.ID, "123123123123"}, ok, members.ErrNotFound, "", ""},
		{"malformed id", f.alice, []string{f.acct1.ID, "12345"}, ok, members.ErrInvalid, "account_ids[1]", "M-3"},
		{"duplicate id", f.alice, []string{f.acct1.ID, f.acct1.ID}, ok, members.ErrInvalid, "account_ids[1]", ""},
		{"empty list", f.alice, nil, ok, members.ErrInvalid, "account_ids", ""},
		{"invalid name", f.alice, both, members.SetAccountDetails{Name: &badName}, members.ErrInvalid, "name", ""},
		{"invalid labels", f.alice, both, members.SetAccountDetails{Labels: &badLabels}, members.ErrInvalid, "labels[1]", ""},
		{"edit sets nothing", f.alice, both, members.SetAccountDetails{}, members.ErrInvalid, "edit", ""},
		{"no permission", f.bob, both, ok, members.ErrPermissionDenied, "", ""},
		{"one account rejected by Apply", f.alice, both, failOn{ok}, members.ErrInvalid, "account_id", ""},
		{"caller's other organization named", f.alice, []string{"999999999999"}, ok, members.ErrNotFound, "", ""},
	}
	before := snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.BulkEditAccounts(f.ctx, c.p, f.org.ID, c.ids, c.edit)
			require.ErrorIs(t, err, c.is)
			if c.field != "" {
				rule := c.rule
				if rule == "" {
					rule = "M-10"
				}
				requireValidation(t, err, c.field, rule)
			}
			assert.Equal(t, before, snapshot(), "nothing changed")
		})
	}

	got, err := f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, both, ok)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, a := range got {
		assert.Equal(t, "renamed", a.Name)
		assert.Equal(t, labels, a.Labels, "overwritten, not merged")
		assert.Equal(t, int64(2), a.Version)
	}
	after := snapshot()
	assert.Equal(t, got, after[0])
	assert.Equal(t, before[1], after[1])

	// A general user with contacts.edit may bulk edit.
	_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral,
		[]members.Permission{members.PermProjectView, members.PermAccountView, members.PermContactsEdit}, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.NoError(t, err)
	_, err = f.svc.BulkEditAccounts(f.ctx, f.bob, f.org.ID, both, members.SetAccountDetails{Labels: &[]string{}})
	require.NoError(t, err)
	require.NoError(t, f.svc.AuthorizeAccounts(f.ctx, f.bob, f.org.ID, both, members.PermContactsEdit))
	require.ErrorIs(t, f.svc.AuthorizeAccounts(f.ctx, f.bob, f.org.ID, append(both, "999999999999"), members.PermContactsEdit), members.ErrNotFound)
	require.ErrorIs(t, f.svc.AuthorizeAccounts(f.ctx, f.bob, f.org.ID, both, members.PermSecurityEdit), members.ErrPermissionDenied)
}

func TestM11_ApplicationStateMachine(t *testing.T) {
	states := []members.ApplicationState{members.AppSubmitted, members.AppInReview, members.AppCompleted, members.AppRejected, members.AppCancelled}
	actions := []members.ApplicationAction{members.ActionReview, members.ActionComplete, members.ActionReject, members.ActionCancel}
	allowed := map[string]members.ApplicationState{
		"submitted/review":   members.AppInReview,
		"submitted/cancel":   members.AppCancelled,
		"in_review/complete": members.AppCompleted,
		"in_review/reject":   members.AppRejected,
	}
	for _, from := range states {
		for _, act := range actions {
			key := fmt.Sprintf("%s/%s", from, act)
			got, err := members.NextApplicationState(from, act)
			if want, ok := allowed[key]; ok {
				require.NoError(t, err, key)
				assert.Equal(t, want, got, key)
			} else {
				requireValidation(t, err, "state", "M-11")
			}
		}
	}
	_, err := members.NextApplicationState(members.AppSubmitted, "approve")
	requireValidation(t, err, "action", "M-11")
}

func TestM11_ApplicationsThroughTheService(t *testing.T) {
	f := newFixture(t)
	// bob may submit once granted application.submit.
	_, err := f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct1.ID})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral,
		[]members.Permission{members.PermProjectView, members.PermAccountView, members.PermApplicationSubmit}, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.NoError(t, err)

	for _, c := range []struct {
		in    members.NewApplication
		is    error
		field string
	}{
		{members.NewApplication{Kind: "refund"}, members.ErrInvalid, "kind"},
		{members.NewApplication{Kind: members.AppAccountClosure, AccountID: "1"}, members.ErrInvalid, "account_id"}, // rule M-3
		{members.NewApplication{Kind: members.AppAccountClosure, AccountID: "123123123123"}, members.ErrNotFound, ""},
		{members.NewApplication{Kind: members.AppNewAccount}, members.ErrInvalid, "project_id"},
		{members.NewApplication{Kind: members.AppNewAccount, ProjectID: "nope"}, members.ErrNotFound, ""},
		{members.NewApplication{Kind: members.AppProjectCreation}, members.ErrInvalid, "details"},
	} {
		_, err := f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, c.in)
		require.ErrorIs(t, err, c.is, c.in)
		if c.field == "account_id" {
			requireValidation(t, err, c.field, "M-3")
		} else if c.field != "" {
			requireValidation(t, err, c.field, "M-11")
		}
	}

	// Cancel before review, by the applicant only.
	app, err := f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, members.NewApplication{Kind: members.AppProjectCreation, Details: "New project"})
	require.NoError(t, err)
	_, err = f.svc.CancelApplication(f.ctx, f.alice, f.org.ID, app.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "only the applicant cancels")
	app, err = f.svc.CancelApplication(f.ctx, f.bob, f.org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCancelled, app.State)
	_, err = f.svc.ReviewApplication(f.ctx, f.op, f.org.ID, app.ID)
	requireValidation(t, err, "state", "M-11")

	// Closure: review and complete by an operator only; not cancellable in review.
	app, err = f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct1.ID})
	require.NoError(t, err)
	_, err = f.svc.CompleteApplication(f.ctx, f.op, f.org.ID, app.ID)
	requireValidation(t, err, "state", "M-11")
	_, err = f.svc.ReviewApplication(f.ctx, f.alice, f.org.ID, app.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "customers do not review")
	app, err = f.svc.ReviewApplication(f.ctx, f.op, f.org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppInReview, app.State)
	_, err = f.svc.CancelApplication(f.ctx, f.bob, f.org.ID, app.ID)
	requireValidation(t, err, "state", "M-11")
	app, err = f.svc.CompleteApplication(f.ctx, f.op, f.org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, app.State)
	assert.Equal(t, "op", app.ReviewedBy)
	_, err = f.svc.RejectApplication(f.ctx, f.op, f.org.ID, app.ID, "too late")
	requireValidation(t, err, "state", "M-11")

	// M-11: the closure ends billing at the end of the month.
	o, err := f.svc.ProjectOwning(f.ctx, f.acct1.ID, t0)
	require.NoError(t, err)
	assert.Equal(t, f.p1.ID, o.ProjectID, "billed for the month of closure")
	_, err = f.svc.ProjectOwning(f.ctx, f.acct1.ID, t0.AddDate(0, 1, 0))
	require.ErrorIs(t, err, members.ErrNotFound, "not billed after")
	_, err = f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p2.ID, f.accountVersion(t, f.org.ID, f.acct1.ID))
	requireValidation(t, err, "account_id", "M-11")
	_, err = f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct1.ID})
	requireValidation(t, err, "account_id", "M-11")

	// Rejection with a reason.
	app, err = f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, members.NewApplication{Kind: members.AppOwnerChange, AccountID: f.acct2.ID})
	require.NoError(t, err)
	_, err = f.svc.ReviewApplication(f.ctx, f.op, f.org.ID, app.ID)
	require.NoError(t, err)
	app, err = f.svc.RejectApplication(f.ctx, f.op, f.org.ID, app.ID, "documents missing")
	require.NoError(t, err)
	assert.Equal(t, members.AppRejected, app.State)
	assert.Equal(t, "documents missing", app.Reason)

	apps, err := f.svc.ListApplications(f.ctx, f.bob, f.org.ID)
	require.NoError(t, err)
	assert.Len(t, apps, 3)
	got, err := f.svc.GetApplication(f.ctx, f.alice, f.org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, app, got)
}
