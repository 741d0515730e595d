package reports

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
)

// memS3 is an s3API over a map, listing as S3 does: keys are opaque strings
// ("/a" and "a" are two keys, unlike gofakes3, which drops a leading slash),
// CommonPrefixes cut at the delimiter after the prefix, at most maxKeys entries
// (objects and common prefixes) a page, continued by NextContinuationToken.
type memS3 struct {
	objs    map[string][]byte
	mod     time.Time
	maxKeys int
	// dropSlash makes it a store that drops a leading slash of a key or prefix,
	// as gofakes3 does (and other S3-compatible stores may).
	dropSlash bool
}

func (m *memS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	prefix, delim, token := aws.ToString(in.Prefix), aws.ToString(in.Delimiter), aws.ToString(in.ContinuationToken)
	if m.dropSlash {
		prefix = strings.TrimPrefix(prefix, "/")
	}
	keys := make([]string, 0, len(m.objs))
	for k := range m.objs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := &s3.ListObjectsV2Output{}
	n, last := 0, ""
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || (token != "" && (k <= token || strings.HasSuffix(token, delim) && strings.HasPrefix(k, token))) {
			continue
		}
		entry, isPrefix := k, false
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				entry, isPrefix = k[:len(prefix)+i+len(delim)], true
			}
		}
		if isPrefix && entry == last {
			continue
		}
		if n == m.maxKeys {
			out.IsTruncated, out.NextContinuationToken = aws.Bool(true), aws.String(last)
			break
		}
		if isPrefix {
			out.CommonPrefixes = append(out.CommonPrefixes, types.CommonPrefix{Prefix: aws.String(entry)})
		} else {
			out.Contents = append(out.Contents, types.Object{Key: aws.String(k), Size: aws.Int64(int64(len(m.objs[k]))), LastModified: aws.Time(m.mod)})
		}
		n, last = n+1, entry
	}
	return out, nil
}

func (m *memS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	data, ok := m.objs[aws.ToString(in.Key)]
	if !ok {
		return nil, &types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data)))}, nil
}

const auditPayer = "123412340534"

var auditPeriod = resellerkit.NewMonth(2023, time.November)

// auditCSV returns a gzip legacy CUR of rows Usage rows of auditPayer in 2023-11.
func auditCSV(t *testing.T, rows int) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	fmt.Fprintln(w, "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode")
	for i := range rows {
		fmt.Fprintf(w, "%s,Usage,2023-11-%02dT00:00:00Z,AmazonEC2,1.25,USD\n", auditPayer, 1+i%30)
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

// putLegacy stores a legacy report's period folder dir (ending in "/"): one part
// per count in rows, in assembly asm, the assembly's manifest and the period's.
func putLegacy(t *testing.T, m *memS3, dir, report, asm string, rows ...int) []string {
	t.Helper()
	var keys []string
	for i, n := range rows {
		k := fmt.Sprintf("%s%s/%s-%d.csv.gz", dir, asm, report, i+1)
		m.objs[k] = auditCSV(t, n)
		keys = append(keys, k)
	}
	man, err := json.Marshal(map[string]any{
		"assemblyId": asm, "account": auditPayer, "reportName": report,
		"billingPeriod": map[string]string{"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
		"reportKeys":    keys,
	})
	require.NoError(t, err)
	m.objs[dir+asm+"/"+report+"-Manifest.json"] = man
	m.objs[dir+report+"-Manifest.json"] = man
	return keys
}

// scanRows scans v's files and returns the rows of each.
func scanRows(t *testing.T, v Version) []int64 {
	t.Helper()
	var out []int64
	for _, in := range v.Inputs(costfile.Options{Workers: 1}) {
		st, err := in.Scan(context.Background(), func() billing.Sink { return billing.NewAggregator(auditPeriod) })
		require.NoError(t, err)
		out = append(out, st.Rows)
	}
	return out
}

// A legacy CUR whose report definition has no S3 prefix is delivered under keys
// that start with "/": AWS joins the empty prefix and the report name with a
// slash (/report/20231101-20231201/report-Manifest.json, its reportKeys alike;
// cognitect-labs/aws-api#126 lists them, project-koku's downloader builds the
// same path from an empty S3Prefix). Read from the bucket's root (Prefix ""),
// such a report was neither found nor refused: Versions answered no report at
// all, so a month's ingestion found nothing to ingest (B-14). It is found now,
// and its files are read.
func TestS3_LegacyReportWithoutPrefix(t *testing.T) {
	m := &memS3{objs: map[string][]byte{}, mod: time.Date(2023, 12, 3, 4, 0, 0, 0, time.UTC), maxKeys: 1000}
	asm := "22222222-bbbb-4bbb-8bbb-000000000002"
	keys := putLegacy(t, m, "/legacy/20231101-20231201/", "legacy", asm, 40, 25)

	for _, cfg := range []Config{{}, {Report: "legacy"}} {
		vs, err := newS3(m, "cur-bucket", cfg).Versions(context.Background(), auditPeriod)
		require.NoError(t, err)
		require.Len(t, vs, 1, "%+v", cfg)
		v := vs[0]
		assert.Equal(t, billing.Report{Payer: auditPayer, Period: auditPeriod, Version: asm, GeneratedAt: m.mod}, v.Report)
		assert.Equal(t, "s3://cur-bucket//legacy/20231101-20231201/legacy-Manifest.json", v.Manifest)
		assert.Equal(t, []string{"s3://cur-bucket/" + keys[0], "s3://cur-bucket/" + keys[1]}, v.FileNames())
		assert.Equal(t, []int64{40, 25}, scanRows(t, v))
	}

	// The same report also under "legacy/" is the month twice: refused.
	putLegacy(t, m, "legacy/20231101-20231201/", "legacy", asm, 5)
	_, err := newS3(m, "cur-bucket", Config{}).Versions(context.Background(), auditPeriod)
	require.ErrorIs(t, err, ErrAmbiguous)

	// A store that drops leading slashes answers the listing of "/" with the
	// root's keys: the report is still found once, not twice (ErrAmbiguous).
	norm := &memS3{objs: map[string][]byte{}, mod: m.mod, maxKeys: 1000, dropSlash: true}
	putLegacy(t, norm, "legacy/20231101-20231201/", "legacy", asm, 5)
	for _, cfg := range []Config{{}, {Report: "legacy"}} {
		vs, err := newS3(norm, "cur-bucket", cfg).Versions(context.Background(), auditPeriod)
		require.NoError(t, err)
		require.Len(t, vs, 1, "%+v", cfg)
		assert.Equal(t, "s3://cur-bucket/legacy/20231101-20231201/legacy-Manifest.json", vs[0].Manifest)
	}

	// A directory has no keys with a leading slash: its root is read once.
	dir := t.TempDir()
	_, err = NewDir(dir, Config{}).Versions(context.Background(), auditPeriod)
	require.NoError(t, err)
}

// A folder of more than one listing page is listed to its end: the manifest and
// a part that come after the first 1,000 keys are found (B-14: a delivery is
// read whole or refused, never in part).
func TestS3_ListingBeyondOnePage(t *testing.T) {
	m := &memS3{objs: map[string][]byte{}, mod: time.Date(2023, 12, 3, 4, 0, 0, 0, time.UTC), maxKeys: 1000}
	asm := "22222222-bbbb-4bbb-8bbb-000000000002"
	dir := "cur/legacy/20231101-20231201/"
	for i := range 1500 {
		m.objs[fmt.Sprintf("%s%s/a-%04d.txt", dir, asm, i)] = []byte("x")
		m.objs[fmt.Sprintf("%sa-%04d.txt", dir, i)] = []byte("x")
	}
	putLegacy(t, m, dir, "legacy", asm, 7)
	vs, err := newS3(m, "cur-bucket", Config{Prefix: "cur"}).Versions(context.Background(), auditPeriod)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, []int64{7}, scanRows(t, vs[0]))
}
