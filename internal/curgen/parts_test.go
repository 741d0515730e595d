package curgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nopCloser is a bytes.Buffer that counts its Close calls.
type nopCloser struct {
	bytes.Buffer
	closed int
}

func (b *nopCloser) Close() error { b.closed++; return nil }

// TestWriteParts_SameRowsAsWrite: the parts, each with the header, hold Write's rows
// in order, split as evenly as the row count allows, and each is closed.
func TestWriteParts_SameRowsAsWrite(t *testing.T) {
	for _, tt := range []struct{ rows, parts int }{{1000, 8}, {1001, 8}, {5, 8}, {300, 1}, {0, 3}} {
		t.Run(fmt.Sprintf("%d rows in %d parts", tt.rows, tt.parts), func(t *testing.T) {
			cfg := Config{Rows: tt.rows, Seed: 7}
			header, want := readAll(t, generate(t, cfg))
			var observed []int
			cfg.Observe = func(r *Row) { observed = append(observed, r.Index) }
			var bufs []*nopCloser
			n, err := WriteParts(cfg, tt.parts, func(part int) (io.WriteCloser, error) {
				require.Equal(t, len(bufs), part)
				bufs = append(bufs, &nopCloser{})
				return bufs[part], nil
			})
			require.NoError(t, err)
			assert.Equal(t, tt.rows, n)
			assert.Len(t, observed, tt.rows)
			require.Len(t, bufs, tt.parts)
			got := [][]string{}
			for i, b := range bufs {
				h, rows := readAll(t, b.Bytes())
				assert.Equal(t, header, h, "part %d", i+1)
				assert.InDelta(t, float64(tt.rows)/float64(tt.parts), len(rows), 1, "part %d", i+1)
				assert.Equal(t, 1, b.closed, "part %d", i+1)
				got = append(got, rows...)
			}
			assert.Equal(t, append([][]string{}, want...), got)
		})
	}
}

// TestWriteParts_Errors: no part, or a part that cannot be created, is an error.
func TestWriteParts_Errors(t *testing.T) {
	_, err := WriteParts(Config{Rows: 10}, 0, nil)
	require.Error(t, err)
	boom := errors.New("disk full")
	n, err := WriteParts(Config{Rows: 10}, 2, func(part int) (io.WriteCloser, error) {
		if part == 1 {
			return nil, boom
		}
		return &nopCloser{}, nil
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 5, n)
}
