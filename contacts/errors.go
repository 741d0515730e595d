package contacts

import (
	"errors"

	"github.com/seeda33a2f4f/resellerkit"
)

// Sentinel errors callers branch on with errors.Is. Stores and the Service wrap them
// with %w; never compare error strings.
var (
	// ErrNotFound reports that the record does not exist in the organization named
	// by the call (another organization's record is reported exactly like a missing
	// one, M-7).
	ErrNotFound = errors.New("contacts: not found")
	// ErrAlreadyExists reports a create whose key is taken: contacts already set for
	// an account, a notice id.
	ErrAlreadyExists = errors.New("contacts: already exists")
	// ErrConflict reports a write that lost to a concurrent one: a stale Version, a
	// notice whose lease another dispatcher holds now, a transaction that could not
	// be serialized. Re-read and retry.
	ErrConflict = errors.New("contacts: changed concurrently")
	// ErrInvalid reports bad input. Errors carrying details are
	// *resellerkit.ValidationError values that unwrap to ErrInvalid.
	ErrInvalid = errors.New("contacts: invalid input")
	// ErrPermanent, wrapped by a Transport's error, says that retrying cannot help
	// (an address the server refuses, a message rejected as such): the dispatcher
	// moves the notice to the dead letters at once instead of retrying it.
	ErrPermanent = errors.New("contacts: permanent delivery failure")
)

// invalid returns the *resellerkit.ValidationError of this package: field, value
// (truncated), rule id and reason, wrapping ErrInvalid.
func invalid(field, value, rule, reason string) *resellerkit.ValidationError {
	return resellerkit.Invalid(ErrInvalid, field, value, rule, reason)
}
