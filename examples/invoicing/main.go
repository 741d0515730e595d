package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/money"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// output is the JSON document written on stdout: the billing.Result plus what was read.
type output struct {
	*billing.Result
	Files []fileStats `json:"files"`
}

type fileStats struct {
	Path        string           `json:"path"`
	Format      string           `json:"format"`
	Gzip        bool             `json:"gzip,omitempty"`
	Parquet     bool             `json:"parquet,omitempty"`
	Rows        int64            `json:"rows"`
	Bytes       int64            `json:"bytes"`
	SkippedRows int64            `json:"skipped_rows,omitempty"`
	Skipped     map[string]int64 `json:"skipped_by_provider,omitempty"`
}

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out, err := invoice(ctx, args)
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
		fmt.Fprintln(stderr, msg)
		return 1
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintln(stderr, "invoicing: write output:", err)
		return 1
	}
	return 0
}

func invoice(ctx context.Context, args []string) ([]byte, error) {
	fs := flag.NewFlagSet("invoicing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configPath := fs.String("config", "", "configuration file (JSON): issuer, tax, projects")
	periodFlag := fs.String("period", "", "billing period, a UTC month: YYYY-MM")
	workers := fs.Int("workers", 0, "reader goroutines per file (default GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("invoicing: %v (usage: invoicing -config CONFIG.json -period YYYY-MM FILE...)", err)
	}
	if *configPath == "" || *periodFlag == "" || fs.NArg() == 0 {
		return nil, errors.New("invoicing: usage: invoicing -config CONFIG.json -period YYYY-MM FILE (one or more cost files)")
	}
	period, err := billing.ParsePeriod(*periodFlag)
	if err != nil {
		return nil, fmt.Errorf("invoicing: -period: %w", err)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return nil, err
	}

	var (
		mu    sync.Mutex
		sinks []*billing.Aggregator
	)
	newSink := func() billing.Sink {
		a := billing.NewAggregatorFor(period, cfg) // only the detail cfg needs: far fewer groups
		mu.Lock()
		sinks = append(sinks, a)
		mu.Unlock()
		return a
	}
	var files []fileStats
	var skipWarnings []string // the readers' notes about each file
	for _, path := range fs.Args() {
		st, err := costfile.ScanFile(ctx, path, newSink, costfile.Options{Workers: *workers})
		if err != nil {
			return nil, err
		}
		files = append(files, fileStats{Path: path, Format: st.Format.String(), Gzip: st.Gzip, Parquet: st.Parquet,
			Rows: st.Rows, Bytes: st.Bytes, SkippedRows: st.SkippedRows, Skipped: st.SkippedByProvider})
		for _, w := range st.Warnings {
			skipWarnings = append(skipWarnings, path+": "+w)
		}
		if st.SkippedRows > 0 {
			skipWarnings = append(skipWarnings, fmt.Sprintf("%s: skipped %d FOCUS rows whose ProviderName is not AWS (%s)", path, st.SkippedRows, providers(st.SkippedByProvider)))
		}
	}
	agg := billing.NewAggregatorFor(period, cfg)
	for _, s := range sinks {
		if err := agg.Merge(s); err != nil {
			return nil, err
		}
	}
	res, err := billing.Compute(cfg, agg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", *configPath, err)
	}
	res.Warnings = append(res.Warnings, skipWarnings...)
	b, err := json.MarshalIndent(output{Result: res, Files: files}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func providers(m map[string]int64) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		label := n
		if label == "" {
			label = "(none)"
		}
		parts[i] = fmt.Sprintf("%s: %d", label, m[n])
	}
	return strings.Join(parts, ", ")
}

// loadConfig reads and validates the configuration; every error names the file and,
// when it can be found, the line of the offending value.
func loadConfig(path string) (*billing.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *fs.PathError names the file
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg billing.Config
	if err := dec.Decode(&cfg); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, fmt.Errorf("%s:%d: %v", path, lineAt(data, syn.Offset), err)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%s:%d: unexpected end of the configuration (%v)", path, lineAt(data, int64(len(data))), err)
		}
		unknown := strings.Contains(err.Error(), "json: unknown field ")
		if off, ok := locate(data, reflect.TypeOf(cfg), unknown); ok {
			return nil, fmt.Errorf("%s:%d: %v", path, lineAt(data, off), err)
		}
		if errors.As(err, &typ) {
			return nil, fmt.Errorf("%s:%d: %v", path, lineAt(data, typ.Offset), err)
		}
		return nil, fmt.Errorf("%s:%d: %v", path, lineAt(data, dec.InputOffset()), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s:%d: unexpected data after the configuration object", path, lineAt(data, dec.InputOffset()))
	}
	if err := cfg.Validate(); err != nil {
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		first := errs[0]
		more := ""
		if len(errs) > 1 {
			more = fmt.Sprintf(" (and %d more problems)", len(errs)-1)
		}
		var ve *billing.ValidationError
		off := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n"))) // the document
		if errors.As(first, &ve) {
			// A missing field has no offset of its own: use its nearest enclosing value.
			paths := jsonPaths(data)
			for p := ve.Field; p != ""; p = parentPath(p) {
				if o, ok := paths[p]; ok {
					off = o
					break
				}
			}
		}
		return nil, fmt.Errorf("%s:%d: %v%s", path, lineAt(data, off), first, more)
	}
	return &cfg, nil
}

// parentPath returns the path of the value enclosing path ("a.b[2]" → "a.b" → "a" → "").
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

var decimalType = reflect.TypeOf(money.Decimal{})

// locate finds where a syntactically valid configuration that failed to decode goes
// wrong, in document order as encoding/json reads it: the first key that is not a
// field of its object (matched case-insensitively, as encoding/json does), the first
// value of the wrong JSON kind, or the first value a money.Decimal cannot parse. It
// returns the offset of that key or value, or ok=false if it finds none. With
// unknownKeys it looks for unknown keys only, otherwise for bad values only: an
// unknown field does not stop encoding/json, so a later bad value may be its error.
func locate(data []byte, t reflect.Type, unknownKeys bool) (int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		array bool
		elem  reflect.Type // array: the element type; object: the struct type, or nil
	}
	var stack []frame
	expectKey := false
	next := t // the Go type of the value about to be read; nil: not checked
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[start]) >= 0 {
			start++
		}
		if expectKey {
			if key, ok := tok.(string); ok {
				expectKey = false
				next = nil
				if st := stack[len(stack)-1].elem; st != nil {
					ft, found := structField(st, key)
					if !found && unknownKeys {
						return start, true
					}
					next = ft
				}
				continue
			}
		}
		vt := next
		for vt != nil && vt.Kind() == reflect.Pointer {
			vt = vt.Elem()
		}
		if vt != nil && vt.Kind() == reflect.Interface {
			vt = nil
		}
		switch tok {
		case json.Delim('{'):
			if !unknownKeys && vt != nil && vt.Kind() != reflect.Struct && vt.Kind() != reflect.Map {
				return start, true
			}
			if vt != nil && vt.Kind() != reflect.Struct {
				vt = nil
			}
			stack = append(stack, frame{elem: vt})
			expectKey = true
			continue
		case json.Delim('['):
			if !unknownKeys && vt != nil && vt.Kind() != reflect.Slice && vt.Kind() != reflect.Array {
				return start, true
			}
			var elem reflect.Type
			if vt != nil && (vt.Kind() == reflect.Slice || vt.Kind() == reflect.Array) {
				elem = vt.Elem()
			}
			stack = append(stack, frame{array: true, elem: elem})
			next = elem
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			if unknownKeys {
				break
			}
			if vt == decimalType {
				var d money.Decimal
				raw := bytes.TrimSpace(data[start:dec.InputOffset()])
				if (tok != nil || next.Kind() != reflect.Pointer) && d.UnmarshalJSON(raw) != nil {
					return start, true
				}
			} else if vt != nil && tok != nil && !kindFits(tok, vt.Kind()) {
				return start, true
			}
		}
		if len(stack) == 0 {
			return 0, false
		}
		if top := stack[len(stack)-1]; top.array {
			next = top.elem
		} else {
			expectKey = true
		}
	}
}

// structField returns the type of the field of struct type st that encoding/json
// decodes key into.
func structField(st reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f.Type, true
		}
	}
	return nil, false
}

// kindFits reports whether a JSON scalar token decodes into a Go value of kind k.
func kindFits(tok json.Token, k reflect.Kind) bool {
	switch tok.(type) {
	case string:
		return k == reflect.String
	case bool:
		return k == reflect.Bool
	case json.Number:
		return k >= reflect.Int && k <= reflect.Float64
	}
	return true
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// jsonPaths maps the path of every value of a JSON document ("projects[0].accounts[1]")
// to the offset where the value starts. The document is already known to be valid.
func jsonPaths(data []byte) map[string]int64 {
	paths := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		array bool
		index int
		key   string
		path  string
	}
	var stack []frame
	expectKey := false
	cur := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.array {
			return f.path + "[" + strconv.Itoa(f.index) + "]"
		}
		if f.path == "" {
			return f.key
		}
		return f.path + "." + f.key
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return paths
		}
		// InputOffset is before any separator; skip whitespace, ':' and ',' to the value.
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[start]) >= 0 {
			start++
		}
		if expectKey {
			if s, ok := tok.(string); ok {
				stack[len(stack)-1].key = s
				expectKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			p := cur()
			if p != "" {
				paths[p] = start
			}
			stack = append(stack, frame{array: tok == json.Delim('['), path: p})
			expectKey = tok == json.Delim('{')
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			paths[cur()] = start
		}
		// A value ended: advance the enclosing container.
		if len(stack) > 0 {
			if stack[len(stack)-1].array {
				stack[len(stack)-1].index++
			} else {
				expectKey = true
			}
		}
	}
}
