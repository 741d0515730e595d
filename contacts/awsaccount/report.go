package awsaccount

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/account/types"
)

// Status is what Sync did to one alternate contact type.
type Status string

// The statuses of a Result.
const (
	// StatusUnchanged: AWS already held our contact; nothing was written.
	StatusUnchanged Status = "unchanged"
	// StatusCreated: AWS held no contact of the type; ours was written.
	StatusCreated Status = "created"
	// StatusUpdated: AWS held a different contact; ours replaced it.
	StatusUpdated Status = "updated"
	// StatusFailed: the type was not brought in sync; Result.Err says why. After a
	// failed PutAlternateContact whose answer was lost (a timeout) AWS may hold
	// either value; re-running Sync settles it.
	StatusFailed Status = "failed"
	// StatusSkipped: the mapping gave no contact for the type (a custom mapping
	// may); whatever AWS holds is left as it is.
	StatusSkipped Status = "skipped"
)

// Result is the outcome for one alternate contact type of one account.
type Result struct {
	Type   types.AlternateContactType
	Status Status
	// Before is what AWS held when read, nil when it held nothing or could not be
	// read.
	Before *Contact
	// Want is the contact our data maps to (zero when the mapping failed or gave
	// none).
	Want Contact
	// Changed names the fields that differed and were written (Updated), or all
	// four (Created); for a failed Put, the fields that would have been written.
	Changed []string
	// Attempts counts the calls made for the type, retries after throttling
	// included.
	Attempts int
	// Err is the reason of a failure (a *TypeError), nil otherwise.
	Err error
}

// String returns "TYPE: status", with the changed fields or the reason.
func (r Result) String() string {
	switch r.Status {
	case StatusUpdated:
		return fmt.Sprintf("%s: %s (%s)", r.Type, r.Status, strings.Join(r.Changed, ", "))
	case StatusFailed:
		return fmt.Sprintf("%s: %s: %v", r.Type, r.Status, r.Err)
	case StatusSkipped:
		return fmt.Sprintf("%s: %s: no contact of ours; AWS's is left as it is", r.Type, r.Status)
	}
	return fmt.Sprintf("%s: %s", r.Type, r.Status)
}

// Report is what one Sync did to one account: one Result per synced type, in the
// order BILLING, OPERATIONS, SECURITY.
type Report struct {
	AccountID string
	Results   []Result
}

// Result returns the result for type t, false if t was not synced.
func (r Report) Result(t types.AlternateContactType) (Result, bool) {
	for _, res := range r.Results {
		if res.Type == t {
			return res, true
		}
	}
	return Result{}, false
}

// Changed reports whether Sync wrote anything to the account.
func (r Report) Changed() bool {
	for _, res := range r.Results {
		if res.Status == StatusCreated || res.Status == StatusUpdated {
			return true
		}
	}
	return false
}

// Err returns the errors.Join of every failed result's error, nil if none failed.
// It is the error Sync returns with the report.
func (r Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil {
			errs = append(errs, res.Err)
		}
	}
	return errors.Join(errs...)
}
