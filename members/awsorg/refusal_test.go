package awsorg

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// refusalCase is an AWS error no code of the carrier anticipates, answered by
// one call of one kind of application.
type refusalCase struct {
	name string
	kind members.ApplicationKind
	op   string // the call that answers err
	err  error
	code string // AWS's error code, which the reason names
	// polls and answer script the simulation (new accounts still being
	// created, invitations still open), so that the refused call comes after
	// something AWS holds for the application.
	polls  int
	answer types.HandshakeState
}

func refusalCases() []refusalCase {
	return []refusalCase{
		{name: "closure, an IAM deny for good", kind: members.AppAccountClosure, op: "CloseAccount",
			err: &types.AccessDeniedException{Message: aws.String("explicit deny in an identity-based policy")}, code: "AccessDeniedException"},
		{name: "closure, invalid input", kind: members.AppAccountClosure, op: "CloseAccount",
			err: &types.InvalidInputException{Message: aws.String("bad account"), Reason: types.InvalidInputExceptionReasonInvalidPartyTypeTarget}, code: "InvalidInputException"},
		{name: "closure, an error code AWS added later", kind: members.AppAccountClosure, op: "CloseAccount",
			err: &smithy.GenericAPIError{Code: "AccountClosureBlockedException", Message: "blocked", Fault: smithy.FaultClient}, code: "AccountClosureBlockedException"},
		{name: "new account, creation refused for a new reason", kind: members.AppNewAccount, op: "CreateAccount",
			err: &smithy.GenericAPIError{Code: "AccountOwnerNotVerifiedException", Message: "verify the payer", Fault: smithy.FaultClient}, code: "AccountOwnerNotVerifiedException"},
		{name: "new account, the OU is gone", kind: members.AppNewAccount, op: "MoveAccount",
			err: &types.DestinationParentNotFoundException{Message: aws.String("no such OU")}, code: "DestinationParentNotFoundException"},
		{name: "new account, a move constraint", kind: members.AppNewAccount, op: "MoveAccount",
			err: &types.ConstraintViolationException{Message: aws.String("new"), Reason: "SOME_NEW_REASON"}, code: "ConstraintViolationException"},
		{name: "new account, polling denied", kind: members.AppNewAccount, op: "DescribeCreateAccountStatus", polls: 3,
			err: &types.AccessDeniedException{Message: aws.String("explicit deny")}, code: "AccessDeniedException"},
		{name: "transfer-in, an invitation constraint", kind: members.AppAccountTransferIn, op: "InviteAccountToOrganization",
			err: &types.ConstraintViolationException{Message: aws.String("new"), Reason: "SOME_NEW_REASON"}, code: "ConstraintViolationException"},
		{name: "transfer-in, reading the invitation refused", kind: members.AppAccountTransferIn, op: "DescribeHandshake", answer: types.HandshakeStateOpen,
			err: &types.InvalidInputException{Message: aws.String("bad id"), Reason: types.InvalidInputExceptionReasonInvalidPattern}, code: "InvalidInputException"},
	}
}

// submitFor files an application of tc's kind.
func (e *env) submitFor(kind members.ApplicationKind) members.Application {
	switch kind {
	case members.AppAccountClosure:
		return e.submit(members.NewApplication{Kind: kind, AccountID: e.account})
	case members.AppAccountTransferIn:
		return e.submit(members.NewApplication{Kind: kind, AccountID: "444455556666"})
	}
	return e.submit(members.NewApplication{Kind: kind})
}

// M-11: an AWS error no code of the carrier anticipates, permanent by its nature
// (a 4xx client error other than throttling), fails the operation with AWS's
// code and message as its reason, instead of leaving it waiting: an operation
// waiting can be neither completed nor rejected (members), so every Complete
// answered it again and the application was locked for good. Now the operator
// can reject the application; or fix the cause and Complete again, which resumes
// where the refused call stopped (nothing AWS holds for the application is asked
// for twice: one account, one invitation).
func TestM11_UnanticipatedRefusalDoesNotLockTheApplication(t *testing.T) {
	for _, tc := range refusalCases() {
		t.Run(tc.name, func(t *testing.T) {
			for _, then := range []string{"reject", "resume"} {
				t.Run(then, func(t *testing.T) {
					e := newEnv(t)
					e.aws.polls = tc.polls
					if tc.answer != "" {
						e.aws.answer = tc.answer
					}
					e.aws.inject = func(op string) error {
						if op == tc.op {
							return tc.err
						}
						return nil
					}
					app := e.submitFor(tc.kind)
					// Several Completes, as an operator retrying would make: each is
					// refused, never left waiting.
					for range 2 {
						got, err := e.complete(app.ID)
						assert.ErrorIs(t, err, ErrRefused)
						assert.ErrorIs(t, err, tc.err, "AWS's error stays in the chain")
						assert.Equal(t, e.get(app.ID), got, "the application returned as stored")
						got = e.get(app.ID)
						assert.Equal(t, members.AppInReview, got.State)
						require.NotNil(t, got.Operation)
						assert.Equal(t, members.OpFailed, got.Operation.State, "not waiting: the application can be rejected")
						assert.Empty(t, got.Operation.Owner, "lease released")
						assert.Contains(t, got.Operation.Reason, tc.code)
						assert.Contains(t, got.Operation.Reason, "organizations:"+tc.op)
						requireRequestIDs(t, got.Operation)
						// What AWS already holds for the application is named, for
						// whoever rejects it.
						for _, held := range []string{got.Operation.CreateRequestID, got.Operation.AWSAccountID, got.Operation.HandshakeID} {
							assert.Contains(t, got.Operation.Reason, held)
						}
					}

					switch then {
					case "reject":
						rejected, err := e.svc.RejectApplication(e.ctx, e.staff, e.orgID, app.ID, "AWS will not do it")
						require.NoError(t, err, "the operator can close the application")
						assert.Equal(t, members.AppRejected, rejected.State)
					case "resume":
						e.aws.inject = nil
						if tc.answer != "" {
							e.aws.setHandshake("h-sim00000001", types.HandshakeStateAccepted)
						}
						got, err := e.complete(app.ID)
						require.NoError(t, err)
						assert.Equal(t, members.AppCompleted, got.State)
						assert.Equal(t, members.OpSucceeded, got.Operation.State)
						switch tc.kind {
						case members.AppNewAccount:
							assert.Equal(t, 1, e.aws.created(), "one account")
						case members.AppAccountTransferIn:
							assert.Equal(t, 1, e.aws.invitations(), "one invitation")
						}
					}
				})
			}
		})
	}
}

// invitations counts the invitations AWS holds.
func (s *simOrg) invitations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.handshakes)
}

// httpErr wraps err as the SDK does an answer with the given HTTP status.
func httpErr(status int, err error) error {
	return &smithy.OperationError{ServiceID: "Organizations", OperationName: "X", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "sim-1",
	}}
}

// M-11: what AWS may still answer differently later stays an interruption (the
// operation waits, the next Complete resumes): a server error, a concurrent
// modification, a network error, a cancelled context, and an access denied
// that passes within the carrier's attempts (IAM changes take a moment to
// apply).
func TestM11_TransientErrorsStayWaiting(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"server error", &types.ServiceException{Message: aws.String("internal")}},
		{"concurrent modification", &types.ConcurrentModificationException{Message: aws.String("busy")}},
		{"organization finalizing", &types.FinalizingOrganizationException{Message: aws.String("an hour")}},
		{"unmodelled 5xx", &smithy.GenericAPIError{Code: "BadGateway", Message: "bad gateway", Fault: smithy.FaultServer}},
		{"network", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
		{"cancelled", context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.aws.inject = func(op string) error {
				if op == "CloseAccount" {
					return tc.err
				}
				return nil
			}
			app := e.submitFor(members.AppAccountClosure)
			_, err := e.complete(app.ID)
			require.ErrorIs(t, err, tc.err)
			require.NotErrorIs(t, err, ErrRefused)
			op := e.get(app.ID).Operation
			assert.Equal(t, members.OpWaiting, op.State)
			assert.Contains(t, op.Reason, "interrupted")

			e.aws.inject = nil
			got, err := e.complete(app.ID)
			require.NoError(t, err)
			assert.Equal(t, members.AppCompleted, got.State)
		})
	}

	t.Run("access denied, then allowed", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Attempts = 3 })
		denials := 2
		e.aws.inject = func(op string) error {
			if op == "CloseAccount" && denials > 0 {
				denials--
				return &types.AccessDeniedException{Message: aws.String("not yet")}
			}
			return nil
		}
		app := e.submitFor(members.AppAccountClosure)
		got, err := e.complete(app.ID)
		require.NoError(t, err)
		assert.Equal(t, members.AppCompleted, got.State)
		assert.Equal(t, 3, e.aws.count("CloseAccount"))
	})
}

// M-11: which errors are AWS refusing a call for good (the operation fails) and
// which may pass (the operation waits), as the SDK returns them or bare.
func TestPermanentTellsRefusalsFromInterruptions(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("awsorg: DescribeHandshake returned no handshake"), false},
		{context.DeadlineExceeded, false},
		{&types.TooManyRequestsException{}, false},
		{&smithy.GenericAPIError{Code: "ThrottlingException", Fault: smithy.FaultClient}, false},
		{&smithy.GenericAPIError{Code: "RequestTimeoutException", Fault: smithy.FaultClient}, false},
		{&smithy.GenericAPIError{Code: "ExpiredTokenException", Fault: smithy.FaultClient}, false},
		{&types.ServiceException{}, false},
		{&types.AccessDeniedException{}, true},
		{&types.AWSOrganizationsNotInUseException{}, true},
		{&types.ConstraintViolationException{Reason: "SOME_NEW_REASON"}, true},
		{&types.InvalidInputException{}, true},
		{&smithy.GenericAPIError{Code: "NewException", Fault: smithy.FaultClient}, true},
	} {
		assert.Equal(t, tc.want, permanent(tc.err), "%T %v", tc.err, tc.err)
		if tc.err != nil {
			wrapped := newSimOrg(nil, nil).awsErr("X", "sim-1", tc.err)
			assert.Equal(t, tc.want, permanent(wrapped), "as the SDK returns it: %v", wrapped)
		}
	}
	// An error whose fault is not modelled is read by its HTTP status; with none,
	// it is not known to be permanent.
	assert.False(t, permanent(&smithy.GenericAPIError{Code: "Odd"}))
	for status, want := range map[int]bool{400: true, 403: true, 404: true, 429: false, 500: false, 503: false} {
		err := httpErr(status, &smithy.GenericAPIError{Code: "Odd"})
		assert.Equal(t, want, permanent(err), "status %d", status)
	}
}
