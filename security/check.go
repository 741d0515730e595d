package security

import (
	"context"
	"errors"
)

// The sentinels of package security. Errors wrap them; branch with errors.Is.
var (
	// ErrInvalid: bad input; a *resellerkit.ValidationError says which field.
	ErrInvalid = errors.New("security: invalid input")
	// ErrManaged: an attempt to turn a managed control off (S-1).
	ErrManaged = errors.New("security: a managed control cannot be turned off")
	// ErrNotFound: no such run, alert or settings (or another organization's).
	ErrNotFound = errors.New("security: not found")
	// ErrAlreadyExists: an id already used.
	ErrAlreadyExists = errors.New("security: already exists")
	// ErrConflict: a stale version, or a transaction that could not commit.
	ErrConflict = errors.New("security: conflict")

	// The errors of a Check, which adapters map AWS's errors to:

	// ErrAccessDenied: the role lacks a permission, or cannot be assumed in the
	// account. The control (or the account) is reported, the others go on.
	ErrAccessDenied = errors.New("security: access denied")
	// ErrUnreachable: the account cannot be reached at all (its role cannot be
	// assumed); it also wraps ErrAccessDenied. A run reports the account's every
	// item failed without calling AWS again.
	ErrUnreachable = errors.New("security: account unreachable")
	// ErrRegionDisabled: the region is not enabled in the account (an opt-in
	// region): nothing to observe there.
	ErrRegionDisabled = errors.New("security: region not enabled")
	// ErrThrottled: AWS kept throttling after the SDK's retries.
	ErrThrottled = errors.New("security: throttled")
)

// Observation is what a Check saw of its control in one account and region.
type Observation struct {
	// Compliant reports whether the control is in its recommended state.
	Compliant bool
	// Detail says what was seen, for people, e.g. "no detector" or "2 ingress
	// rules on sg-0123 (default)".
	Detail string
}

// Check observes and repairs one control (S-3). Adapters (package per AWS service,
// e.g. security/awsec2) implement it over aws-sdk-go-v2, reaching a member
// account by assuming a role from the payer; tests use fakes. Both methods map
// AWS's errors to ErrAccessDenied, ErrRegionDisabled and ErrThrottled (wrapped,
// keeping AWS's error in the chain).
type Check interface {
	// Control is the control checked.
	Control() ControlID
	// Observe returns the control's state in account and region ("" for a
	// global control).
	Observe(ctx context.Context, account, region string) (Observation, error)
	// Repair puts the control in its recommended state; it is idempotent (a
	// resource that already exists is not an error) and returns what it did, for
	// the run report. A ReportOnly control's Check returns an error wrapping
	// ErrInvalid.
	Repair(ctx context.Context, account, region string) (string, error)
}
