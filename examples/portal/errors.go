package main

import (
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

// is matches errors wrapping target; the message is the error's text.
func is(target error) func(error) (string, string, bool) {
	return func(err error) (string, string, bool) { return err.Error(), "", errors.Is(err, target) }
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

// asBadRequest matches a request the API could not decode.
func asBadRequest(err error) (string, string, bool) {
	var bad *badRequestError
	if errors.As(err, &bad) {
		return bad.msg, bad.field, true
	}
	return "", "", false
}

// errorTable is the one place mapping errors to HTTP. The first rule that matches
// wins, so specific rules come before the ones they may wrap: ErrMFARequired wraps
// ErrPermissionDenied, *ValidationError unwraps to ErrInvalid. Anything unmatched is
// a 500 whose message reveals nothing about internals (the real error is logged).
var errorTable = []errorRule{
	{http.StatusUnauthorized, "unauthenticated", is(errUnauthenticated)},
	{http.StatusBadRequest, "bad_request", asBadRequest},
	{http.StatusBadRequest, "invalid", asValidation},
	{http.StatusForbidden, "mfa_required", is(members.ErrMFARequired)},
	{http.StatusForbidden, "permission_denied", is(members.ErrPermissionDenied)},
	{http.StatusNotFound, "not_found", is(members.ErrNotFound)},
	{http.StatusConflict, "conflict", is(members.ErrConflict)},
	{http.StatusBadRequest, "invalid", is(members.ErrInvalid)},
}

// errorResponse turns err into a status and body using errorTable.
func errorResponse(err error) (int, errorBody) {
	for _, r := range errorTable {
		if msg, field, ok := r.match(err); ok {
			return r.status, errorBody{errorDetail{Code: r.code, Message: msg, Field: field}}
		}
	}
	return http.StatusInternalServerError, errorBody{errorDetail{Code: "internal", Message: "internal server error"}}
}

// writeError writes err as a JSON error response, logging it when it is a 500.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorResponse(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="resellerkit-portal"`)
	}
	writeJSON(w, status, body)
}
