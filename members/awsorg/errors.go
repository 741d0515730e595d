package awsorg

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// Sentinel errors callers branch on with errors.Is. AWS's own error stays in the
// chain, so errors.As(err, new(*types.AccessDeniedException)) also holds.
var (
	// ErrInProgress reports that another run holds the application's operation
	// (its lease has not expired): run again later. It wraps members.ErrConflict.
	ErrInProgress = fmt.Errorf("%w: awsorg: the application's operation is in progress", members.ErrConflict)
	// ErrRefused reports that AWS refused the operation for a reason retrying at
	// once will not fix (an email already used, the closure quota, a declined
	// invitation, or any call answered with a client error that is not
	// throttling: an access denied after Config.Attempts, invalid input, a
	// constraint violation…): the operation is recorded failed with the reason,
	// and the application stays in review, so the operator may reject it.
	// Complete returns the application with it.
	ErrRefused = errors.New("awsorg: AWS refused the operation")
	// ErrThrottled reports a call still throttled by AWS Organizations
	// (TooManyRequestsException) after the carrier's last attempt. The operation
	// waits; run again later.
	ErrThrottled = errors.New("awsorg: throttled by AWS Organizations")
	// ErrAccessDenied reports an AccessDeniedException: the credentials are not the
	// management (payer) account's, or lack a permission listed in the package
	// documentation, or a policy denies the call. A call is denied Config.Attempts
	// times (IAM changes take a moment to apply) before the operation fails with
	// it (ErrRefused also in the chain).
	ErrAccessDenied = errors.New("awsorg: access denied by AWS Organizations (call from the management account with the permissions in the package documentation)")
	// ErrNotInUse reports an AWSOrganizationsNotInUseException: the account the
	// credentials belong to is not the management account of an organization. The
	// operation fails with it (ErrRefused also in the chain).
	ErrNotInUse = errors.New("awsorg: the calling account is not in an organization (use the payer's management account)")
)

// isThrottle reports whether err is AWS telling us to slow down: the modelled
// TooManyRequestsException or any API error whose code the SDK's retryer treats
// as throttling.
func isThrottle(err error) bool {
	var tooMany *types.TooManyRequestsException
	if errors.As(err, &tooMany) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		_, ok := retry.DefaultThrottleErrorCodes[api.ErrorCode()]
		return ok
	}
	return false
}

// isDenied reports whether err is an AccessDeniedException.
func isDenied(err error) bool {
	var denied *types.AccessDeniedException
	return errors.As(err, &denied)
}

// transientCodes are client errors (4xx) AWS may answer differently later, which
// leave the operation waiting like throttling: another request modifying the same
// thing, an organization still being set up, credentials or a signature expired
// (the SDK refreshes them).
var transientCodes = map[string]bool{
	"ConcurrentModificationException": true,
	"FinalizingOrganizationException": true,
	"ExpiredToken":                    true,
	"ExpiredTokenException":           true,
	"RequestExpired":                  true,
	"RequestTimeTooSkewed":            true,
	"IDPCommunicationError":           true,
}

// permanent reports whether err is AWS's answer that the call will not be
// carried out as asked, whatever the carrier does next on its own: an API error
// that is a client fault (HTTP 4xx) other than throttling, a retryable code and
// transientCodes. Transport errors (AWS's answer never read), server faults
// (5xx), throttling, a cancelled context and errors not from AWS are not: the
// operation waits and the next Complete resumes. An API error whose fault is not
// modelled is read by its HTTP status; with none, it is not permanent.
func permanent(err error) bool {
	if err == nil || isThrottle(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	code := api.ErrorCode()
	if _, ok := retry.DefaultRetryableErrorCodes[code]; ok || transientCodes[code] {
		return false
	}
	status := 0
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case api.ErrorFault() == smithy.FaultServer || status >= 500 || status == http.StatusTooManyRequests:
		return false
	case api.ErrorFault() == smithy.FaultClient:
		return true
	}
	return status >= 400 && status < 500
}

// mapErr translates the errors every call may get into the package's sentinels,
// keeping err in the chain. Errors particular to one operation (a closure quota, a
// declined handshake) are handled where the operation is.
func mapErr(err error) error {
	var denied *types.AccessDeniedException
	var notInUse *types.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &denied):
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	case errors.As(err, &notInUse):
		return fmt.Errorf("%w: %w", ErrNotInUse, err)
	}
	return err
}

// requestIDOf returns AWS's request id of a call's output metadata.
func requestIDOf(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

// errRequestID returns AWS's request id carried by a call's error (the SDK's
// *awshttp.ResponseError), or "" when AWS was not reached.
func errRequestID(err error) string {
	var re interface{ ServiceRequestID() string }
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// createFailure explains a CreateAccountStatus's FailureReason to an operator.
func createFailure(r types.CreateAccountFailureReason, email string) string {
	var why string
	switch r {
	case types.CreateAccountFailureReasonEmailAlreadyExists:
		why = fmt.Sprintf("an AWS account with the address %s already exists: take it in with a transfer-in application, or derive another address (Config.Identity)", email)
	case types.CreateAccountFailureReasonAccountLimitExceeded:
		why = "the organization has reached its quota of accounts: ask AWS to raise it (Service Quotas, AWS Organizations) and run again"
	case types.CreateAccountFailureReasonInvalidEmail:
		why = fmt.Sprintf("AWS refused the address %s as invalid", email)
	case types.CreateAccountFailureReasonInvalidAddress:
		why = "AWS refused the postal address of the management account: correct it in the payer's account settings"
	case types.CreateAccountFailureReasonConcurrentAccountModification:
		why = "a request with the same details is already being processed by AWS: run again later"
	case types.CreateAccountFailureReasonInternalFailure:
		why = "AWS failed internally: run again later, and ask AWS Support if it persists"
	case types.CreateAccountFailureReasonMissingPaymentInstrument, types.CreateAccountFailureReasonInvalidPaymentInstrument:
		why = "the management (payer) account has no valid payment method"
	case types.CreateAccountFailureReasonMissingBusinessValidation, types.CreateAccountFailureReasonFailedBusinessValidation,
		types.CreateAccountFailureReasonPendingBusinessVALIDATIONv, types.CreateAccountFailureReasonInvalidIdentityForBusinessValidation,
		types.CreateAccountFailureReasonUnknownBusinessValidation:
		why = "the management account's business validation with AWS is not complete"
	default:
		why = "AWS could not create the account"
	}
	return fmt.Sprintf("account creation failed (%s): %s", r, why)
}

// closeFailure explains a ConstraintViolationException of CloseAccount.
func closeFailure(r types.ConstraintViolationExceptionReason) string {
	switch r {
	case types.ConstraintViolationExceptionReasonCloseAccountQuotaExceeded:
		return fmt.Sprintf("closure refused (%s): AWS limits the member accounts an organization closes in a rolling 30 days (the higher of 250 or 20%% of its members, at most 1,000, when this was written); run again once the oldest closure of the window is 30 days old, or ask AWS Support", r)
	case types.ConstraintViolationExceptionReasonCloseAccountRequestsLimitExceeded:
		return fmt.Sprintf("closure refused (%s): too many closures were requested recently; run again later", r)
	}
	return fmt.Sprintf("closure refused by AWS (%s)", r)
}

// handshakeFailure explains a HandshakeConstraintViolationException of
// InviteAccountToOrganization.
func handshakeFailure(r types.HandshakeConstraintViolationExceptionReason) string {
	var why string
	switch r {
	case types.HandshakeConstraintViolationExceptionReasonAlreadyInAnOrganization:
		why = "the account is still a member of another organization: its owner must leave that organization first"
	case types.HandshakeConstraintViolationExceptionReasonAccountNumberLimitExceeded:
		why = "the organization has reached its quota of accounts: ask AWS to raise it and run again"
	case types.HandshakeConstraintViolationExceptionReasonHandshakeRateLimitExceeded:
		why = "too many invitations were sent today: run again tomorrow"
	case types.HandshakeConstraintViolationExceptionReasonPaymentInstrumentRequired:
		why = "the account has no valid payment method: its owner must add one"
	case types.HandshakeConstraintViolationExceptionReasonOrganizationFromDifferentSellerOfRecord:
		why = "the account's seller of record differs from the organization's (e.g. AWS Japan vs AWS Inc.)"
	case types.HandshakeConstraintViolationExceptionReasonOrganizationMembershipChangeRateLimitExceeded:
		why = "the account changed organizations too recently: run again later"
	default:
		why = "AWS refused the invitation"
	}
	return fmt.Sprintf("invitation refused (%s): %s", r, why)
}
