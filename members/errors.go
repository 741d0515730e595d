package members

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is. Stores and the Service wrap them
// with %w; never compare error strings.
var (
	// ErrNotFound reports that the requested record does not exist in the organization
	// named by the call. A record of another organization is reported exactly like a
	// missing one (M-7).
	ErrNotFound = errors.New("members: not found")
	// ErrConflict reports a write that lost a race or broke a uniqueness rule: a stale
	// Version (optimistic concurrency), a duplicate id, a duplicate organization code.
	ErrConflict = errors.New("members: conflict")
	// ErrPermissionDenied reports that the acting principal may not do what it asked.
	// It never says whether the target exists in another organization (M-7).
	ErrPermissionDenied = errors.New("members: permission denied")
	// ErrInvalid reports bad input. Errors carrying details are *ValidationError values
	// that unwrap to ErrInvalid.
	ErrInvalid = errors.New("members: invalid input")
	// ErrMFARequired reports that the organization enforces MFA and the principal has
	// not used it (M-6). It wraps ErrPermissionDenied, so errors.Is(err,
	// ErrPermissionDenied) also holds. It is only returned to members of the
	// organization, so it reveals nothing to outsiders.
	ErrMFARequired = fmt.Errorf("%w: the organization requires multi-factor authentication (M-6)", ErrPermissionDenied)
)

// ValidationError is bad input: the field, the rejected value, the rule id from
// DOMAIN.md it breaks and a short reason. It unwraps to ErrInvalid.
type ValidationError struct {
	Field  string // the input field, e.g. "invoice_to[2]" or "permissions"
	Value  string // the rejected value as given
	Rule   string // the DOMAIN.md rule id, e.g. "M-5"
	Reason string // what is wrong, e.g. `requires "project.view"`
}

// Error returns `members: invalid <field> "<value>" (<rule>): <reason>`.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("members: invalid %s %q (%s): %s", e.Field, e.Value, e.Rule, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(field, value, rule, reason string) *ValidationError {
	return &ValidationError{Field: field, Value: value, Rule: rule, Reason: reason}
}
