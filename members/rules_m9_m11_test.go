package members_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
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
	ms, _, err := f.svc.ListMyMemberships(f.ctx, f.bob, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, other.ID, ms[0].OrgID)
	_, _, err = f.svc.ListProjects(f.ctx, f.bob, other.ID, resellerkit.Page{})
	require.NoError(t, err)
	_, _, err = f.svc.ListProjects(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
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
		ms, _, err := f.store.ListMemberships(f.ctx, f.org.ID, resellerkit.Page{})
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

	other := f.otherOrg(t)
	foreign, err := f.svc.CreateProject(f.ctx, f.alice, other.ID, project("Foreign"))
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
		// Fields the kind does not use are rejected, never stored unread (M-11).
		{members.NewApplication{Kind: members.AppProjectCreation, Details: "New", ProjectID: f.p1.ID}, members.ErrInvalid, "project_id"},
		{members.NewApplication{Kind: members.AppProjectCreation, Details: "New", AccountID: f.acct1.ID}, members.ErrInvalid, "account_id"},
		{members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct1.ID, ProjectID: f.p1.ID}, members.ErrInvalid, "project_id"},
		{members.NewApplication{Kind: members.AppNewAccount, ProjectID: f.p1.ID, AccountID: "123123123123"}, members.ErrInvalid, "account_id"},
		{members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "123123123123"}, members.ErrInvalid, "project_id"},
		// A project of another organization is refused like a missing one (M-7).
		{members.NewApplication{Kind: members.AppNewAccount, ProjectID: foreign.ID}, members.ErrNotFound, ""},
		{members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "123123123123", ProjectID: foreign.ID}, members.ErrNotFound, ""},
	} {
		_, err := f.svc.SubmitApplication(f.ctx, f.bob, f.org.ID, c.in)
		require.ErrorIs(t, err, c.is, c.in)
		if c.field == "account_id" && len(c.in.AccountID) != 12 {
			requireValidation(t, err, c.field, "M-3") // not an account id at all
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
	o, err := f.svc.ProjectOwning(f.ctx, f.acct1.ID, resellerkit.MonthOf(t0))
	require.NoError(t, err)
	assert.Equal(t, f.p1.ID, o.ProjectID, "billed for the month of closure")
	_, err = f.svc.ProjectOwning(f.ctx, f.acct1.ID, resellerkit.MonthOf(t0).Next())
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

	apps, _, err := f.svc.ListApplications(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, apps, 3)
	got, err := f.svc.GetApplication(f.ctx, f.alice, f.org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, app, got)
}
