package awsorg

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// M-11 new account: created, polled with backoff while IN_PROGRESS, moved to its
// profile's OU, registered under the application's project, application completed.
func TestM11_NewAccountSucceeds(t *testing.T) {
	e := newEnv(t)
	e.aws.polls = 3
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount, Details: "name: web-prod; profile: secure; for the web team"})

	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	op := got.Operation
	require.NotNil(t, op)
	assert.Equal(t, members.OpSucceeded, op.State)
	assert.Empty(t, op.Owner, "lease released")
	assert.Equal(t, "900000000001", op.AWSAccountID)
	assert.Equal(t, "car-sim00000001", op.CreateRequestID)
	requireRequestIDs(t, op)
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second}, e.sleeps, "backoff between IN_PROGRESS polls")

	acct, err := e.svc.GetAccount(e.ctx, e.alice, e.orgID, op.AWSAccountID)
	require.NoError(t, err, "the customer sees the new account")
	owner, ok := acct.ProjectAt(resellerkit.MonthOf(e.clock.Now()))
	assert.True(t, ok)
	assert.Equal(t, e.project, owner)
	assert.Equal(t, "web-prod ("+app.ID+")", acct.Name)

	sa := e.aws.accounts[op.AWSAccountID]
	assert.Equal(t, "ou-secure", sa.parent, "moved to the profile's OU")
	assert.Equal(t, "aws+"+app.ID+"@reseller.example", sa.email)
	assert.Equal(t, 1, e.aws.count("CreateAccount"))

	again, err := e.complete(app.ID)
	require.NoError(t, err, "a completed application is returned as it is")
	assert.Equal(t, got.Version, again.Version)
	assert.Equal(t, 1, e.aws.count("CreateAccount"))
}

// M-11 new account: no OUs configured, the account stays in the root; the
// default profile applies; the role name is sent.
func TestM11_NewAccountWithoutOUs(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.OUs = nil; c.RoleName = "ResellerAdmin" })
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, "r-sim0", e.aws.accounts[got.Operation.AWSAccountID].parent)
	assert.Zero(t, e.aws.count("MoveAccount"))
	assert.Contains(t, got.Operation.Steps[1].Outcome, "role ResellerAdmin")
}

// M-11 new account: a create status FAILED after several polls leaves the
// application in review with the operation failed and a clear reason; running
// again after the cause is fixed starts a new attempt.
func TestM11_NewAccountFails(t *testing.T) {
	for _, tc := range []struct {
		reason types.CreateAccountFailureReason
		want   string
	}{
		{types.CreateAccountFailureReasonAccountLimitExceeded, "quota of accounts"},
		{types.CreateAccountFailureReasonEmailAlreadyExists, "already exists"},
		{types.CreateAccountFailureReasonInternalFailure, "run again later"},
		{types.CreateAccountFailureReasonMissingPaymentInstrument, "payment method"},
	} {
		t.Run(string(tc.reason), func(t *testing.T) {
			e := newEnv(t)
			e.aws.polls, e.aws.createFails = 4, tc.reason
			app := e.submit(members.NewApplication{Kind: members.AppNewAccount, Details: "profile: basic"})
			got, err := e.complete(app.ID)
			require.ErrorIs(t, err, ErrRefused)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, members.AppInReview, got.State)
			assert.Equal(t, members.OpFailed, got.Operation.State)
			assert.Contains(t, got.Operation.Reason, string(tc.reason))
			assert.Contains(t, got.Operation.Reason, tc.want)
			assert.Empty(t, got.Operation.Owner)
			assert.Len(t, e.sleeps, 3, "polled until FAILED")
			assert.Equal(t, got.Operation, e.get(app.ID).Operation, "stored")
			requireRequestIDs(t, got.Operation)
			assert.Zero(t, e.aws.created())

			e.aws.createFails = ""
			got, err = e.complete(app.ID)
			require.NoError(t, err, "a new attempt")
			assert.Equal(t, members.AppCompleted, got.State)
			assert.Contains(t, actions(got.Operation), actRetry)
			assert.Equal(t, 1, e.aws.created())
		})
	}
}

// M-11 new account: the root address is already an AWS account's.
func TestM11_NewAccountEmailAlreadyExists(t *testing.T) {
	e := newEnv(t)
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	email, _, err := DefaultIdentity("reseller.example")(app)
	require.NoError(t, err)
	e.aws.accounts["555555555555"] = &simAccount{id: "555555555555", email: email, parent: "r-sim0"}
	got, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	assert.Contains(t, got.Operation.Reason, "EMAIL_ALREADY_EXISTS")
	assert.Contains(t, got.Operation.Reason, email)
}

// M-11 new account: CreateAccount refused outright (ConstraintViolationException
// with its reason).
func TestM11_NewAccountConstraintViolation(t *testing.T) {
	e := newEnv(t)
	e.aws.inject = func(op string) error {
		if op == "CreateAccount" {
			return &types.ConstraintViolationException{Message: aws.String("limit"), Reason: types.ConstraintViolationExceptionReasonAccountNumberLimitExceeded}
		}
		return nil
	}
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	got, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	var cv *types.ConstraintViolationException
	require.ErrorAs(t, err, &cv, "AWS's error stays in the chain")
	assert.Contains(t, got.Operation.Reason, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
	requireRequestIDs(t, got.Operation)
}

// M-11 new account: still IN_PROGRESS after MaxWait, the operation waits and the
// call returns with no error; the next call resumes the recorded request.
func TestM11_NewAccountWaits(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxWait = 10 * time.Second })
	e.aws.polls = 100
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppInReview, got.State)
	assert.Equal(t, members.OpWaiting, got.Operation.State)
	assert.Contains(t, got.Operation.Reason, "still creating")
	assert.Empty(t, got.Operation.Owner, "lease released")
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}, e.sleeps)

	e.aws.creates[0].polls = 1
	got, err = e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, 1, e.aws.count("CreateAccount"), "resumed, not requested again")
}

// M-11 new account: a profile with no OU is refused before any AWS call.
func TestM11_NewAccountUnknownProfile(t *testing.T) {
	e := newEnv(t)
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount, Details: "profile: gold"})
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, members.ErrInvalid)
	assert.Contains(t, err.Error(), "basic, secure")
	assert.Empty(t, e.aws.calls)
	assert.Nil(t, e.get(app.ID).Operation)
}

// M-11: TooManyRequestsException is retried with backoff, then reported as
// ErrThrottled with AWS's error in the chain; the operation waits and resumes.
func TestM11_Throttling(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Attempts = 3 })
	throttles := 2
	e.aws.inject = func(op string) error {
		if op == "DescribeCreateAccountStatus" && throttles > 0 {
			throttles--
			return &types.TooManyRequestsException{Message: aws.String("slow down")}
		}
		return nil
	}
	e.aws.polls = 1
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	got, err := e.complete(app.ID)
	require.NoError(t, err, "two throttles, third attempt passes")
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second}, e.sleeps)

	e2 := newEnv(t, func(c *Config) { c.Attempts = 3 })
	e2.aws.inject = func(op string) error {
		if op == "DescribeCreateAccountStatus" {
			return &types.TooManyRequestsException{Message: aws.String("slow down")}
		}
		return nil
	}
	e2.aws.polls = 1
	app2 := e2.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err = e2.complete(app2.ID)
	require.ErrorIs(t, err, ErrThrottled)
	var tm *types.TooManyRequestsException
	require.ErrorAs(t, err, &tm)
	stored := e2.get(app2.ID).Operation
	assert.Equal(t, members.OpWaiting, stored.State)
	assert.Empty(t, stored.Owner)
	last := stored.Steps[len(stored.Steps)-1]
	assert.Equal(t, actDescribeCreate, last.Action)
	assert.NotEmpty(t, last.RequestID, "the throttled call's request id")
	e2.aws.inject = nil
	got, err = e2.complete(app2.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, 1, e2.aws.count("CreateAccount"))
}

// M-11: access denied and Organizations not in use are clear errors keeping
// AWS's. Both are AWS refusing the call (an access denied once the carrier's
// attempts are spent): the operation fails with the reason, so the application
// can be rejected, instead of waiting for ever (see
// TestM11_UnanticipatedRefusalDoesNotLockTheApplication).
func TestM11_AccessErrors(t *testing.T) {
	for _, tc := range []struct {
		err   error
		want  error
		calls int
	}{
		{&types.AccessDeniedException{Message: aws.String("no")}, ErrAccessDenied, DefaultAttempts},
		{&types.AWSOrganizationsNotInUseException{Message: aws.String("no org")}, ErrNotInUse, 1},
	} {
		e := newEnv(t)
		e.aws.inject = func(string) error { return tc.err }
		app := e.submit(members.NewApplication{Kind: members.AppAccountClosure, AccountID: e.account})
		_, err := e.complete(app.ID)
		require.ErrorIs(t, err, tc.want)
		require.ErrorIs(t, err, tc.err)
		require.ErrorIs(t, err, ErrRefused)
		var op *members.Operation = e.get(app.ID).Operation
		assert.Equal(t, members.OpFailed, op.State)
		assert.Contains(t, op.Reason, tc.err.(interface{ ErrorCode() string }).ErrorCode())
		assert.Equal(t, tc.calls, e.aws.count("CloseAccount"))
	}
}

// M-11 crash and resume, new account: whatever step the process dies after (the
// AWS call made, its record lost), a resumed run creates exactly one account. A
// second run while the dead run's lease is live is refused as in progress; once
// it expires the run is taken over.
func TestM11_NewAccountCrashResume(t *testing.T) {
	for _, crashAfter := range []string{"CreateAccount", "DescribeCreateAccountStatus", "ListParents", "MoveAccount", "register", "succeeded"} {
		t.Run(crashAfter, func(t *testing.T) {
			e := newEnv(t)
			e.aws.polls, e.aws.pageSize = 2, 1
			// Another request, by name not ours, makes the lookup page and filter.
			e.aws.creates = append(e.aws.creates, &simCreate{status: types.CreateAccountStatus{
				Id: aws.String("car-other"), AccountName: aws.String("other"), State: types.CreateAccountStateInProgress,
				RequestedTimestamp: aws.Time(e.clock.Now())}, polls: 99})
			crashed := false
			e.aws.after = func(_ context.Context, op string) {
				if op == crashAfter && !crashed {
					crashed = true
					e.store.crash()
				}
			}
			switch crashAfter {
			case "register": // the account is registered, its step is not
				e.store.setCrash(func(a members.Application) bool {
					if a.Operation == nil {
						return false
					}
					n := len(a.Operation.Steps)
					return n > 0 && a.Operation.Steps[n-1].Action == actRegister
				})
			case "succeeded": // the operation succeeded, the completion is lost
				e.store.setCrash(func(a members.Application) bool { return a.State == members.AppCompleted })
			}
			app := e.submit(members.NewApplication{Kind: members.AppNewAccount, Details: "name: data"})
			_, err := e.complete(app.ID)
			require.ErrorIs(t, err, errCrash)
			e.store.recover()

			if crashAfter != "succeeded" {
				_, err = e.complete(app.ID)
				require.ErrorIs(t, err, ErrInProgress, "the dead run's lease is live")
				require.ErrorIs(t, err, members.ErrConflict)
				e.clock.Add(DefaultLease + time.Second)
			}
			got, err := e.complete(app.ID)
			require.NoError(t, err)
			assert.Equal(t, members.AppCompleted, got.State)
			assert.Equal(t, members.OpSucceeded, got.Operation.State)
			assert.Equal(t, 1, e.aws.created(), "exactly one account")
			accts, _, err := e.svc.ListAccounts(e.ctx, e.alice, e.orgID, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, accts, 2, "the seeded one and the new one")
			assert.Equal(t, "ou-basic", e.aws.accounts[got.Operation.AWSAccountID].parent)
			requireRequestIDs(t, got.Operation)
			if crashAfter == "CreateAccount" {
				assert.Equal(t, 1, e.aws.count("CreateAccount"))
				assert.Contains(t, actions(got.Operation), actListCreate)
				assert.Contains(t, actions(got.Operation), actTakeover)
			}
		})
	}
}

// M-11 crash and resume, new account: the process died after recording that it
// was calling CreateAccount, before the call reached AWS: the resumed run finds
// no request and makes the call once.
func TestM11_NewAccountCrashBeforeCall(t *testing.T) {
	e := newEnv(t)
	first := true
	e.aws.inject = func(op string) error {
		if op == "CreateAccount" && first {
			first = false
			e.store.crash()
			return errors.New("connection reset") // never reached AWS
		}
		return nil
	}
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err := e.complete(app.ID)
	require.Error(t, err)
	e.store.recover()
	e.clock.Add(DefaultLease + time.Second)
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Equal(t, 1, e.aws.created())
	assert.Equal(t, 2, e.aws.count("CreateAccount"), "the first never reached AWS")
	assert.Equal(t, 1, e.aws.count("ListCreateAccountStatus"))
}

// M-11 concurrency: while one run holds an application, another is refused as in
// progress; of many racing runs exactly one account results.
func TestM11_NewAccountConcurrent(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	e.aws.after = func(_ context.Context, op string) {
		if op == "CreateAccount" {
			close(started)
			<-release
		}
	}
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	done := make(chan error, 1)
	go func() {
		_, err := e.complete(app.ID)
		done <- err
	}()
	<-started
	_, err := e.complete(app.ID)
	require.ErrorIs(t, err, ErrInProgress)
	assert.Contains(t, err.Error(), "in progress")
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, members.AppCompleted, e.get(app.ID).State)

	e2 := newEnv(t)
	e2.aws.polls = 2
	app2 := e2.submit(members.NewApplication{Kind: members.AppNewAccount})
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = e2.complete(app2.ID) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, members.ErrConflict)
	}
	assert.GreaterOrEqual(t, ok, 1)
	assert.Equal(t, 1, e2.aws.created(), "exactly one account")
	assert.Equal(t, 1, e2.aws.count("CreateAccount"))
}

// M-11: Complete is for reseller operators; an application not in review is
// refused; a project creation completes with no AWS call.
func TestM11_CompleteRules(t *testing.T) {
	e := newEnv(t)
	app := e.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err := e.c.Complete(e.ctx, e.alice, e.orgID, app.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)

	sub, err := e.svc.SubmitApplication(e.ctx, e.alice, e.orgID, members.NewApplication{Kind: members.AppOwnerChange, AccountID: e.account})
	require.NoError(t, err)
	_, err = e.complete(sub.ID)
	require.ErrorIs(t, err, members.ErrInvalid, "submitted, not in review")

	pc := e.submit(members.NewApplication{Kind: members.AppProjectCreation, Details: "Data platform"})
	got, err := e.complete(pc.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	assert.Nil(t, got.Operation)

	noDomain := newEnv(t, func(c *Config) { c.EmailDomain = "" })
	app = noDomain.submit(members.NewApplication{Kind: members.AppNewAccount})
	_, err = noDomain.complete(app.ID)
	require.ErrorIs(t, err, members.ErrInvalid)
	assert.Contains(t, err.Error(), "EmailDomain")
	assert.Empty(t, noDomain.aws.calls)
}

func TestDefaultIdentityAndParseDetails(t *testing.T) {
	name, profile := ParseDetails("Please open one; Name:  Web prod ;PROFILE: Secure; note: x")
	assert.Equal(t, "Web prod", name)
	assert.Equal(t, "secure", profile)
	name, profile = ParseDetails("")
	assert.Empty(t, name)
	assert.Empty(t, profile)

	id := DefaultIdentity("reseller.example")
	email, n, err := id(members.Application{ID: "abc123", Details: "name: ウェブ web"})
	require.NoError(t, err)
	assert.Equal(t, "aws+abc123@reseller.example", email)
	assert.Equal(t, "web (abc123)", n, "printable ASCII only")
	_, n, err = id(members.Application{ID: "abc123", Details: "name: " + string(make([]byte, 0)) + "a-very-long-account-name-that-goes-on-and-on-and-on"})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(n), 50)
	assert.Contains(t, n, "(abc123)")
	_, n, err = id(members.Application{ID: "abc123"})
	require.NoError(t, err)
	assert.Equal(t, "account (abc123)", n)
	_, _, err = id(members.Application{ID: "bad id"})
	require.ErrorIs(t, err, members.ErrInvalid)
	_, _, err = DefaultIdentity("nodot")(members.Application{ID: "abc"})
	require.ErrorIs(t, err, members.ErrInvalid)
}

// New builds a carrier over the real SDK client (its interface is orgAPI).
func TestNew(t *testing.T) {
	c := New(organizations.New(organizations.Options{Region: "us-east-1"}), nil, Config{})
	require.NotNil(t, c)
	assert.Equal(t, DefaultRoleName, c.cfg.RoleName)
	assert.Equal(t, DefaultProfile, c.cfg.DefaultProfile)
	assert.Equal(t, DefaultLease, c.cfg.Lease)
}
