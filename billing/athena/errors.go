package athena

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/seeda33a2f4f/resellerkit"
)

// The errors a Scan wraps, to test with errors.Is; the SDK's own error (a
// *smithy.OperationError around types.TooManyRequestsException …) stays in the
// chain too.
var (
	// ErrInvalid is wrapped by the *resellerkit.ValidationError of a bad Config.
	ErrInvalid = errors.New("athena: invalid configuration")
	// ErrThrottled: Athena throttled a call (TooManyRequestsException, a throttling
	// error code) and the SDK's retryer gave up retrying it.
	ErrThrottled = errors.New("athena: throttled")
	// ErrRequest: Athena refused a request (InvalidRequestException: an unknown
	// database, table or workgroup, a bad output location, a query Athena cannot
	// parse …).
	ErrRequest = errors.New("athena: request refused")
	// ErrQueryFailed is wrapped by the *QueryError of a query that ended FAILED.
	ErrQueryFailed = errors.New("athena: query failed")
	// ErrQueryCancelled is wrapped by the *QueryError of a query that ended
	// CANCELLED (someone stopped it, or Athena did).
	ErrQueryCancelled = errors.New("athena: query cancelled")
	// ErrTimeout: the query had not finished when Poll.Timeout was over.
	ErrTimeout = errors.New("athena: query did not finish in time")
	// ErrResult is wrapped by the *RowError of a result Athena should not have
	// given: other columns than the query's, a row with a missing value or a count
	// that is not a whole number.
	ErrResult = errors.New("athena: malformed query result")
	// ErrRowsRefused is wrapped by the *RowError of a result that counts rows the
	// Source refuses, as a local run would not sum them as the query does: rows
	// with no usage start, or costs with more than 10 fractional digits, which the
	// query's DECIMAL(38,10) would round. Money is never guessed.
	ErrRowsRefused = errors.New("athena: rows refused")
)

// tagged is an error with its own message that wraps the sentinels and causes
// in tags without repeating their text.
type tagged struct {
	msg  string
	tags []error
}

func (e *tagged) Error() string   { return e.msg }
func (e *tagged) Unwrap() []error { return e.tags }

// callError maps the error of an Athena call op to one that says what happened:
// throttling (wrapping ErrThrottled) and refused requests (ErrRequest) apart, the
// SDK's error always in the chain.
func callError(op string, err error) error {
	var tooMany *types.TooManyRequestsException
	if errors.As(err, &tooMany) || retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		reason := ""
		if tooMany != nil && tooMany.Reason != "" {
			reason = " (" + string(tooMany.Reason) + ")"
		}
		return &tagged{op + " was throttled" + reason + " and the SDK's retries ran out (run it again later, or raise the account's Athena quotas): " + err.Error(),
			[]error{ErrThrottled, err}}
	}
	var invalid *types.InvalidRequestException
	if errors.As(err, &invalid) {
		code := ""
		if c := aws.ToString(invalid.AthenaErrorCode); c != "" {
			code = " (AthenaErrorCode " + c + ")"
		}
		return &tagged{"Athena refused " + op + code + ": " + err.Error(), []error{ErrRequest, err}}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// QueryError is the error of a query that ended FAILED or CANCELLED, with what
// Athena says about it (QueryExecutionStatus.StateChangeReason and AthenaError).
type QueryError struct {
	QueryID string
	State   types.QueryExecutionState // FAILED or CANCELLED
	Reason  string                    // StateChangeReason
	// Athena's AthenaError, when it gave one: Category 1 system, 2 user, 3 other;
	// Type the error type of Athena's error reference; Retryable whether the query
	// may succeed if run again.
	HasAthenaError bool
	Category       int32
	Type           int32
	Retryable      bool
	Message        string
}

// Error returns e.g. `query 4f2c… FAILED: TABLE_NOT_FOUND: line 9:6: Table
// 'cur.missing' does not exist (AthenaError category 2 (user), type 1301, not
// retryable)`.
func (e *QueryError) Error() string {
	var b strings.Builder
	b.WriteString("query " + e.QueryID + " " + string(e.State))
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.HasAthenaError {
		b.WriteString(" (AthenaError category " + strconv.Itoa(int(e.Category)))
		switch e.Category {
		case 1:
			b.WriteString(" (system)")
		case 2:
			b.WriteString(" (user)")
		case 3:
			b.WriteString(" (other)")
		}
		b.WriteString(", type " + strconv.Itoa(int(e.Type)))
		if e.Retryable {
			b.WriteString(", retryable")
		} else {
			b.WriteString(", not retryable")
		}
		if e.Message != "" && e.Message != e.Reason {
			b.WriteString(": " + e.Message)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns ErrQueryCancelled for a CANCELLED query, else ErrQueryFailed.
func (e *QueryError) Unwrap() error {
	if e.State == types.QueryExecutionStateCancelled {
		return ErrQueryCancelled
	}
	return ErrQueryFailed
}

// queryError returns the *QueryError of a query that ended in state st.
func queryError(id string, st *types.QueryExecutionStatus) *QueryError {
	e := &QueryError{QueryID: id, State: st.State, Reason: aws.ToString(st.StateChangeReason)}
	if ae := st.AthenaError; ae != nil {
		e.HasAthenaError = true
		e.Category = aws.ToInt32(ae.ErrorCategory)
		e.Type = aws.ToInt32(ae.ErrorType)
		e.Retryable = ae.Retryable
		e.Message = aws.ToString(ae.ErrorMessage)
	}
	return e
}

// RowError is the error of one row of a query's result: Row counts the result's
// data rows from 1 (the header row Athena sends first is not counted), Column is
// the result column and Source the table column(s) it was computed from. Err is a
// *billing.FieldError from the Sink (a cost that is no decimal, a row in another
// currency: errors.Is(err, billing.ErrCurrency)) or wraps ErrResult.
type RowError struct {
	QueryID string
	Row     int
	Column  string
	Source  string
	Err     error
}

// Error returns e.g. `query 4f2c…: result row 3, column "currency"
// (line_item_currency_code): "EUR", the configuration expects USD`.
func (e *RowError) Error() string {
	col := ""
	if e.Column != "" {
		col = ", column " + strconv.Quote(e.Column)
		if e.Source != "" {
			col += " (" + e.Source + ")"
		}
	}
	if e.Row == 0 {
		return fmt.Sprintf("query %s: result%s: %v", e.QueryID, col, e.Err)
	}
	return fmt.Sprintf("query %s: result row %d%s: %v", e.QueryID, e.Row, col, e.Err)
}

// Unwrap returns Err.
func (e *RowError) Unwrap() error { return e.Err }

// resultError returns the error wrapping ErrResult that says what is wrong with
// value v (quoted, truncated) in a result.
func resultError(v, what string) error {
	return &tagged{strconv.Quote(resellerkit.Truncate(v)) + " " + what, []error{ErrResult}}
}
