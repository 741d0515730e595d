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

// decodeJSON reads exactly one JSON document from the body into dst, rejecting unknown
// fields, trailing data and bodies above maxBody.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
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
			return &badRequestError{msg: fmt.Sprintf("request body larger than %d bytes", maxErr.Limit)}
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
// body leaves dst unchanged.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(w, r, dst)
}
