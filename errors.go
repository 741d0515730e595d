package resellerkit

import (
	"strconv"
	"strings"
)

// ValidationError is the one shape of bad input in every package: the input field,
// the rejected value, the DOMAIN.md rule id it breaks and a short reason. Err is the
// sentinel of the package that rejected it (members.ErrInvalid, billing.ErrInvalid…),
// so errors.Is(err, members.ErrInvalid) holds and the message starts with that
// package's name:
//
//	members: invalid input: invoice_to[2] "bob@" (M-2): must be one email address
//
// Build one with Invalid, which bounds the echoed value (MaxValueLen): a 900 KB name
// is never copied whole into an error body or a log line.
type ValidationError struct {
	Err    error  // the package sentinel it wraps, e.g. members.ErrInvalid
	Field  string // the input field, e.g. "invoice_to[2]" or "projects[0].currency"
	Value  string // the rejected value as given, truncated to MaxValueLen characters
	Rule   string // the DOMAIN.md rule id, e.g. "M-2", "B-5"
	Reason string // what is wrong, e.g. "must be one email address"
}

// MaxValueLen is how many characters of a rejected value a ValidationError echoes;
// longer values are cut and end with "…".
const MaxValueLen = 100

// Invalid returns a *ValidationError wrapping sentinel, with value (and field,
// which may hold input such as a map key) truncated to MaxValueLen characters.
func Invalid(sentinel error, field, value, rule, reason string) *ValidationError {
	return &ValidationError{Err: sentinel, Field: Truncate(field), Value: Truncate(value), Rule: rule, Reason: reason}
}

// Error returns `<sentinel>: <field> "<value>" (<rule>): <reason>`, leaving out the
// parts that are empty.
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid input")
	}
	detail := e.Field != "" || e.Value != "" || e.Rule != ""
	if detail {
		b.WriteString(":")
	}
	if e.Field != "" {
		b.WriteString(" ")
		b.WriteString(Truncate(e.Field))
	}
	if e.Field != "" || e.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(Truncate(e.Value)))
	}
	if e.Rule != "" {
		b.WriteString(" (")
		b.WriteString(e.Rule)
		b.WriteString(")")
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns the package sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// Truncate returns s cut to MaxValueLen characters, with "…" when it was longer. It
// never splits a UTF-8 sequence.
func Truncate(s string) string {
	if len(s) <= MaxValueLen {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxValueLen {
			return s[:i] + "…"
		}
		n++
	}
	return s // at most MaxValueLen characters, each of several bytes
}
