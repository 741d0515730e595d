package members

import (
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
)

// Sentinel errors callers branch on with errors.Is. Stores and the Service wrap them
// with %w; never compare error strings.
var (
	// ErrNotFound reports that the requested record does not exist in the organization
	// named by the call. A record of another organization is reported exactly like a
	// missing one (M-7).
	ErrNotFound = errors.New("members: not found")
	// ErrAlreadyExists reports a create that breaks a uniqueness rule: an id, an
	// organization code or an AWS account id already used, an identity already a
	// member, a second pending invitation of one address, a second open application
	// of one account (M-11). Retrying will not help.
	ErrAlreadyExists = errors.New("members: already exists")
	// ErrConflict reports a write that lost to a concurrent one: a stale Version
	// (optimistic concurrency) or a transaction that could not be serialized. Re-read
	// and retry.
	ErrConflict = errors.New("members: changed concurrently")
	// ErrPermissionDenied reports that the acting principal may not do what it asked.
	// It never says whether the target exists in another organization (M-7).
	ErrPermissionDenied = errors.New("members: permission denied")
	// ErrInvalid reports bad input. Errors carrying details are
	// *resellerkit.ValidationError values that unwrap to ErrInvalid.
	ErrInvalid = errors.New("members: invalid input")
	// ErrMFARequired reports that the organization enforces MFA and the principal has
	// not used it (M-6). It wraps ErrPermissionDenied, so errors.Is(err,
	// ErrPermissionDenied) also holds. It is only returned to members of the
	// organization, so it reveals nothing to outsiders.
	ErrMFARequired = fmt.Errorf("%w: the organization requires multi-factor authentication (M-6)", ErrPermissionDenied)
)

// invalid returns the *resellerkit.ValidationError of this package: field, value
// (truncated), rule id and reason, wrapping ErrInvalid.
func invalid(field, value, rule, reason string) *resellerkit.ValidationError {
	return resellerkit.Invalid(ErrInvalid, field, value, rule, reason)
}
