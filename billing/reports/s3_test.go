package reports_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

const (
	testBucket = "cur-bucket"
	payer      = "123412340534" // the payer and only account of aws_cur_sample.csv
)

var nov2023 = resellerkit.NewMonth(2023, time.November)

// fakeS3 is an in-process S3 (gofakes3, memory backend) and a real s3.Client
// talking to it over HTTP, path-style, with static credentials. Objects get the
// clock's time as LastModified.
type fakeS3 struct {
	client  *s3.Client
	backend *s3mem.Backend
	clock   gofakes3.TimeSourceAdvancer
}

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	clock := gofakes3.FixedTimeSource(time.Date(2023, 12, 3, 4, 0, 0, 0, time.UTC))
	backend := s3mem.New(s3mem.WithTimeSource(clock))
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0)).Server())
	t.Cleanup(srv.Close)
	require.NoError(t, backend.CreateBucket(testBucket))
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, nil
		}),
	})
	return &fakeS3{client: client, backend: backend, clock: clock}
}

func (f *fakeS3) put(t *testing.T, key string, data []byte) {
	t.Helper()
	_, err := f.backend.PutObject(testBucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil)
	require.NoError(t, err)
}

// sampleRows returns the header and rows of the real legacy CUR sample.
func sampleRows(t *testing.T) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open("../costfile/testdata/aws_cur_sample.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return recs[0], recs[1:]
}

func csvText(t *testing.T, header []string, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write(header))
	require.NoError(t, w.WriteAll(rows))
	return b.Bytes()
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

// cur2Header turns legacy CUR column names into CUR 2.0 ones:
// lineItem/UnblendedCost → line_item_unblended_cost.
func cur2Header(legacy []string) []string {
	out := make([]string, len(legacy))
	for i, c := range legacy {
		var b strings.Builder
		for j, r := range c {
			switch {
			case r == '/':
				b.WriteByte('_')
			case unicode.IsUpper(r):
				if j > 0 && c[j-1] != '/' {
					b.WriteByte('_')
				}
				b.WriteRune(unicode.ToLower(r))
			default:
				b.WriteRune(r)
			}
		}
		out[i] = b.String()
	}
	return out
}

func jsonBytes(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func legacyManifest(asm string, keys []string) map[string]any {
	return map[string]any{
		"assemblyId": asm, "account": payer, "reportName": "legacy", "compression": "GZIP", "contentType": "text/csv",
		"billingPeriod": map[string]string{"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
		"bucket":        testBucket, "reportKeys": keys,
		"columns": []map[string]string{{"category": "lineItem", "name": "UnblendedCost"}},
	}
}

const (
	oldAsm = "11111111-aaaa-4aaa-8aaa-000000000001"
	newAsm = "22222222-bbbb-4bbb-8bbb-000000000002"
	execID = "33333333-cccc-4ccc-8ccc-000000000003"
)

// bucketLayout fills the fake bucket: under cur/, the legacy report "legacy" for
// 2023-11 with an older assembly (one part, its own manifest copy) and the current
// one (three gzip parts, its manifest copy and the period folder's manifest); under
// exports/, the CUR 2.0 export "export" (one gzip CSV). It writes the same bytes to
// dir and returns their paths: the legacy parts and the CUR 2.0 file.
func bucketLayout(t *testing.T, f *fakeS3, dir string) (legacyParts []string, cur2File string) {
	t.Helper()
	header, rows := sampleRows(t)
	period := "cur/legacy/20231101-20231201/"
	local := func(key string, data []byte) string {
		p := filepath.Join(dir, filepath.FromSlash(key))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}

	oldKey := period + oldAsm + "/legacy-1.csv.gz"
	f.put(t, oldKey, gz(t, csvText(t, header, rows[:100])))
	f.put(t, period+oldAsm+"/legacy-Manifest.json", jsonBytes(t, legacyManifest(oldAsm, []string{oldKey})))
	f.put(t, period+"legacy-Manifest.json", jsonBytes(t, legacyManifest(oldAsm, []string{oldKey})))

	f.clock.Advance(26 * time.Hour) // the next day's update
	var keys []string
	for i, part := range [][][]string{rows[:400], rows[400:900], rows[900:]} {
		key := period + newAsm + "/legacy-" + string(rune('1'+i)) + ".csv.gz"
		data := gz(t, csvText(t, header, part))
		f.put(t, key, data)
		keys = append(keys, key)
		legacyParts = append(legacyParts, local(key, data))
	}
	m := jsonBytes(t, legacyManifest(newAsm, keys))
	f.put(t, period+newAsm+"/legacy-Manifest.json", m)
	f.put(t, period+"legacy-Manifest.json", m)

	f.clock.Advance(time.Hour)
	dataKey := "exports/export/data/BILLING_PERIOD=2023-11/export-00001.csv.gz"
	data := gz(t, csvText(t, cur2Header(header), rows))
	f.put(t, dataKey, data)
	cur2File = local(dataKey, data)
	f.put(t, "exports/export/metadata/BILLING_PERIOD=2023-11/export-Manifest.json", jsonBytes(t, map[string]any{
		"executionId": execID,
		"exportArn":   "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/export-0a1b2c3d",
		"columns":     []map[string]string{{"name": "line_item_unblended_cost", "type": "double"}},
		"dataFiles":   []string{"s3://" + testBucket + "/" + dataKey},
	}))
	return legacyParts, cur2File
}

// aggregate scans inputs into one Aggregator, as billing.Run does.
func aggregate(t *testing.T, period resellerkit.Month, inputs []billing.Input) ([]billing.Group, []billing.InputStats) {
	t.Helper()
	total := billing.NewAggregator(period)
	var stats []billing.InputStats
	for _, in := range inputs {
		var (
			mu   sync.Mutex
			aggs []*billing.Aggregator
		)
		st, err := in.Scan(context.Background(), func() billing.Sink {
			a := billing.NewAggregator(period)
			mu.Lock()
			aggs = append(aggs, a)
			mu.Unlock()
			return a
		})
		require.NoError(t, err)
		stats = append(stats, st)
		for _, a := range aggs {
			require.NoError(t, total.Merge(a))
		}
	}
	return total.Groups(), stats
}

func runJob(t *testing.T, inputs []billing.Input) *billing.Result {
	t.Helper()
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer:   billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "p", Currency: money.JPY, ExchangeRate: &rate, Accounts: []string{payer}}},
	}
	res, err := billing.Run(context.Background(), billing.Job{Period: nov2023, Issuer: cfg.Issuer, Projects: cfg, Inputs: inputs, Parallel: 3})
	require.NoError(t, err)
	return res
}

func localInputs(paths ...string) []billing.Input {
	out := make([]billing.Input, len(paths))
	for i, p := range paths {
		out[i] = costfile.File{Path: p}
	}
	return out
}

// B-14: the legacy report's current version is the period manifest's assembly
// only, and streaming its parts from S3 gives what scanning the same files does.
func TestS3_LegacyCurrentAssembly(t *testing.T) {
	f := newFakeS3(t)
	parts, _ := bucketLayout(t, f, t.TempDir())
	var (
		mu       sync.Mutex
		progress = map[string][2]int64{}
		calls    int
	)
	src := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "cur/", Progress: func(file string, n, size int64) {
		mu.Lock()
		defer mu.Unlock()
		progress[file] = [2]int64{n, size}
		calls++
	}})
	vs, err := src.Versions(context.Background(), nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	v := vs[0]
	assert.Equal(t, billing.Report{Payer: payer, Period: nov2023, Version: newAsm,
		GeneratedAt: time.Date(2023, 12, 4, 6, 0, 0, 0, time.UTC)}, v.Report)
	assert.Equal(t, reports.FormatLegacy, v.Format)
	assert.Equal(t, "s3://cur-bucket/cur/legacy/20231101-20231201/legacy-Manifest.json", v.Manifest)
	require.Len(t, v.Files, 3)
	for i, file := range v.Files {
		assert.Equal(t, "s3://cur-bucket/cur/legacy/20231101-20231201/"+newAsm+"/legacy-"+string(rune('1'+i))+".csv.gz", file.Name)
		fi, err := os.Stat(parts[i])
		require.NoError(t, err)
		assert.Equal(t, fi.Size(), file.Size)
		assert.Empty(t, file.Path)
	}
	assert.Equal(t, []string{v.Files[0].Name, v.Files[1].Name, v.Files[2].Name}, v.FileNames())

	got, stats := aggregate(t, nov2023, v.Inputs(costfile.Options{Workers: 2}))
	want, _ := aggregate(t, nov2023, localInputs(parts...))
	assert.Equal(t, want, got)
	var rows int64
	for i, st := range stats {
		assert.Equal(t, v.Files[i].Name, st.Name)
		assert.Equal(t, "gzip", st.Compression)
		rows += st.Rows
	}
	assert.EqualValues(t, 1281, rows)

	// Progress: every file read to its end, compressed bytes against its size.
	for _, file := range v.Files {
		assert.Equal(t, [2]int64{file.Size, file.Size}, progress[file.Name], file.Name)
	}
	assert.Greater(t, calls, 6)

	// Through billing.Run: the same invoice as the files scanned directly, and no
	// overlap refused (the older assembly is not read).
	viaS3 := runJob(t, v.Inputs(costfile.Options{}))
	direct := runJob(t, localInputs(parts...))
	require.Len(t, viaS3.Invoices, 1)
	assert.Equal(t, direct.Invoices[0].Total, viaS3.Invoices[0].Total)
	assert.Equal(t, direct.Invoices[0].Lines, viaS3.Invoices[0].Lines)
}

// A CUR 2.0 export: the executionId is the version, the payer the exportArn's
// account, the data file streamed from S3.
func TestS3_CUR2Export(t *testing.T) {
	f := newFakeS3(t)
	_, file := bucketLayout(t, f, t.TempDir())
	vs, err := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "exports"}).Versions(context.Background(), nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	v := vs[0]
	assert.Equal(t, billing.Report{Payer: payer, Period: nov2023, Version: execID,
		GeneratedAt: time.Date(2023, 12, 4, 7, 0, 0, 0, time.UTC)}, v.Report)
	assert.Equal(t, reports.FormatCUR2, v.Format)
	assert.Equal(t, "s3://cur-bucket/exports/export/metadata/BILLING_PERIOD=2023-11/export-Manifest.json", v.Manifest)
	require.Len(t, v.Files, 1)
	assert.Equal(t, "s3://cur-bucket/exports/export/data/BILLING_PERIOD=2023-11/export-00001.csv.gz", v.Files[0].Name)

	got, stats := aggregate(t, nov2023, v.Inputs(costfile.Options{}))
	want, _ := aggregate(t, nov2023, localInputs(file))
	assert.Equal(t, want, got)
	assert.Equal(t, billing.FormatCUR2, stats[0].Format)
	assert.EqualValues(t, 1281, stats[0].Rows)

	// A configured payer wins over the exportArn's account (CUR 2.0 names none).
	vs, err = reports.NewS3(f.client, testBucket, reports.Config{Prefix: "exports", Payer: "999988887777"}).Versions(context.Background(), nov2023)
	require.NoError(t, err)
	assert.Equal(t, "999988887777", vs[0].Payer)

	// Another month: nothing, no error.
	vs, err = reports.NewS3(f.client, testBucket, reports.Config{Prefix: "exports"}).Versions(context.Background(), nov2023.Next())
	require.NoError(t, err)
	assert.Empty(t, vs)
}

// B-14: a legacy CUR and a CUR 2.0 export of one payer under the prefix read are
// refused; Config.Report chooses one.
func TestS3_TwoReportsOfOnePayerAmbiguous(t *testing.T) {
	f := newFakeS3(t)
	bucketLayout(t, f, t.TempDir())
	// Copy the export under cur/ too.
	dataKey := "cur/export/data/BILLING_PERIOD=2023-11/export-00001.csv.gz"
	f.put(t, dataKey, gz(t, []byte("x")))
	f.put(t, "cur/export/metadata/BILLING_PERIOD=2023-11/export-Manifest.json", jsonBytes(t, map[string]any{
		"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/export-0a1b2c3d",
		"dataFiles": []string{"s3://" + testBucket + "/" + dataKey},
	}))
	_, err := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "cur"}).Versions(context.Background(), nov2023)
	require.ErrorIs(t, err, reports.ErrAmbiguous)
	assert.Contains(t, err.Error(), "s3://cur-bucket/cur/legacy/20231101-20231201/legacy-Manifest.json (cur-legacy)")
	assert.Contains(t, err.Error(), "s3://cur-bucket/cur/export/metadata/BILLING_PERIOD=2023-11/export-Manifest.json (cur2)")

	vs, err := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "cur", Report: "export"}).Versions(context.Background(), nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, reports.FormatCUR2, vs[0].Format)
}

// A manifest naming a file that is not (yet) there, or a file in another bucket,
// stops before anything is read; a broken Parquet object is refused naming it.
func TestS3_Refusals(t *testing.T) {
	ctx := context.Background()
	f := newFakeS3(t)
	bucketLayout(t, f, t.TempDir())
	src := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "exports"})
	manifest := "exports/export/metadata/BILLING_PERIOD=2023-11/export-Manifest.json"

	f.put(t, manifest, jsonBytes(t, map[string]any{"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/e",
		"dataFiles": []string{"s3://" + testBucket + "/exports/export/data/BILLING_PERIOD=2023-11/export-00002.csv.gz"}}))
	_, err := src.Versions(ctx, nov2023)
	require.ErrorIs(t, err, reports.ErrNotFound)
	assert.Contains(t, err.Error(), "lists s3://cur-bucket/exports/export/data/BILLING_PERIOD=2023-11/export-00002.csv.gz, which is not there")

	f.put(t, manifest, jsonBytes(t, map[string]any{"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/e",
		"dataFiles": []string{"s3://other-bucket/exports/export/data/BILLING_PERIOD=2023-11/export-00001.csv.gz"}}))
	_, err = src.Versions(ctx, nov2023)
	require.ErrorIs(t, err, reports.ErrManifest)
	assert.Contains(t, err.Error(), `dataFiles[0] "s3://other-bucket/`)

	pq := "exports/export/data/BILLING_PERIOD=2023-11/export-00001.snappy.parquet"
	f.put(t, pq, []byte("PAR1 not really parquet PAR1"))
	f.put(t, manifest, jsonBytes(t, map[string]any{"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/e",
		"dataFiles": []string{"s3://" + testBucket + "/" + pq}}))
	vs, err := src.Versions(ctx, nov2023)
	require.NoError(t, err)
	_, err = vs[0].Inputs(costfile.Options{})[0].Scan(ctx, func() billing.Sink { return billing.NewAggregator(nov2023) })
	require.Error(t, err, "a broken Parquet object is read through ranged GETs and refused")
	assert.Contains(t, err.Error(), "s3://cur-bucket/"+pq+": ")

	// A file deleted between Versions and the scan: ErrNotFound naming it.
	f.put(t, manifest, jsonBytes(t, map[string]any{"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/e",
		"dataFiles": []string{"s3://" + testBucket + "/" + pq}}))
	vs, err = src.Versions(ctx, nov2023)
	require.NoError(t, err)
	_, err = f.backend.DeleteObject(testBucket, pq)
	require.NoError(t, err)
	_, err = vs[0].Inputs(costfile.Options{})[0].Scan(ctx, func() billing.Sink { return billing.NewAggregator(nov2023) })
	require.ErrorIs(t, err, reports.ErrNotFound)
	assert.Contains(t, err.Error(), "s3://cur-bucket/"+pq)

	_, err = reports.NewS3(f.client, "no-such-bucket", reports.Config{}).Versions(ctx, nov2023)
	require.ErrorIs(t, err, reports.ErrNotFound)
}

// CUR 2.0's default format: a Parquet export in S3 is read through ranged
// GetObject requests (random access without a copy) and gives what the same file
// gives from disk; progress counts the bytes fetched.
func TestS3_CUR2ParquetByRangedReads(t *testing.T) {
	ctx := context.Background()
	f := newFakeS3(t)
	local := filepath.Join(t.TempDir(), "x.parquet")
	out, err := os.Create(local)
	require.NoError(t, err)
	_, err = curgen.WriteParquet(out, curgen.Config{Rows: 3000, Seed: 11})
	require.NoError(t, err)
	require.NoError(t, out.Close())
	data, err := os.ReadFile(local)
	require.NoError(t, err)
	oct := resellerkit.NewMonth(2026, time.October)
	key := "exports/export/data/BILLING_PERIOD=2026-10/export-00001.snappy.parquet"
	f.put(t, key, data)
	f.put(t, "exports/export/metadata/BILLING_PERIOD=2026-10/export-Manifest.json", jsonBytes(t, map[string]any{
		"executionId": execID, "exportArn": "arn:aws:bcm-data-exports:us-east-1:" + payer + ":export/e",
		"dataFiles": []string{"s3://" + testBucket + "/" + key}}))
	var read int64
	vs, err := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "exports", Progress: func(_ string, n, _ int64) { read = n }}).Versions(ctx, oct)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	got, stats := aggregate(t, oct, vs[0].Inputs(costfile.Options{}))
	want, _ := aggregate(t, oct, localInputs(local))
	assert.Equal(t, want, got)
	assert.Equal(t, costfile.LayoutParquet, stats[0].Layout)
	assert.Positive(t, read)
}
