package awsorg

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// M-11 crash and resume, new account: two live create requests carry the name a
// resumed run looks for: it creates nothing and says so.
func TestM11_NewAccountAmbiguousResume(t *testing.T) {
	e := newEnv(t)
	e.aws.polls = 5
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, name, err := DefaultIdentity("reseller.example")(app)
	require.NoError(t, err)
	e.aws.after = func(_ context.Context, op string) {
		if op == "CreateAccount" {
			e.aws.after = nil
			e.store.crash()
		}
	}
	_, err = e.complete(app.ID)
	require.ErrorIs(t, err, errCrash)
	e.store.recover()
	e.aws.creates = append(e.aws.creates, &simCreate{status: types.CreateAccountStatus{Id: aws.String("car-hand"), AccountName: aws.String(name),
		State: types.CreateAccountStateInProgress, RequestedTimestamp: aws.Time(e.clock.Now())}, polls: 9})
	e.clock.Add(DefaultLease)
	_, err = e.complete(app.ID)
	require.ErrorIs(t, err, members.ErrConflict)
	assert.Contains(t, err.Error(), "car-hand")
	assert.Equal(t, 1, e.aws.count("CreateAccount"))
	assert.Equal(t, members.OpWaiting, e.get(app.ID).Operation.State)
}

// M-11 crash and resume, new account: the crashed run's request FAILED; the
// resumed run adopts it and reports its reason rather than asking again.
func TestM11_NewAccountCrashThenFailed(t *testing.T) {
	e := newEnv(t)
	e.aws.createFails = types.CreateAccountFailureReasonAccountLimitExceeded
	e.aws.after = func(_ context.Context, op string) {
		if op == "CreateAccount" {
			e.aws.after = nil
			e.store.crash()
		}
	}
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, errCrash)
	e.store.recover()
	e.clock.Add(DefaultLease)
	got, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	assert.Contains(t, got.Operation.Reason, "ACCOUNT_LIMIT_EXCEEDED")
	assert.Equal(t, 1, e.aws.count("CreateAccount"))
}

// M-11 new account: DuplicateAccountException from MoveAccount means it is there.
func TestM11_NewAccountAlreadyMoved(t *testing.T) {
	e := newEnv(t)
	e.aws.inject = func(op string) error {
		if op == "MoveAccount" {
			return &types.DuplicateAccountException{Message: aws.String("dup")}
		}
		return nil
	}
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Contains(t, got.Operation.Steps[len(got.Operation.Steps)-2].Outcome, "already in ou-basic")
}

// M-3/M-11 transfer-in: an account already registered in the organization is
// fine; one registered to another organization is refused.
func TestM11_TransferInRegistered(t *testing.T) {
	e := newEnv(t)
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: e.account})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)

	bob := members.Principal{IdentityID: "bob", Email: "bob@b.example", MFA: true}
	other, err := e.svc.CreateOrganization(e.ctx, bob, members.NewOrganization{Code: "beta", Name: "Beta"})
	require.NoError(t, err)
	p, err := e.svc.CreateProject(e.ctx, bob, other.ID, members.Project{Name: "B", PaymentMethod: members.PaymentCard,
		Currency: money.USD, InvoiceTo: []string{"b@b.example"}})
	require.NoError(t, err)
	_, err = e.svc.RegisterAccount(e.ctx, e.staff, other.ID, members.NewAccount{ID: "222233334444", ProjectID: p.ID})
	require.NoError(t, err)
	app = e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "222233334444"})
	got, err = e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	assert.Contains(t, got.Operation.Reason, "another organization", "refused before AWS is called (M-7)")
}

func TestReasons(t *testing.T) {
	for _, r := range types.CreateAccountFailureReason("").Values() {
		assert.Contains(t, createFailure(r, "x@y.example"), string(r))
	}
	for _, r := range types.HandshakeConstraintViolationExceptionReason("").Values() {
		assert.Contains(t, handshakeFailure(r), string(r))
	}
	assert.Contains(t, closeFailure(types.ConstraintViolationExceptionReasonMasterAccountMissingContactInfo), "MASTER_ACCOUNT_MISSING_CONTACT_INFO")
}

// The simulation logs every call with its request id.
func TestSimulatedLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	e := newEnv(t)
	c := NewSimulated(e.svc, Config{EmailDomain: "reseller.example"}, log)
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
	got, err := c.Complete(e.ctx, e.staff, e.orgID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State, "invitations are accepted at once")
	assert.Contains(t, buf.String(), "op=InviteAccountToOrganization")
	assert.Contains(t, buf.String(), "op=DescribeHandshake")
	assert.Contains(t, buf.String(), "request_id=sim-000002")
}

// M-11: a context cancelled while polling leaves the operation waiting, recorded
// even though the caller has gone; the next run resumes.
func TestM11_CancelledWhilePolling(t *testing.T) {
	e := newEnv(t)
	e.aws.polls = 3
	e.c.cfg.Sleep = func(context.Context, time.Duration) error { return context.Canceled }
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, context.Canceled)
	op := e.get(app.ID).Operation
	assert.Equal(t, members.OpWaiting, op.State)
	assert.Empty(t, op.Owner)
	e.c.cfg.Sleep = func(context.Context, time.Duration) error { return nil }
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, 1, e.aws.count("CreateAccount"))
}
