package strictjson

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
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// walker reads a document token by token alongside the Go type it decodes into.
// The syntax of the whole document is checked first with encoding/json's own
// scanner, so that a syntax problem is the one encoding/json reports, at the same
// place; the walk then stops where that problem is, and every problem it found is
// before it.
type walker struct {
	dec       *json.Decoder
	data      []byte
	allowNull bool
	first     bool
	syn       *json.SyntaxError // the document's syntax error, if any
	synOff    int64             // the offset it reports: its offending byte
	complete  bool              // the document's value has been read
	stopped   bool              // the walk can read no further
	problems  []*Problem
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
	anyType             = reflect.TypeFor[any]()
)

func newWalker(data []byte, opts Options) *walker {
	w := &walker{dec: newDecoder(data), data: data, allowNull: opts.AllowNull, first: opts.FirstOnly}
	if !json.Valid(data) {
		w.syn = syntaxError(data)
		w.synOff = max(w.syn.Offset-1, 0) // Offset is just past the offending byte
	}
	return w
}

func newDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // a number token keeps its text, whatever its size
	return dec
}

// syntaxError returns encoding/json's error for data, which is not valid JSON.
func syntaxError(data []byte) *json.SyntaxError {
	var syn *json.SyntaxError
	if errors.As(json.Unmarshal(data, new(json.RawMessage)), &syn) {
		return syn
	}
	return &json.SyntaxError{Offset: 0} // not reached: invalid JSON is a syntax error
}

// truncated reports whether data, which is not valid JSON, is a prefix of some JSON
// document: its first error moves when a space is added.
func truncated(data []byte) bool {
	var syn *json.SyntaxError
	err := json.Unmarshal(append(data[:len(data):len(data)], ' '), new(json.RawMessage))
	return errors.As(err, &syn) && syn.Offset > int64(len(data))
}

// document walks the whole document, to be decoded into t.
func (w *walker) document(t reflect.Type) {
	w.value(t, false, "", "")
	if w.done() {
		return
	}
	w.complete = true
	if _, off, ok := w.next(); ok { // valid JSON ends after its value: not reached
		w.report(&Problem{Position: Position{Offset: off}, Kind: Trailing, Reason: "more data follows the JSON value"})
	}
	if w.syn != nil && !w.stopped { // the walk did not reach the error: not reached
		w.stop(nil)
	}
}

// done reports whether the walk is over: the document can be read no further, or
// the first problem is all that is asked.
func (w *walker) done() bool { return w.stopped || (w.first && len(w.problems) > 0) }

// report records p unless only the first problem is asked and there is one; it
// returns p, or nil when it was not recorded.
func (w *walker) report(p *Problem) *Problem {
	if w.first && len(w.problems) > 0 {
		return nil
	}
	w.problems = append(w.problems, p)
	return p
}

// next returns the next token and the offset of its first byte; ok is false when
// the walk can read no further (the end of the document, or its syntax error).
func (w *walker) next() (tok json.Token, off int64, ok bool) {
	if w.stopped {
		return nil, 0, false
	}
	off = skipSpace(w.data, w.dec.InputOffset())
	tok, err := w.dec.Token()
	if err == nil && w.syn != nil && off >= w.synOff {
		err = w.syn // the decoder reads deeper nesting than encoding/json accepts
	}
	if err != nil {
		w.stop(err)
		return nil, off, false
	}
	return tok, off, true
}

// stop ends the walk on the decoder's error err (io.EOF at the end of the
// document), reporting the document's syntax error.
func (w *walker) stop(err error) {
	w.stopped = true
	if w.syn == nil {
		if w.complete && errors.Is(err, io.EOF) {
			return // the end of a valid document
		}
		// The decoder refused what encoding/json's scanner accepted: not reached.
		w.report(&Problem{Position: Position{Offset: w.dec.InputOffset()}, Kind: Syntax, Reason: fmt.Sprintf("malformed JSON: %v", err), Err: err})
		return
	}
	p := &Problem{Position: Position{Offset: w.synOff}, Kind: Syntax, Reason: "malformed JSON: " + w.syn.Error(), Err: w.syn}
	switch {
	case w.complete:
		p.Kind, p.Reason = Trailing, "more data follows the JSON value: "+w.syn.Error()
	case truncated(w.data):
		p.Kind, p.Reason = Truncated, "the document ends before its JSON value does"
	}
	w.report(p)
}

// skipSpace returns the offset of the next token at or after off, past white space
// and the separators the decoder reads with the next token.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off
}

// value walks the next value, to be decoded into t at path; quoted is a ",string"
// field's; rule is the rule tag in force.
func (w *walker) value(t reflect.Type, quoted bool, path, rule string) {
	tok, off, ok := w.next()
	if !ok {
		return
	}
	if s, isString := tok.(string); isString && !w.goodText(off, path, rule, s) {
		return
	}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	jsonU, textU := unmarshalers(base)
	if tok == nil {
		switch {
		case t.Kind() == reflect.Pointer, t.Kind() == reflect.Slice, t.Kind() == reflect.Map, t.Kind() == reflect.Interface:
		case jsonU:
			w.leaf(t, quoted, tok, off, path, rule) // its UnmarshalJSON decides
		case !w.allowNull:
			w.report(&Problem{Position: Position{Offset: off}, Kind: Null, Path: path, Value: "null", Rule: rule,
				Reason: "must be " + noun(t, quoted) + ", not null"})
		}
		return
	}
	delim, _ := tok.(json.Delim)
	switch k := base.Kind(); {
	case jsonU || textU || quoted:
		w.leaf(t, quoted, tok, off, path, rule)
	case delim == '{' && k == reflect.Struct:
		w.object(base, path, rule)
	case delim == '{' && k == reflect.Map && mapKey(base.Key()):
		w.mapping(base, path, rule)
	case delim == '{' && k == reflect.Interface && base.NumMethod() == 0:
		w.mapping(reflect.TypeFor[map[string]any](), path, rule)
	case delim == '[' && (k == reflect.Slice || k == reflect.Array || k == reflect.Interface && base.NumMethod() == 0):
		w.array(base, path, rule)
	default:
		w.leaf(t, quoted, tok, off, path, rule)
	}
}

// leaf checks a value that is not walked: a scalar, or any value of a type with
// its own Unmarshal method or of a ",string" field, by decoding it alone into t.
// An object or array given where the type takes neither is refused whole, its
// content unchecked.
func (w *walker) leaf(t reflect.Type, quoted bool, tok json.Token, off int64, path, rule string) {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	jsonU, textU := unmarshalers(base)
	if delim, ok := tok.(json.Delim); ok && !jsonU {
		// An object or array for a type that decodes neither: refused whole.
		sample := []byte("{}")
		if delim == '[' {
			sample = []byte("[]")
		}
		err := decodeAlone(t, quoted, sample)
		w.refuse(&Problem{Position: Position{Offset: off}, Kind: WrongType, Path: path, Rule: rule, Reason: mustBe(t, quoted, tok, err), Err: err}, tok)
		return
	}
	if !w.skip(tok, path, rule, false) {
		return // a problem inside: the type would get altered text
	}
	if _, isString := tok.(string); isString && base.Kind() == reflect.String && !jsonU && !textU && !quoted && base != numberType {
		return // a string for a string: nothing to check
	}
	err := decodeAlone(t, quoted, w.data[off:w.dec.InputOffset()])
	if err == nil {
		return
	}
	p := &Problem{Position: Position{Offset: off}, Kind: InvalidValue, Path: path, Value: w.text(tok, off), Rule: rule, Reason: err.Error(), Err: err}
	var ute *json.UnmarshalTypeError
	var ve *resellerkit.ValidationError
	switch {
	case errors.As(err, &ute) || quoted:
		p.Kind, p.Reason = WrongType, mustBe(t, quoted, tok, err)
	case errors.As(err, &ve):
		p.Reason = ve.Reason
		if ve.Rule != "" {
			p.Rule = ve.Rule
		}
	}
	w.report(p)
}

// decodeAlone decodes raw, one JSON value, into a new value of type t, as a
// ",string" field when quoted.
func decodeAlone(t reflect.Type, quoted bool, raw []byte) error {
	if !quoted {
		return json.Unmarshal(raw, reflect.New(t).Interface())
	}
	st := reflect.StructOf([]reflect.StructField{{Name: "V", Type: t, Tag: `json:"v,string"`}})
	doc := append(append([]byte(`{"v":`), raw...), '}')
	return json.Unmarshal(doc, reflect.New(st).Interface())
}

// refuse reports p, a problem with the value whose first token tok starts at
// p.Offset, and reads the rest of that value unchecked; its text is p.Value.
func (w *walker) refuse(p *Problem, tok json.Token) {
	p = w.report(p)
	w.skip(tok, "", "", true)
	if p != nil {
		p.Value = w.text(tok, p.Offset)
	}
}

// text returns the value whose first token tok starts at off and which ends at the
// decoder's offset, for Problem.Value: a string's text, other values' JSON.
func (w *walker) text(tok json.Token, off int64) string {
	if s, ok := tok.(string); ok {
		return resellerkit.Truncate(s)
	}
	return resellerkit.Truncate(strings.ToValidUTF8(string(w.data[off:w.dec.InputOffset()]), "\uFFFD"))
}

// skip reads the rest of the value whose first token was tok (nothing for a
// scalar). Unless quiet, its strings and keys are checked as text, reported at
// path. It returns whether the value was read whole with no problem found.
func (w *walker) skip(tok json.Token, path, rule string, quiet bool) bool {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return true
	}
	clean := true
	for depth := 1; depth > 0; {
		tok, off, ok := w.next()
		if !ok {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if s, isString := tok.(string); isString && !quiet && !w.goodText(off, path, rule, s) {
			clean = false
		}
	}
	return clean
}

// skipValue reads the next value without checking it.
func (w *walker) skipValue() {
	if tok, _, ok := w.next(); ok {
		w.skip(tok, "", "", true)
	}
}

// end reads the '}' or ']' that closes the current value, unless the walk is over.
func (w *walker) end() {
	if !w.done() {
		w.next()
	}
}

// goodText checks the string token s (a key or a value) that starts at off and
// ends at the decoder's offset: its text must be valid UTF-8 with no lone surrogate
// escape (the decoder turned both into U+FFFD in s). A problem is reported at path.
func (w *walker) goodText(off int64, path, rule, s string) bool {
	raw := w.data[off:w.dec.InputOffset()]
	p := &Problem{Position: Position{Offset: off}, Path: path, Value: resellerkit.Truncate(s), Rule: rule}
	switch {
	case !utf8.Valid(raw):
		p.Kind, p.Reason = InvalidUTF8, "is not valid UTF-8"
	case HasLoneSurrogate(raw):
		p.Kind, p.Reason = LoneSurrogate, `holds a lone UTF-16 surrogate escape (such as "\ud800"), which is no character`
	default:
		return true
	}
	w.report(p)
	return false
}

// members reads the members of an object whose '{' was read, at path, then its
// '}': for each key that is good text, it calls member with the key, its path and
// offset, and member reads the value. The value of another key is skipped.
func (w *walker) members(path, rule string, member func(key, kp string, off int64)) {
	for !w.done() && w.dec.More() {
		tok, off, ok := w.next()
		if !ok {
			return
		}
		key, _ := tok.(string) // the decoder returns only strings as keys
		if !w.goodText(off, path, rule, key) {
			w.skipValue()
			continue
		}
		member(key, join(path, key), off)
	}
	w.end()
}

// object walks the members of an object whose '{' was read, decoded into struct
// type t.
func (w *walker) object(t reflect.Type, path, rule string) {
	s := structOf(t)
	seen := map[string]bool{}
	w.members(path, rule, func(key, kp string, off int64) {
		f, known := s.byName[key]
		if !known {
			w.report(&Problem{Position: Position{Offset: off}, Kind: UnknownField, Path: kp, Value: resellerkit.Truncate(key), Rule: rule,
				Reason: fmt.Sprintf("unknown field %q; %s", resellerkit.Truncate(key), s.fieldList)})
			w.skipValue()
			return
		}
		fr := rule
		if f.rule != "" {
			fr = f.rule
		}
		if seen[key] {
			w.report(&Problem{Position: Position{Offset: off}, Kind: DuplicateField, Path: kp, Value: resellerkit.Truncate(key), Rule: fr,
				Reason: "field given twice"})
		}
		seen[key] = true
		w.value(f.typ, f.quoted, kp, fr)
	})
}

// mapping walks the members of an object whose '{' was read, decoded into map
// type t. Keys are checked as encoding/json decodes them: with the key type's
// UnmarshalText, or as whole numbers.
func (w *walker) mapping(t reflect.Type, path, rule string) {
	kt := t.Key()
	_, textKey := unmarshalers(kt)
	seen := map[string]bool{}
	w.members(path, rule, func(key, kp string, off int64) {
		p := &Problem{Position: Position{Offset: off}, Path: kp, Value: resellerkit.Truncate(key), Rule: rule}
		switch {
		case seen[key]:
			p.Kind, p.Reason = DuplicateField, "field given twice"
			w.report(p)
		case textKey:
			if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
				p.Kind, p.Reason, p.Err = InvalidValue, err.Error(), err
				var ve *resellerkit.ValidationError
				if errors.As(err, &ve) {
					p.Reason = ve.Reason
					if ve.Rule != "" {
						p.Rule = ve.Rule
					}
				}
				w.report(p)
			}
		case kt.Kind() != reflect.String && !fitsInt(kt, key):
			p.Kind, p.Err = WrongType, &json.UnmarshalTypeError{Value: "number " + key, Type: kt}
			p.Reason = "must be a key that is " + strings.TrimPrefix(mustBe(kt, false, json.Number(key), p.Err), "must be ")
			w.report(p)
		}
		seen[key] = true
		w.value(t.Elem(), false, kp, rule)
	})
}

// array walks the elements of an array whose '[' was read, decoded into slice,
// array or interface type t.
func (w *walker) array(t reflect.Type, path, rule string) {
	elem := anyType
	if t.Kind() != reflect.Interface {
		elem = t.Elem()
	}
	for i := 0; !w.done() && w.dec.More(); i++ {
		ip := index(path, i)
		if t.Kind() == reflect.Array && i >= t.Len() {
			if tok, off, ok := w.next(); ok {
				w.refuse(&Problem{Position: Position{Offset: off}, Kind: WrongType, Path: ip, Rule: rule,
					Reason: fmt.Sprintf("is past the end of the list, which holds %d", t.Len())}, tok)
			}
			continue
		}
		w.value(elem, false, ip, rule)
	}
	w.end()
}

// unmarshalers reports whether a pointer to t implements json.Unmarshaler and
// encoding.TextUnmarshaler.
func unmarshalers(t reflect.Type) (jsonU, textU bool) {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType), pt.Implements(textUnmarshalerType)
}

// mapKey reports whether encoding/json decodes objects into maps with keys of type
// kt.
func mapKey(kt reflect.Type) bool {
	if _, textU := unmarshalers(kt); textU {
		return true
	}
	switch kt.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// fitsInt reports whether key is a whole number of integer type kt, as
// encoding/json reads map keys.
func fitsInt(kt reflect.Type, key string) bool {
	switch kt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(key, 10, 64)
		return err == nil && !reflect.New(kt).Elem().OverflowInt(n)
	default:
		n, err := strconv.ParseUint(key, 10, 64)
		return err == nil && !reflect.New(kt).Elem().OverflowUint(n)
	}
}

// noun names the JSON a value of type t takes ("a JSON string"), or "" when its own
// UnmarshalJSON decides.
func noun(t reflect.Type, quoted bool) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	jsonU, textU := unmarshalers(t)
	switch {
	case quoted || textU && !jsonU:
		return "a JSON string"
	case jsonU:
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		if t == numberType {
			return "a number"
		}
		return "a JSON string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a JSON array or a base64 string"
		}
		return "a JSON array"
	case reflect.Array:
		return "a JSON array"
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "a JSON value"
		}
	}
	return ""
}

// mustBe returns the reason of a WrongType problem: what a value of type t takes,
// given the token tok and encoding/json's error err.
func mustBe(t reflect.Type, quoted bool, tok json.Token, err error) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if quoted {
		return "must be a JSON string holding " + strings.TrimPrefix(mustBe(t, false, nil, err), "must be ")
	}
	if jsonU, textU := unmarshalers(t); !jsonU && !textU {
		_, isNumber := tok.(json.Number)
		switch k := t.Kind(); k {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if t.Bits() < 64 {
				return fmt.Sprintf("must be a whole number from %d to %d", -1<<(t.Bits()-1), 1<<(t.Bits()-1)-1)
			}
			return "must be a whole number"
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return fmt.Sprintf("must be a whole number from 0 to %d", uint64(1)<<(t.Bits()-1)*2-1)
		case reflect.Float32, reflect.Float64:
			if isNumber {
				return fmt.Sprintf("must be a number that fits a float%d", t.Bits())
			}
		case reflect.Interface:
			if isNumber { // decoded as a float64
				return "must be a number that fits a float64"
			}
		}
	}
	if n := noun(t, false); n != "" {
		return "must be " + n
	}
	if err != nil {
		return err.Error()
	}
	return "is of the wrong type"
}

// join returns the path of member key of the object at path.
func join(path, key string) string {
	key = resellerkit.Truncate(key)
	if path == "" {
		return key
	}
	return path + "." + key
}

// index returns the path of element i of the array at path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// parent returns the path of the value enclosing path ("a.b[2]" → "a.b" → "a" → "").
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}
