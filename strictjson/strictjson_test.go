package strictjson_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/strictjson"
)

var errTest = errors.New("test: invalid input")

// level is an enumeration that validates when decoded, as the domain types do.
type level string

func (l *level) UnmarshalText(b []byte) error {
	switch s := string(b); s {
	case "low", "high":
		*l = level(s)
		return nil
	default:
		return resellerkit.Invalid(errTest, "", s, "", "want low or high")
	}
}

// amount takes a decimal as a JSON string or number; a negative one breaks rule
// A-1, which its own error names.
type amount struct{ text string }

func (a *amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := strings.Trim(string(b), `"`)
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("%q is not a decimal", s)
	}
	if strings.HasPrefix(s, "-") {
		return resellerkit.Invalid(errTest, "", s, "A-1", "must not be negative")
	}
	a.text = s
	return nil
}

// month is a map key that validates when decoded.
type month string

func (m *month) UnmarshalText(b []byte) error {
	if len(b) != 7 || b[4] != '-' {
		return errors.New("want YYYY-MM")
	}
	*m = month(b)
	return nil
}

type Meta struct {
	ID   string `json:"id"`
	Note string `json:"note" rule:"T-9"`
}

type limits struct {
	Max   int8   `json:"max"`
	Count uint16 `json:"count,string"`
}

type config struct {
	Meta
	Name    string            `json:"name" rule:"T-1"`
	Level   level             `json:"level" rule:"T-2"`
	Price   amount            `json:"price"`
	Tags    []string          `json:"tags"`
	Limits  *limits           `json:"limits" rule:"T-3"`
	Rates   map[month]float64 `json:"rates" rule:"T-4"`
	Counts  map[int]string    `json:"counts"`
	Extra   any               `json:"extra"`
	Pair    [2]int            `json:"pair"`
	Blob    []byte            `json:"blob"`
	On      bool              `json:"on"`
	Raw     json.RawMessage   `json:"raw"`
	Ignored string            `json:"-"`
	Plain   string
}

const validConfig = `{"id": "c-1", "note": "n", "name": "Web", "level": "low", "price": "12.5",
 "tags": ["a", "日本\u8a9e", "\ud83d\ude00", "\\ud800"], "limits": {"max": -128, "count": "65535"},
 "rates": {"2026-01": 151.37}, "counts": {"-1": "x", "7": "y"},
 "extra": {"a": [1, "b", null, true, {"c": {}}], "d": 1e300}, "pair": [1, 2], "blob": "AQID",
 "on": true, "raw": {"any": ["thing"]}, "Plain": "p"}`

// problems checks doc against config and returns its problems (none: nil).
func problems(t *testing.T, doc string, opts strictjson.Options) []*strictjson.Problem {
	t.Helper()
	err := strictjson.Check([]byte(doc), reflect.TypeFor[config](), opts)
	if err == nil {
		return nil
	}
	var e *strictjson.Error
	require.ErrorAs(t, err, &e)
	require.NotEmpty(t, e.Problems)
	return e.Problems
}

// TestUnmarshal_ValidDocumentDecodesAsEncodingJSON: a document of the type's shape
// is accepted and decoded exactly as encoding/json decodes it: promoted fields,
// untagged fields by their Go name, custom types, maps with typed keys, surrogate
// pairs and an escaped backslash, base64, raw messages, any.
func TestUnmarshal_ValidDocumentDecodesAsEncodingJSON(t *testing.T) {
	var got, want config
	require.NoError(t, strictjson.Unmarshal([]byte(validConfig), &got, strictjson.Options{}))
	require.NoError(t, json.Unmarshal([]byte(validConfig), &want))
	assert.Equal(t, want, got)
	assert.Equal(t, "c-1", got.ID)
	assert.Equal(t, "p", got.Plain)
	assert.Equal(t, []string{"a", "日本語", "😀", `\ud800`}, got.Tags)
	assert.Equal(t, uint16(65535), got.Limits.Count)
	assert.Equal(t, []byte{1, 2, 3}, got.Blob)
	assert.Equal(t, map[month]float64{"2026-01": 151.37}, got.Rates)
}

// TestCheck_Problems: each problem of a document, with its kind, path, position
// (the first byte of the text `at` names), rule, reason and value.
func TestCheck_Problems(t *testing.T) {
	type want struct {
		kind         strictjson.Kind
		path, at     string
		rule, reason string
		value        string
	}
	for _, tc := range []struct {
		name  string
		doc   string
		opts  strictjson.Options
		wants []want
	}{
		{"unknown field: names match exactly", `{"Name": "x"}`, strictjson.Options{}, []want{{strictjson.UnknownField, "Name", `"Name"`, "",
			`unknown field "Name"; the fields here are id, note, name, level, price, tags, limits, rates, counts, extra, pair, blob, on, raw, Plain`, "Name"}}},
		{"unknown field: a json:\"-\" field", `{"Ignored": "x"}`, strictjson.Options{}, []want{{strictjson.UnknownField, "Ignored", `"Ignored"`, "", `unknown field "Ignored"`, "Ignored"}}},
		{"unknown nested field takes the rule in force", `{"limits": {"min": 1}}`, strictjson.Options{}, []want{{strictjson.UnknownField, "limits.min", `"min"`, "T-3", `unknown field "min"; the fields here are max, count`, "min"}}},
		{"a field twice", `{"name": "a", "name": "b"}`, strictjson.Options{}, []want{{strictjson.DuplicateField, "name", `"name": "b"`, "T-1", "field given twice", "name"}}},
		{"a map key twice", `{"counts": {"1": "a", "1": "b"}}`, strictjson.Options{}, []want{{strictjson.DuplicateField, "counts.1", `"1": "b"`, "", "field given twice", "1"}}},
		{"a key twice in any", `{"extra": [{"k": 1, "k": 2}]}`, strictjson.Options{}, []want{{strictjson.DuplicateField, "extra[0].k", `"k": 2`, "", "field given twice", "k"}}},
		{"a number for a string", `{"name": 1}`, strictjson.Options{}, []want{{strictjson.WrongType, "name", `1`, "T-1", "must be a JSON string", "1"}}},
		{"a string for a list", `{"tags": "a"}`, strictjson.Options{}, []want{{strictjson.WrongType, "tags", `"a"`, "", "must be a JSON array", "a"}}},
		{"a list for an object, refused whole", `{"limits": [1, {"max": "x"}]}`, strictjson.Options{}, []want{{strictjson.WrongType, "limits", `[`, "T-3", "must be a JSON object", `[1, {"max": "x"}]`}}},
		{"a string for a flag", `{"on": "yes"}`, strictjson.Options{}, []want{{strictjson.WrongType, "on", `"yes"`, "", "must be true or false", "yes"}}},
		{"a number beyond int8", `{"limits": {"max": 128}}`, strictjson.Options{}, []want{{strictjson.WrongType, "limits.max", `128`, "T-3", "must be a whole number from -128 to 127", "128"}}},
		{"a fraction for an int", `{"limits": {"max": 1.5}}`, strictjson.Options{}, []want{{strictjson.WrongType, "limits.max", `1.5`, "T-3", "must be a whole number from -128 to 127", "1.5"}}},
		{"a number for a ,string field", `{"limits": {"count": 5}}`, strictjson.Options{}, []want{{strictjson.WrongType, "limits.count", `5`, "T-3", "must be a JSON string holding a whole number from 0 to 65535", "5"}}},
		{"a ,string field out of range", `{"limits": {"count": "65536"}}`, strictjson.Options{}, []want{{strictjson.WrongType, "limits.count", `"65536"`, "T-3", "must be a JSON string holding a whole number", "65536"}}},
		{"a map key that is no int", `{"counts": {"x": "a"}}`, strictjson.Options{}, []want{{strictjson.WrongType, "counts.x", `"x"`, "", "must be a key that is a whole number", "x"}}},
		{"an element past a Go array", `{"pair": [1, 2, [3]]}`, strictjson.Options{}, []want{{strictjson.WrongType, "pair[2]", `[3]`, "", "is past the end of the list, which holds 2", "[3]"}}},
		{"a number beyond float64 in any", `{"extra": {"n": 1e400}}`, strictjson.Options{}, []want{{strictjson.WrongType, "extra.n", `1e400`, "", "must be a number that fits a float64", "1e400"}}},
		{"an object for a text type", `{"level": {}}`, strictjson.Options{}, []want{{strictjson.WrongType, "level", `{}`, "T-2", "must be a JSON string", "{}"}}},
		{"a value its UnmarshalText refuses", `{"level": "mid"}`, strictjson.Options{}, []want{{strictjson.InvalidValue, "level", `"mid"`, "T-2", "want low or high", "mid"}}},
		{"its own rule wins", `{"price": -3}`, strictjson.Options{}, []want{{strictjson.InvalidValue, "price", `-3`, "A-1", "must not be negative", "-3"}}},
		{"a value its UnmarshalJSON refuses", `{"price": "3%"}`, strictjson.Options{}, []want{{strictjson.InvalidValue, "price", `"3%"`, "", `"3%" is not a decimal`, "3%"}}},
		{"a map key its UnmarshalText refuses", `{"rates": {"2026-1": 1}}`, strictjson.Options{}, []want{{strictjson.InvalidValue, "rates.2026-1", `"2026-1"`, "T-4", "want YYYY-MM", "2026-1"}}},
		{"bad base64", `{"blob": "!!"}`, strictjson.Options{}, []want{{strictjson.InvalidValue, "blob", `"!!"`, "", "illegal base64 data", "!!"}}},
		{"null for a string", `{"name": null}`, strictjson.Options{}, []want{{strictjson.Null, "name", `null`, "T-1", "must be a JSON string, not null", "null"}}},
		{"null for a text type", `{"level": null}`, strictjson.Options{}, []want{{strictjson.Null, "level", `null`, "T-2", "must be a JSON string, not null", "null"}}},
		{"null for an int in a list", `{"pair": [null]}`, strictjson.Options{}, []want{{strictjson.Null, "pair[0]", `null`, "", "must be a number, not null", "null"}}},
		{"null for the document", `null`, strictjson.Options{}, []want{{strictjson.Null, "", `null`, "", "must be a JSON object, not null", "null"}}},
		{"null where the type holds nothing", `{"limits": null, "tags": null, "rates": null, "extra": null, "raw": null, "price": null}`, strictjson.Options{}, nil},
		{"null anywhere when allowed", `{"name": null, "level": null, "on": null, "pair": [null]}`, strictjson.Options{AllowNull: true}, nil},
		{"invalid UTF-8", "{\"name\": \"a\xffb\"}", strictjson.Options{}, []want{{strictjson.InvalidUTF8, "name", `"a`, "T-1", "is not valid UTF-8", "a\uFFFDb"}}},
		{"invalid UTF-8 in a key: the object's path", "{\"limits\": {\"m\xe3\x81\": 1}}", strictjson.Options{}, []want{{strictjson.InvalidUTF8, "limits", `"m`, "T-3", "is not valid UTF-8", "m\uFFFD\uFFFD"}}},
		{"a lone surrogate", `{"tags": ["x", "a\udc00"]}`, strictjson.Options{}, []want{{strictjson.LoneSurrogate, "tags[1]", `"a\udc00"`, "", `holds a lone UTF-16 surrogate escape (such as "\ud800"), which is no character`, "a\uFFFD"}}},
		{"a lone surrogate inside a raw message", `{"raw": {"k": ["\ud83d"]}}`, strictjson.Options{}, []want{{strictjson.LoneSurrogate, "raw", `"\ud83d"`, "", "lone UTF-16 surrogate", "\uFFFD"}}},
		{"a lone surrogate in a key of any", `{"extra": {"\ud800": 1}}`, strictjson.Options{}, []want{{strictjson.LoneSurrogate, "extra", `"\ud800"`, "", "lone UTF-16 surrogate", "\uFFFD"}}},
		{"a list for the document", `[1]`, strictjson.Options{}, []want{{strictjson.WrongType, "", `[1]`, "", "must be a JSON object", "[1]"}}},
		{"malformed", `{"name" "a"}`, strictjson.Options{}, []want{{strictjson.Syntax, "", `"a"`, "", "malformed JSON: invalid character '\"' after object key", ""}}},
		{"truncated", `{"on": tru`, strictjson.Options{}, []want{{strictjson.Truncated, "", `u`, "", "the document ends before its JSON value does", ""}}},
		{"empty", ``, strictjson.Options{}, []want{{strictjson.Truncated, "", ``, "", "the document ends before its JSON value does", ""}}},
		{"two documents", `{"on": true} []`, strictjson.Options{}, []want{{strictjson.Trailing, "", `[]`, "", "more data follows the JSON value", ""}}},
		{"problems before a syntax error are kept", `{"nme": 1, "on": "x" ]`, strictjson.Options{}, []want{
			{strictjson.UnknownField, "nme", `"nme"`, "", `unknown field "nme"`, "nme"},
			{strictjson.WrongType, "on", `"x"`, "", "must be true or false", "x"},
			{strictjson.Syntax, "", `]`, "", "invalid character ']'", ""}}},
		{"every problem in document order", "{\"name\": 1,\n \"level\": \"mid\",\n \"tags\": [null, 2]}", strictjson.Options{}, []want{
			{strictjson.WrongType, "name", `1`, "T-1", "must be a JSON string", "1"},
			{strictjson.InvalidValue, "level", `"mid"`, "T-2", "want low or high", "mid"},
			{strictjson.Null, "tags[0]", `null`, "", "not null", "null"},
			{strictjson.WrongType, "tags[1]", `2`, "", "must be a JSON string", "2"}}},
		{"the first only", "{\"name\": 1,\n \"level\": \"mid\"}", strictjson.Options{FirstOnly: true}, []want{
			{strictjson.WrongType, "name", `1`, "T-1", "must be a JSON string", "1"}}},
		{"the first only, before a syntax error", `{"nme": 1 ]`, strictjson.Options{FirstOnly: true}, []want{
			{strictjson.UnknownField, "nme", `"nme"`, "", `unknown field "nme"`, "nme"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.doc, tc.opts)
			require.Len(t, got, len(tc.wants), "%v", got)
			for i, w := range tc.wants {
				p := got[i]
				at := strings.Index(tc.doc, w.at)
				require.GreaterOrEqual(t, at, 0, "%q is not in the document", w.at)
				line := 1 + strings.Count(tc.doc[:at], "\n")
				col := at - strings.LastIndexByte(tc.doc[:at], '\n')
				assert.Equal(t, strictjson.Position{Offset: int64(at), Line: line, Column: col}, p.Position, "%v", p)
				assert.Equal(t, w.kind, p.Kind, "%v", p)
				assert.Equal(t, w.path, p.Path)
				assert.Equal(t, w.rule, p.Rule)
				assert.Contains(t, p.Reason, w.reason)
				assert.Equal(t, w.value, p.Value)
			}
		})
	}
}

// TestCheck_Errors: what a problem's Err holds, and the messages.
func TestCheck_Errors(t *testing.T) {
	p := problems(t, `{"name" "a"}`, strictjson.Options{})[0]
	var syn *json.SyntaxError
	require.ErrorAs(t, p, &syn, "Syntax wraps encoding/json's error")
	assert.Equal(t, int64(9), syn.Offset, "just past the offending byte, as encoding/json says")

	p = problems(t, `{"name": 1}`, strictjson.Options{})[0]
	var ute *json.UnmarshalTypeError
	require.ErrorAs(t, p, &ute, "WrongType wraps encoding/json's error")
	assert.Equal(t, "1:10: name: must be a JSON string", p.Error())

	p = problems(t, `{"level": "mid"}`, strictjson.Options{})[0]
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, p, &ve, "InvalidValue wraps the type's error")
	assert.ErrorIs(t, p, errTest)

	err := strictjson.Check([]byte(`{"name": 1, "on": 2, "tags": 3}`), reflect.TypeFor[config](), strictjson.Options{})
	assert.EqualError(t, err, "1:10: name: must be a JSON string (and 2 more problems)")
	require.ErrorAs(t, err, &p)
	assert.Equal(t, "name", p.Path, "errors.As finds the first problem")
	assert.Equal(t, "1:1: must be a JSON object", problems(t, `[]`, strictjson.Options{})[0].Error())
	assert.Equal(t, "unknown_field", strictjson.UnknownField.String())
	assert.Equal(t, "kind(99)", strictjson.Kind(99).String())
}

// TestCheck_LongKeysAreCut: a path never holds a key longer than
// resellerkit.MaxValueLen characters.
func TestCheck_LongKeysAreCut(t *testing.T) {
	key := strings.Repeat("k", 5000)
	p := problems(t, `{"limits": {"`+key+`": 1}}`, strictjson.Options{})[0]
	assert.Equal(t, "limits."+resellerkit.Truncate(key), p.Path)
	assert.Equal(t, resellerkit.Truncate(key), p.Value)
	assert.Less(t, len(p.Reason), 400)
}

// TestCheck_DeepNesting: nesting deeper than encoding/json reads is a syntax error
// at the first level too many, whatever the type, and the walk does not recurse
// past it.
func TestCheck_DeepNesting(t *testing.T) {
	for _, doc := range []string{
		`{"extra": ` + strings.Repeat("[", 200_000),
		`{"extra": ` + strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000) + "}",
		`{"raw": ` + strings.Repeat("[", 200_000),
	} {
		got := problems(t, doc, strictjson.Options{})
		require.Len(t, got, 1)
		assert.Equal(t, strictjson.Syntax, got[0].Kind)
		assert.Contains(t, got[0].Reason, "exceeded max depth")
	}
}

// TestUnmarshal_Refusals: a target that is not a pointer, and the safety net when
// encoding/json refuses what the walk accepted.
func TestUnmarshal_Refusals(t *testing.T) {
	var cfg config
	var iue *json.InvalidUnmarshalError
	require.ErrorAs(t, strictjson.Unmarshal([]byte(`{}`), cfg, strictjson.Options{}), &iue)
	require.ErrorAs(t, strictjson.Unmarshal([]byte(`{}`), (*config)(nil), strictjson.Options{}), &iue)
	require.ErrorAs(t, strictjson.Check([]byte(`{}`), nil, strictjson.Options{}), &iue)

	type hidden struct {
		X int `json:"x"`
	}
	type outer struct {
		*hidden // json cannot allocate an unexported embedded pointer
	}
	assert.Equal(t, []string{"x"}, strictjson.Fields(reflect.TypeFor[outer]()))
	err := strictjson.Unmarshal([]byte(`{"x": 1}`), new(outer), strictjson.Options{})
	require.Error(t, err)
	assert.NotErrorAs(t, err, new(*strictjson.Error))
	assert.Contains(t, err.Error(), "embedded pointer to unexported struct")
}

// TestFields: the JSON fields of a struct as encoding/json resolves them; every
// name listed is decoded, every other refused by DisallowUnknownFields.
func TestFields(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
		B string // hidden by outer's B
		C string `json:"c"`
	}
	type Other struct {
		C string `json:"c"` // conflicts with Inner's c at the same depth: both dropped
		D string `json:"d"`
	}
	type inner2 struct {
		E string `json:"e"`
	}
	type outer struct {
		Inner
		*Other
		inner2        // unexported, but its exported fields are promoted
		B      string `json:"b"`
		F      string `json:"f,omitempty"`
		//lint:ignore SA5008 encoding/json names this field "-": tested on purpose
		G string `json:"-,"`
		//lint:ignore SA5008 encoding/json falls back to the Go name: tested on purpose
		H      string `json:"h\\"`
		Named  Inner  `json:"named"` // not embedded: one field
		hidden string
	}
	_ = outer{hidden: "unexported fields are no JSON fields"}
	got := strictjson.Fields(reflect.TypeFor[*outer]())
	assert.Equal(t, []string{"a", "B", "d", "e", "b", "f", "-", "H", "named"}, got)
	for _, name := range append(got, "c", "C", "hidden", "A") {
		dec := json.NewDecoder(strings.NewReader(`{` + strconv.Quote(name) + `: null}`))
		dec.DisallowUnknownFields()
		err := dec.Decode(new(outer))
		if slices.Contains(got, name) {
			assert.NoError(t, err, name)
		} else if name != "A" { // encoding/json takes "A" for "a", in any case
			assert.Error(t, err, name)
		}
	}
	assert.Nil(t, strictjson.Fields(reflect.TypeFor[map[string]int]()))
	assert.Nil(t, strictjson.Fields(nil))
}

// TestIndex_Locate: the position of a value by path, or of the nearest enclosing
// value present.
func TestIndex_Locate(t *testing.T) {
	doc := "{\"a\": {\"b\": [10,\n  {\"c\": true}]},\n \"d\": \"x\"}"
	ix := strictjson.NewIndex([]byte(doc))
	at := func(text string) strictjson.Position {
		off := strings.Index(doc, text)
		return strictjson.Position{Offset: int64(off), Line: 1 + strings.Count(doc[:off], "\n"), Column: off - strings.LastIndexByte(doc[:off], '\n')}
	}
	for path, text := range map[string]string{
		"":             `{"a"`,
		"a":            `{"b"`,
		"a.b":          `[10`,
		"a.b[0]":       `10`,
		"a.b[1]":       `{"c"`,
		"a.b[1].c":     `true`,
		"a.b[1].x":     `{"c"`, // missing: the enclosing object
		"a.b[7].c":     `[10`,
		"d":            `"x"`,
		"nothing.here": `{"a"`,
	} {
		assert.Equal(t, at(text), ix.Locate(path), path)
	}
	assert.Equal(t, strictjson.Position{Offset: 0, Line: 1, Column: 1}, strictjson.NewIndex(nil).Locate("a"))
	broken := strictjson.NewIndex([]byte(`{"a": [1, 2`))
	assert.Equal(t, int64(10), broken.Locate("a[1]").Offset, "indexed up to the error")
}

// TestLoneSurrogates: a \u escape of a surrogate that is not half of a pair is
// found in raw text by HasLoneSurrogate, and reported by the walk at the string
// that holds it, in a value or a key; pairs, and text that only looks like an
// escape, pass.
func TestLoneSurrogates(t *testing.T) {
	lone := []string{`"\ud800"`, `"\udfff"`, `"a\udc00b"`, `"\ud800\u0041"`, `"\ud800\n"`, `"\\\ud800"`, `"\"\ud800"`, `"abc\uD83D"`, `"\ud83d\ud83d"`}
	fine := []string{`"plain"`, `"\ud83d\ude00"`, `"\uD83D\uDE00"`, `"\\ud800"`, `"\ud83d\ude00\ud83d\ude00"`, `"\u00e9"`}
	for _, raw := range append(lone, fine...) {
		want := slices.Contains(lone, raw)
		assert.Equal(t, want, strictjson.HasLoneSurrogate([]byte(raw)), raw)
		for _, doc := range []string{`{"tags": ["x", ` + raw + `]}`, `{"extra": {` + raw + `: 1}}`} {
			got := problems(t, doc, strictjson.Options{})
			if !want {
				assert.Empty(t, got, doc)
				continue
			}
			require.Len(t, got, 1, doc)
			assert.Equal(t, strictjson.LoneSurrogate, got[0].Kind)
			assert.Equal(t, int64(strings.Index(doc, raw)), got[0].Offset, doc)
		}
	}
	// Text outside strings, several strings, an escape cut short.
	assert.False(t, strictjson.HasLoneSurrogate([]byte(`\ud800 "x"`)))
	assert.True(t, strictjson.HasLoneSurrogate([]byte(`"\u0041" "\ud800" outside "x"`)))
	assert.True(t, strictjson.HasLoneSurrogate([]byte(`"\ud800`)))
	assert.False(t, strictjson.HasLoneSurrogate([]byte(`"\uzzzz"`)))
}
