package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeZip writes a ZIP archive holding the named files (member name → path).
func writeZip(t *testing.T, path string, members [][2]string) {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, m := range members {
		data, err := os.ReadFile(m[1])
		require.NoError(t, err)
		fw, err := w.Create(m[0])
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
}

// TestB1_ZipCLI (issue 7, acceptance): the two CUR files zipped into one archive give
// the invoices of the two files given separately; the files list shows one ZIP input
// with the rows and bytes of both. A bzip2 file is refused saying what it is.
func TestB1_ZipCLI(t *testing.T) {
	args := []string{"-config", "testdata/config.json", "-period", "2026-10"}
	base, stderr, code := invoke(t, append(args, "testdata/cur_small.csv", "testdata/cur_part2.csv")...)
	require.Equal(t, 0, code, stderr)
	archive := filepath.Join(t.TempDir(), "cur.zip")
	writeZip(t, archive, [][2]string{{"2026-10/cur_part2.csv", "testdata/cur_part2.csv"}, {"2026-10/cur_small.csv", "testdata/cur_small.csv"}})
	got, stderr, code := invoke(t, append(args, archive)...)
	require.Equal(t, 0, code, stderr)

	type file struct {
		Path  string `json:"path"`
		Zip   bool   `json:"zip"`
		Rows  int64  `json:"rows"`
		Bytes int64  `json:"bytes"`
	}
	parse := func(s string) (map[string]any, []file) {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		var doc struct{ Files []file }
		require.NoError(t, json.Unmarshal([]byte(s), &doc))
		delete(m, "files")
		return m, doc.Files
	}
	wantDoc, wantFiles := parse(base)
	gotDoc, gotFiles := parse(got)
	assert.Equal(t, []string{"testdata/cur_small.csv: " + noCurrency, "testdata/cur_part2.csv: " + noCurrency}, takeNoCurrency(wantDoc))
	assert.Equal(t, []string{archive + ": 2026-10/cur_part2.csv, 2026-10/cur_small.csv: " + noCurrency}, takeNoCurrency(gotDoc))
	assert.Equal(t, wantDoc, gotDoc)
	require.Len(t, wantFiles, 2)
	require.Len(t, gotFiles, 1)
	assert.Equal(t, file{Path: archive, Zip: true, Rows: wantFiles[0].Rows + wantFiles[1].Rows, Bytes: wantFiles[0].Bytes + wantFiles[1].Bytes}, gotFiles[0])

	bz := filepath.Join(t.TempDir(), "cur.csv.bz2")
	require.NoError(t, os.WriteFile(bz, []byte("BZh91AY&SY\x00\x00"), 0o600))
	stdout, stderr, code := invoke(t, append(args, bz)...)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, bz+": costfile: unsupported file format: bzip2-compressed data; decompress it, or compress the CSV with gzip or zip\n", stderr)
	assert.False(t, strings.Contains(stderr, "unknown cost file format"))
}
