package reports

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
)

// The formats of Version.Format.
const (
	// FormatLegacy is the legacy Cost and Usage Report (CUR): a manifest per billing
	// period folder naming the current assembly's files.
	FormatLegacy = "cur-legacy"
	// FormatCUR2 is a Data Exports CUR 2.0 export: a manifest per BILLING_PERIOD
	// partition naming the current execution's files.
	FormatCUR2 = "cur2"
)

// The sentinels of the package. Errors wrap them; branch with errors.Is.
var (
	// ErrManifest: a manifest that cannot be used — not JSON, a field of the wrong
	// type, a required field missing, a value out of place (another month, a file
	// outside the report's folder). The error is a *resellerkit.ValidationError
	// naming the field and the value, wrapped with the manifest's key or path.
	ErrManifest = errors.New("reports: invalid manifest")
	// ErrNotFound: an object a manifest names (or the manifest of a period folder)
	// is not in the bucket or directory — often a delivery still in progress. Errors
	// of a missing S3 object or file wrap it too.
	ErrNotFound = errors.New("reports: not found")
	// ErrAmbiguous: two reports under the prefix read hold the same payer's same
	// month (e.g. a legacy CUR and a CUR 2.0 export). Ingesting both would count the
	// month twice (B-14): narrow Config.Prefix or set Config.Report to choose one.
	ErrAmbiguous = errors.New("reports: several reports of one payer and month")
	// ErrConfig: a Config value that cannot be used (a payer that is not 12 digits,
	// a report name holding "/"…), as a *resellerkit.ValidationError.
	ErrConfig = errors.New("reports: invalid configuration")
)

// Source finds the cost report versions AWS delivered for a billing month.
type Source interface {
	// Versions returns, for period, the current version of every report under the
	// source's prefix: one Version per report, ordered by Payer and then Manifest.
	// A report without data for period is not listed; no report at all is an empty
	// slice and no error. Errors wrap ErrManifest (a bad manifest), ErrNotFound (a
	// period folder without its manifest, a listed file missing), ErrAmbiguous (two
	// reports of one payer and month) or ErrConfig; errors of the storage (S3, the
	// file system) are returned wrapped, naming the key or path.
	Versions(ctx context.Context, period resellerkit.Month) ([]Version, error)
}

// ProgressFunc is told how far the reading of a report file is: file is the
// File.Name, bytesRead the bytes read so far from the source (compressed bytes for
// a gzip file: what crosses the network), size the file's size or -1 when unknown.
// It is called once when the file is opened (bytesRead 0) and after every read
// from the source, from the goroutine reading it. billing.Run and
// billing.Service.Ingest read several files at once, so the calls for different
// files interleave; the Inputs of one Version (of one Version.Inputs call) never
// make two calls at the same time, so the callback needs no lock of its own — but
// the Inputs of two Versions, or of two Inputs calls, read at once, may. The calls
// are serialized behind one lock: while the callback runs, the other files'
// reading waits, so keep it short (throttle in it if you print).
type ProgressFunc func(file string, bytesRead, size int64)

// Version is one version of one payer's cost report for one month, as a source
// found it: the billing.Report to store it under (B-14) and its files.
type Version struct {
	billing.Report
	// Format is FormatLegacy or FormatCUR2.
	Format string
	// Files are the version's data files in the manifest's order.
	Files []File
	// Manifest is the manifest's key (S3, as s3://bucket/key) or path (a directory).
	Manifest string

	progress ProgressFunc // the source's Config.Progress
}

// File is one data file of a Version.
type File struct {
	// Name names the file in errors and in billing.InputStats: s3://bucket/key for
	// S3, the path for a directory.
	Name string
	// Size is the file's size in bytes, -1 when unknown.
	Size int64
	// Open opens the file as a stream. It must not be nil unless Path is set.
	Open func(ctx context.Context) (io.ReadCloser, error)
	// Path is the file's local path when it is a local file, else "". Such a file
	// is read with costfile.ScanFile when it is Parquet or ZIP (they need random
	// access), with costfile.Scan otherwise.
	Path string
	// ReaderAt, for a remote file, gives random access to it (S3: ranged
	// GetObject requests), through which a Parquet or ZIP file is read with
	// costfile.ScanReaderAt without being copied; nil, or returning nil, when
	// there is none.
	ReaderAt func(ctx context.Context) io.ReaderAt
}

// FileNames returns the names of the version's files, in order (for
// billing.CostData.Files).
func (v Version) FileNames() []string {
	out := make([]string, len(v.Files))
	for i, f := range v.Files {
		out[i] = f.Name
	}
	return out
}

// Inputs returns one billing.Input per file of v, in order. Each streams its file
// through costfile.Scan with opt (gzip is detected), without a temporary copy, and
// names it by File.Name in errors and stats; progress is reported to the source's
// Config.Progress. A Parquet or ZIP file, which needs random access, is read with
// costfile.ScanFile when local and through File.ReaderAt (ranged reads) when
// remote; a source giving neither refuses it with costfile.ErrUnsupported.
func (v Version) Inputs(opt costfile.Options) []billing.Input {
	progress := serialized(v.progress)
	out := make([]billing.Input, len(v.Files))
	for i, f := range v.Files {
		out[i] = input{file: f, opt: opt, progress: progress}
	}
	return out
}

// serialized returns f behind a lock, or nil for nil: the inputs it is given to
// are read several at once (billing.Run), and f need not be safe for that. The
// lock serializes the callback itself (a slow f holds up every file of the
// Version at its next read) and covers only the Inputs of the one Inputs call
// that made it: another Version's Inputs have their own.
func serialized(f ProgressFunc) ProgressFunc {
	if f == nil {
		return nil
	}
	var mu sync.Mutex
	return func(file string, bytesRead, size int64) {
		mu.Lock()
		defer mu.Unlock()
		f(file, bytesRead, size)
	}
}

// input is a File as a billing.Input.
type input struct {
	file     File
	opt      costfile.Options
	progress ProgressFunc
}

var (
	parquetMagic = []byte("PAR1")
	zipMagic     = []byte("PK\x03\x04")
)

// Scan implements billing.Input.
func (in input) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	name := in.file.Name
	st := billing.InputStats{Name: name}
	var (
		rc  io.ReadCloser
		err error
	)
	switch {
	case in.file.Path != "":
		rc, err = os.Open(in.file.Path)
		if err != nil {
			err = localError(err)
		}
	case in.file.Open != nil:
		rc, err = in.file.Open(ctx)
	default:
		return st, &costfile.Error{File: name, Err: resellerkit.Invalid(billing.ErrInvalid, "file.open", "", "B-1", "a File needs Open or Path")}
	}
	if err != nil {
		return st, &costfile.Error{File: name, Err: err}
	}
	defer rc.Close()
	cr := &countingReader{r: rc, name: name, size: in.file.Size, progress: in.progress}
	cr.report()
	br := bufio.NewReaderSize(cr, 64<<10)
	magic, _ := br.Peek(4)
	if bytes.Equal(magic, parquetMagic) || bytes.Equal(magic, zipMagic) {
		what := "Parquet"
		if bytes.Equal(magic, zipMagic) {
			what = "ZIP"
		}
		if in.file.Path != "" {
			st, err := costfile.ScanFile(ctx, in.file.Path, newSink, in.opt)
			if err == nil && in.progress != nil {
				in.progress(name, max(in.file.Size, 0), in.file.Size)
			}
			return st, err
		}
		var ra io.ReaderAt
		if in.file.ReaderAt != nil && in.file.Size >= 0 {
			ra = in.file.ReaderAt(ctx)
		}
		if ra == nil {
			return st, &costfile.Error{File: name, Err: fmt.Errorf("%w: %s needs random access, which this source does not give: "+
				"copy the report to a directory and read it with Dir, or export gzip CSV", costfile.ErrUnsupported, what)}
		}
		rc.Close() // the stream read the magic only
		return costfile.ScanReaderAt(ctx, name, &countingReaderAt{r: ra, c: cr}, in.file.Size, newSink, in.opt)
	}
	return costfile.Scan(ctx, name, br, newSink, in.opt)
}

// countingReader counts the bytes read from a source and reports them.
type countingReader struct {
	r        io.Reader
	name     string
	n, size  int64
	progress ProgressFunc
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		c.report()
	}
	return n, err
}

func (c *countingReader) report() {
	if c.progress != nil {
		c.progress(c.name, c.n, c.size)
	}
}

// countingReaderAt counts the bytes read through a ReaderAt in c and reports them.
type countingReaderAt struct {
	r  io.ReaderAt
	mu sync.Mutex
	c  *countingReader
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if n > 0 {
		c.mu.Lock()
		c.c.n += int64(n)
		c.c.report()
		c.mu.Unlock()
	}
	return n, err
}

// localError maps a missing file to ErrNotFound, keeping the *fs.PathError.
func localError(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
