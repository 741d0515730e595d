package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

// gzipWriteCloser closes the gzip stream, then its file.
type gzipWriteCloser struct {
	*gzip.Writer
	f *os.File
}

func (w gzipWriteCloser) Close() error {
	if err := w.Writer.Close(); err != nil {
		return err
	}
	return w.f.Close()
}

// writeGzipParts writes cfg's rows as n gzip parts in dir (cur-00001.csv.gz …) and
// returns their paths.
func writeGzipParts(t *testing.T, dir string, cfg curgen.Config, n int) []string {
	t.Helper()
	var paths []string
	_, err := curgen.WriteParts(cfg, n, func(part int) (io.WriteCloser, error) {
		p := filepath.Join(dir, fmt.Sprintf("cur-%05d.csv.gz", part+1))
		f, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
		return gzipWriteCloser{gzip.NewWriter(f), f}, nil
	})
	require.NoError(t, err)
	return paths
}

// TestB12_PartsReadInParallel: a month of 8 gzip parts gives the same invoices as
// the single file of the same rows, and whatever -parallel, the command's output,
// error line and exit status are those of reading the parts one after another: the
// first bad part in FILE order is reported with its file and line, and an overlap
// (B-14) names both files, before any output.
func TestB12_PartsReadInParallel(t *testing.T) {
	cfg := curgen.Config{Rows: 16000, Seed: 11}
	dir := t.TempDir()
	parts := writeGzipParts(t, dir, cfg, 8)
	single := writeFile(t, filepath.Join(dir, "cur.csv.gz"), func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := curgen.Write(zw, cfg); err != nil {
			return err
		}
		return zw.Close()
	})

	// A copy of part 2, and parts 3 and 7 with a ragged row appended (a gzip file
	// may hold several members, read as one stream).
	copyOfPart2 := filepath.Join(dir, "copy-of-part2.csv.gz")
	data, err := os.ReadFile(parts[1])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(copyOfPart2, data, 0o644))
	ragged := func(i int) string {
		p := filepath.Join(dir, fmt.Sprintf("bad-%d.csv.gz", i+1))
		data, err := os.ReadFile(parts[i])
		require.NoError(t, err)
		f, err := os.Create(p)
		require.NoError(t, err)
		_, err = f.Write(data)
		require.NoError(t, err)
		zw := gzip.NewWriter(f)
		_, err = zw.Write([]byte("only,three,fields\n"))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, f.Close())
		return p
	}
	bad3, bad7 := ragged(2), ragged(6)
	with := func(changes map[int]string) []string {
		files := append([]string(nil), parts...)
		for i, p := range changes {
			files[i] = p
		}
		return files
	}

	tests := []struct {
		name    string
		files   []string
		wantErr string // the error line's start; "" for invoices
	}{
		{"8 parts", parts, ""},
		{"an error in part 3 of 8", with(map[int]string{2: bad3}), bad3 + ":"},
		{"an error in parts 3 and 7", with(map[int]string{2: bad3, 6: bad7}), bad3 + ":"},
		{"an overlap between parts 2 and 6", with(map[int]string{5: copyOfPart2}), "inputs " + parts[1] + " and " + copyOfPart2 + " overlap"},
		{"an overlap between parts 2 and 6 before an error in part 7", with(map[int]string{5: copyOfPart2, 6: bad7}), "inputs " + parts[1] + " and " + copyOfPart2 + " overlap"},
	}
	args := func(parallel int, files []string) []string {
		return append([]string{"-config", "../../scripts/testdata/bench-config.json", "-period", "2026-10", "-parallel", strconv.Itoa(parallel)}, files...)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := invoke(t, args(1, tt.files)...)
			if tt.wantErr == "" {
				require.Equal(t, 0, code, stderr)
				wantOut, stderr, code := invoke(t, args(1, []string{single})...)
				require.Equal(t, 0, code, stderr)
				var fromParts, fromSingle generatedOutput
				require.NoError(t, json.Unmarshal([]byte(stdout), &fromParts))
				require.NoError(t, json.Unmarshal([]byte(wantOut), &fromSingle))
				assert.Equal(t, fromSingle, fromParts, "the parts bill what the single file bills")
			} else {
				require.Equal(t, 1, code)
				assert.Empty(t, stdout)
				assert.True(t, strings.HasPrefix(stderr, tt.wantErr), stderr)
			}
			for _, parallel := range []int{2, 4, 8} {
				gotOut, gotErr, gotCode := invoke(t, args(parallel, tt.files)...)
				assert.Equal(t, code, gotCode, "-parallel %d", parallel)
				assert.Equal(t, stderr, gotErr, "-parallel %d", parallel)
				assert.Equal(t, stdout, gotOut, "-parallel %d", parallel)
			}
		})
	}
}
