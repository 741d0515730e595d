package awsorg

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// M-11 closure: CloseAccount, then the application completes and the account's
// billing ends at the end of the month; an account AWS already closed counts as
// closed.
func TestM11_ClosureSucceeds(t *testing.T) {
	for _, already := range []bool{false, true} {
		e := newEnv(t)
		if already {
			e.aws.accounts[e.account] = &simAccount{id: e.account, parent: "r-sim0", closed: true}
		}
		app := e.submit(members.NewApplication{Kind: members.AppAccountClosure, AccountID: e.account})
		got, err := e.complete(app.ID)
		require.NoError(t, err)
		assert.Equal(t, members.AppCompleted, got.State)
		assert.Equal(t, members.OpSucceeded, got.Operation.State)
		requireRequestIDs(t, got.Operation)
		last := got.Operation.Steps[len(got.Operation.Steps)-1]
		assert.Equal(t, actCloseAccount, last.Action)
		if already {
			assert.Contains(t, last.Outcome, "already closed")
		}
		acct, err := e.svc.GetAccount(e.ctx, e.staff, e.orgID, e.account)
		require.NoError(t, err)
		assert.Equal(t, resellerkit.MonthOf(e.clock.Now()).Next(), acct.ClosedFrom, "billed to the month's end")
	}
}

// M-11 closure: AWS's refusals leave the application in review with the
// operation failed and a clear reason.
func TestM11_ClosureFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"quota", &types.ConstraintViolationException{Message: aws.String("quota"), Reason: types.ConstraintViolationExceptionReasonCloseAccountQuotaExceeded}, "30 days"},
		{"requests", &types.ConstraintViolationException{Message: aws.String("limit"), Reason: types.ConstraintViolationExceptionReasonCloseAccountRequestsLimitExceeded}, "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED"},
		{"not found", &types.AccountNotFoundException{Message: aws.String("no")}, "not a member of the organization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.aws.inject = func(op string) error {
				if op == "CloseAccount" {
					return tc.err
				}
				return nil
			}
			app := e.submit(members.NewApplication{Kind: members.AppAccountClosure, AccountID: e.account})
			got, err := e.complete(app.ID)
			require.ErrorIs(t, err, ErrRefused)
			require.ErrorIs(t, err, tc.err, "AWS's error in the chain")
			assert.Equal(t, members.AppInReview, got.State)
			assert.Equal(t, members.OpFailed, got.Operation.State)
			assert.Contains(t, got.Operation.Reason, tc.want)
			requireRequestIDs(t, got.Operation)
			acct, err := e.svc.GetAccount(e.ctx, e.staff, e.orgID, e.account)
			require.NoError(t, err)
			assert.True(t, acct.ClosedFrom.IsZero(), "still billed")
		})
	}
}

// M-11 crash and resume, closure: the account was closed but the record lost;
// the resumed run's CloseAccount gets AccountAlreadyClosedException and completes.
func TestM11_ClosureCrashResume(t *testing.T) {
	e := newEnv(t)
	e.aws.after = func(_ context.Context, op string) {
		if op == "CloseAccount" {
			e.aws.after = nil
			e.store.crash()
		}
	}
	app := e.submit(members.NewApplication{Kind: members.AppAccountClosure, AccountID: e.account})
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, errCrash)
	e.store.recover()
	_, err = e.complete(app.ID)
	require.ErrorIs(t, err, ErrInProgress)
	e.clock.Add(DefaultLease)
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Contains(t, got.Operation.Steps[len(got.Operation.Steps)-1].Outcome, "already closed")
	assert.Equal(t, 2, e.aws.count("CloseAccount"))
}

// M-11 transfer-in: invited; while the owner has not answered the operation
// waits (no error); once accepted the account is registered under the project
// and the application completes.
func TestM11_TransferInSucceeds(t *testing.T) {
	e := newEnv(t)
	e.aws.answer = types.HandshakeStateOpen
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666", Details: "name: from-other-payer"})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppInReview, got.State)
	assert.Equal(t, members.OpWaiting, got.Operation.State)
	assert.Contains(t, got.Operation.Reason, "waiting for the account's owner to accept")
	assert.Equal(t, "h-sim00000001", got.Operation.HandshakeID)
	assert.Empty(t, got.Operation.Owner)

	got, err = e.complete(app.ID)
	require.NoError(t, err, "still open")
	assert.Equal(t, members.OpWaiting, got.Operation.State)

	e.aws.setHandshake("h-sim00000001", types.HandshakeStateAccepted)
	got, err = e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, "444455556666", got.Operation.AWSAccountID)
	requireRequestIDs(t, got.Operation)
	assert.Equal(t, 1, e.aws.count("InviteAccountToOrganization"))
	acct, err := e.svc.GetAccount(e.ctx, e.alice, e.orgID, "444455556666")
	require.NoError(t, err)
	assert.Equal(t, "from-other-payer", acct.Name)
	assert.Equal(t, []members.Ownership{{ProjectID: e.project, From: resellerkit.MonthOf(e.clock.Now())}}, acct.Ownership)
}

// M-11 transfer-in: a declined, expired or cancelled invitation fails with the
// reason; running again sends a new invitation.
func TestM11_TransferInAnswered(t *testing.T) {
	for _, state := range []types.HandshakeState{types.HandshakeStateDeclined, types.HandshakeStateExpired, types.HandshakeStateCanceled} {
		t.Run(string(state), func(t *testing.T) {
			e := newEnv(t)
			e.aws.answer = state
			app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
			got, err := e.complete(app.ID)
			require.ErrorIs(t, err, ErrRefused)
			assert.Equal(t, members.AppInReview, got.State)
			assert.Equal(t, members.OpFailed, got.Operation.State)
			assert.Contains(t, got.Operation.Reason, string(state))

			e.aws.answer = types.HandshakeStateAccepted
			got, err = e.complete(app.ID)
			require.NoError(t, err)
			assert.Equal(t, members.AppCompleted, got.State)
			assert.Equal(t, 2, e.aws.count("InviteAccountToOrganization"))
		})
	}
}

// M-11 transfer-in: HandshakeConstraintViolationException fails with a clear reason.
func TestM11_TransferInConstraint(t *testing.T) {
	e := newEnv(t)
	e.aws.inject = func(op string) error {
		if op == "InviteAccountToOrganization" {
			return &types.HandshakeConstraintViolationException{Message: aws.String("member"), Reason: types.HandshakeConstraintViolationExceptionReasonAlreadyInAnOrganization}
		}
		return nil
	}
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
	got, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	var hcv *types.HandshakeConstraintViolationException
	require.ErrorAs(t, err, &hcv)
	assert.Equal(t, members.OpFailed, got.Operation.State)
	assert.Contains(t, got.Operation.Reason, "ALREADY_IN_AN_ORGANIZATION")
	assert.Contains(t, got.Operation.Reason, "leave that organization")
	requireRequestIDs(t, got.Operation)
}

// M-11/M-7 transfer-in: an invitation already open that the application did not
// send (by hand, or another organization's application) is never adopted: the
// application fails with the reason and nothing is registered.
func TestM11_TransferInDuplicate(t *testing.T) {
	e := newEnv(t)
	e.aws.answer = types.HandshakeStateOpen
	_, err := e.aws.InviteAccountToOrganization(e.ctx, inviteInput("444455556666"))
	require.NoError(t, err)
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
	got, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	assert.Equal(t, members.OpFailed, got.Operation.State)
	assert.Empty(t, got.Operation.HandshakeID, "someone else's invitation is not this application's")
	assert.Contains(t, got.Operation.Reason, "did not send")
	requireRequestIDs(t, got.Operation)
}

// M-11 crash and resume, transfer-in: the invitation was sent (and even
// accepted) but its record lost: the resumed run finds it and never invites twice.
func TestM11_TransferInCrashResume(t *testing.T) {
	for _, answer := range []types.HandshakeState{types.HandshakeStateOpen, types.HandshakeStateAccepted} {
		t.Run(string(answer), func(t *testing.T) {
			e := newEnv(t)
			e.aws.answer, e.aws.pageSize = answer, 1
			_, err := e.aws.InviteAccountToOrganization(e.ctx, inviteInput("777788889999")) // another account's
			require.NoError(t, err)
			e.aws.after = func(_ context.Context, op string) {
				if op == "InviteAccountToOrganization" {
					e.aws.after = nil
					e.store.crash()
				}
			}
			app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
			_, err = e.complete(app.ID)
			require.ErrorIs(t, err, errCrash)
			e.store.recover()
			e.clock.Add(DefaultLease + time.Minute)
			got, err := e.complete(app.ID)
			require.NoError(t, err)
			assert.Equal(t, "h-sim00000002", got.Operation.HandshakeID)
			assert.Equal(t, 2, e.aws.count("InviteAccountToOrganization"), "ours once")
			if answer == types.HandshakeStateAccepted {
				assert.Equal(t, members.AppCompleted, got.State)
			} else {
				assert.Equal(t, members.OpWaiting, got.Operation.State)
			}
		})
	}
}

// M-11 owner change: no AWS call; the effective month (the next UTC month) and a
// contacts review are recorded and the application completes, also after a crash
// between recording and completing.
func TestM11_OwnerChange(t *testing.T) {
	e := newEnv(t)
	e.store.setCrash(func(a members.Application) bool { return a.State == members.AppCompleted })
	app := e.submit(members.NewApplication{Kind: members.AppOwnerChange, AccountID: e.account})
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, errCrash)
	e.store.recover()
	mid := e.get(app.ID)
	assert.Equal(t, members.AppInReview, mid.State)
	assert.Equal(t, members.OpSucceeded, mid.Operation.State)

	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, resellerkit.NewMonth(2026, time.May), got.Operation.EffectiveMonth)
	assert.True(t, got.Operation.ContactsReview)
	assert.Empty(t, e.aws.calls)
}
