package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
)

// Options tune Check and Unmarshal. The zero value is the strictest.
type Options struct {
	// AllowNull accepts null for every value, as encoding/json does (it leaves the
	// value as it was). Without it, null is accepted only where the Go type can hold
	// nothing: a pointer, slice, map or interface, or a type whose own UnmarshalJSON
	// accepts null.
	AllowNull bool
	// FirstOnly stops the walk at the first problem in document order, so that an
	// *Error holds one.
	FirstOnly bool
}

// Kind classifies a Problem.
type Kind uint8

// The kinds of problem, in no particular order.
const (
	// Syntax: the document is not JSON (Err is the *json.SyntaxError).
	Syntax Kind = iota + 1
	// Truncated: the document ends before its value does, or holds none (Err is the
	// *json.SyntaxError).
	Truncated
	// Trailing: something follows the document's one value (Err is the
	// *json.SyntaxError).
	Trailing
	// InvalidUTF8: a string or key that is not valid UTF-8 (encoding/json would
	// silently turn the bad bytes into U+FFFD).
	InvalidUTF8
	// LoneSurrogate: a string or key holding a \u escape of a UTF-16 surrogate that
	// is not half of a pair, such as "\ud800" (encoding/json would silently turn it
	// into U+FFFD).
	LoneSurrogate
	// UnknownField: a key that is no field of the struct (names match exactly, where
	// encoding/json would accept any case, or drop the value).
	UnknownField
	// DuplicateField: a key given twice in one object (encoding/json would keep the
	// last).
	DuplicateField
	// Null: null where the Go type holds no "nothing" and Options.AllowNull is off.
	Null
	// WrongType: a value of another JSON type than the Go type takes (a number for a
	// string, an object for a list), or a number it cannot hold (1.5 or 1e30 for an
	// int64), or an element past the end of a Go array. Err is encoding/json's
	// error for the value, if any.
	WrongType
	// InvalidValue: a value (or map key) the type's own UnmarshalJSON or
	// UnmarshalText refused, or that encoding/json refused otherwise (bad base64 for
	// a []byte). Err is that error.
	InvalidValue
)

var kindNames = [...]string{
	Syntax:         "syntax",
	Truncated:      "truncated",
	Trailing:       "trailing",
	InvalidUTF8:    "invalid_utf8",
	LoneSurrogate:  "lone_surrogate",
	UnknownField:   "unknown_field",
	DuplicateField: "duplicate_field",
	Null:           "null",
	WrongType:      "wrong_type",
	InvalidValue:   "invalid_value",
}

// String returns the kind's name in snake case ("unknown_field").
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Position locates a byte of a document.
type Position struct {
	Offset int64 // 0-based byte offset
	Line   int   // 1-based line
	Column int   // 1-based column, counted in bytes
}

// Problem is one thing wrong with a document, at the first byte of the key or value
// at fault (for the syntax kinds, the first byte that cannot be read as JSON, or the
// last byte of a truncated document).
type Problem struct {
	Position
	Kind Kind
	// Path is the JSON path of the value at fault, "projects[0].pricing_rules[1].percent",
	// with each key cut by resellerkit.Truncate; "" is the document itself. For a key
	// that is not valid UTF-8 or holds a lone surrogate it is the path of the object.
	Path string
	// Value is the offending key or value as written (a string's text, other
	// values' JSON), valid UTF-8 and cut by resellerkit.Truncate; "" for the syntax
	// kinds.
	Value string
	// Rule is the rule struct tag (`rule:"B-5"`) of the field holding the value, or
	// of the nearest enclosing field that has one. A *resellerkit.ValidationError
	// from the value's own Unmarshal method with a Rule of its own overrides it.
	Rule string
	// Reason says what is wrong, "must be a JSON string"; for InvalidValue, the
	// Reason of the type's *resellerkit.ValidationError or the text of its error.
	Reason string
	// Err is the underlying error, or nil: see each Kind.
	Err error
}

// Error returns "LINE:COLUMN: PATH: REASON", without PATH for the document itself.
func (p *Problem) Error() string {
	if p.Path == "" {
		return fmt.Sprintf("%d:%d: %s", p.Line, p.Column, p.Reason)
	}
	return fmt.Sprintf("%d:%d: %s: %s", p.Line, p.Column, p.Path, p.Reason)
}

// Unwrap returns Err.
func (p *Problem) Unwrap() error { return p.Err }

// Error is the error of a document with problems: every problem, in increasing
// offset order (only the first with Options.FirstOnly). It holds at least one.
type Error struct {
	Problems []*Problem
}

// Error returns the first problem's message, with the count of the others.
func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return "strictjson: no problems"
	}
	msg := e.Problems[0].Error()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return msg
}

// Unwrap returns the problems, so that errors.As finds the first *Problem.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Check walks the JSON document data alongside type t, as Unmarshal does, without
// decoding it. It returns nil or an *Error.
func Check(data []byte, t reflect.Type, opts Options) error {
	if t == nil {
		return &json.InvalidUnmarshalError{}
	}
	w := newWalker(data, opts)
	w.document(t)
	if len(w.problems) == 0 {
		return nil
	}
	positions(data, w.problems)
	return &Error{Problems: w.problems}
}

// Unmarshal checks the JSON document data against the type v points to (see the
// package documentation) and, when it has no problem, decodes it into v with
// encoding/json. The error is an *Error listing the problems, or, should
// encoding/json refuse a document the walk accepted (a case the walk does not
// model, such as a field promoted through a nil embedded pointer to an unexported
// struct), encoding/json's error wrapped; v is then partly decoded, as
// json.Unmarshal leaves it.
func Unmarshal(data []byte, v any, opts Options) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	if err := Check(data, rv.Type().Elem(), opts); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // the walk found none: a safety net
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("strictjson: encoding/json refused a document the walk accepted: %w", err)
	}
	return nil
}

// Index maps the JSON paths of a document's values to their positions, so that the
// problems a later validation finds ("projects[1].accounts[0]") can be shown at
// their line and column. Build one with NewIndex.
type Index struct {
	data    []byte
	offsets map[string]int64
}

// NewIndex reads the JSON document data (usually one Unmarshal accepted) and
// records where each value starts, under the path a Problem would give it. Of a
// key given twice the first counts; a document that is not JSON is indexed up to
// its first error.
func NewIndex(data []byte) *Index {
	ix := &Index{data: data, offsets: map[string]int64{}}
	dec := newDecoder(data)
	type frame struct {
		path   string
		object bool
		key    *string // the key read, whose value comes next
		n      int     // elements of an array so far
	}
	var stack []frame
	for {
		off := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return ix
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			continue
		}
		path := ""
		if n := len(stack); n > 0 {
			f := &stack[n-1]
			switch {
			case f.object && f.key == nil:
				key, _ := tok.(string)
				f.key = &key
				continue
			case f.object:
				path, f.key = join(f.path, *f.key), nil
			default:
				path = index(f.path, f.n)
				f.n++
			}
		}
		if _, seen := ix.offsets[path]; !seen {
			ix.offsets[path] = off
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{path: path, object: d == '{'})
		}
	}
}

// Locate returns the position of the value at path or, when the document has no
// such value (a field left out), of the nearest enclosing value it has: for
// "a.b[2].c", "a.b[2]", then "a.b", "a", and the document ("").
func (ix *Index) Locate(path string) Position {
	for {
		if off, ok := ix.offsets[path]; ok {
			return position(ix.data, off)
		}
		if path == "" {
			return position(ix.data, 0)
		}
		path = parent(path)
	}
}

// positions sets the line and column of problems, sorted by offset, in one pass.
func positions(data []byte, problems []*Problem) {
	if !sort.SliceIsSorted(problems, func(i, j int) bool { return problems[i].Offset < problems[j].Offset }) {
		for _, p := range problems {
			p.Position = position(data, p.Offset)
		}
		return
	}
	line, lineStart, from := 1, int64(0), int64(0)
	for _, p := range problems {
		off := min(max(p.Offset, 0), int64(len(data)))
		for i := from; i < off; i++ {
			if data[i] == '\n' {
				line, lineStart = line+1, i+1
			}
		}
		from = off
		p.Position = Position{Offset: off, Line: line, Column: int(off-lineStart) + 1}
	}
}

// position returns the position of byte offset off of data.
func position(data []byte, off int64) Position {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	return Position{Offset: off, Line: 1 + bytes.Count(before, []byte("\n")), Column: len(before) - bytes.LastIndexByte(before, '\n')}
}
