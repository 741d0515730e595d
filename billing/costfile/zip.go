package costfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	kflate "github.com/klauspost/compress/flate"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

var (
	// ErrZip: a ZIP archive is broken (a bad directory, a CRC-32 mismatch, a member
	// larger or smaller than its header says) or cannot be read safely: no CSV member,
	// a member that is not a cost file, two members of one name or one content,
	// members in different formats, an encrypted member, a compression method other
	// than stored and deflated, a central directory over 4 MiB, or ZIP input given
	// to Scan rather than ScanFile.
	ErrZip = errors.New("costfile: cannot read ZIP archive")
	// ErrZipBomb: a ZIP member inflates to more than MaxZipRatio times its compressed
	// size and more than ZipRatioFloor bytes.
	ErrZipBomb = errors.New("costfile: ZIP member inflates too much")
)

// ZIP input: its compression in billing.InputStats, and the bounds on what a member
// may inflate to.
const (
	CompressionZip = "zip"
	// MaxZipRatio bounds how many times its compressed size a ZIP member may
	// inflate to, past ZipRatioFloor: deflate can reach about 1000:1 (a "ZIP bomb"),
	// real cost files reach 7:1 (FOCUS) to 20:1 (legacy CUR).
	MaxZipRatio = 200
	// ZipRatioFloor is the size up to which a ZIP member may inflate whatever its
	// ratio (small, repetitive test files compress very well).
	ZipRatioFloor = 64 << 20
	// maxZipDirectory bounds the bytes of central directory read (about 30,000
	// members): it is held in memory whole.
	maxZipDirectory = 4 << 20
)

// zipMember is a CSV member of an archive, with the name its errors carry.
type zipMember struct {
	f     *zip.File
	short string // the member's name, quoted if it holds unprintable characters
	name  string // "archive.zip!member.csv", the *Error's File
	limit int64  // the most it may inflate to (inflateLimit)
	// copyOf is the first member by name of the same content (size and CRC-32), if
	// any: a copy is refused unless it holds no row.
	copyOf *zipMember
}

// scanZip reads every CSV member (.csv or .csv.gz) of the ZIP archive ra, of size
// bytes, in name order, each as Scan reads a file, into one set of Sinks. Before any
// row flows it checks the whole archive: the member list (see zipMembers) and every
// member's header, which must all be of one format. Errors name the member as
// "name!member" (see doc.go). The stats are the archive's: Name is name, Compression
// CompressionZip, the rows and bytes those of all members, the warnings of each
// member prefixed with its name.
func scanZip(ctx context.Context, name string, ra io.ReaderAt, size int64, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: name, Layout: LayoutCSV, Compression: CompressionZip}
	o, err := opt.withDefaults()
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	zr, err := openZip(ra, size)
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	members, err := zipMembers(name, zr.File)
	if err != nil {
		return st, err
	}
	for i, m := range members {
		if err := ctx.Err(); err != nil {
			return st, &Error{File: m.name, Err: err}
		}
		s, rows, err := m.header(o)
		if err != nil {
			return st, err
		}
		if m.copyOf != nil && rows {
			return st, &Error{File: m.name, Err: fmt.Errorf("%w: the same content as %s (size and CRC-32): a copy would count every amount twice", ErrZip, m.copyOf.short)}
		}
		if i == 0 {
			st.Format = s.format
		} else if s.format != st.Format {
			return st, &Error{File: m.name, Line: 1, Err: fmt.Errorf("%w: its header is %s, %s's %s: the members must all be in one format",
				ErrZip, s.format, members[0].short, st.Format)}
		}
	}
	sinks, err := newSinks(newSink, o.Workers)
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	var warns []memberWarning
	var seen memberSketches
	for _, m := range members {
		if err := ctx.Err(); err != nil {
			return st, &Error{File: m.name, Err: err}
		}
		mst, err := m.scan(ctx, sinks, o)
		addMemberStats(&st, mst)
		warns = addMemberWarnings(warns, m.short, mst.Warnings)
		if err != nil {
			return st, err
		}
		if err := seen.add(m, mst.Sketch); err != nil {
			return st, err
		}
	}
	st.Sketch = seen.all
	noRows := st.Rows == 0 && st.SkippedRows == 0
	for _, w := range warns {
		if !(noRows && w.text == noRowsWarning) {
			st.Warnings = append(st.Warnings, w.label()+": "+w.text)
		}
	}
	if noRows {
		st.Warnings = append(st.Warnings, noRowsWarning)
	}
	return st, nil
}

// addMemberStats adds the counts of a member's scan to the archive's stats.
func addMemberStats(st *billing.InputStats, mst billing.InputStats) {
	st.Rows += mst.Rows
	st.Bytes += mst.Bytes
	st.SkippedRows += mst.SkippedRows
	for k, v := range mst.SkippedByProvider {
		if st.SkippedByProvider == nil {
			st.SkippedByProvider = make(map[string]int64)
		}
		st.SkippedByProvider[k] += v
	}
	for _, c := range mst.SkippedByColumns {
		if !slices.Contains(st.SkippedByColumns, c) {
			st.SkippedByColumns = append(st.SkippedByColumns, c)
		}
	}
}

// memberSketches checks that no member overlaps the members before it (B-14: two
// versions of one month in one archive would count its rows twice; billing.Run
// compares inputs, and the archive is one) and merges their sketches into all, the
// archive's. It keeps the sketches of the first maxNamedSketches members, to name
// the one overlapped.
type memberSketches struct {
	all   *billing.Sketch
	named []namedSketch
}

type namedSketch struct {
	m *zipMember
	s *billing.Sketch
}

const maxNamedSketches = 64

func (ms *memberSketches) add(m *zipMember, s *billing.Sketch) error {
	if s == nil {
		return nil
	}
	if ms.all == nil {
		ms.all = &billing.Sketch{}
	} else if s.Overlaps(ms.all) {
		other, shared, n := "a member before it", 0, 0
		for _, p := range ms.named {
			if sh, na, _ := s.Overlap(p.s); sh > 0 && s.Overlaps(p.s) {
				other, shared, n = p.m.short, sh, na
				break
			}
		}
		if n == 0 {
			shared, n, _ = s.Overlap(ms.all)
		}
		return &Error{File: m.name, Err: fmt.Errorf("%w: %d of its %d sampled rows are also in %s (B-14): the same report twice, a copy, or two versions of one month; give each month's rows once",
			billing.ErrOverlap, shared, n, other)}
	}
	if len(ms.named) < maxNamedSketches {
		ms.named = append(ms.named, namedSketch{m, s})
	}
	ms.all.Merge(s)
	return nil
}

// openZip reads the archive's central directory, at most maxZipDirectory bytes of
// it, and reads deflated members with klauspost/compress's faster inflate.
func openZip(ra io.ReaderAt, size int64) (*zip.Reader, error) {
	b := &dirBudget{r: ra, left: maxZipDirectory + 80<<10} // + the end records, searched for in the last 65 KiB
	zr, err := zip.NewReader(b, size)
	b.open = true
	if b.over {
		return nil, fmt.Errorf("%w: its central directory is over %d bytes (tens of thousands of members)", ErrZip, maxZipDirectory)
	}
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are only printed, never used as paths
		return nil, fmt.Errorf("%w: %w", ErrZip, err)
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	return zr, nil
}

// dirBudget is the archive's io.ReaderAt, failing once zip.NewReader has read
// left bytes (zip.NewReader keeps every directory entry in memory); open lifts the
// bound for reading the members.
type dirBudget struct {
	r    io.ReaderAt
	left int64
	open bool
	over bool
}

var errDirTooLarge = errors.New("central directory too large")

func (b *dirBudget) ReadAt(p []byte, off int64) (int, error) {
	if !b.open {
		if int64(len(p)) > b.left {
			b.over = true
			return 0, errDirTooLarge
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

// zipMembers returns the archive's CSV members (names ending in .csv or .csv.gz, in
// any case) sorted by name, skipping directories and the junk archivers add
// (__MACOSX/, ._*, .DS_Store, Thumbs.db, desktop.ini). It refuses, naming the
// member, an archive that is an Excel workbook, a member that is not a CSV file (it
// could hold cost data the run would silently miss), two members of one name or of
// one name, an encrypted
// member, a compression method other than stored and deflated, and a member whose
// declared size is over its inflateLimit; and an archive with no CSV member. It
// marks the members of one content (size and CRC-32) as copies of the first: a copy
// would double every amount.
func zipMembers(name string, files []*zip.File) ([]*zipMember, error) {
	var members []*zipMember
	var sawContentTypes, sawXL bool
	skipped := 0
	for _, f := range files {
		switch {
		case f.Name == "[Content_Types].xml":
			sawContentTypes = true
		case strings.HasPrefix(f.Name, "xl/"):
			sawXL = true
		}
		if isZipJunk(f) {
			skipped++
			continue
		}
		short := displayName(f.Name)
		members = append(members, &zipMember{f: f, short: short, name: name + "!" + short, limit: inflateLimit(f.CompressedSize64)})
	}
	if sawContentTypes && sawXL {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: Excel workbook (.xlsx); save the sheet as CSV (UTF-8)", ErrUnsupported)}
	}
	if len(members) == 0 {
		why := "the archive is empty"
		if skipped > 0 {
			why = "it holds only directories and archiver metadata (__MACOSX/, .DS_Store…)"
		}
		return nil, &Error{File: name, Err: fmt.Errorf("%w: no CSV member: %s", ErrZip, why)}
	}
	slices.SortStableFunc(members, func(a, b *zipMember) int { return strings.Compare(a.f.Name, b.f.Name) })
	type content struct{ crc, size uint64 }
	seen := make(map[content]*zipMember, len(members))
	for i, m := range members {
		f := m.f
		lower := strings.ToLower(f.Name)
		if !strings.HasSuffix(lower, ".csv") && !strings.HasSuffix(lower, ".csv.gz") {
			return nil, &Error{File: m.name, Err: fmt.Errorf("%w: not a CSV file: an archive of cost files may hold only .csv and .csv.gz members (another file could be cost data the run would miss)", ErrZip)}
		}
		if i > 0 && members[i-1].f.Name == f.Name {
			return nil, &Error{File: m.name, Err: fmt.Errorf("%w: two members have this name: the archive must hold each file once", ErrZip)}
		}
		if f.Flags&0x1 != 0 {
			return nil, &Error{File: m.name, Err: fmt.Errorf("%w: the member is encrypted; extract it with its password and scan the CSV file", ErrZip)}
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, &Error{File: m.name, Err: fmt.Errorf("%w: compression method %s is not supported, only stored and deflated members are; re-create the archive with standard deflate (zip, or 7z a -tzip -mm=Deflate), or compress the CSV with gzip",
				ErrZip, methodName(f.Method))}
		}
		if f.UncompressedSize64 > uint64(m.limit) {
			return nil, &Error{File: m.name, Err: fmt.Errorf("%w: it declares %d bytes inflated from %d, over %d:1 and %d MiB (a ZIP bomb?); if it is genuine, extract it and scan the CSV file",
				ErrZipBomb, f.UncompressedSize64, f.CompressedSize64, MaxZipRatio, ZipRatioFloor>>20)}
		}
		if f.CRC32 != 0 && f.UncompressedSize64 > 0 {
			k := content{uint64(f.CRC32), f.UncompressedSize64}
			if first, ok := seen[k]; ok {
				m.copyOf = first
			} else {
				seen[k] = m
			}
		}
	}
	return members, nil
}

// isZipJunk reports whether f is a directory or a file archivers add that holds no
// cost data: macOS resource forks (__MACOSX/, ._name), .DS_Store, Thumbs.db and
// desktop.ini.
func isZipJunk(f *zip.File) bool {
	n := strings.ReplaceAll(f.Name, `\`, "/")
	if strings.HasSuffix(n, "/") || f.Mode().IsDir() {
		return true
	}
	for el := range strings.SplitSeq(n, "/") {
		if el == "__MACOSX" {
			return true
		}
	}
	base := n[strings.LastIndexByte(n, '/')+1:]
	return strings.HasPrefix(base, "._") || base == ".DS_Store" || base == "Thumbs.db" || base == "desktop.ini"
}

// displayName returns a member's name as errors print it: as is, or quoted when it
// is not valid UTF-8 (e.g. Shift_JIS from an old Windows archiver) or holds control
// characters (a name with a newline must not split an error line).
func displayName(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) }) < 0 {
		return s
	}
	return strconv.Quote(s)
}

// methodName names a ZIP compression method for errors.
func methodName(m uint16) string {
	names := map[uint16]string{1: "Shrink", 6: "Implode", 9: "Deflate64 (Windows Explorer's for large files)", 12: "bzip2",
		14: "LZMA", 93: "Zstandard", 95: "xz", 98: "PPMd", 99: "AES encryption"}
	if n, ok := names[m]; ok {
		return fmt.Sprintf("%d (%s)", m, n)
	}
	return strconv.Itoa(int(m))
}

// inflateLimit is the most a member of comp compressed bytes may inflate to: the
// larger of ZipRatioFloor and MaxZipRatio times comp.
func inflateLimit(comp uint64) int64 {
	if comp > math.MaxInt64/MaxZipRatio {
		return math.MaxInt64
	}
	return max(ZipRatioFloor, int64(comp)*MaxZipRatio)
}

// open returns the member's CSV text (gunzipped for a .csv.gz member, refused with
// ErrUnsupported when its first bytes say it is another format), bounded by its
// inflateLimit, and the function that releases it.
func (m *zipMember) open() (io.Reader, func(), error) {
	rc, err := m.f.Open()
	if err != nil {
		return nil, nil, &Error{File: m.name, Err: fmt.Errorf("%w: %w", ErrZip, err)}
	}
	text, _, closeGz, err := openText(bufio.NewReaderSize(zipErrReader{rc, m.f.UncompressedSize64}, 64<<10), true)
	if err != nil {
		rc.Close()
		return nil, nil, &Error{File: m.name, Err: err}
	}
	return &inflateBound{r: text, limit: m.limit, comp: m.f.CompressedSize64}, func() { closeGz(); rc.Close() }, nil
}

// header reads the member's header record and detects its format, as Scan does: a
// failure is the error Scan would give at line 1. rows reports whether anything but
// blanks follows the header.
func (m *zipMember) header(o Options) (s *schema, rows bool, err error) {
	text, done, err := m.open()
	if err != nil {
		return nil, false, err
	}
	defer done()
	buf := make([]byte, 0, min(64<<10, o.MaxRecordSize+1))
	var rerr error
	for rerr == nil && findCut(bytes.TrimPrefix(buf, utf8BOM)) <= 0 {
		if len(buf) == cap(buf) {
			if len(buf) > o.MaxRecordSize {
				return nil, false, &Error{File: m.name, Line: 1, Err: fmt.Errorf("%w: no end of record within %d bytes", ErrRecordTooLong, o.MaxRecordSize)}
			}
			buf = slices.Grow(buf, min(len(buf), o.MaxRecordSize+1-len(buf)))
		}
		var n int
		n, rerr = text.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
	}
	data := bytes.TrimPrefix(buf, utf8BOM)
	if rerr != nil && rerr != io.EOF && findCut(data) <= 0 {
		return nil, false, &Error{File: m.name, Line: 1, Err: rerr}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, false, &Error{File: m.name, Line: 1, Err: fmt.Errorf("%w: empty input, no header", ErrUnknownFormat)}
	}
	s, hn, err := parseHeader(data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File, e.Line = m.name, 1
			return nil, false, e
		}
		return nil, false, &Error{File: m.name, Line: 1, Err: err}
	}
	rest := data[hn:]
	for len(bytes.TrimSpace(rest)) == 0 && rerr == nil { // look past blank lines
		var n int
		n, rerr = text.Read(buf[:cap(buf)])
		rest = buf[:n]
	}
	return s, len(bytes.TrimSpace(rest)) > 0 || (rerr != nil && rerr != io.EOF), nil
}

// scan streams the member's rows into sinks (one per worker, handed to scanCSV in
// order: scanCSV has ended before the next member starts, so no Sink is ever used by
// two goroutines at once).
func (m *zipMember) scan(ctx context.Context, sinks []billing.Sink, o Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: m.name, Layout: LayoutCSV}
	text, done, err := m.open()
	if err != nil {
		return st, err
	}
	defer done()
	next := 0
	return scanCSV(ctx, m.name, text, func() billing.Sink { s := sinks[next%len(sinks)]; next++; return s }, o, st)
}

// zipErrReader reports a member's read errors as ErrZip, saying what they mean.
// io.EOF passes; io.ErrUnexpectedEOF must not, or a truncated member would read as
// a complete, shorter file.
type zipErrReader struct {
	r        io.Reader
	declared uint64
}

func (z zipErrReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	switch {
	case err == nil || err == io.EOF:
	case errors.Is(err, zip.ErrFormat):
		err = fmt.Errorf("%w: the member inflates to more than the %d bytes its header declares", ErrZip, z.declared)
	case errors.Is(err, zip.ErrChecksum):
		err = fmt.Errorf("%w: CRC-32 mismatch: the member is corrupt", ErrZip)
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("%w: the member is truncated (fewer bytes than its header declares)", ErrZip)
	default:
		err = fmt.Errorf("%w: %w", ErrZip, err)
	}
	return n, err
}

// inflateBound fails with ErrZipBomb once more than limit bytes of text were read:
// for a .csv.gz member the ZIP header's size is that of the gzip stream, so only
// counting bounds what it inflates to.
type inflateBound struct {
	r     io.Reader
	n     int64
	limit int64
	comp  uint64
}

func (b *inflateBound) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n - int(b.n-b.limit), fmt.Errorf("%w: it inflates to more than %d bytes from %d, over %d:1 and %d MiB (a ZIP bomb?); if it is genuine, extract it and scan the CSV file",
			ErrZipBomb, b.limit, b.comp, MaxZipRatio, ZipRatioFloor>>20)
	}
	return n, err
}

// memberWarning is a warning text and the members that gave it, in name order.
type memberWarning struct {
	text    string
	members []string
}

// addMemberWarnings adds a member's warnings to ws, grouping equal texts: twenty
// parts of one FOCUS export without x_ServiceCode give one warning, not twenty.
func addMemberWarnings(ws []memberWarning, member string, texts []string) []memberWarning {
next:
	for _, t := range texts {
		for i := range ws {
			if ws[i].text == t {
				ws[i].members = append(ws[i].members, member)
				continue next
			}
		}
		ws = append(ws, memberWarning{text: t, members: []string{member}})
	}
	return ws
}

// label names the members of a warning: "a.csv", "a.csv, b.csv" or "a.csv, b.csv
// and 3 more members".
func (w memberWarning) label() string {
	if len(w.members) <= 3 {
		return strings.Join(w.members, ", ")
	}
	return fmt.Sprintf("%s, %s and %d more members", w.members[0], w.members[1], len(w.members)-2)
}
