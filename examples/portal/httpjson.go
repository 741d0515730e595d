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
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
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
// shape (400 bad_request naming the field at fault): no null or other value where an
// object is expected, no field dst does not have (names match exactly, not
// case-insensitively as encoding/json would), no field twice, every value of its
// field's JSON type, every string valid UTF-8 without lone UTF-16 surrogate escapes
// (encoding/json would silently turn both into U+FFFD), and nothing after the object.
// Then it decodes into dst.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	t := reflect.TypeOf(dst).Elem()
	exchangeOf(r).body = t
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
	if err := checkShape(body, t); err != nil {
		return err
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return badField("", "does not fit this endpoint") // checkShape accepted it: not expected
	}
	return nil
}

// checkShape checks that body holds exactly one JSON value of type t's shape.
func checkShape(body []byte, t reflect.Type) error {
	sc := &shapeChecker{dec: json.NewDecoder(bytes.NewReader(body)), body: body}
	sc.dec.UseNumber()
	if err := sc.value(t, ""); err != nil {
		return err
	}
	if _, err := sc.dec.Token(); !errors.Is(err, io.EOF) {
		return badField("", "must hold a single JSON document")
	}
	return nil
}

// shapeChecker walks the tokens of a JSON document alongside a Go type.
type shapeChecker struct {
	dec  *json.Decoder
	body []byte
	off  int64 // input offset after the previous token
}

// token returns the next token. A string token is checked in its raw form, which
// encoding/json has already repaired: it must be valid UTF-8 and hold no lone
// surrogate escape.
func (sc *shapeChecker) token(path string) (json.Token, error) {
	tok, err := sc.dec.Token()
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, badField("", fmt.Sprintf("is malformed JSON at byte %d", syn.Offset))
		}
		return nil, badField("", "is not complete JSON")
	}
	raw := sc.body[sc.off:sc.dec.InputOffset()]
	sc.off = sc.dec.InputOffset()
	if _, ok := tok.(string); ok {
		if !utf8.Valid(raw) {
			return nil, badField(path, "is not valid UTF-8")
		}
		if loneSurrogate(raw) {
			return nil, badField(path, `holds a lone UTF-16 surrogate escape (such as "\ud800"), which is no character`)
		}
	}
	return tok, nil
}

// value checks the next JSON value against t; path is its JSON path.
func (sc *shapeChecker) value(t reflect.Type, path string) error {
	tok, err := sc.token(path)
	if err != nil {
		return err
	}
	nullable := t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if tok == nil {
		if nullable {
			return nil // null: not set (a pointer) or empty (a list)
		}
		return badField(path, "must be "+jsonKind(t)+", not null")
	}
	delim, _ := tok.(json.Delim)
	switch t.Kind() {
	case reflect.Struct:
		if delim != '{' {
			return badField(path, "must be a JSON object")
		}
		return sc.object(t, path)
	case reflect.Slice:
		if delim != '[' {
			return badField(path, "must be a JSON array")
		}
		for i := 0; sc.dec.More(); i++ {
			if err := sc.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := sc.token(path) // ']'
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return badField(path, "must be a JSON string")
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return badField(path, "must be true or false")
		}
	case reflect.Int64:
		n, ok := tok.(json.Number)
		if _, err := strconv.ParseInt(string(n), 10, 64); !ok || err != nil {
			return badField(path, "must be a whole number")
		}
	default:
		panic(fmt.Sprintf("checkShape: unsupported field type %s", t)) // an input type of this package
	}
	return nil
}

// object checks the members of an object whose '{' was read against struct type t.
func (sc *shapeChecker) object(t reflect.Type, path string) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for sc.dec.More() {
		tok, err := sc.token(path)
		if err != nil {
			return err
		}
		name := tok.(string) // object keys are strings
		at := joinPath(path, resellerkit.Truncate(name))
		f, ok := fields[name]
		switch {
		case !ok:
			return badField(at, "is not a field of this request")
		case seen[name]:
			return badField(at, "is given twice")
		}
		seen[name] = true
		if err := sc.value(f, at); err != nil {
			return err
		}
	}
	_, err := sc.token(path) // '}'
	return err
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonKind names the JSON type of Go kind t for messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "a JSON object"
	case reflect.String:
		return "a JSON string"
	case reflect.Bool:
		return "true or false"
	default:
		return "a number"
	}
}

// fieldCache maps a struct type to its JSON field names and types.
var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON names of struct type t's fields (from their json tags)
// with their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "-" && name != "" {
			m[name] = f.Type
		}
	}
	fieldCache.Store(t, m)
	return m
}

// loneSurrogate reports whether raw, the source text of JSON tokens, holds a \u
// escape of a UTF-16 surrogate that is not a high surrogate followed by a low one.
func loneSurrogate(raw []byte) bool {
	inString := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(raw) && raw[i+1] == 'u':
			r := hex4(raw[i+2:])
			if !utf16.IsSurrogate(r) {
				i += 5
				continue
			}
			if r >= 0xdc00 || i+7 >= len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return true // a low surrogate first, or a high one not followed by an escape
			}
			if lo := hex4(raw[i+8:]); lo < 0xdc00 || lo > 0xdfff {
				return true
			}
			i += 11
		case c == '\\':
			i++ // skip the escaped character (it may be '"' or '\\')
		}
	}
	return false
}

// hex4 returns the value of the 4 hex digits b starts with, or -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}
