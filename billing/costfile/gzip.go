package costfile

import (
	"io"

	"github.com/klauspost/compress/gzip"
)

// newGzipReader returns a decompressor for a gzip stream (multi-member streams, as
// written by concatenating .gz parts, are read through). klauspost/compress's gzip is
// a drop-in for compress/gzip that inflates markedly faster; decompression is the
// single-threaded stage of a gzip scan, so it bounds the throughput.
func newGzipReader(r io.Reader) (io.ReadCloser, error) {
	return gzip.NewReader(r)
}
