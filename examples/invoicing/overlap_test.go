package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB14_GlobOfTwoVersionsRefused: AWS writes a restated month under a new assembly
// id, with new line item ids, so a glob over the month's directories picks up both
// versions; the command stops with one line naming both files and assemblies and
// prints nothing (the same files outside that layout: by their rows' contents). A file given twice, or a
// link to it, is refused before any is read; the month's latest version alone is
// invoiced.
func TestB14_GlobOfTwoVersionsRefused(t *testing.T) {
	const header = "identity/LineItemId,identity/TimeInterval,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"
	const day = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
	v1 := header + "li-1," + day + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,100\n" +
		"li-2," + day + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonS3,20\n"
	v2 := header + "v2-1," + day + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,90\n" + // restated, new ids
		"v2-2," + day + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonS3,20\n"
	dir := t.TempDir()
	gzWrite := func(name, text string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		_, err := w.Write([]byte(text))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		return p
	}
	first := gzWrite("cur/20261001-20261101/0f1e2d3c/cur-00001.csv.gz", v1)
	second := gzWrite("cur/20261001-20261101/9a8b7c6d/cur-00001.csv.gz", v2)
	files, err := filepath.Glob(filepath.Join(dir, "cur/20261001-20261101/*/*.csv.gz"))
	require.NoError(t, err)
	require.Equal(t, []string{first, second}, files)

	args := append([]string{"-config", "testdata/config.json", "-period", "2026-10"}, files...)
	stdout, stderr, code := invoke(t, args...)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, second+": billing: inputs overlap: "+first+" and "+second+" are two versions of the month 20261001-20261101: assemblies 0f1e2d3c and 9a8b7c6d (B-14); give only the newest\n", stderr)

	// Outside AWS's layout, the two versions are told by their rows' contents.
	flat := []string{gzWrite("v1.csv.gz", v1), gzWrite("v2.csv.gz", v2)}
	stdout, stderr, code = invoke(t, append([]string{"-config", "testdata/config.json", "-period", "2026-10"}, flat...)...)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "inputs "+flat[0]+" and "+flat[1]+" overlap: 2 of the 2 sampled rows of "+flat[0]+" are also in "+flat[1]+
		" (B-14): the same report twice, a copy, or two versions of one month; give each month's rows once\n", stderr)

	link := filepath.Join(dir, "latest.csv.gz")
	require.NoError(t, os.Symlink(second, link))
	for _, twice := range [][]string{{second, second}, {second, link}} {
		stdout, stderr, code = invoke(t, append([]string{"-config", "testdata/config.json", "-period", "2026-10"}, twice...)...)
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Equal(t, twice[1]+": billing: inputs overlap: "+twice[1]+" is the same file as "+twice[0]+" (B-14): its rows would count twice\n", stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"))
	}

	stdout, stderr, code = invoke(t, "-config", "testdata/config.json", "-period", "2026-10", second)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"charges_before_pricing_usd": "110"`)
}
