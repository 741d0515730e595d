package billing

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
)

// MaxConfigSize is the largest configuration document DecodeConfig and DecodePlans
// read: 10 MiB, far above any real configuration, so that a wrong file (a cost file
// given as -config) fails fast instead of filling memory.
const MaxConfigSize = 10 << 20

// ConfigError locates one problem of a configuration document: the line and column
// (1-based, counted in bytes, after any UTF-8 byte order mark) of the offending key or
// value, or of the nearest enclosing value present when the problem is a missing
// field. Err is a *resellerkit.ValidationError wrapping ErrInvalid whose Field is the
// JSON path ("projects[0].pricing_rules[1].percent"), or, for text that is not JSON,
// an error wrapping both ErrInvalid and the *json.SyntaxError.
type ConfigError struct {
	Line   int
	Column int
	Err    error
}

// Error returns "LINE:COLUMN: problem", to be prefixed with the file name.
func (e *ConfigError) Error() string { return fmt.Sprintf("%d:%d: %v", e.Line, e.Column, e.Err) }

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// DecodeConfig reads a configuration document (JSON, at most MaxConfigSize bytes, an
// optional UTF-8 byte order mark first) and returns it validated. Every problem is
// reported, as the errors.Join of one *ConfigError per problem in document order:
// first the values that do not decode (each typed setting checks itself: an unknown
// scope, a percent with 3 decimals, a month before 2000, a key that is no field, a
// key given twice, a number where text belongs), and when there are none, the
// problems Config.Validate finds. A document over the size limit, or a read error,
// is reported as such.
func DecodeConfig(r io.Reader) (*Config, error) {
	var cfg Config
	if err := decodeDocument(r, &cfg, cfg.Validate); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// decodeDocument decodes the JSON document of r into v (a pointer), then runs
// validate; see DecodeConfig.
func decodeDocument(r io.Reader, v any, validate func() error) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxConfigSize+1))
	if err != nil {
		return err
	}
	if len(data) > MaxConfigSize {
		return fmt.Errorf("%w: the document is larger than %d MiB", ErrInvalid, MaxConfigSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !json.Valid(data) {
		var syn *json.SyntaxError
		if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &syn) {
			// Offset is just past the offending byte: point at the byte.
			return locate(data, syn.Offset-1, fmt.Errorf("%w: %w", ErrInvalid, syn))
		}
		return locate(data, 0, fmt.Errorf("%w: not a JSON document", ErrInvalid))
	}
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, paths: map[string]int64{}}
	w.dec.UseNumber()
	w.value(reflect.TypeOf(v).Elem(), "", "")
	if len(w.problems) > 0 {
		errs := make([]error, len(w.problems))
		for i, p := range w.problems {
			errs[i] = locate(data, p.off, p.err)
		}
		return errors.Join(errs...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // the walk found none; this is a safety net
	if err := dec.Decode(v); err != nil {
		return locate(data, 0, fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	err = validate()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for i, e := range errs {
		off := w.paths[""] // the document, when no field of the path is present
		var ve *resellerkit.ValidationError
		if errors.As(e, &ve) {
			for p := ve.Field; p != ""; p = parentPath(p) {
				if o, ok := w.paths[p]; ok {
					off = o
					break
				}
			}
		}
		errs[i] = locate(data, off, e)
	}
	return errors.Join(errs...)
}

// locate returns err as a *ConfigError at byte offset off of data.
func locate(data []byte, off int64, err error) *ConfigError {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	return &ConfigError{Line: 1 + bytes.Count(before, []byte("\n")), Column: len(before) - bytes.LastIndexByte(before, '\n'), Err: err}
}

// parentPath returns the path of the value enclosing path ("a.b[2]" → "a.b" → "a" → "").
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// walker reads a valid JSON document token by token alongside the Go type it decodes
// into, and finds every key that is no field of its object, every key given twice
// and every value its field's type refuses, by decoding that value alone into that
// type (so each type's own UnmarshalJSON or UnmarshalText decides). It records the
// offset of every value by JSON path. The document was checked to be valid JSON
// first, so the decoder's token errors cannot happen and are not checked.
type walker struct {
	dec      *json.Decoder
	data     []byte
	paths    map[string]int64
	problems []problem
}

type problem struct {
	off int64
	err error
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// start returns the offset of the next token, past white space and separators.
func (w *walker) start() int64 {
	off := w.dec.InputOffset()
	for off < int64(len(w.data)) && strings.IndexByte(" \t\r\n:,", w.data[off]) >= 0 {
		off++
	}
	return off
}

// value walks the value at the decoder's position, to be decoded into type t at path;
// rule is the DOMAIN.md rule of the field (from its rule tag, or its parent's).
func (w *walker) value(t reflect.Type, path, rule string) {
	off := w.start()
	w.paths[path] = off
	tok, err := w.dec.Token()
	if err != nil {
		return // the document is valid JSON: cannot happen
	}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	custom := reflect.PointerTo(base).Implements(jsonUnmarshaler) || reflect.PointerTo(base).Implements(textUnmarshaler)
	switch {
	case !custom && tok == json.Delim('{') && base.Kind() == reflect.Struct:
		w.object(base, path, rule)
	case !custom && tok == json.Delim('{') && base.Kind() == reflect.Map:
		w.mapping(base, path, rule)
	case !custom && tok == json.Delim('[') && (base.Kind() == reflect.Slice || base.Kind() == reflect.Array):
		for i := 0; w.dec.More(); i++ {
			w.value(base.Elem(), path+"["+strconv.Itoa(i)+"]", rule)
		}
		_, _ = w.dec.Token() // ']'
	default:
		w.skip(tok)
		raw := w.data[off:w.dec.InputOffset()]
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			value := string(raw)
			_ = json.Unmarshal(raw, &value) // a JSON string: its text
			w.problems = append(w.problems, problem{off, invalidValue(err, value, path, rule)})
		}
	}
}

// object walks the members of an object decoded into struct type t.
func (w *walker) object(t reflect.Type, path, rule string) {
	seen := map[string]bool{}
	for w.dec.More() {
		off := w.start()
		tok, _ := w.dec.Token()
		key, _ := tok.(string)
		kp := join(path, key)
		f, ok := field(t, key)
		switch {
		case !ok:
			w.problems = append(w.problems, problem{off, resellerkit.Invalid(ErrInvalid, kp, "", "",
				fmt.Sprintf("unknown field %q; the fields here are %s", resellerkit.Truncate(key), strings.Join(fieldNames(t), ", ")))})
			w.value(reflect.TypeFor[json.RawMessage](), kp, rule)
			continue
		case seen[key]:
			w.problems = append(w.problems, problem{off, resellerkit.Invalid(ErrInvalid, kp, "", "", "field given twice")})
		}
		seen[key] = true
		fr := rule
		if r := f.Tag.Get("rule"); r != "" {
			fr = r
		}
		w.value(f.Type, kp, fr)
	}
	_, _ = w.dec.Token() // '}'
}

// mapping walks the members of an object decoded into map type t; keys whose type
// decodes text are checked with it.
func (w *walker) mapping(t reflect.Type, path, rule string) {
	for w.dec.More() {
		off := w.start()
		tok, _ := w.dec.Token()
		key, _ := tok.(string)
		kp := join(path, key)
		if reflect.PointerTo(t.Key()).Implements(textUnmarshaler) {
			if err := reflect.New(t.Key()).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
				w.problems = append(w.problems, problem{off, invalidValue(err, key, kp, rule)})
			}
		}
		w.value(t.Elem(), kp, rule)
	}
	_, _ = w.dec.Token() // '}'
}

// skip consumes the rest of a value whose first token was tok.
func (w *walker) skip(tok json.Token) {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return
	}
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// invalidValue returns the *resellerkit.ValidationError for a value at path its type
// refused with err: the type's own ValidationError completed with the path and rule,
// or one whose reason is err.
func invalidValue(err error, value, path, rule string) error {
	var ve *resellerkit.ValidationError
	if errors.As(err, &ve) {
		out := *ve
		out.Field = path
		if out.Rule == "" {
			out.Rule = rule
		}
		return &out
	}
	return resellerkit.Invalid(ErrInvalid, path, value, rule, err.Error())
}

// join returns the path of member key of the object at path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// field returns the field of struct type t whose JSON name is exactly key.
func field(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && jsonName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames returns the JSON names of the fields of struct type t.
func fieldNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && jsonName(f) != "-" {
			names = append(names, jsonName(f))
		}
	}
	return names
}

// jsonName returns the name encoding/json gives field f.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
