package strictjson

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// field is a JSON field of a struct type, as encoding/json resolves it.
type field struct {
	name   string
	index  []int        // the index sequence, through embedded structs
	typ    reflect.Type // the Go field's type
	tagged bool         // the name comes from a json tag
	quoted bool         // the ",string" option, on a type it applies to
	rule   string       // the field's rule tag, or its embedding field's
}

// structFields are the JSON fields of a struct type.
type structFields struct {
	byName    map[string]*field
	names     []string // in field order
	fieldList string   // for messages: "the fields here are a, b"
}

var structCache sync.Map // reflect.Type → *structFields

// structOf returns the JSON fields of struct type t.
func structOf(t reflect.Type) *structFields {
	if s, ok := structCache.Load(t); ok {
		return s.(*structFields)
	}
	fields := typeFields(t)
	s := &structFields{byName: make(map[string]*field, len(fields)), names: make([]string, len(fields))}
	for i := range fields {
		s.byName[fields[i].name] = &fields[i]
		s.names[i] = fields[i].name
	}
	s.fieldList = "this object has no fields"
	if len(s.names) > 0 {
		s.fieldList = "the fields here are " + strings.Join(s.names, ", ")
	}
	actual, _ := structCache.LoadOrStore(t, s)
	return actual.(*structFields)
}

// Fields returns the JSON names of the fields of struct type t (or of the struct a
// pointer type points to), as encoding/json resolves them (json tags, fields
// promoted from embedded structs, hidden and conflicting names left out), in field
// order; nil for other types. They are the only keys Check accepts in an object
// decoded into t.
func Fields(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return slices.Clone(structOf(t).names)
}

// typeFields returns the fields encoding/json decodes into struct type t, in field
// order: its typeFields, less what only encoding matters for, plus rule tags.
func typeFields(t reflect.Type) []field {
	type embedded struct {
		typ   reflect.Type
		index []int
		rule  string
	}
	var fields []field
	next := []embedded{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(e.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				rule := sf.Tag.Get("rule")
				if rule == "" {
					rule = e.rule
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := field{name: name, index: index, typ: sf.Type, tagged: name != "", rule: rule,
						quoted: hasOption(opts, "string") && quotable(ft)}
					if f.name == "" {
						f.name = sf.Name
					}
					fields = append(fields, f)
					if count[e.typ] > 1 {
						fields = append(fields, f) // two copies: both are dropped below
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, embedded{typ: ft, index: index, rule: rule})
				}
			}
		}
	}
	slices.SortFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	// Of several fields of one name, the shallowest wins, a tagged one before an
	// untagged one; two at that depth and of that kind hide each other.
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

// hasOption reports whether the comma-separated options of a json tag hold opt.
func hasOption(opts, opt string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == opt {
			return true
		}
	}
	return false
}

// quotable reports whether the ",string" option applies to kind of t.
func quotable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// validTag reports whether encoding/json takes s as a field name.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// HasLoneSurrogate reports whether the JSON text holds, inside a string, a \u
// escape of a UTF-16 surrogate that is not a high surrogate followed by a low one
// ("\ud800", "\udc00", "\ud83d\u0041"). encoding/json decodes such an escape as
// U+FFFD without a word; Check reports it.
func HasLoneSurrogate(text []byte) bool {
	inString := false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(text) && text[i+1] == 'u':
			r := hex4(text[i+2:])
			if r < 0xd800 || r > 0xdfff {
				i += 5 // not a surrogate (or not 4 hex digits: the scanner reports that)
				continue
			}
			if r >= 0xdc00 || i+7 >= len(text) || text[i+6] != '\\' || text[i+7] != 'u' {
				return true // a low surrogate first, or a high one not followed by an escape
			}
			if lo := hex4(text[i+8:]); lo < 0xdc00 || lo > 0xdfff {
				return true
			}
			i += 11
		case c == '\\':
			i++ // the escaped character, which may be '"' or '\\'
		}
	}
	return false
}

// hex4 returns the value of the 4 hex digits b starts with, or -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}
