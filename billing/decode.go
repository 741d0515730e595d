package billing

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/strictjson"
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
// key given twice, a number where text belongs, text that is not UTF-8), and when
// there are none, the problems Config.Validate finds. A document over the size
// limit, or a read error, is reported as such.
func DecodeConfig(r io.Reader) (*Config, error) {
	var cfg Config
	if err := decodeDocument(r, &cfg, cfg.Validate); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// decodeDocument decodes the JSON document of r into v (a pointer) with
// strictjson, null being accepted anywhere as encoding/json accepts it, then runs
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
	if err := strictjson.Unmarshal(data, v, strictjson.Options{AllowNull: true}); err != nil {
		var doc *strictjson.Error
		if !errors.As(err, &doc) {
			return &ConfigError{Line: 1, Column: 1, Err: fmt.Errorf("%w: %w", ErrInvalid, err)}
		}
		errs := make([]error, len(doc.Problems))
		for i, p := range doc.Problems {
			errs[i] = &ConfigError{Line: p.Line, Column: p.Column, Err: problemError(p)}
		}
		return errors.Join(errs...)
	}
	err = validate()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	ix := strictjson.NewIndex(data)
	for i, e := range errs {
		path := "" // the document, for an error naming no field
		var ve *resellerkit.ValidationError
		if errors.As(e, &ve) {
			path = ve.Field
		}
		at := ix.Locate(path)
		errs[i] = &ConfigError{Line: at.Line, Column: at.Column, Err: e}
	}
	return errors.Join(errs...)
}

// problemError returns the error of a problem of the document: for text that is not
// JSON, ErrInvalid and the *json.SyntaxError; otherwise a
// *resellerkit.ValidationError, the value's own when its type refused it with one.
func problemError(p *strictjson.Problem) error {
	switch p.Kind {
	case strictjson.Syntax, strictjson.Truncated, strictjson.Trailing:
		return fmt.Errorf("%w: %w", ErrInvalid, p.Err)
	case strictjson.UnknownField, strictjson.DuplicateField:
		return resellerkit.Invalid(ErrInvalid, p.Path, "", "", p.Reason)
	case strictjson.WrongType, strictjson.InvalidValue:
		var ve *resellerkit.ValidationError
		if errors.As(p.Err, &ve) {
			out := *ve
			out.Field = p.Path
			out.Rule = p.Rule // the value's own rule, or its field's
			return &out
		}
		if p.Err != nil {
			return resellerkit.Invalid(ErrInvalid, p.Path, p.Value, p.Rule, p.Err.Error())
		}
	}
	return resellerkit.Invalid(ErrInvalid, p.Path, p.Value, p.Rule, p.Reason)
}

// join returns the path of member key of the object at path, as strictjson names
// it (before strictjson cuts long keys).
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
