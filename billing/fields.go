package billing

import (
	"errors"
	"strconv"
)

// Field names a LineItem field whose value the engine parses or checks: the readers
// map it back to the column it came from, so an error names the column (B-1).
type Field string

// The LineItem fields a Sink parses or checks.
const (
	FieldAccountID      Field = "AccountID"
	FieldCost           Field = "Cost"
	FieldPublicCost     Field = "PublicCost"
	FieldCurrency       Field = "Currency"
	FieldPublicCurrency Field = "PublicCurrency"
)

// ErrCurrency is wrapped by the *FieldError of a row whose currency is not the cost
// data's configured currency (B-1, Config.CostCurrency): an amount is never billed in
// the wrong unit, so the run stops.
var ErrCurrency = errors.New("billing: cost data in another currency")

// FieldError is the error a Sink returns for a bad value of one LineItem field (a
// cost that is not decimal text, a currency other than the configured one). A reader
// wraps it with the file, the line and the column the field was read from, giving
// `file:6: column lineItem/UnblendedCost: "abc" is not a decimal number`. Err is the
// cause to test with errors.Is: money.ErrSyntax, money.ErrRange or ErrCurrency.
type FieldError struct {
	Field Field
	Value string // the value as read, at most 64 bytes of it
	Err   error
	msg   string // what is wrong, after the quoted value
}

// Error returns the quoted value and what is wrong with it, e.g. `"abc" is not a
// decimal number` or `"NOK", the configuration expects USD`.
func (e *FieldError) Error() string { return strconv.Quote(e.Value) + e.msg }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldError returns the *FieldError of value v of field f; msg follows the quoted
// value (it starts with its own separator).
func fieldError(f Field, v []byte, err error, msg string) *FieldError {
	if len(v) > 64 {
		v = append(v[:61:61], "..."...)
	}
	return &FieldError{Field: f, Value: string(v), Err: err, msg: msg}
}

// FieldUser is an optional interface of a Sink that does not read every LineItem
// field: UsesField reports whether it reads f. A reader may leave a field its Sink
// does not use empty; a bad value there is then no reason to stop the run, and the
// reader reports it as a warning naming the column and the first line instead
// (issue 7: parse only what the configuration needs). The Aggregator of
// NewAggregatorFor uses PublicCost and PublicCurrency only when some project is on
// the public_on_demand basis (B-3). A Sink without the method uses every field.
type FieldUser interface {
	UsesField(f Field) bool
}
