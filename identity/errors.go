package identity

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Sentinel errors callers branch on with errors.Is. Stores and the Service wrap them
// with %w; never compare error strings.
var (
	// ErrNotFound reports that the record does not exist (or is not the caller's: a
	// session, key or credential of another identity is reported exactly like a
	// missing one).
	ErrNotFound = errors.New("identity: not found")
	// ErrAlreadyExists reports a create that breaks a uniqueness rule: an email that
	// already has an identity (I-1), an id, a credential id. Retrying will not help.
	ErrAlreadyExists = errors.New("identity: already exists")
	// ErrConflict reports a write that lost to a concurrent one: a stale Version, a
	// TOTP step or a sign counter another request advanced first, a transaction that
	// could not be serialized. Re-read and retry.
	ErrConflict = errors.New("identity: changed concurrently")
	// ErrInvalid reports bad input. Errors carrying details are
	// *resellerkit.ValidationError values that unwrap to ErrInvalid. A rejected
	// password is never echoed: its ValidationError has an empty Value.
	ErrInvalid = errors.New("identity: invalid input")
	// ErrUnauthenticated is the one answer to a sign-in that fails: unknown email,
	// wrong password, wrong or replayed second factor, expired or revoked session or
	// API key. Its message never says which (I-4: no account enumeration).
	ErrUnauthenticated = errors.New("identity: authentication failed")
	// ErrSecondFactorRequired reports a right password for an identity with MFA on
	// (I-3) when no second factor came with it. It is returned only after the
	// password was verified, so it reveals nothing to someone who does not know it.
	ErrSecondFactorRequired = errors.New("identity: a second factor is required")
	// ErrSessionRequired reports an operation on a person's own credentials
	// (password, second factors, sessions, API keys) attempted with an API key: only
	// a signed-in session may manage credentials, so a key leaked from a program
	// cannot take over the person, or reach another organization through them.
	ErrSessionRequired = errors.New("identity: only a signed-in session may do this, not an API key")
	// ErrWrongPassword reports a wrong current password given to confirm a
	// sensitive change (ChangePassword, removing a factor…). It wraps
	// ErrUnauthenticated, but the session that sent it is still valid.
	ErrWrongPassword = fmt.Errorf("%w: the current password is wrong", ErrUnauthenticated)
	// ErrInUse reports an identity that cannot be deleted because it still belongs
	// to an organization (I-5).
	ErrInUse = errors.New("identity: still a member of an organization")
)

// ThrottledError is the answer to a sign-in attempt refused by the failure limit
// (I-4): per email address or per source address, even a right password is refused
// until RetryAfter has passed. It unwraps to ErrUnauthenticated.
type ThrottledError struct {
	RetryAfter time.Duration // how long until the oldest counted failure leaves the window
}

// Error returns a message with the wait in whole seconds (at least 1).
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%s: too many failed attempts, retry in %s s", ErrUnauthenticated, strconv.FormatInt(e.Seconds(), 10))
}

// Seconds returns RetryAfter rounded up to whole seconds, at least 1: the value of
// an HTTP Retry-After header.
func (e *ThrottledError) Seconds() int64 {
	s := int64((e.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Unwrap returns ErrUnauthenticated.
func (e *ThrottledError) Unwrap() error { return ErrUnauthenticated }

// invalid returns the *resellerkit.ValidationError of this package: field, value
// (truncated), rule id and reason, wrapping ErrInvalid.
func invalid(field, value, rule, reason string) *resellerkit.ValidationError {
	return resellerkit.Invalid(ErrInvalid, field, value, rule, reason)
}
