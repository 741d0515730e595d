package costfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrUnsupported: the input is a kind of file the readers do not read (bzip2, xz,
// zstd, 7-Zip, RAR, tar, an Excel workbook, JSON…), recognized by its first bytes;
// the message says what it is and what to do instead.
var ErrUnsupported = errors.New("costfile: unsupported file format")

// headPeek is how many leading bytes the readers look at to tell formats apart: a
// tar header block (its magic ends at byte 265).
const headPeek = 512

// Advice given with each unsupported format.
const (
	hintDecompress = "decompress it, or compress the CSV with gzip or zip"
	hintExtract    = "extract the cost files, or pack the CSV files with zip"
	hintCSV        = "cost data is read from CSV (optionally gzip- or zip-compressed) or Parquet files"
)

// magic is a kind of file recognized by its first bytes.
type magic struct {
	at   int    // offset of sig in the file
	sig  string // the bytes there
	what string // what the file is, e.g. "bzip2-compressed data"
	hint string // what to do instead
}

// unsupportedMagics lists the formats that get a message saying what they are rather
// than the header's "unknown cost file format". Every signature holds a byte that
// CSV text cannot start with (a control or non-UTF-8 byte) or is a prefix no cost
// file header has, so no CSV file is refused by mistake.
var unsupportedMagics = []magic{
	{0, "BZh", "bzip2-compressed data", hintDecompress}, // checked further by isBzip2
	{0, "\xfd7zXZ\x00", "xz-compressed data", hintDecompress},
	{0, "\x28\xb5\x2f\xfd", "zstd-compressed data", hintDecompress},
	{0, "\x04\x22\x4d\x18", "LZ4-compressed data", hintDecompress},
	{0, "\xff\x06\x00\x00sNaPpY", "Snappy-compressed data", hintDecompress},
	{0, "LZIP\x01", "lzip-compressed data", hintDecompress},
	{0, "\x1f\x9d", "compress (.Z) data", hintDecompress},
	{0, "7z\xbc\xaf\x27\x1c", "7-Zip archive", hintExtract},
	{0, "Rar!\x1a\x07", "RAR archive", hintExtract},
	{0, "PK\x07\x08", "split (multi-volume) ZIP archive", "join its parts into one .zip, or extract the cost files"},
	{257, "ustar\x0000", "tar archive", hintExtract},
	{257, "ustar  \x00", "tar archive", hintExtract},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003 workbook (or another OLE2 document)", "save the sheet as CSV (UTF-8)"},
	{0, "\xff\xfe", "UTF-16 text", "save it as UTF-8 CSV"},
	{0, "\xfe\xff", "UTF-16 text", "save it as UTF-8 CSV"},
	{0, "%PDF-", "PDF document", hintCSV},
	{0, "Obj\x01", "Avro data file", hintCSV},
	{0, "<?xml", "XML document (an S3 error response saved as the file?)", hintCSV},
	{0, "<!DOCTYPE", "HTML page", hintCSV},
	{0, "<!doctype", "HTML page", hintCSV},
	{0, "<html", "HTML page", hintCSV},
}

// zipMagics start a ZIP archive: a local file header, or the end of the central
// directory of an empty archive.
var zipMagics = [][]byte{[]byte("PK\x03\x04"), []byte("PK\x05\x06")}

// isZip reports whether head starts a ZIP archive.
func isZip(head []byte) bool {
	for _, m := range zipMagics {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// isBzip2 reports whether head starts a bzip2 stream: "BZh", the block size 1–9,
// then the magic of a block (π) or of the end of the stream (√π).
func isBzip2(head []byte) bool {
	if len(head) < 10 || head[3] < '1' || head[3] > '9' {
		return false
	}
	return bytes.HasPrefix(head[4:], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) ||
		bytes.HasPrefix(head[4:], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})
}

// unsupported returns what head is and what to do about it when it starts a format
// of unsupportedMagics, or JSON (an AWS report manifest is the usual one); ok is
// false for anything else (CSV, or a supported container).
func unsupported(head []byte) (what, hint string, ok bool) {
	for _, m := range unsupportedMagics {
		if len(head) >= m.at+len(m.sig) && string(head[m.at:m.at+len(m.sig)]) == m.sig {
			if m.sig == "BZh" && !isBzip2(head) {
				continue
			}
			return m.what, m.hint, true
		}
	}
	if isJSON(head) {
		return "JSON document, not CSV (an AWS report manifest?)", "give the cost files it lists", true
	}
	return "", "", false
}

// isJSON reports whether head starts a JSON object or array: '{' then '"' or '}', or
// '[' then '{', '"' or ']', blanks allowed (after a UTF-8 byte order mark). No cost
// file header starts so.
func isJSON(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') {
		return false
	}
	rest := bytes.TrimLeft(head[1:], " \t\r\n")
	if len(rest) == 0 {
		return false
	}
	if head[0] == '{' {
		return rest[0] == '"' || rest[0] == '}'
	}
	return rest[0] == '{' || rest[0] == '"' || rest[0] == ']'
}

// describe names the container formats the readers know but cannot read where head
// was found (inside a gzip stream or a ZIP member), and the unsupported ones.
func describe(head []byte) (what, hint string, ok bool) {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return "gzip data", "decompress it once more", true
	case bytes.HasPrefix(head, parquetMagic):
		return "Parquet file", "decompress it: Parquet is compressed inside already", true
	case isZip(head):
		return "ZIP archive", "extract it", true
	}
	return unsupported(head)
}

// openText returns the CSV text br holds: br itself, or its gzip decompression
// (compression is then CompressionGzip). close releases the decompressor; it is
// never nil. A format recognized by its first bytes that is not CSV text is refused:
// Parquet and ZIP with a note that they need ScanFile (random access), the others
// with ErrUnsupported saying what the data is. inner is true for a ZIP member, where
// a Parquet file or a ZIP archive cannot be read at all. Errors name no file: the
// caller wraps them in an *Error.
func openText(br *bufio.Reader, inner bool) (text io.Reader, compression string, close func(), err error) {
	nop := func() {}
	head, _ := br.Peek(headPeek) // a short or failing read surfaces when the text is read
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := newGzipReader(br)
		if err != nil {
			return nil, "", nop, fmt.Errorf("%w: %w", ErrCompressed, err)
		}
		// A small buffer to look inside: the scanner's reads are larger, so they
		// pass straight through once it is drained.
		zbr := bufio.NewReaderSize(gzipErrReader{zr}, headPeek)
		in, _ := zbr.Peek(headPeek)
		if what, hint, ok := describe(in); ok {
			zr.Close()
			return nil, "", nop, fmt.Errorf("%w: gzip-compressed %s; %s", ErrUnsupported, what, hint)
		}
		return zbr, CompressionGzip, func() { zr.Close() }, nil
	case bytes.HasPrefix(head, parquetMagic) && !inner:
		return nil, "", nop, fmt.Errorf("%w: Parquet input must be read with ScanFile (it needs random access)", ErrParquet)
	case isZip(head) && !inner:
		return nil, "", nop, fmt.Errorf("%w: ZIP input must be read with ScanFile (it needs random access: the list of members is at the end)", ErrZip)
	case inner:
		if what, hint, ok := describe(head); ok {
			return nil, "", nop, fmt.Errorf("%w: %s inside a ZIP archive; %s", ErrUnsupported, what, hint)
		}
	default:
		if what, hint, ok := unsupported(head); ok {
			return nil, "", nop, fmt.Errorf("%w: %s; %s", ErrUnsupported, what, hint)
		}
	}
	return br, "", nop, nil
}
