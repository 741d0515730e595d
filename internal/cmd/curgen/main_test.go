package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

func TestRun_WritesEachFormat(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		file string
	}{
		{"csv", []string{"-rows", "200", "-seed", "3"}, "cur.csv"},
		{"gzip", []string{"-rows", "200", "-seed", "3", "-gzip"}, "cur.csv.gz"},
		{"parquet", []string{"-rows", "200", "-seed", "3", "-format", "cur2-parquet"}, "cur.parquet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			var stdout, stderr bytes.Buffer
			code := run(append(tt.args, "-out", path), &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			assert.Contains(t, stderr.String(), "200 rows")
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			switch tt.name {
			case "csv", "gzip":
				var r = csv.NewReader(f)
				if tt.name == "gzip" {
					zr, err := gzip.NewReader(f)
					require.NoError(t, err)
					r = csv.NewReader(zr)
				}
				all, err := r.ReadAll()
				require.NoError(t, err)
				assert.Len(t, all, 201)
				assert.Equal(t, curgen.Header(), all[0])
			case "parquet":
				st, err := f.Stat()
				require.NoError(t, err)
				pf, err := parquet.OpenFile(f, st.Size())
				require.NoError(t, err)
				assert.Equal(t, int64(200), pf.NumRows())
				_, ok := pf.Schema().Lookup("line_item_unblended_cost")
				assert.True(t, ok)
			}
		})
	}
}

func TestRun_ListAccountsAndBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"-list-accounts", "3"}, &out, &errb))
	assert.Equal(t, strings.Join(curgen.AccountIDs(3), "\n")+"\n", out.String())

	for _, args := range [][]string{
		{"-period", "2026-13"},
		{"-format", "xlsx"},
		{"-format", "cur2-parquet", "-gzip"},
		{"-rows", "-5", "-out", filepath.Join(t.TempDir(), "x.csv")},
	} {
		errb.Reset()
		assert.NotEqual(t, 0, run(args, &out, &errb), args)
		assert.NotEmpty(t, errb.String(), args)
	}
}

// Example lists the first account ids the generator uses, the same for every seed,
// so a config file can name them (scripts/testdata/bench-config.json does).
func Example() {
	var out, errOut bytes.Buffer
	run([]string{"-list-accounts", "2"}, &out, &errOut)
	os.Stdout.Write(out.Bytes())
	// Output:
	// 654602269276
	// 912350637959
}

// TestRun_Parts: -parts writes the month as numbered gzip parts whose rows, in part
// order, are those of the single file.
func TestRun_Parts(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-rows", "300", "-seed", "3", "-out", filepath.Join(dir, "one.csv")}, &stdout, &stderr), stderr.String())
	one, err := os.ReadFile(filepath.Join(dir, "one.csv"))
	require.NoError(t, err)
	want, err := csv.NewReader(bytes.NewReader(one)).ReadAll()
	require.NoError(t, err)

	stderr.Reset()
	require.Equal(t, 0, run([]string{"-rows", "300", "-seed", "3", "-gzip", "-parts", "4", "-out", filepath.Join(dir, "cur.csv.gz")}, &stdout, &stderr), stderr.String())
	got := want[:1]
	for i := 1; i <= 4; i++ {
		name := filepath.Join(dir, fmt.Sprintf("cur-%05d.csv.gz", i))
		assert.Contains(t, stderr.String(), "part "+name)
		f, err := os.Open(name)
		require.NoError(t, err)
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		all, err := csv.NewReader(zr).ReadAll()
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.Equal(t, curgen.Header(), all[0])
		got = append(got, all[1:]...)
	}
	assert.Equal(t, want, got)

	for _, args := range [][]string{
		{"-parts", "2"}, // stdout
		{"-parts", "2", "-format", "cur2-parquet", "-out", filepath.Join(dir, "x.parquet")},
		{"-parts", "-1", "-out", filepath.Join(dir, "x.csv")},
	} {
		stderr.Reset()
		assert.Equal(t, 2, run(args, &stdout, &stderr), args)
		assert.Contains(t, stderr.String(), "-parts", args)
	}
}

// TestRun_ParquetPages: -parquet-pages dictionary (the default) writes
// RLE_DICTIONARY column chunks, as AWS Data Exports does, and plain writes none;
// all three files hold the same rows.
func TestRun_ParquetPages(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		flags    []string
		wantDict bool
	}{
		{"default", nil, true},
		{"dictionary", []string{"-parquet-pages", "dictionary"}, true},
		{"plain", []string{"-parquet-pages", "plain"}, false},
	}
	var want []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".parquet")
			var stdout, stderr bytes.Buffer
			args := append([]string{"-rows", "500", "-seed", "3", "-format", "cur2-parquet", "-out", path}, tt.flags...)
			require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			st, err := f.Stat()
			require.NoError(t, err)
			pf, err := parquet.OpenFile(f, st.Size())
			require.NoError(t, err)
			require.Equal(t, int64(500), pf.NumRows())
			require.NotEmpty(t, pf.Metadata().RowGroups)

			for _, col := range []string{"line_item_usage_account_id", "line_item_unblended_cost"} {
				leaf, ok := pf.Schema().Lookup(col)
				require.True(t, ok, col)
				enc := pf.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData.Encoding
				if tt.wantDict {
					assert.Contains(t, enc, format.RLEDictionary, col)
				} else {
					assert.NotContains(t, enc, format.RLEDictionary, col)
				}
			}

			got := parquetRows(t, pf)
			require.Len(t, got, 500)
			if want == nil {
				want = got
			} else {
				assert.Equal(t, want, got)
			}
		})
	}
}

// parquetRows returns the rows of pf, each value with its column and levels.
func parquetRows(t *testing.T, pf *parquet.File) []string {
	t.Helper()
	r := parquet.NewReader(pf)
	defer r.Close()
	var out []string
	buf := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			out = append(out, fmt.Sprintf("%+v", row))
		}
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
	}
}

// TestRun_ParquetPagesBadValue: a -parquet-pages other than dictionary or plain is a
// usage error (exit 2) naming the flag, and writes no file.
func TestRun_ParquetPagesBadValue(t *testing.T) {
	for _, v := range []string{"rle", "", "Dictionary"} {
		var stdout, stderr bytes.Buffer
		path := filepath.Join(t.TempDir(), "x.parquet")
		assert.Equal(t, 2, run([]string{"-format", "cur2-parquet", "-parquet-pages", v, "-out", path}, &stdout, &stderr), v)
		assert.Contains(t, stderr.String(), "-parquet-pages", v)
		assert.NoFileExists(t, path, v)
	}
}
