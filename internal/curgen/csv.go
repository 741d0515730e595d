package curgen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
)

// Write writes cfg.Rows rows of legacy CUR CSV (header first) to w and returns the
// number of data rows written. The output depends only on cfg: the same Config
// writes the same bytes. Memory use is constant whatever cfg.Rows.
func Write(w io.Writer, cfg Config) (rows int, err error) {
	g, err := newGen(cfg)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(legacyColumns); err != nil {
		return 0, fmt.Errorf("curgen: write header: %w", err)
	}
	for i := 0; i < g.cfg.Rows; i++ {
		g.next(i, i == g.cfg.Rows-1)
		if g.cfg.Observe != nil {
			g.cfg.Observe(&g.row)
		}
		if err := cw.Write(g.rec); err != nil {
			return i, fmt.Errorf("curgen: write row %d: %w", i, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return g.cfg.Rows, fmt.Errorf("curgen: flush: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return g.cfg.Rows, fmt.Errorf("curgen: flush: %w", err)
	}
	return g.cfg.Rows, nil
}
