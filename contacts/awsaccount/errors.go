package awsaccount

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"
	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// Sentinel errors callers branch on with errors.Is. The SDK's own error stays in the
// chain too, so errors.As(err, new(*types.AccessDeniedException)) also holds.
var (
	// ErrAccessDenied reports an AccessDeniedException: the caller is not the
	// organization's management account (or a delegated administrator for AWS
	// Account Management), trusted access for AWS Account Management is not enabled
	// in AWS Organizations, the account is not a member of the organization, or the
	// caller's IAM policy lacks account:GetAlternateContact /
	// account:PutAlternateContact. Retrying does not help; it is never retried.
	ErrAccessDenied = errors.New("awsaccount: access denied (call from the management account, with trusted access for AWS Account Management enabled)")
	// ErrThrottled reports a call still throttled after the Syncer's last attempt.
	ErrThrottled = errors.New("awsaccount: throttled")
)

// TypeError is the failure of one alternate contact type of one account. Err wraps
// ErrAccessDenied, ErrThrottled, contacts.ErrInvalid (a *resellerkit.ValidationError
// naming the field), the context's error, or an SDK error as returned.
type TypeError struct {
	AccountID string
	Type      types.AlternateContactType
	// Op is what failed: "map", "validate", "GetAlternateContact" or
	// "PutAlternateContact".
	Op  string
	Err error
}

// Error returns "awsaccount: <account> <TYPE>: <op>: <err>".
func (e *TypeError) Error() string {
	return fmt.Sprintf("awsaccount: %s %s: %s: %v", e.AccountID, e.Type, e.Op, e.Err)
}

// Unwrap returns Err.
func (e *TypeError) Unwrap() error { return e.Err }

// isThrottle reports whether err is AWS telling us to slow down: the modelled
// TooManyRequestsException or any API error whose code the SDK's own retryer treats
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

// translate turns an SDK error from a call about type t into the package's errors,
// keeping the SDK error in the chain.
func translate(t types.AlternateContactType, want Contact, err error) error {
	var denied *types.AccessDeniedException
	if errors.As(err, &denied) {
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	}
	var invalid *types.ValidationException
	if errors.As(err, &invalid) {
		return fmt.Errorf("%w: %w", validationFields(t, want, invalid), err)
	}
	return err
}

// validationFields names the fields of a ValidationException as
// *resellerkit.ValidationError values ("<TYPE>.<field>"), with our value of each.
func validationFields(t types.AlternateContactType, want Contact, v *types.ValidationException) error {
	values := map[string]string{
		"name": want.Name, "title": want.Title, "emailaddress": want.EmailAddress, "phonenumber": want.PhoneNumber,
	}
	if len(v.FieldList) == 0 {
		return resellerkit.Invalid(contacts.ErrInvalid, string(t), "", "C-6",
			fmt.Sprintf("rejected by AWS (%s): %s", v.Reason, v.ErrorMessage()))
	}
	var errs []error
	for _, f := range v.FieldList {
		name, msg := deref(f.Name), deref(f.Message)
		errs = append(errs, resellerkit.Invalid(contacts.ErrInvalid, string(t)+"."+name,
			values[strings.ToLower(name)], "C-6", "rejected by AWS: "+msg))
	}
	return errors.Join(errs...)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
