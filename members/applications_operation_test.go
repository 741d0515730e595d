package members_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// M-11: an operator records an application's AWS operation while it is in review;
// a customer cannot, and an application not in review is refused.
func TestM11_UpdateOperation(t *testing.T) {
	ctx := context.Background()
	svc := members.NewService(memstore.New())
	alice := members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "org-a", Name: "A"})
	require.NoError(t, err)
	p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "P", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"x@a.example"}})
	require.NoError(t, err)
	app, err := svc.SubmitApplication(ctx, alice, org.ID, members.NewApplication{Kind: members.AppNewAccount, ProjectID: p.ID})
	require.NoError(t, err)
	set := func(a members.Application) (*members.Operation, error) {
		return &members.Operation{State: members.OpRunning, Token: "t1", Steps: []members.OperationStep{{Action: "organizations:CreateAccount"}}}, nil
	}
	_, err = svc.UpdateOperation(ctx, staff, org.ID, app.ID, set)
	require.ErrorIs(t, err, members.ErrInvalid, "not in review yet")
	_, err = svc.ReviewApplication(ctx, staff, org.ID, app.ID)
	require.NoError(t, err)
	_, err = svc.UpdateOperation(ctx, alice, org.ID, app.ID, set)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	got, err := svc.UpdateOperation(ctx, staff, org.ID, app.ID, set)
	require.NoError(t, err)
	require.NotNil(t, got.Operation)
	assert.Equal(t, "t1", got.Operation.Token)
	again, err := svc.GetApplication(ctx, alice, org.ID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Operation, again.Operation, "stored")
}

// M-11: while an application's AWS operation runs or waits, it is neither
// completed nor rejected by hand (AWS's result would lose its application); a
// failed one is not completed, but may be rejected.
func TestM11_OperationGuardsCompletion(t *testing.T) {
	ctx := context.Background()
	svc := members.NewService(memstore.New())
	alice := members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "org-a", Name: "A"})
	require.NoError(t, err)
	p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "P", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"x@a.example"}})
	require.NoError(t, err)
	app, err := svc.SubmitApplication(ctx, alice, org.ID, members.NewApplication{Kind: members.AppNewAccount, ProjectID: p.ID})
	require.NoError(t, err)
	_, err = svc.ReviewApplication(ctx, staff, org.ID, app.ID)
	require.NoError(t, err)
	for _, tc := range []struct {
		state          members.OperationState
		complete, deny error
	}{
		{members.OpRunning, members.ErrConflict, members.ErrConflict},
		{members.OpWaiting, members.ErrConflict, members.ErrConflict},
		{members.OpFailed, members.ErrInvalid, nil},
	} {
		_, err = svc.UpdateOperation(ctx, staff, org.ID, app.ID, func(members.Application) (*members.Operation, error) {
			return &members.Operation{State: tc.state, Reason: "EMAIL_ALREADY_EXISTS"}, nil
		})
		require.NoError(t, err)
		_, err = svc.CompleteApplication(ctx, staff, org.ID, app.ID)
		require.ErrorIs(t, err, tc.complete, tc.state)
		if tc.deny != nil {
			_, err = svc.RejectApplication(ctx, staff, org.ID, app.ID, "no")
			require.ErrorIs(t, err, tc.deny, tc.state)
		}
	}
	_, err = svc.RejectApplication(ctx, staff, org.ID, app.ID, "the address is taken")
	require.NoError(t, err, "a failed operation's application can be rejected")
}
