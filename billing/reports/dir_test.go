package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

func writeFile(t *testing.T, root, key string, data []byte) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(key))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// A CUR 2.0 Parquet export in a directory is read with costfile.ScanFile; the
// manifest's bucket does not matter there; GeneratedAt is the manifest's mtime.
func TestDir_CUR2Parquet(t *testing.T) {
	root := t.TempDir()
	period := resellerkit.NewMonth(2026, time.October)
	pq := filepath.Join(root, "data.parquet")
	f, err := os.Create(pq)
	require.NoError(t, err)
	_, err = curgen.WriteParquet(f, curgen.Config{Rows: 500, Seed: 7})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	data, err := os.ReadFile(pq)
	require.NoError(t, err)
	key := "exp/x/data/BILLING_PERIOD=2026-10/x-00001.snappy.parquet"
	path := writeFile(t, root, key, data)
	mpath := writeFile(t, root, "exp/x/metadata/BILLING_PERIOD=2026-10/x-Manifest.json", jsonBytes(t, map[string]any{
		"executionId": "exec-1", "billingPeriod": map[string]string{"start": "2026-10-01T00:00:00.000Z", "end": "2026-11-01T00:00:00.000Z"},
		"dataFiles": []string{"s3://some-bucket/" + key},
	}))
	mtime := time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, os.Chtimes(mpath, mtime, mtime))

	var last [2]int64
	src := reports.NewDir(root, reports.Config{Prefix: "exp", Payer: payer, Progress: func(_ string, n, size int64) { last = [2]int64{n, size} }})
	vs, err := src.Versions(context.Background(), period)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, billing.Report{Payer: payer, Period: period, Version: "exec-1", GeneratedAt: mtime}, vs[0].Report)
	assert.Equal(t, path, vs[0].Files[0].Path)
	assert.Equal(t, mpath, vs[0].Manifest)

	got, stats := aggregate(t, period, vs[0].Inputs(costfile.Options{}))
	want, _ := aggregate(t, period, localInputs(path))
	assert.Equal(t, want, got)
	assert.Equal(t, costfile.LayoutParquet, stats[0].Layout)
	assert.Equal(t, [2]int64{int64(len(data)), int64(len(data))}, last)

	// Without a payer anywhere: refused, naming the manifest.
	_, err = reports.NewDir(root, reports.Config{Prefix: "exp"}).Versions(context.Background(), period)
	require.ErrorIs(t, err, reports.ErrManifest)
	assert.Contains(t, err.Error(), mpath+": reports: invalid manifest: exportArn")
}

// The legacy layout's refusals: a period folder without its manifest, a manifest
// of another month, of another payer, or naming a file of another assembly.
func TestDir_LegacyRefusals(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := "cur/r/20231101-20231130/"
	writeFile(t, root, dir+"asm-2/r-1.csv.gz", gz(t, []byte("a,b\n")))
	writeFile(t, root, dir+"asm-1/r-1.csv.gz", gz(t, []byte("a,b\n")))
	src := reports.NewDir(root, reports.Config{Prefix: "cur"})

	_, err := src.Versions(ctx, nov2023)
	require.ErrorIs(t, err, reports.ErrNotFound)
	assert.Contains(t, err.Error(), "no manifest r-Manifest.json")

	put := func(m map[string]any) string {
		return writeFile(t, root, dir+"r-Manifest.json", jsonBytes(t, m))
	}
	good := func() map[string]any {
		return map[string]any{"assemblyId": "asm-2", "account": payer,
			"billingPeriod": map[string]string{"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
			"reportKeys":    []string{dir + "asm-2/r-1.csv.gz"}}
	}
	mpath := put(good())
	vs, err := src.Versions(ctx, nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "asm-2", vs[0].Version)

	for name, tc := range map[string]struct {
		edit func(m map[string]any)
		cfg  reports.Config
		want string
	}{
		"other month": {func(m map[string]any) { m["billingPeriod"] = map[string]string{"start": "20231001T000000.000Z"} }, reports.Config{},
			`billingPeriod.start "2023-10" (B-14): is not the month of the folder, 2023-11`},
		"other assembly": {func(m map[string]any) { m["reportKeys"] = []string{dir + "asm-1/r-1.csv.gz"} }, reports.Config{},
			`reportKeys[0] "` + dir + `asm-1/r-1.csv.gz" (B-14): is not in the period folder`},
		"other payer": {func(map[string]any) {}, reports.Config{Payer: "999988887777"},
			`account "` + payer + `" (B-14): is not the configured payer 999988887777`},
		"other report": {func(m map[string]any) { m["reportName"] = "s" }, reports.Config{},
			`reportName "s" (B-14): is not the report's folder, r`},
		"no payer": {func(m map[string]any) { delete(m, "account") }, reports.Config{},
			`account "" (B-14): required: the manifest names no payer and Config.Payer is empty`},
	} {
		t.Run(name, func(t *testing.T) {
			m := good()
			tc.edit(m)
			put(m)
			tc.cfg.Prefix = "cur"
			_, err := reports.NewDir(root, tc.cfg).Versions(ctx, nov2023)
			require.ErrorIs(t, err, reports.ErrManifest)
			assert.Contains(t, err.Error(), mpath+": reports: invalid manifest: "+tc.want)
		})
	}
	// Without account, the configured payer is used.
	m := good()
	delete(m, "account")
	put(m)
	vs, err = reports.NewDir(root, reports.Config{Prefix: "cur", Payer: "999988887777"}).Versions(ctx, nov2023)
	require.NoError(t, err)
	assert.Equal(t, "999988887777", vs[0].Payer)
}

func TestDir_Config(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cfg  reports.Config
		want string
	}{
		{reports.Config{Payer: "12"}, `reports: invalid configuration: payer "12" (B-14): must be a 12-digit AWS account id`},
		{reports.Config{Report: "a/b"}, `reports: invalid configuration: report "a/b" (B-14): must be a report or export name, without "/"`},
		{reports.Config{Prefix: "a/../b"}, `reports: invalid configuration: prefix "a/../b" (B-14): holds an empty, "." or ".." path segment`},
	} {
		_, err := reports.NewDir(t.TempDir(), tc.cfg).Versions(ctx, nov2023)
		require.ErrorIs(t, err, reports.ErrConfig)
		assert.EqualError(t, err, tc.want)
	}
	vs, err := reports.NewDir(filepath.Join(t.TempDir(), "missing"), reports.Config{}).Versions(ctx, nov2023)
	require.NoError(t, err)
	assert.Empty(t, vs)
	_, err = reports.NewDir(t.TempDir(), reports.Config{}).Versions(ctx, resellerkit.Month{})
	require.ErrorIs(t, err, reports.ErrConfig)
}
