package costfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// Sentinel errors carried (wrapped) by *Error; branch on them with errors.Is.
var (
	// ErrUnknownFormat: the header matches no known cost-data format (B-1), or the input is empty.
	ErrUnknownFormat = errors.New("unknown cost file format")
	// ErrMissingColumn: the header lacks a column the format requires.
	ErrMissingColumn = errors.New("missing required column")
	// ErrFieldCount: a row has a different number of fields than the header (a ragged row).
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrQuote: a field breaks RFC 4180 quoting.
	ErrQuote = errors.New("bad quoting")
	// ErrTimestamp: a usage-start timestamp is empty or malformed (B-1).
	ErrTimestamp = errors.New("malformed timestamp")
	// ErrRecordTooLong: one CSV record is longer than Options.MaxRecordSize.
	ErrRecordTooLong = errors.New("record too long")
	// ErrCompressed: the gzip stream is broken.
	ErrCompressed = errors.New("broken gzip stream")
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

// Error formats the error as "file:line: column: problem".
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
		b = strconv.AppendQuote(b, e.Column)
		b = append(b, ": "...)
	}
	b = append(b, e.Err.Error()...)
	return string(b)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Default sizes used when Options leaves them zero.
const (
	DefaultBlockSize     = 4 << 20  // bytes per block handed to a worker
	DefaultMaxRecordSize = 64 << 20 // longest accepted CSV record
)

// Options tunes a scan. The zero value is ready to use.
type Options struct {
	// Workers is the number of goroutines splitting rows; each has its own Sink.
	// Default runtime.GOMAXPROCS(0).
	Workers int
	// BlockSize is the size of the blocks the reader cuts the CSV text into
	// (default DefaultBlockSize). Tests use tiny values to exercise block boundaries.
	BlockSize int
	// MaxRecordSize bounds one CSV record, and so the memory a malformed file can
	// claim (default DefaultMaxRecordSize).
	MaxRecordSize int
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
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
	return o
}

// Stats describes a finished scan.
type Stats struct {
	Format  billing.Format
	Gzip    bool // the input was gzip-compressed
	Parquet bool // the input was a Parquet file
	// Rows is the number of rows handed to the sinks.
	Rows int64
	// Bytes is the number of bytes of CSV text scanned (after decompression, header
	// included), or the size of a Parquet file.
	Bytes int64
	// SkippedRows counts rows not handed to the sinks: FOCUS rows that are not
	// AWS's (see doc.go for the columns that decide).
	SkippedRows int64
	// SkippedByProvider breaks SkippedRows down by provider name (the value of the
	// column that decided, see doc.go; "" when null).
	SkippedByProvider map[string]int64
	// Warnings are notes about the input that do not stop the scan, e.g. a FOCUS
	// file without x_ServiceCode.
	Warnings []string
}

func (s *Stats) addSkipped(m map[string]int64) {
	for k, v := range m {
		if s.SkippedByProvider == nil {
			s.SkippedByProvider = make(map[string]int64)
		}
		s.SkippedByProvider[k] += v
		s.SkippedRows += v
	}
}

var (
	gzipMagic    = []byte{0x1f, 0x8b}
	parquetMagic = []byte("PAR1")
)

// ScanFile reads the cost file at path — CSV, gzip-compressed CSV or Parquet, told
// apart by their magic bytes — detects its format from the header (B-1) and streams
// every row into the sinks made by newSink, one per worker. See Scan.
func ScanFile(ctx context.Context, path string, newSink func() billing.Sink, opt Options) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, &Error{File: path, Err: err}
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && bytes.Equal(magic[:], parquetMagic) {
		fi, err := f.Stat()
		if err != nil {
			return Stats{}, &Error{File: path, Err: err}
		}
		return scanParquet(ctx, path, f, fi.Size(), newSink, opt.withDefaults())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Stats{}, &Error{File: path, Err: err}
	}
	return Scan(ctx, path, f, newSink, opt)
}

// Scan reads CSV cost data, optionally gzip-compressed, from r; name is used in
// errors. It detects the format from the header (B-1), then splits the text into
// blocks that Options.Workers goroutines parse in parallel, each calling only its own
// Sink (made by newSink before any row flows). Every row becomes one billing.LineItem;
// FOCUS rows of other providers are skipped and counted in Stats.
//
// Any problem stops the scan and returns an *Error naming name and the line of the
// first offending row in file order. Parquet input needs ScanFile.
func Scan(ctx context.Context, name string, r io.Reader, newSink func() billing.Sink, opt Options) (Stats, error) {
	opt = opt.withDefaults()
	var st Stats
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(4)
	var src io.Reader = br
	if bytes.HasPrefix(magic, gzipMagic) {
		zr, err := newGzipReader(br)
		if err != nil {
			return st, &Error{File: name, Err: fmt.Errorf("%w: %w", ErrCompressed, err)}
		}
		defer zr.Close()
		st.Gzip = true
		src = gzipErrReader{zr}
	} else if bytes.Equal(magic, parquetMagic) {
		return st, &Error{File: name, Err: errors.New("parquet input must be read with ScanFile (it needs random access)")}
	}
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
