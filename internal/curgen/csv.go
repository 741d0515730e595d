package curgen

import (
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
	n, err := g.writeRows(w, 0, g.cfg.Rows)
	if err != nil {
		return n, fmt.Errorf("curgen: %w", err)
	}
	return n, nil
}
