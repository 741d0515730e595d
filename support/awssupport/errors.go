package awssupport

import (
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// The errors callers branch on (errors.Is). Each error returned wraps at most
// one of them, and AWS's answer when there was one (an *APIError, so
// errors.As gives its code and message).
var (
	// ErrInvalid is bad input, found before any call (a
	// *resellerkit.ValidationError naming the field) or refused by AWS
	// (ValidationException).
	ErrInvalid = errors.New("awssupport: invalid input")
	// ErrNoSupportPlan is an account without a Business, Enterprise On-Ramp or
	// Enterprise Support plan, which the AWS Support API requires
	// (SubscriptionRequiredException): the case must be opened in the Support
	// Center console, or the account's plan changed.
	ErrNoSupportPlan = errors.New("awssupport: no support plan")
	// ErrCaseNotFound is a case id AWS does not know in the account
	// (CaseIdNotFound), or one DescribeCases does not return. AWS keeps case
	// data 12 months.
	ErrCaseNotFound = errors.New("awssupport: case not found")
	// ErrLimit is an AWS Support limit reached: too many cases open
	// (CaseCreationLimitExceeded) or too many attachments
	// (AttachmentLimitExceeded, AttachmentSetSizeLimitExceeded,
	// DescribeAttachmentLimitExceeded).
	ErrLimit = errors.New("awssupport: limit exceeded")
	// ErrThrottled is throttling (ThrottlingException, HTTP 429) that outlived
	// the retries. It also wraps security.ErrThrottled.
	ErrThrottled = errors.New("awssupport: throttled")
	// ErrAccessDenied is a role that cannot be assumed in the account (also
	// wrapping security.ErrUnreachable and security.ErrAccessDenied, through
	// awsfleet.Map), a role not allowed the support action
	// (AccessDeniedException, also wrapping security.ErrAccessDenied), or
	// credentials AWS refused (UnrecognizedClientException, expired tokens,
	// bad signatures).
	ErrAccessDenied = errors.New("awssupport: access denied")
	// ErrUnavailable is AWS Support failing on its side (InternalServerError,
	// HTTP 5xx) after the retries.
	ErrUnavailable = errors.New("awssupport: AWS Support unavailable")
)

// APIError is an error answer of the AWS Support API. It implements
// smithy.APIError, so the SDK's retry package and awsfleet.Map read its code.
type APIError struct {
	Operation  string // e.g. "CreateCase"
	Code       string // the error's type, e.g. "CaseIdNotFound"
	Message    string // AWS's message, as given
	StatusCode int    // the HTTP status
	RequestID  string // x-amzn-RequestId, for AWS Support's own investigation
}

var _ smithy.APIError = (*APIError)(nil)

// Error returns "<code>: <message> (HTTP <status>, request <id>)".
func (e *APIError) Error() string {
	s := e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	s += fmt.Sprintf(" (HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		s += ", request " + e.RequestID
	}
	return s + ")"
}

// ErrorCode returns Code.
func (e *APIError) ErrorCode() string { return e.Code }

// ErrorMessage returns Message.
func (e *APIError) ErrorMessage() string { return e.Message }

// ErrorFault returns smithy.FaultServer for AWS's own failures (HTTP 5xx),
// smithy.FaultClient otherwise.
func (e *APIError) ErrorFault() smithy.ErrorFault {
	if e.StatusCode >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// HTTPStatusCode returns StatusCode (read by the SDK's retry package).
func (e *APIError) HTTPStatusCode() int { return e.StatusCode }

// opError is an error with its own message wrapping several errors (a
// sentinel of this package, one of security's, AWS's error), so the message
// reads once and errors.Is finds each.
type opError struct {
	msg  string
	errs []error
}

func (e *opError) Error() string   { return e.msg }
func (e *opError) Unwrap() []error { return e.errs }

// failure turns the error of a call op made for account into the error
// returned: AWS's error codes mapped to the sentinels, with a message saying
// what it means and AWS's answer kept.
func failure(op, account string, attempts int, err error) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("awssupport: %s in account %s: %w", op, account, err)
	}
	wrap := func(sentinel error, what string, more ...error) error {
		errs := append([]error{sentinel}, more...)
		return &opError{
			msg:  fmt.Sprintf("%s: %s (%s: %s)", sentinel, what, op, ae),
			errs: append(errs, err),
		}
	}
	switch ae.Code {
	case "SubscriptionRequiredException":
		return wrap(ErrNoSupportPlan, fmt.Sprintf("account %s has no Business, Enterprise On-Ramp or Enterprise Support plan, "+
			"which the AWS Support API requires; open the case in the Support Center console or change the account's support plan", account))
	case "CaseIdNotFound":
		return wrap(ErrCaseNotFound, fmt.Sprintf("AWS Support has no such case in account %s; it keeps case data 12 months", account))
	case "CaseCreationLimitExceeded":
		return wrap(ErrLimit, fmt.Sprintf("account %s has too many AWS Support cases open", account))
	case "AttachmentLimitExceeded", "AttachmentSetSizeLimitExceeded", "DescribeAttachmentLimitExceeded":
		return wrap(ErrLimit, fmt.Sprintf("an AWS Support attachment limit was reached in account %s", account))
	case "AccessDeniedException", "AccessDenied":
		return wrap(ErrAccessDenied, fmt.Sprintf("the role assumed in account %s may not call support:%s", account, op), awsfleet.Map(ae))
	case "UnrecognizedClientException", "InvalidClientTokenId", "IncompleteSignature", "InvalidSignatureException",
		"SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "MissingAuthenticationToken":
		return wrap(ErrAccessDenied, fmt.Sprintf("AWS refused the credentials of the role assumed in account %s", account), security.ErrAccessDenied)
	case "ValidationException", "InvalidParameterValue", "InvalidParameterValueException":
		return wrap(ErrInvalid, "AWS Support refused the request's values")
	}
	switch {
	case throttle(err):
		return wrap(ErrThrottled, fmt.Sprintf("AWS Support throttled the calls for account %s after %d attempts", account, attempts), security.ErrThrottled)
	case ae.Code == "InternalServerError" || ae.StatusCode >= 500:
		return wrap(ErrUnavailable, fmt.Sprintf("AWS Support failed on its side after %d attempts; try again later", attempts))
	}
	return fmt.Errorf("awssupport: %s in account %s: %w", op, account, err)
}

// throttle reports whether err is AWS refusing a call for its rate: the codes
// the SDK's retry package knows as throttling, or HTTP 429.
func throttle(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests {
		return true
	}
	return throttles.IsErrorThrottle(err).Bool()
}

// credentialsFailure is the error of credentials that could not be had for
// account: a role that cannot be assumed is ErrAccessDenied (and, through
// awsfleet.Map, security.ErrUnreachable and security.ErrAccessDenied).
func credentialsFailure(op, account string, err error) error {
	mapped := awsfleet.Map(err)
	if errors.Is(mapped, security.ErrAccessDenied) {
		return &opError{
			msg: fmt.Sprintf("%s: cannot assume the support role in account %s (is it there, trusting the payer?) for %s: %v",
				ErrAccessDenied, account, op, err),
			errs: []error{ErrAccessDenied, mapped},
		}
	}
	return fmt.Errorf("awssupport: %s in account %s: credentials: %w", op, account, mapped)
}

// notSentError is an attempt's error before the request could reach AWS.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// dialFailed reports whether err is the HTTP client failing to resolve the
// endpoint's name or to connect to it: nothing was sent.
func dialFailed(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

// mayHaveActed reports whether AWS may have done the call an attempt failed
// with err: anything but a request that was not sent (*notSentError) or that
// AWS answered with HTTP 4xx (it refused it, throttling included). A dropped
// connection, a timeout (the HTTP client's), an answer cut short or unreadable,
// an HTTP 5xx (AWS: the request may or may not have been processed) may all
// follow a call AWS did.
func mayHaveActed(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode < 400 || ae.StatusCode > 499
	}
	return true
}

// outcomeUnknown is err, the failure of op for account after which AWS may
// have opened the case, wrapping support.ErrEscalationUnknown too.
func outcomeUnknown(op, account string, err error) error {
	return &opError{
		msg: fmt.Sprintf("%v; AWS Support may have done the %s nonetheless (the answer was lost): "+
			"look for the case in the Support Center console of account %s before trying again", err, op, account),
		errs: []error{err, support.ErrEscalationUnknown},
	}
}
