// Package strictjson decodes JSON documents strictly: configuration files and
// request bodies that must be exactly of a Go type's shape, with every problem
// reported where it is.
//
// encoding/json is lenient where input comes from people: it matches keys in any
// case, drops unknown keys, keeps the last of a key given twice, takes null for
// anything, and turns invalid UTF-8 and lone UTF-16 surrogate escapes ("\ud800")
// into U+FFFD. Unmarshal first walks the document token by token alongside the Go
// type and refuses all of that; only a document with no problem is then decoded,
// by encoding/json itself, so what is decoded is exactly what encoding/json
// decodes.
//
// # The walk
//
// Each problem is a *Problem with its Kind, its position (byte offset, line and
// column), its JSON path ("projects[0].pricing_rules[1].percent"), the offending
// value (bounded by resellerkit.Truncate), a reason, and the `rule:"B-5"` struct tag
// of the field it belongs to (DOMAIN.md rule ids; an enclosing field's when the
// field has none). The walk checks:
//
//   - syntax, with encoding/json's own scanner and error (*json.SyntaxError):
//     malformed, truncated, or followed by more data (Syntax, Truncated, Trailing);
//   - every string and key is valid UTF-8 with no lone surrogate escape
//     (InvalidUTF8, LoneSurrogate);
//   - every key of an object decoded into a struct is the exact JSON name of one
//     of its fields, as encoding/json resolves them (Fields), and no object gives a
//     key twice (UnknownField, DuplicateField);
//   - null only where the Go type holds "nothing" (a pointer, slice, map or
//     interface) or where Options.AllowNull says so (Null);
//   - every value is of the JSON type its Go type takes, and a number fits it
//     (WrongType);
//   - a value of a type with its own UnmarshalJSON or UnmarshalText (an
//     enumeration, a decimal, a month), and a map key whose type has
//     UnmarshalText, is decoded alone into that type, whose method decides
//     (InvalidValue); a *resellerkit.ValidationError it returns gives the Reason
//     and may give the Rule.
//
// Problems come in document order, all of them or, with Options.FirstOnly, the
// first; an *Error holds them. A caller turns them into its own errors: a
// configuration reader into errors with file, line and column, an HTTP handler into
// a 400 naming the field. After decoding, a caller's own validation can point at
// the value each of its errors names with an Index.
//
// Size limits and a UTF-8 byte order mark are the caller's: read at most what it
// accepts (io.LimitReader, http.MaxBytesReader) and, if it accepts a mark, cut it
// first (bytes.TrimPrefix(data, []byte("\uFEFF"))); offsets then count from after
// it.
package strictjson
