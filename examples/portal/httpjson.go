package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/strictjson"
)

// maxBody caps request bodies; the API's documents are small.
const maxBody = 1 << 20

// writeJSON answers status with v as the JSON body. v is encoded before anything
// is written, so an encoding failure is returned (and becomes a clean 500) instead
// of a 200 with half a body.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // a failed write is recorded by logRequests
	return nil
}

// noContent answers 204 with no body.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// badRequestError is a body that is not a JSON document of the expected shape. It
// maps to 400 "bad_request", with field the JSON path of the value at fault ("" for
// the body as a whole).
type badRequestError struct {
	field string
	msg   string
}

func (e *badRequestError) Error() string { return e.msg }

// badField returns the *badRequestError of the value at path: "<path> <reason>", or
// "request body <reason>" for the body itself.
func badField(path, reason string) *badRequestError {
	subject := "request body"
	if path != "" {
		subject = "field " + strconv.Quote(path)
	}
	return &badRequestError{field: path, msg: subject + " " + reason}
}

// tooLargeError is a request body above maxBody. It maps to 413 "payload_too_large".
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("request body larger than %d bytes", e.limit)
}

// mediaTypeError is a body sent with a Content-Type other than JSON. It maps to 415
// "unsupported_media_type".
type mediaTypeError struct{}

func (*mediaTypeError) Error() string {
	return `send the body as JSON, with "Content-Type: application/json" (charset, if given, utf-8)`
}

// checkMediaType accepts application/json with any parameters, of which charset, if
// present, must be utf-8 (JSON is UTF-8, RFC 8259).
func checkMediaType(contentType string) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return &mediaTypeError{}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &mediaTypeError{}
	}
	return nil
}

// decodeJSON reads the request body, which must be one JSON object of dst's shape,
// into dst. See decodeBody.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, false)
}

// decodeOptionalJSON is decodeJSON for endpoints whose body may be omitted: an empty
// body (whatever its Content-Length or transfer encoding, and whatever its
// Content-Type) leaves dst unchanged.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, true)
}

// decodeBody reads at most maxBody bytes (413 beyond) and, unless the body is empty
// and optional, requires a JSON Content-Type (415) and one JSON object of dst's
// shape, checked by strictjson (400 bad_request naming the field at fault): no null
// or other value where an object is expected, no field dst does not have (names
// match exactly, not case-insensitively as encoding/json would), no field twice,
// every value of its field's JSON type, every string valid UTF-8 without lone UTF-16
// surrogate escapes (encoding/json would silently turn both into U+FFFD), and
// nothing after the object. Then it decodes into dst.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	exchangeOf(r).body = reflect.TypeOf(dst).Elem()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return &tooLargeError{limit: maxErr.Limit}
	case err != nil:
		return fmt.Errorf("read request body: %w", err)
	case len(bytes.TrimSpace(body)) == 0 && optional:
		return nil
	case len(bytes.TrimSpace(body)) == 0:
		return badField("", "must be a JSON object")
	}
	if err := checkMediaType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	return bodyError(strictjson.Unmarshal(body, dst, strictjson.Options{FirstOnly: true}))
}

// checkShape checks that body holds exactly one JSON value of type t's shape.
func checkShape(body []byte, t reflect.Type) error {
	return bodyError(strictjson.Check(body, t, strictjson.Options{FirstOnly: true}))
}

// bodyError returns the *badRequestError of strictjson's error err, or nil.
func bodyError(err error) error {
	if err == nil {
		return nil
	}
	var p *strictjson.Problem
	if !errors.As(err, &p) {
		return badField("", "does not fit this endpoint") // strictjson accepted it: not expected
	}
	switch p.Kind {
	case strictjson.Syntax:
		return badField("", fmt.Sprintf("is malformed JSON at byte %d", p.Offset))
	case strictjson.Truncated:
		return badField("", "is not complete JSON")
	case strictjson.Trailing:
		return badField("", "must hold a single JSON document")
	case strictjson.UnknownField:
		return badField(p.Path, "is not a field of this request")
	case strictjson.DuplicateField:
		return badField(p.Path, "is given twice")
	}
	return badField(p.Path, p.Reason)
}

// jsonFields returns the JSON names of struct type t's fields.
func jsonFields(t reflect.Type) map[string]bool {
	m := map[string]bool{}
	for _, name := range strictjson.Fields(t) {
		m[name] = true
	}
	return m
}

// loneSurrogate reports whether raw, the source text of JSON tokens, holds a \u
// escape of a UTF-16 surrogate that is not a high surrogate followed by a low one.
func loneSurrogate(raw []byte) bool { return strictjson.HasLoneSurrogate(raw) }
