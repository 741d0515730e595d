package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// Errors the portal itself returns.
var (
	// errUnauthenticated: no credential, or one that is not a live session or API key.
	errUnauthenticated = errors.New("missing, unknown or expired session or API key")
	// errNoEndpoint: no route for the path (or a path not in canonical form).
	errNoEndpoint = errors.New("no such endpoint")
)

// methodError: the path exists, but not with this method.
type methodError struct{ method string }

func (e *methodError) Error() string {
	return fmt.Sprintf("method %s is not allowed here; the Allow header lists those that are", clip(e.method, 16))
}

// errorBody is the JSON document of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// errorRule maps the errors match accepts to a status and code. match returns the
// message and field to show.
type errorRule struct {
	status int
	code   string
	match  func(err error) (message, field string, ok bool)
}

// is matches errors wrapping target and shows the error's own text. Use it only for
// errors whose text is written for the caller (the portal's own, and the members
// package's permission and not-found errors, which name the requirement or the id).
func is(target error) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) { return err.Error(), "", errors.Is(err, target) }
}

// fixed matches errors wrapping target and shows msg, never the error's text:
// conflicts and infrastructure failures may carry store or driver detail.
func fixed(msg string, target error) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) { return msg, "", errors.Is(err, target) }
}

// as matches errors of type *E and shows their text, and field(e) as the field.
func as[E error](field func(E) string) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) {
		var e E
		if !errors.As(err, &e) {
			return "", "", false
		}
		return e.Error(), field(e), true
	}
}

func noField[E any](E) string { return "" }

// statusClientClosed marks a request whose client went away (context.Canceled):
// nothing is written, as nobody is listening; the access log shows it (nginx calls
// this 499).
const statusClientClosed = 499

// Public messages of the rules that never show the error's own text.
const (
	msgAlreadyExists = "it already exists: that id, code, email address or account id is taken, or an open application already names the account"
	msgConflict      = "it was changed concurrently: re-read it and retry with the current version"
	msgPageToken     = "page_token is not a next_page_token a previous page returned"
	msgUnavailable   = "the request did not finish in time; retry later"
	msgInternal      = "internal server error"
	msgSignInFailed  = "sign-in failed: check the email, the password and the second factor, or the link's validity"
	msgSecondFactor  = "this account has multi-factor authentication: send a totp code, a recovery_code or a passkey assertion with the password"
	msgNotFound      = "not found"
	msgWrongPassword = "the current password is wrong (the session is still valid)"

	msgNoSupportPlan     = "the account has no AWS Support plan that allows the API (Business, Enterprise On-Ramp or Enterprise): open the case in the account's Support Center console"
	msgEscalationDenied  = "AWS refused the escalation: the support role cannot be assumed in the account, may not open cases, or the portal's AWS credentials were refused"
	msgEscalationLimit   = "AWS Support's limit of open cases (or attachments) was reached for the account"
	msgEscalationInvalid = "AWS Support refused the case as invalid"
	msgAWSUnavailable    = "AWS Support is throttling or unavailable; retry later"
	msgEscalationUnknown = "AWS Support may have opened the case, but its answer was lost: check the account's AWS Support console before escalating again (possible 10 minutes after the attempt)"
	msgEscalationClaimed = "the case is being escalated, or an earlier escalation's outcome is unknown: check the account's AWS Support console; escalating again is possible 10 minutes after that attempt"

	msgOperationInProgress = "another operator is carrying this application out with AWS right now; look at it again in a moment"
	msgOrganizationsDenied = "AWS Organizations refused the portal's AWS credentials (or the payer is not in an organization): the application stays in review"
	msgOrganizationsBusy   = "AWS Organizations is throttling; the application stays in review: complete it again later"
)

// errorTable is the one place mapping errors to HTTP. The first rule that matches
// wins, so specific rules come before the ones they may wrap: ErrMFARequired wraps
// ErrPermissionDenied, a *resellerkit.ValidationError unwraps to its package's
// ErrInvalid, and a transaction given up because the request's context ended may
// also match ErrConflict, so the context rules come first. Conflicts and anything
// unmatched (a 500) show a fixed message that reveals nothing about internals; the
// real error is logged.
var errorTable = []errorRule{
	{http.StatusUnauthorized, "unauthenticated", is(errUnauthenticated)},
	{http.StatusForbidden, "cross_origin", is(errCrossOrigin)},
	{http.StatusTooManyRequests, "throttled", as(noField[*identity.ThrottledError])},
	{http.StatusUnauthorized, "second_factor_required", fixed(msgSecondFactor, identity.ErrSecondFactorRequired)},
	{http.StatusForbidden, "wrong_password", fixed(msgWrongPassword, identity.ErrWrongPassword)},
	{http.StatusForbidden, "session_required", is(identity.ErrSessionRequired)},
	{http.StatusUnauthorized, "unauthenticated", fixed(msgSignInFailed, identity.ErrUnauthenticated)},
	{http.StatusNotFound, "not_found", is(errNoEndpoint)},
	{http.StatusMethodNotAllowed, "method_not_allowed", as(noField[*methodError])},
	{http.StatusServiceUnavailable, "unavailable", is(errShuttingDown)},
	// An escalation whose outcome is unknown keeps its claim whatever ended it
	// (the request's deadline too): the desk must check AWS before retrying.
	{http.StatusConflict, "escalation_outcome_unknown", fixed(msgEscalationUnknown, support.ErrEscalationUnknown)},
	{statusClientClosed, "canceled", fixed("client closed the request", context.Canceled)},
	{http.StatusServiceUnavailable, "unavailable", fixed(msgUnavailable, context.DeadlineExceeded)},
	{http.StatusRequestEntityTooLarge, "payload_too_large", as(noField[*tooLargeError])},
	{http.StatusUnsupportedMediaType, "unsupported_media_type", as(noField[*mediaTypeError])},
	{http.StatusBadRequest, "bad_request", as(func(e *badRequestError) string { return e.field })},
	{http.StatusUnprocessableEntity, "managed_control", managedControl},
	{http.StatusConflict, "operation_in_progress", fixed(msgOperationInProgress, awsorg.ErrInProgress)},
	// Before ErrRefused, which they come with once the attempts are spent: the
	// portal's own AWS credentials or payer are at fault, not the application.
	{http.StatusBadGateway, "aws_access_denied", fixed(msgOrganizationsDenied, awsorg.ErrAccessDenied)},
	{http.StatusBadGateway, "aws_access_denied", fixed(msgOrganizationsDenied, awsorg.ErrNotInUse)},
	{http.StatusUnprocessableEntity, "aws_refused", is(awsorg.ErrRefused)},
	{http.StatusServiceUnavailable, "unavailable", fixed(msgOrganizationsBusy, awsorg.ErrThrottled)},
	{http.StatusUnprocessableEntity, "escalation_refused", escalationInvalid},
	{http.StatusBadRequest, "invalid", as(func(e *resellerkit.ValidationError) string { return e.Field })},
	{http.StatusBadRequest, "invalid", func(err error) (string, string, bool) {
		return msgPageToken, paramPageToken, errors.Is(err, resellerkit.ErrPageToken)
	}},
	{http.StatusForbidden, "mfa_required", is(members.ErrMFARequired)},
	{http.StatusForbidden, "permission_denied", is(members.ErrPermissionDenied)},
	{http.StatusNotFound, "not_found", is(members.ErrNotFound)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, members.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, members.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(members.ErrInvalid)},
	{http.StatusConflict, "in_use", is(identity.ErrInUse)},
	{http.StatusNotFound, "not_found", fixed(msgNotFound, identity.ErrNotFound)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, identity.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, identity.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(identity.ErrInvalid)},
	{http.StatusTooManyRequests, "throttled", is(contacts.ErrTooManyTestMails)},
	{http.StatusNotFound, "not_found", is(contacts.ErrNotFound)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, contacts.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, contacts.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(contacts.ErrInvalid)},
	{http.StatusServiceUnavailable, "pdf_unavailable", is(errNoInvoiceFont)},
	{http.StatusNotFound, "not_found", fixed(msgNotFound, billing.ErrNotFound)},
	{http.StatusConflict, "stale_report", is(billing.ErrStaleReport)},
	{http.StatusConflict, "immutable", is(billing.ErrImmutable)},
	{http.StatusConflict, "limit_reached", is(billing.ErrLimit)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, billing.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, billing.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(billing.ErrInvalid)},
	{http.StatusNotFound, "not_found", fixed(msgNotFound, security.ErrNotFound)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, security.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, security.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(security.ErrInvalid)},
	{http.StatusUnprocessableEntity, "escalation_not_configured", is(errEscalationOff)},
	{http.StatusNotFound, "not_found", is(support.ErrNotFound)},
	{http.StatusConflict, "escalation_claimed", fixed(msgEscalationClaimed, support.ErrEscalationClaimed)},
	{http.StatusConflict, "transition_not_allowed", is(support.ErrTransition)},
	{http.StatusConflict, "already_exists", fixed(msgAlreadyExists, support.ErrAlreadyExists)},
	{http.StatusConflict, "conflict", fixed(msgConflict, support.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(support.ErrInvalid)},
	{http.StatusUnprocessableEntity, "out_of_scope", is(support.ErrOutOfScope)},
	{http.StatusUnprocessableEntity, "no_support_plan", fixed(msgNoSupportPlan, awssupport.ErrNoSupportPlan)},
	{http.StatusBadGateway, "escalation_failed", fixed(msgEscalationDenied, awssupport.ErrAccessDenied)},
	{http.StatusConflict, "limit_reached", fixed(msgEscalationLimit, awssupport.ErrLimit)},
	{http.StatusServiceUnavailable, "unavailable", fixed(msgAWSUnavailable, awssupport.ErrThrottled)},
	{http.StatusServiceUnavailable, "unavailable", fixed(msgAWSUnavailable, awssupport.ErrUnavailable)},
}

// escalationInvalid matches awssupport.ErrInvalid, a case AWS Support would not
// take (found before the call, or AWS's ValidationException), before the
// *resellerkit.ValidationError it may wrap: the desk's request was fine, the
// case does not fit AWS. The message is the ValidationError's (which names the
// AWS field), else a fixed one: AWS's own text is not shown.
func escalationInvalid(err error) (string, string, bool) {
	if !errors.Is(err, awssupport.ErrInvalid) {
		return "", "", false
	}
	if v := (*resellerkit.ValidationError)(nil); errors.As(err, &v) {
		return "escalation to AWS Support: " + v.Error(), "", true
	}
	return msgEscalationInvalid, "", true
}

// managedControl matches security.ErrManaged, an attempt to turn a managed control
// off (S-1), before the *resellerkit.ValidationError it also wraps: its message and
// field are those of the ValidationError wrapped with ErrManaged
// ("choices.cloudtrail-multi-region"), not of another problem joined with it.
func managedControl(err error) (string, string, bool) {
	if !errors.Is(err, security.ErrManaged) {
		return "", "", false
	}
	if v := managedField(err); v != nil {
		return v.Error(), v.Field, true
	}
	return err.Error(), "", true
}

// managedField returns the *resellerkit.ValidationError wrapped together with
// security.ErrManaged in err's tree, or nil.
func managedField(err error) *resellerkit.ValidationError {
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		errs := u.Unwrap()
		for _, e := range errs {
			if e == security.ErrManaged {
				var v *resellerkit.ValidationError
				if errors.As(err, &v) {
					return v
				}
			}
		}
		for _, e := range errs {
			if v := managedField(e); v != nil {
				return v
			}
		}
	case interface{ Unwrap() error }:
		return managedField(u.Unwrap())
	}
	return nil
}

// errorResponse turns err into a status and body using errorTable. The message is
// bounded (boundMessage), whatever value the error quotes.
func errorResponse(err error) (int, errorBody) {
	for _, r := range errorTable {
		if msg, field, ok := r.match(err); ok {
			return r.status, errorBody{errorDetail{Code: r.code, Message: boundMessage(msg, maxShownMessage), Field: field}}
		}
	}
	return http.StatusInternalServerError, errorBody{errorDetail{Code: "internal", Message: msgInternal}}
}

// writeError answers err as a JSON error. The error is logged, bounded like the
// body: at Error level for a 500, at Info otherwise (the response may show only a
// fixed message). A request whose client went away gets no response at all.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorResponse(err)
	if !errors.As(err, new(*badRequestError)) { // whose field is the body's own JSON path
		body.Error.Field = requestField(r, body.Error.Field)
	}
	level := slog.LevelInfo
	if status == http.StatusInternalServerError {
		level = slog.LevelError
	}
	s.log.LogAttrs(r.Context(), level, "request failed", slog.String("method", r.Method),
		slog.String("path", clip(r.URL.Path, maxLoggedPath)), slog.Int("status", status),
		slog.String("err", boundMessage(err.Error(), maxLoggedError)))
	if status == statusClientClosed {
		exchangeOf(r).noteUnanswered(status)
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="resellerkit-portal"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	var throttled *identity.ThrottledError
	if errors.As(err, &throttled) {
		w.Header().Set("Retry-After", strconv.FormatInt(throttled.Seconds(), 10))
	}
	_ = writeJSON(w, status, body) // an errorBody always encodes
}

// requestField returns the name under which the request carries the input a
// domain error's field names, or "" when the request has no such input. The domain
// names fields after its records; a request names its inputs by body field, query
// parameter and path parameter:
//
//   - a field whose first segment ("invoice_to[1]" → "invoice_to",
//     "billing.pricing_plan" → "billing") is a field of the request body, a
//     paging parameter (limit, page_token), or a query parameter the request
//     carries (period, kind, lang…), is kept as it is;
//   - a domain "X_id" or "X" naming a path parameter {X} becomes "X": the
//     account of POST …/accounts/{account}/move is "account", not "account_id";
//   - anything else names no input of this request (an application's current
//     "state", bulk edit's "edit" when no field is set) and is left out.
func requestField(r *http.Request, field string) string {
	if field == "" {
		return ""
	}
	root, _, _ := strings.Cut(strings.ReplaceAll(field, "[", "."), ".")
	if root == paramLimit || root == paramPageToken || r.URL.Query().Has(root) {
		return field
	}
	if t := exchangeOf(r).body; t != nil {
		if _, ok := jsonFields(t)[root]; ok {
			return field
		}
	}
	if name := strings.TrimSuffix(field, "_id"); strings.Contains(r.Pattern, "{"+name+"}") {
		return name
	}
	return ""
}

// Bounds of what an error echoes (values are cut to resellerkit.MaxValueLen
// characters first).
const (
	maxShownMessage = 500  // characters of an error message in a response
	maxLoggedError  = 4000 // characters of an error in a log line
)

// boundMessage returns msg with every Go-quoted value in it (domain errors quote the
// ids and values they were given, with %q) cut to resellerkit.MaxValueLen
// characters, and the whole cut to max characters: a 900 KB id sent in a body is
// never echoed whole into a response or a log line.
func boundMessage(msg string, max int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil { // a lone quote: keep it and go on
			b.WriteByte('"')
			msg = msg[i+1:]
			continue
		}
		msg = msg[i+len(q):]
		if len(q) > resellerkit.MaxValueLen {
			v, _ := strconv.Unquote(q) // QuotedPrefix accepted it
			q = strconv.Quote(resellerkit.Truncate(v))
		}
		b.WriteString(q)
	}
	return clip(b.String(), max)
}

// clip returns s cut to max characters, ending in "…" when it was longer.
func clip(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
