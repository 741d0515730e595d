package costfile

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// zipEntry is one member of a test archive: written deflated with its true sizes,
// or, when hdr is set, as raw bytes under that header (forged sizes, flags, methods).
type zipEntry struct {
	name string
	data string
	hdr  *zip.FileHeader
}

// zipBytes builds a ZIP archive of entries, in the given order.
func zipBytes(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range entries {
		if e.hdr != nil {
			h := *e.hdr
			h.Name = e.name
			fw, err := w.CreateRaw(&h)
			require.NoError(t, err)
			_, err = fw.Write([]byte(e.data))
			require.NoError(t, err)
			continue
		}
		fw, err := w.Create(e.name)
		require.NoError(t, err)
		_, err = fw.Write([]byte(e.data))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

// writeFile writes data to name in a new temporary directory and returns its path.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// deflated returns data compressed with raw deflate, and its header for CreateRaw.
func deflated(t testing.TB, data string) (string, *zip.FileHeader) {
	t.Helper()
	var b bytes.Buffer
	fw, err := kflate.NewWriter(&b, kflate.BestSpeed)
	require.NoError(t, err)
	_, err = fw.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	return b.String(), &zip.FileHeader{Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(data)),
		CompressedSize64: uint64(b.Len()), UncompressedSize64: uint64(len(data))}
}

func scanZipFile(t testing.TB, path string, opt Options) ([]row, billing.InputStats, error) {
	t.Helper()
	var c collector
	st, err := ScanFile(context.Background(), path, c.newSink, opt)
	return c.sorted(), st, err
}

// legacyRows returns n legacy rows of account acct, costs 1..n, line item ids
// acct-1..acct-n.
func legacyRows(acct string, n int) string { return legacyRowsCost(acct, n, 1) }

// legacyRowsCost returns legacyRows with every cost multiplied by k (a restated
// version of the same rows).
func legacyRowsCost(acct string, n, k int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		r := legacyRow(acct, "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", fmt.Sprint(i*k), `"d, ""q"""`, "n", "AWS", "1", "")
		b.WriteString(fmt.Sprintf("%s-%d", acct, i) + strings.TrimPrefix(r, "id1"))
	}
	return b.String()
}

// TestB1_ZipEqualsItsMembers (acceptance, issue 7): a ZIP archive of two CSV files
// gives the rows, row count and bytes of the two files scanned separately, and a
// billing run on it the same invoices as on the two files — whatever the workers and
// block size.
func TestB1_ZipEqualsItsMembers(t *testing.T) {
	a := legacyHeader + legacyRows("111111111111", 40)
	b := legacyHeader + legacyRows("222222222222", 25)
	wantA, stA, err := scanString(t, a, Options{})
	require.NoError(t, err)
	wantB, stB, err := scanString(t, b, Options{})
	require.NoError(t, err)
	want := append(wantA, wantB...)
	path := writeFile(t, "cur.zip", zipBytes(t, zipEntry{name: "cur-1.csv", data: a}, zipEntry{name: "cur-2.csv", data: b}))
	for _, opt := range []Options{{Workers: 1}, {Workers: 3, BlockSize: 64}} {
		got, st, err := scanZipFile(t, path, opt)
		require.NoError(t, err)
		assert.ElementsMatch(t, want, got)
		assert.Equal(t, int64(65), st.Rows)
		assert.Equal(t, stA.Rows+stB.Rows, st.Rows)
		assert.Equal(t, stA.Bytes+stB.Bytes, st.Bytes)
		assert.Equal(t, billing.FormatCURLegacy, st.Format)
		assert.Equal(t, LayoutCSV, st.Layout)
		assert.Equal(t, CompressionZip, st.Compression)
		assert.Equal(t, path, st.Name)
		assert.Equal(t, []string{"cur-1.csv, cur-2.csv: " + noCurrencyWarning}, st.Warnings)
	}

	// The real FOCUS sample cut in two (it has no quoted newlines): the same
	// invoice from the archive as from the two halves.
	raw, err := os.ReadFile(focusSample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(raw), "\n")
	half1 := lines[0] + strings.Join(lines[1:500], "")
	half2 := lines[0] + strings.Join(lines[500:], "")
	dir := t.TempDir()
	p1, p2, pz := filepath.Join(dir, "focus-1.csv"), filepath.Join(dir, "focus-2.csv"), filepath.Join(dir, "focus.zip")
	require.NoError(t, os.WriteFile(p1, []byte(half1), 0o600))
	require.NoError(t, os.WriteFile(p2, []byte(half2), 0o600))
	require.NoError(t, os.WriteFile(pz, zipBytes(t, zipEntry{name: "focus-2.csv", data: half2}, zipEntry{name: "focus-1.csv", data: half1}), 0o600))
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "sunbird", Currency: money.JPY, ExchangeRate: &rate,
			Accounts: []string{"011353890204", "018938484842", "085742851457", "069918885631"}}},
	}
	run := func(inputs ...billing.Input) *billing.Result {
		res, err := billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2024, 9), Issuer: cfg.Issuer, Projects: cfg, Inputs: inputs})
		require.NoError(t, err)
		return res
	}
	separate := run(File{Path: p1}, File{Path: p2})
	zipped := run(File{Path: pz, Options: Options{Workers: 2}})
	assert.Equal(t, separate.Invoices, zipped.Invoices)
	assert.Equal(t, separate.Rows, zipped.Rows)
	require.Len(t, zipped.Inputs, 1)
	assert.Equal(t, int64(942), zipped.Inputs[0].Rows)
	assert.Equal(t, separate.Inputs[0].SkippedRows+separate.Inputs[1].SkippedRows, zipped.Inputs[0].SkippedRows)
	assert.Positive(t, zipped.Invoices[0].ChargesUSD.Sign())
}

// TestB1_ZipMemberOrder: members are read in name order, whatever their order in the
// archive: the first error reported is that of the first member by name, and the
// members' warnings come in name order, each naming its member.
func TestB1_ZipMemberOrder(t *testing.T) {
	good := legacyHeader + legacyRows("111111111111", 3)
	ragged := func(acct string) string { return legacyHeader + legacyRows(acct, 2) + "a,b\n" }
	path := writeFile(t, "x.zip", zipBytes(t,
		zipEntry{name: "z.csv", data: ragged("222222222222")},
		zipEntry{name: "b/part.csv", data: ragged("333333333333")},
		zipEntry{name: "a.csv", data: good}))
	_, _, err := scanZipFile(t, path, Options{Workers: 2})
	require.ErrorIs(t, err, ErrFieldCount)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, path+"!b/part.csv", e.File)
	assert.Equal(t, int64(4), e.Line)
	assert.True(t, strings.HasPrefix(err.Error(), path+"!b/part.csv:4: costfile: wrong number of fields"), err.Error())

	path = writeFile(t, "x.zip", zipBytes(t,
		zipEntry{name: "c.csv", data: legacyHeader},
		zipEntry{name: "a.csv", data: legacyHeader},
		zipEntry{name: "b.csv", data: good}))
	_, st, err := scanZipFile(t, path, Options{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Rows)
	assert.Equal(t, []string{"a.csv, b.csv, c.csv: " + noCurrencyWarning, "a.csv, c.csv: " + noRowsWarning}, st.Warnings)

	// No member with a row: one warning, as for a file.
	path = writeFile(t, "x.zip", zipBytes(t, zipEntry{name: "b.csv", data: legacyHeader}, zipEntry{name: "a.csv", data: legacyHeader}))
	_, st, err = scanZipFile(t, path, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.csv, b.csv: " + noCurrencyWarning, noRowsWarning}, st.Warnings)
}

// TestB1_ZipMembers: what an archive may hold. Directories and archiver junk are
// skipped; .csv.gz members are read; a member that is not a CSV file, two members
// of one name or content, members of different formats, an empty archive and an
// Excel workbook are refused, naming the member.
func TestB1_ZipMembers(t *testing.T) {
	good := legacyHeader + legacyRows("111111111111", 3)
	other := legacyHeader + legacyRows("222222222222", 2)
	want, _, err := scanString(t, good+legacyRows("222222222222", 2), Options{})
	require.NoError(t, err)

	path := writeFile(t, "x.zip", zipBytes(t,
		zipEntry{name: "reports/"},
		zipEntry{name: "reports/a.csv", data: good},
		zipEntry{name: "__MACOSX/reports/._a.csv", data: "\x00\x05\x16\x07junk"},
		zipEntry{name: "reports/.DS_Store", data: "\x00\x00\x00\x01Bud1"},
		zipEntry{name: "reports/._b.csv.gz", data: "junk"},
		zipEntry{name: "reports/b.CSV.GZ", data: string(gz(t, other))}))
	got, st, err := scanZipFile(t, path, Options{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(5), st.Rows)
	assert.Equal(t, int64(len(good)+len(other)), st.Bytes)

	focus := "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName,x_ServiceCode\n1,Usage,2026-10-01T00:00:00Z,1,S,AWS,AmazonS3\n"
	for _, tc := range []struct {
		name    string
		entries []zipEntry
		is      error
		msg     string // Error(), after the archive's path
	}{
		{"a member that is not CSV", []zipEntry{{name: "a.csv", data: good}, {name: "manifest.json", data: `{"files":[]}`}}, ErrZip,
			"!manifest.json: costfile: cannot read ZIP archive: not a CSV file: an archive of cost files may hold only .csv and .csv.gz members (another file could be cost data the run would miss)"},
		{"a Parquet member", []zipEntry{{name: "a.csv", data: good}, {name: "b.parquet", data: "PAR1"}}, ErrZip, "!b.parquet: costfile: cannot read ZIP archive: not a CSV file"},
		{"a .csv member that is bzip2", []zipEntry{{name: "a.csv", data: "BZh91AY&SY\x00"}}, ErrUnsupported,
			"!a.csv: costfile: unsupported file format: bzip2-compressed data inside a ZIP archive; decompress it, or compress the CSV with gzip or zip"},
		{"a ZIP in a ZIP", []zipEntry{{name: "a.csv", data: string(zipBytes(t, zipEntry{name: "a.csv", data: good}))}}, ErrUnsupported,
			"!a.csv: costfile: unsupported file format: ZIP archive inside a ZIP archive; extract it"},
		{"empty archive", nil, ErrZip, ": costfile: cannot read ZIP archive: no CSV member: the archive is empty"},
		{"only junk", []zipEntry{{name: "d/"}, {name: "__MACOSX/._a.csv", data: "x"}}, ErrZip,
			": costfile: cannot read ZIP archive: no CSV member: it holds only directories and archiver metadata (__MACOSX/, .DS_Store…)"},
		{"two members of one name", []zipEntry{{name: "a.csv", data: good}, {name: "a.csv", data: other}}, ErrZip,
			"!a.csv: costfile: cannot read ZIP archive: two members have this name: the archive must hold each file once"},
		{"a copy under another name", []zipEntry{{name: "a.csv", data: good}, {name: "old/a.csv", data: other}, {name: "a-copy.csv", data: good}}, ErrZip,
			"!a.csv: costfile: cannot read ZIP archive: the same content as a-copy.csv (size and CRC-32): a copy would count every amount twice"},
		{"members of two formats", []zipEntry{{name: "b.csv", data: focus}, {name: "a.csv", data: good}}, ErrZip,
			"!b.csv:1: costfile: cannot read ZIP archive: its header is focus, a.csv's cur-legacy: the members must all be in one format"},
		{"a member with an unknown header", []zipEntry{{name: "a.csv", data: good}, {name: "b.csv", data: "a,b\n1,2\n"}}, ErrUnknownFormat,
			"!b.csv:1: costfile: unknown cost file format"},
		{"a member lacking a required column", []zipEntry{{name: "a.csv", data: good}, {name: "b.csv", data: "lineItem/UsageAccountId,lineItem/LineItemType\n1,2\n"}}, ErrMissingColumn,
			"!b.csv:1: column "},
		{"an empty member", []zipEntry{{name: "a.csv", data: good}, {name: "b.csv"}}, ErrUnknownFormat, "!b.csv:1: costfile: unknown cost file format: empty input, no header"},
		{"an Excel workbook", []zipEntry{{name: "[Content_Types].xml", data: "<xml/>"}, {name: "xl/workbook.xml", data: "<xml/>"}}, ErrUnsupported,
			": costfile: unsupported file format: Excel workbook (.xlsx); save the sheet as CSV (UTF-8)"},
		{"a name with a newline", []zipEntry{{name: "a\nb.txt", data: good}}, ErrZip, `!"a\nb.txt": costfile: cannot read ZIP archive: not a CSV file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "x.zip", zipBytes(t, tc.entries...))
			var sunk int
			_, err := ScanFile(context.Background(), path, func() billing.Sink { return &countSink{n: &sunk} }, Options{Workers: 2})
			require.ErrorIs(t, err, tc.is)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.True(t, strings.HasPrefix(err.Error(), path+tc.msg), "%q does not start with %q", err.Error(), path+tc.msg)
			assert.Zero(t, sunk, "refused before any row flows")
		})
	}
}

// countSink counts the rows of all its copies.
type countSink struct{ n *int }

func (c *countSink) Add(*billing.LineItem) error { *c.n++; return nil }

// TestB14_ZipOverlap: a ZIP archive is one input, so the overlap check (B-14) is
// made between its members too: two versions of one month in one archive (the same
// line items, restated costs) are refused naming both members. The archive's sample
// is its members' together: the archive and a file it holds overlap.
func TestB14_ZipOverlap(t *testing.T) {
	a := legacyHeader + legacyRows("111111111111", 30)
	restated := legacyHeader + legacyRowsCost("111111111111", 30, 2)
	path := writeFile(t, "x.zip", zipBytes(t, zipEntry{name: "v2/cur.csv", data: restated}, zipEntry{name: "v1/cur.csv", data: a}))
	_, _, err := scanZipFile(t, path, Options{Workers: 2})
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Equal(t, path+"!v2/cur.csv: billing: inputs overlap: 30 of its 30 sampled rows are also in v1/cur.csv (B-14): "+
		"the same report twice, a copy, or two versions of one month; give each month's rows once", err.Error())

	b := legacyHeader + legacyRows("222222222222", 20)
	path = writeFile(t, "x.zip", zipBytes(t, zipEntry{name: "a.csv", data: a}, zipEntry{name: "b.csv", data: b}))
	_, st, err := scanZipFile(t, path, Options{Workers: 2})
	require.NoError(t, err)
	require.NotNil(t, st.Sketch)
	assert.Equal(t, 50, st.Sketch.Len())
	plain := writeFile(t, "b.csv", []byte(b))
	cfg := &billing.Config{Issuer: billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "p", Currency: money.USD, Accounts: []string{"111111111111"}}}}
	_, err = billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2026, 10), Issuer: cfg.Issuer, Projects: cfg,
		Inputs: []billing.Input{File{Path: path}, File{Path: plain}}})
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), plain)
}

// TestB1_ZipBomb: a member that inflates past MaxZipRatio times its compressed size
// (and past ZipRatioFloor) is refused, naming it: from its declared size before any
// row flows, from the bytes read when it hides its size (a .csv.gz member, whose
// header gives the gzip stream's size, or a header that lies).
func TestB1_ZipBomb(t *testing.T) {
	good := legacyHeader + legacyRows("111111111111", 3)

	// Declared: 1 GiB from a few bytes.
	body, hdr := deflated(t, legacyHeader)
	hdr.UncompressedSize64 = 1 << 30
	path := writeFile(t, "bomb.zip", zipBytes(t, zipEntry{name: "a.csv", data: good}, zipEntry{name: "b.csv", data: body, hdr: hdr}))
	var sunk int
	_, err := ScanFile(context.Background(), path, func() billing.Sink { return &countSink{n: &sunk} }, Options{})
	require.ErrorIs(t, err, ErrZipBomb)
	assert.True(t, strings.HasPrefix(err.Error(), path+"!b.csv: costfile: ZIP member inflates too much: it declares 1073741824 bytes inflated from "), err.Error())
	assert.Contains(t, err.Error(), "over 200:1 and 64 MiB (a ZIP bomb?); if it is genuine, extract it and scan the CSV file")
	assert.Zero(t, sunk)

	// Hidden in a .csv.gz member: 70 MiB of blank lines after a header, about 70 KiB
	// of gzip; refused once the bound is read past, at the line reached.
	var g bytes.Buffer
	gw, err := gzip.NewWriterLevel(&g, gzip.BestCompression)
	require.NoError(t, err)
	_, err = gw.Write([]byte(good))
	require.NoError(t, err)
	blank := bytes.Repeat([]byte("\n"), 1<<20)
	for range 70 {
		_, err = gw.Write(blank)
		require.NoError(t, err)
	}
	require.NoError(t, gw.Close())
	require.Less(t, g.Len()*MaxZipRatio, ZipRatioFloor)
	path = writeFile(t, "bomb.zip", zipBytes(t, zipEntry{name: "a.csv.gz", data: g.String()}))
	_, _, err = scanZipFile(t, path, Options{Workers: 2})
	require.ErrorIs(t, err, ErrZipBomb)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, path+"!a.csv.gz", e.File)
	assert.Positive(t, e.Line)
	assert.Contains(t, err.Error(), fmt.Sprintf("costfile: ZIP member inflates too much: it inflates to more than %d bytes from ", ZipRatioFloor))

	// A header that declares fewer bytes than the member inflates to.
	body, hdr = deflated(t, good)
	hdr.UncompressedSize64 = uint64(len(legacyHeader))
	path = writeFile(t, "liar.zip", zipBytes(t, zipEntry{name: "a.csv", data: body, hdr: hdr}))
	_, _, err = scanZipFile(t, path, Options{})
	require.ErrorIs(t, err, ErrZip)
	assert.Contains(t, err.Error(), path+"!a.csv")
	assert.Contains(t, err.Error(), fmt.Sprintf("costfile: cannot read ZIP archive: the member inflates to more than the %d bytes its header declares", len(legacyHeader)))
}

// TestB1_ZipRefused: encrypted members, compression methods other than stored and
// deflated, corrupt and truncated members, an oversized central directory, and ZIP
// input given to Scan are refused with ErrZip, naming the member.
func TestB1_ZipRefused(t *testing.T) {
	good := legacyHeader + legacyRows("111111111111", 3)
	body, hdr := deflated(t, good)
	enc := *hdr
	enc.Flags |= 0x1
	d64 := *hdr
	d64.Method = 9
	bz := *hdr
	bz.Method = 12
	badCRC := *hdr
	badCRC.CRC32++
	long := *hdr
	long.UncompressedSize64 += 10
	for _, tc := range []struct {
		name    string
		entries []zipEntry
		msg     string
	}{
		{"encrypted", []zipEntry{{name: "a.csv", data: body, hdr: &enc}}, "!a.csv: costfile: cannot read ZIP archive: the member is encrypted; extract it with its password and scan the CSV file"},
		{"Deflate64", []zipEntry{{name: "a.csv", data: body, hdr: &d64}},
			"!a.csv: costfile: cannot read ZIP archive: compression method 9 (Deflate64 (Windows Explorer's for large files)) is not supported, only stored and deflated members are; re-create the archive with standard deflate"},
		{"bzip2 method", []zipEntry{{name: "a.csv", data: body, hdr: &bz}}, "!a.csv: costfile: cannot read ZIP archive: compression method 12 (bzip2) is not supported"},
		{"CRC mismatch", []zipEntry{{name: "a.csv", data: body, hdr: &badCRC}}, "!a.csv:5: costfile: cannot read ZIP archive: CRC-32 mismatch: the member is corrupt"},
		// archive/zip drops the bytes of the read that finds the member short: the
		// error is at line 1.
		{"truncated", []zipEntry{{name: "a.csv", data: body, hdr: &long}}, "!a.csv:1: costfile: cannot read ZIP archive: the member is truncated (fewer bytes than its header declares)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "x.zip", zipBytes(t, tc.entries...))
			_, _, err := scanZipFile(t, path, Options{Workers: 2})
			require.ErrorIs(t, err, ErrZip)
			assert.True(t, strings.HasPrefix(err.Error(), path+tc.msg), "%q does not start with %q", err.Error(), path+tc.msg)
		})
	}

	t.Run("broken archive", func(t *testing.T) {
		data := zipBytes(t, zipEntry{name: "a.csv", data: good})
		path := writeFile(t, "x.zip", data[:len(data)-10])
		_, _, err := scanZipFile(t, path, Options{})
		require.ErrorIs(t, err, ErrZip)
		assert.Equal(t, path+": costfile: cannot read ZIP archive: zip: not a valid zip file", err.Error())
	})

	t.Run("central directory over 4 MiB", func(t *testing.T) {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		name := strings.Repeat("d", 100)
		for i := range 50000 {
			_, err := w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%s%06d/", name, i)})
			require.NoError(t, err)
		}
		require.NoError(t, w.Close())
		path := writeFile(t, "x.zip", b.Bytes())
		_, _, err := scanZipFile(t, path, Options{})
		require.ErrorIs(t, err, ErrZip)
		assert.Equal(t, path+": costfile: cannot read ZIP archive: its central directory is over 4194304 bytes (tens of thousands of members)", err.Error())
	})

	t.Run("Scan needs ScanFile", func(t *testing.T) {
		_, _, err := scanString(t, string(zipBytes(t, zipEntry{name: "a.csv", data: good})), Options{})
		require.ErrorIs(t, err, ErrZip)
		assert.Equal(t, "test.csv: costfile: cannot read ZIP archive: ZIP input must be read with ScanFile (it needs random access: the list of members is at the end)", err.Error())
	})

	t.Run("one Sink twice", func(t *testing.T) {
		path := writeFile(t, "x.zip", zipBytes(t, zipEntry{name: "a.csv", data: good}))
		shared := &countSink{n: new(int)}
		_, err := ScanFile(context.Background(), path, func() billing.Sink { return shared }, Options{Workers: 2})
		require.ErrorIs(t, err, ErrSinkReused)
		assert.True(t, strings.HasPrefix(err.Error(), path+": costfile: newSink must return a new Sink"), err.Error())
	})
}

// TestB1_UnsupportedFormats: a file of a format the readers do not read is refused
// with ErrUnsupported saying what it is and what to do, not with the header's
// "unknown cost file format"; by ScanFile and by Scan, plain and gzip-compressed.
func TestB1_UnsupportedFormats(t *testing.T) {
	tar := make([]byte, 1024)
	copy(tar, "report.csv")
	copy(tar[257:], "ustar\x0000")
	for _, tc := range []struct {
		name, data, msg string
	}{
		{"x.csv.bz2", "BZh91AY&SY\x12\x34", "bzip2-compressed data; decompress it, or compress the CSV with gzip or zip"},
		{"x.csv.xz", "\xfd7zXZ\x00\x00\x04", "xz-compressed data; decompress it, or compress the CSV with gzip or zip"},
		{"x.csv.zst", "\x28\xb5\x2f\xfd\x24\x00", "zstd-compressed data; decompress it, or compress the CSV with gzip or zip"},
		{"x.csv.lz4", "\x04\x22\x4d\x18\x64\x40", "LZ4-compressed data; "},
		{"x.csv.Z", "\x1f\x9d\x90", "compress (.Z) data; "},
		{"x.7z", "7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip archive; extract the cost files, or pack the CSV files with zip"},
		{"x.rar", "Rar!\x1a\x07\x01\x00", "RAR archive; extract the cost files, or pack the CSV files with zip"},
		{"x.tar", string(tar), "tar archive; extract the cost files, or pack the CSV files with zip"},
		{"x.z01", "PK\x07\x08PK\x03\x04", "split (multi-volume) ZIP archive; join its parts into one .zip, or extract the cost files"},
		{"x.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "Excel 97-2003 workbook (or another OLE2 document); save the sheet as CSV (UTF-8)"},
		{"x.csv", "\xff\xfel\x00i\x00", "UTF-16 text; save it as UTF-8 CSV"},
		{"x.pdf", "%PDF-1.7\n", "PDF document; cost data is read from CSV (optionally gzip- or zip-compressed) or Parquet files"},
		{"x.csv.gz", `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>`, "XML document (an S3 error response saved as the file?); "},
		{"x.csv", "<!DOCTYPE html><html>", "HTML page; "},
		{"report-Manifest.json", "{\n  \"assemblyId\": \"x\"}", "JSON document, not CSV (an AWS report manifest?); give the cost files it lists"},
		{"x.tar.gz", string(gz(t, string(tar))), "gzip-compressed tar archive; extract the cost files, or pack the CSV files with zip"},
		{"x.zip.gz", string(gz(t, string(zipBytes(t, zipEntry{name: "a.csv", data: legacyHeader})))), "gzip-compressed ZIP archive; extract it"},
		{"x.csv.gz.gz", string(gz(t, string(gz(t, legacyHeader)))), "gzip-compressed gzip data; decompress it once more"},
		{"x.parquet.gz", string(gz(t, "PAR1\x15\x00")), "gzip-compressed Parquet file; decompress it: Parquet is compressed inside already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.name, []byte(tc.data))
			_, _, err := scanZipFile(t, path, Options{})
			require.ErrorIs(t, err, ErrUnsupported)
			assert.True(t, strings.HasPrefix(err.Error(), path+": costfile: unsupported file format: "+tc.msg), err.Error())
			var c collector
			_, err = Scan(context.Background(), tc.name, strings.NewReader(tc.data), c.newSink, Options{})
			require.ErrorIs(t, err, ErrUnsupported)
			assert.True(t, strings.HasPrefix(err.Error(), tc.name+": costfile: unsupported file format: "+tc.msg), err.Error())
		})
	}

	// CSV whose first bytes resemble a signature is still CSV.
	for _, text := range []string{
		"BZh9,lineItem/UsageAccountId\n",
		"[a],b\n1,2\n",
		"{x},b\n",
	} {
		_, _, err := scanString(t, text, Options{})
		require.Error(t, err, text)
		require.NotErrorIs(t, err, ErrUnsupported, text)
	}
}

// BenchmarkScanLegacyZip measures the benchmark file as a ZIP member (MB/s of CSV
// text), to compare with BenchmarkScanLegacyGzip.
func BenchmarkScanLegacyZip(b *testing.B) {
	data := benchCUR()
	path := writeFile(b, "bench.zip", zipBytes(b, zipEntry{name: "bench.csv", data: string(data)}))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		st, err := ScanFile(context.Background(), path, func() billing.Sink { return &nopSink{} }, Options{})
		if err != nil || st.Rows == 0 {
			b.Fatal(err, st.Rows)
		}
	}
}

// FuzzZip: the ZIP reader never panics on any archive, fails only with an *Error
// naming the archive or one of its members, and hands the sinks exactly the rows it
// counts. Memory stays bounded: small blocks and records, and members bounded by
// their inflate limit.
func FuzzZip(f *testing.F) {
	good := legacyHeader + legacyRows("111111111111", 3)
	body, hdr := deflated(f, good)
	enc := *hdr
	enc.Flags |= 0x1
	bomb := *hdr
	bomb.UncompressedSize64 = 1 << 40
	for _, entries := range [][]zipEntry{
		{{name: "a.csv", data: good}, {name: "b/c.csv", data: legacyHeader + legacyRows("222222222222", 2)}},
		{{name: "a.csv.gz", data: string(gz(f, good))}, {name: "__MACOSX/._a.csv", data: "x"}, {name: "d/"}},
		{{name: "a.csv", data: "BilledCost,ChargeCategory,ChargePeriodStart,SubAccountId,ServiceName,ProviderName\n1,Usage,2026-10-01T00:00:00Z,1,S,AWS\n"}},
		{{name: "a.csv", data: body, hdr: &enc}},
		{{name: "a.csv", data: body, hdr: &bomb}},
		{{name: "a.csv", data: body, hdr: hdr}, {name: "b.csv", data: good}},
		{{name: "[Content_Types].xml", data: "<x/>"}, {name: "xl/a.xml", data: "<x/>"}},
		nil,
	} {
		f.Add(zipBytes(f, entries...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c collector
		st, err := scanZip(context.Background(), "f.zip", bytes.NewReader(data), int64(len(data)), c.newSink,
			Options{Workers: 2, BlockSize: 256, MaxRecordSize: 4 << 10})
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			require.True(t, strings.HasPrefix(e.File, "f.zip"), e.File)
			return
		}
		require.Equal(t, CompressionZip, st.Compression)
		require.Equal(t, st.Rows, int64(len(c.sorted())))
	})
}
