package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBody caps request bodies; the API's documents are small.
const maxBody = 1 << 20

// writeJSON writes v as the JSON response body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing useful to do
}

// badRequestError is a malformed request (not JSON, unknown field, wrong type). It
// maps to 400 "bad_request".
type badRequestError struct {
	field string
	msg   string
}

func (e *badRequestError) Error() string { return e.msg }

// tooLargeError is a request body above maxBody. It maps to 413 "payload_too_large".
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("request body larger than %d bytes", e.limit)
}

// decodeJSON reads exactly one JSON document from the body into dst, rejecting unknown
// fields, trailing data and bodies above maxBody.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, false)
}

// decodeBody is decodeJSON; when optional, a body with no JSON document at all
// (empty, whatever its Content-Length or transfer encoding) leaves dst unchanged.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if optional && err == io.EOF { // nothing at all; a truncated document is io.ErrUnexpectedEOF
			return nil
		}
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		var maxErr *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return &badRequestError{msg: "request body must be a JSON object"}
		case errors.As(err, &typeErr):
			return &badRequestError{field: typeErr.Field, msg: fmt.Sprintf("field %q must be a JSON %s", typeErr.Field, typeErr.Type)}
		case errors.As(err, &syntaxErr):
			return &badRequestError{msg: fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)}
		case errors.As(err, &maxErr):
			return &tooLargeError{limit: maxErr.Limit}
		default:
			// encoding/json reports unknown fields as `json: unknown field "x"`.
			return &badRequestError{msg: "invalid JSON body: " + err.Error()}
		}
	}
	if dec.More() {
		return &badRequestError{msg: "request body must hold a single JSON document"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequestError{msg: "request body must hold a single JSON document"}
	}
	return nil
}

// decodeOptionalJSON is decodeJSON for endpoints whose body may be omitted: an empty
// body, including an empty chunked one (Content-Length unknown), leaves dst
// unchanged.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeBody(w, r, dst, true)
}
