package costfile

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// Sentinel errors carried (wrapped) by *Error; branch on them with errors.Is.
var (
	// ErrUnknownFormat: the header matches no known cost-data format (B-1), or the input is empty.
	ErrUnknownFormat = errors.New("costfile: unknown cost file format")
	// ErrMissingColumn: the header lacks a column the format requires.
	ErrMissingColumn = errors.New("costfile: missing required column")
	// ErrFieldCount: a row has a different number of fields than the header (a ragged row).
	ErrFieldCount = errors.New("costfile: wrong number of fields")
	// ErrQuote: a field breaks RFC 4180 quoting.
	ErrQuote = errors.New("costfile: bad quoting")
	// ErrTimestamp: a usage-start timestamp is empty or malformed (B-1).
	ErrTimestamp = errors.New("costfile: malformed timestamp")
	// ErrRecordTooLong: one CSV record is longer than Options.MaxRecordSize.
	ErrRecordTooLong = errors.New("costfile: record too long")
	// ErrCompressed: the gzip stream is broken.
	ErrCompressed = errors.New("costfile: broken gzip stream")
	// ErrParquet: the Parquet file is broken or truncated, or holds a column type
	// the reader does not support.
	ErrParquet = errors.New("costfile: unreadable Parquet file")
	// ErrSinkReused: newSink returned a Sink it had already returned, or nil. Each
	// worker needs a Sink of its own: Sinks are not safe for concurrent use.
	ErrSinkReused = errors.New("costfile: newSink must return a new Sink on every call")
	// ErrOptions: an Options value is out of range (e.g. more than MaxWorkers).
	ErrOptions = errors.New("costfile: invalid options")
)

// Error is the error every reader returns for bad input: it names the file, the
// physical line where the offending row starts (1-based, the header is line 1; 0 when
// the problem is not tied to a line, e.g. a missing file), and the column when known.
// Errors returned by Sink.Add are wrapped in an Error too.
type Error struct {
	File   string
	Line   int64
	Column string
	Err    error
}

// Error formats the error as "file:line: column NAME: problem", e.g.
// `cur.csv:6: column lineItem/UnblendedCost: "abc" is not a decimal number`.
func (e *Error) Error() string {
	var b []byte
	b = append(b, e.File...)
	if e.Line > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, e.Line, 10)
	}
	b = append(b, ": "...)
	if e.Column != "" {
		b = append(b, "column "...)
		if plainColumn(e.Column) {
			b = append(b, e.Column...)
		} else {
			b = strconv.AppendQuote(b, e.Column)
		}
		b = append(b, ": "...)
	}
	b = append(b, e.Err.Error()...)
	return string(b)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// plainColumn reports whether a column name reads unambiguously unquoted: printable
// ASCII without spaces, quotes or ": ".
func plainColumn(c string) bool {
	for i := 0; i < len(c); i++ {
		if ch := c[i]; ch <= ' ' || ch >= 0x7f || ch == '"' || (ch == ':' && i+1 < len(c) && c[i+1] == ' ') {
			return false
		}
	}
	return true
}

// Default sizes used when Options leaves them zero, and the bound on workers.
const (
	DefaultBlockSize     = 4 << 20  // bytes per block handed to a worker
	DefaultMaxRecordSize = 64 << 20 // longest accepted CSV record
	// MaxWorkers bounds Options.Workers: each worker holds a block buffer (4 MiB by
	// default), so an unbounded count is unbounded memory, and more workers than
	// cores only adds contention.
	MaxWorkers = 256
)

// Options tunes a scan. The zero value is ready to use.
type Options struct {
	// Workers is the number of goroutines splitting rows; each has its own Sink.
	// Default runtime.GOMAXPROCS(0) (at most MaxWorkers); more than MaxWorkers is an
	// error wrapping ErrOptions.
	Workers int
	// BlockSize is the size of the blocks the reader cuts the CSV text into
	// (default DefaultBlockSize). Tests use tiny values to exercise block boundaries.
	BlockSize int
	// MaxRecordSize bounds one CSV record, and so the memory a malformed file can
	// claim (default DefaultMaxRecordSize).
	MaxRecordSize int
}

// withDefaults returns o with its zero fields set, or an error wrapping ErrOptions.
func (o Options) withDefaults() (Options, error) {
	if o.Workers > MaxWorkers {
		return o, fmt.Errorf("%w: %d workers, at most %d", ErrOptions, o.Workers, MaxWorkers)
	}
	if o.Workers <= 0 {
		o.Workers = min(runtime.GOMAXPROCS(0), MaxWorkers)
	}
	if o.BlockSize <= 0 {
		o.BlockSize = DefaultBlockSize
	}
	if o.MaxRecordSize <= 0 {
		o.MaxRecordSize = DefaultMaxRecordSize
	}
	if o.MaxRecordSize < o.BlockSize {
		o.MaxRecordSize = o.BlockSize
	}
	return o, nil
}

// Layouts and compressions reported in billing.InputStats.
const (
	LayoutCSV       = "csv"
	LayoutParquet   = "parquet"
	CompressionGzip = "gzip"
)

// finish completes the stats of a scan once its workers have ended (fillers holds
// each worker's counts) and returns the error to report: the first in file order,
// else werr, the error that stopped the workers. A scan that read a header and no
// row gets a warning.
func finish(st billing.InputStats, fillers []*rowFiller, first *firstError, werr error) (billing.InputStats, error) {
	var skipCols uint32
	var ignored [numSlots]ignoredValues
	badIDs := map[string]int64{}
	badIDsMore := false
	for _, f := range fillers {
		st.Rows += f.rows
		for k, v := range f.skipped {
			if st.SkippedByProvider == nil {
				st.SkippedByProvider = make(map[string]int64)
			}
			st.SkippedByProvider[k] += v
			st.SkippedRows += v
		}
		skipCols |= f.skipCols
		for sl, iv := range f.ignored {
			if iv.n > 0 && (ignored[sl].n == 0 || iv.first < ignored[sl].first) {
				ignored[sl].first, ignored[sl].value = iv.first, iv.value
			}
			ignored[sl].n += iv.n
		}
		for id, line := range f.badIDs {
			if l, ok := badIDs[id]; !ok || line < l {
				badIDs[id] = line
			}
		}
		badIDsMore = badIDsMore || f.badIDsMore
	}
	if err := first.get(); err != nil {
		return st, err
	}
	st.Sketch = mergeSketches(fillers)
	if len(fillers) > 0 {
		s := fillers[0].s
		for _, sl := range providerSlots {
			if skipCols&(1<<sl) != 0 {
				st.SkippedByColumns = append(st.SkippedByColumns, strings.TrimSpace(s.colName(s.col[sl])))
			}
		}
		for sl, iv := range ignored {
			if iv.n > 0 {
				st.Warnings = append(st.Warnings, fmt.Sprintf("column %s: %d values that are not decimal numbers were ignored, "+
					"the configuration does not use this column (first at %s:%d: %q)", strings.TrimSpace(s.colName(s.col[sl])), iv.n, st.Name, iv.first, iv.value))
			}
		}
		st.Warnings = append(st.Warnings, badIDWarnings(st.Name, s, badIDs, badIDsMore)...)
	}
	if werr == nil && st.Rows == 0 && st.SkippedRows == 0 {
		st.Warnings = append(st.Warnings, noRowsWarning)
	}
	return st, werr
}

// badIDWarnings returns one warning per account id that is not an AWS account id,
// with its first line, in line order (at most maxBadIDs; more says there were others).
func badIDWarnings(name string, s *schema, ids map[string]int64, more bool) []string {
	order := slices.SortedFunc(maps.Keys(ids), func(a, b string) int { return cmp.Or(cmp.Compare(ids[a], ids[b]), strings.Compare(a, b)) })
	more = more || len(order) > maxBadIDs
	if len(order) > maxBadIDs {
		order = order[:maxBadIDs]
	}
	col := strings.TrimSpace(s.colName(s.col[sAccount]))
	out := make([]string, 0, len(order)+1)
	for _, id := range order {
		out = append(out, fmt.Sprintf("column %s: %q is not an AWS account id (12 digits): no project can own it, its rows are unassigned (first at %s:%d)",
			col, truncate([]byte(id)), name, ids[id]))
	}
	if more {
		out = append(out, fmt.Sprintf("column %s: more account ids that are not AWS account ids than the %d above: their rows are unassigned too", col, maxBadIDs))
	}
	return out
}

// noRowsWarning is the warning of an input with a header and no row.
const noRowsWarning = "no rows: the file has a header and no data"

// File is a cost file on disk as a billing.Input (see ScanFile).
type File struct {
	Path    string
	Options Options
}

// Scan reads the file with ScanFile; it implements billing.Input.
func (f File) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	return ScanFile(ctx, f.Path, newSink, f.Options)
}

var (
	gzipMagic    = []byte{0x1f, 0x8b}
	parquetMagic = []byte("PAR1")
)

// ScanFile reads the cost file at path — CSV, gzip-compressed CSV, a ZIP archive of
// CSV files or Parquet, told apart by their magic bytes (other formats are refused
// with ErrUnsupported saying what the file is) — detects its format from the header
// (B-1) and streams every row into the sinks made by newSink, one per worker. See
// Scan, and the package documentation for ZIP archives. The stats' Name is path.
func ScanFile(ctx context.Context, path string, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return billing.InputStats{Name: path}, &Error{File: path, Err: withoutPath(err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return billing.InputStats{Name: path}, &Error{File: path, Err: withoutPath(err)}
	}
	return ScanReaderAt(ctx, path, f, fi.Size(), newSink, opt)
}

// ScanReaderAt reads a cost file of size bytes through r, as ScanFile reads one
// from disk: Parquet and ZIP, which need random access, and CSV or gzip, read
// from start to end. r can be any random-access source, e.g. ranged GETs of an S3
// object (package billing/reports), so nothing is copied first. name names the
// file in errors and stats.
func ScanReaderAt(ctx context.Context, name string, r io.ReaderAt, size int64, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: name}
	var magic [4]byte
	n, err := r.ReadAt(magic[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return st, &Error{File: name, Err: withoutPath(err)}
	}
	if n == 4 && bytes.Equal(magic[:], parquetMagic) {
		o, err := opt.withDefaults()
		if err != nil {
			return st, &Error{File: name, Err: err}
		}
		return scanParquet(ctx, name, r, size, newSink, o)
	}
	if isZip(magic[:n]) {
		return scanZip(ctx, name, r, size, newSink, opt)
	}
	return Scan(ctx, name, io.NewSectionReader(r, 0, size), newSink, opt)
}

// withoutPath returns the error of a *fs.PathError without the path, which the
// *Error holding it names already; errors.Is(err, fs.ErrNotExist) still holds.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// Scan reads CSV cost data, optionally gzip-compressed, from r; name is used in
// errors. It detects the format from the header (B-1), then splits the text into
// blocks that Options.Workers goroutines parse in parallel, each calling only its own
// Sink (made by newSink before any row flows). Every row becomes one billing.LineItem;
// FOCUS rows of other providers are skipped and counted in the stats.
//
// newSink must return a new Sink on every call (a Sink is used by one goroutine only):
// a Sink returned twice is refused with ErrSinkReused before any row flows. The
// stats' Name is name; a file with a header and no row gets a warning.
//
// Any problem stops the scan and returns an *Error naming name and the line of the
// first offending row in file order. Parquet and ZIP input need ScanFile or
// ScanReaderAt (random access); other formats than CSV and gzip are refused with ErrUnsupported saying
// what the data is (bzip2, xz, zstd, 7-Zip, RAR, tar, an Excel workbook, JSON…).
func Scan(ctx context.Context, name string, r io.Reader, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: name, Layout: LayoutCSV}
	opt, err := opt.withDefaults()
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	src, compression, done, err := openText(br, false)
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	defer done()
	st.Compression = compression
	return scanCSV(ctx, name, src, newSink, opt, st)
}

// gzipErrReader marks decompression errors so they are reported as ErrCompressed.
type gzipErrReader struct{ r io.Reader }

func (g gzipErrReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %w", ErrCompressed, err)
	}
	return n, err
}

// newSinks calls newSink once per worker and refuses a Sink it returns twice (or
// nil) with ErrSinkReused: two workers adding to one Sink would race (an Aggregator
// shared so dies with "concurrent map writes"). Sinks of reference types are
// compared by identity; a Sink of a value type holds no state two workers could
// share through it, nor does a pointer to a zero-size value.
func newSinks(newSink func() billing.Sink, n int) ([]billing.Sink, error) {
	sinks := make([]billing.Sink, n)
	seen := make(map[uintptr]bool, n)
	for i := range sinks {
		s := newSink()
		if s == nil {
			return nil, fmt.Errorf("%w: it returned nil", ErrSinkReused)
		}
		if id, ok := identity(s); ok {
			if seen[id] {
				return nil, fmt.Errorf("%w: it returned the same %T twice, and Sinks are not safe for concurrent use", ErrSinkReused, s)
			}
			seen[id] = true
		}
		sinks[i] = s
	}
	return sinks, nil
}

// identity returns the address of the state a Sink of a reference type points to.
func identity(s billing.Sink) (uintptr, bool) {
	v := reflect.ValueOf(s)
	switch v.Kind() {
	case reflect.Pointer:
		return v.Pointer(), v.Type().Elem().Size() > 0
	case reflect.Map, reflect.Chan:
		return v.Pointer(), true
	case reflect.Slice:
		return v.Pointer(), v.Cap() > 0 && v.Type().Elem().Size() > 0
	}
	return 0, false
}

// firstError keeps the error of the earliest position (a block or a row group) among
// those that failed, so that the error reported is the first in file order whatever
// the workers' timing.
type firstError struct {
	mu  sync.Mutex
	at  int64 // position of err, -1 when none
	err error
}

func newFirstError() *firstError { return &firstError{at: -1} }

// set records err at position at, unless an earlier position failed.
func (f *firstError) set(at int64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.at < 0 || at < f.at {
		f.at, f.err = at, err
	}
}

// before reports whether a position earlier than at failed: work at at is moot.
func (f *firstError) before(at int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at >= 0 && f.at < at
}

// get returns the error of the earliest failed position, or nil.
func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
