package curgen

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// WriteParts writes the rows Write writes for cfg as parts legacy CUR CSV files, as
// AWS splits a month's report into numbered parts: part i (0-based) holds the header
// and rows i·cfg.Rows/parts up to (i+1)·cfg.Rows/parts, so the parts' rows, in part
// order, are Write's rows. create is called once per part, in order, and the part
// written to the io.WriteCloser it returns, which WriteParts closes (e.g. a file, or
// a gzip writer over one). It returns the number of data rows written. Memory use
// is constant whatever cfg.Rows.
func WriteParts(cfg Config, parts int, create func(part int) (io.WriteCloser, error)) (rows int, err error) {
	if parts < 1 {
		return 0, fmt.Errorf("curgen: %d parts: want at least 1", parts)
	}
	g, err := newGen(cfg)
	if err != nil {
		return 0, err
	}
	for p := range parts {
		w, err := create(p)
		if err != nil {
			return rows, err
		}
		n, err := g.writeRows(w, rows, (p+1)*g.cfg.Rows/parts)
		rows += n
		if err = errors.Join(err, w.Close()); err != nil {
			return rows, fmt.Errorf("curgen: part %d: %w", p+1, err)
		}
	}
	return rows, nil
}

// writeRows writes the header and the rows from (the next the generator makes) up
// to to, exclusive, as CSV to w; it returns the number of rows written.
func (g *gen) writeRows(w io.Writer, from, to int) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(legacyColumns); err != nil {
		return 0, fmt.Errorf("write header: %w", err)
	}
	for i := from; i < to; i++ {
		g.next(i, i == g.cfg.Rows-1)
		if g.cfg.Observe != nil {
			g.cfg.Observe(&g.row)
		}
		if err := cw.Write(g.rec); err != nil {
			return i - from, fmt.Errorf("write row %d: %w", i, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return to - from, fmt.Errorf("flush: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return to - from, fmt.Errorf("flush: %w", err)
	}
	return to - from, nil
}
