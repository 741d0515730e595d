package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// errUnauthenticated is returned by the authentication middleware when a request has
// no bearer token or an unknown one.
var errUnauthenticated = errors.New("missing or unknown bearer token")

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

// is matches errors wrapping target; the message is the error's text. Use it only
// for errors whose text is a domain message written for the caller (the members
// package's permission and not-found errors).
func is(target error) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) { return err.Error(), "", errors.Is(err, target) }
}

// fixed matches errors wrapping any of targets and shows msg, never the error's
// text: conflicts and infrastructure failures may carry store or driver detail.
func fixed(msg string, targets ...error) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) {
		for _, t := range targets {
			if errors.Is(err, t) {
				return msg, "", true
			}
		}
		return "", "", false
	}
}

// asValidation matches *members.ValidationError (which unwraps to ErrInvalid) and
// shows its own text (field, value, rule id and reason) and field.
func asValidation(err error) (string, string, bool) {
	var ve *members.ValidationError
	if errors.As(err, &ve) {
		return ve.Error(), ve.Field, true
	}
	return "", "", false
}

// asTooLarge matches a request body above maxBody.
func asTooLarge(err error) (string, string, bool) {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return tl.Error(), "", true
	}
	return "", "", false
}

// asBadRequest matches a request the API could not decode.
func asBadRequest(err error) (string, string, bool) {
	var bad *badRequestError
	if errors.As(err, &bad) {
		return bad.msg, bad.field, true
	}
	return "", "", false
}

// statusClientClosed marks a request whose client went away (context.Canceled):
// nothing is written, as nobody is listening (nginx calls this 499).
const statusClientClosed = 499

// Public messages of the rules that never show the error's own text.
const (
	msgConflict    = "the resource already exists or was changed concurrently; re-read it and retry"
	msgUnavailable = "the request did not finish in time; retry later"
	msgInternal    = "internal server error"
)

// errorTable is the one place mapping errors to HTTP. The first rule that matches
// wins, so specific rules come before the ones they may wrap: ErrMFARequired wraps
// ErrPermissionDenied, *ValidationError unwraps to ErrInvalid, and a transaction
// given up because the request's context ended may also match ErrConflict, so the
// context rules come first. Conflicts and anything unmatched (a 500) show a fixed
// message that reveals nothing about internals; the real error is logged.
var errorTable = []errorRule{
	{http.StatusUnauthorized, "unauthenticated", is(errUnauthenticated)},
	{statusClientClosed, "canceled", fixed("client closed the request", context.Canceled)},
	{http.StatusServiceUnavailable, "unavailable", fixed(msgUnavailable, context.DeadlineExceeded)},
	{http.StatusRequestEntityTooLarge, "payload_too_large", asTooLarge},
	{http.StatusBadRequest, "bad_request", asBadRequest},
	{http.StatusBadRequest, "invalid", asValidation},
	{http.StatusForbidden, "mfa_required", is(members.ErrMFARequired)},
	{http.StatusForbidden, "permission_denied", is(members.ErrPermissionDenied)},
	{http.StatusNotFound, "not_found", is(members.ErrNotFound)},
	{http.StatusConflict, "conflict", fixed(msgConflict, members.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(members.ErrInvalid)},
}

// errorResponse turns err into a status and body using errorTable.
func errorResponse(err error) (int, errorBody) {
	for _, r := range errorTable {
		if msg, field, ok := r.match(err); ok {
			return r.status, errorBody{errorDetail{Code: r.code, Message: msg, Field: field}}
		}
	}
	return http.StatusInternalServerError, errorBody{errorDetail{Code: "internal", Message: msgInternal}}
}

// writeError writes err as a JSON error response. The full error is logged: at
// Error level for a 500, at Info otherwise (the response may show only a fixed
// message). A request whose client went away gets no response at all.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorResponse(err)
	attrs := []any{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("err", err)}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", attrs...)
	} else {
		s.log.InfoContext(r.Context(), "request failed", attrs...)
	}
	if status == statusClientClosed {
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="resellerkit-portal"`)
	}
	writeJSON(w, status, body)
}
