package reports

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

func TestParseLegacy_Sample(t *testing.T) {
	data, err := os.ReadFile("testdata/bucket/cur/example-cur/20231101-20231201/example-cur-Manifest.json")
	require.NoError(t, err)
	m, err := parseLegacy(data)
	require.NoError(t, err)
	assert.Equal(t, "a1b2c3d4-0000-4000-8000-000000000002", m.AssemblyID)
	assert.Equal(t, "123412340534", m.Account)
	assert.Equal(t, "example-cur", m.ReportName)
	assert.Equal(t, resellerkit.NewMonth(2023, time.November), m.Period)
	assert.Len(t, m.ReportKeys, 2)
}

// B-14: a bad manifest names the field and the value, truncated.
func TestParseManifests_Errors(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name, json string
		cur2       bool
		want       string
	}{
		{"not json", `{`, false, `reports: invalid manifest: (manifest) "" (B-14): not a JSON object: unexpected end of JSON input`},
		{"array", `[]`, false, `reports: invalid manifest: (manifest) "" (B-14): a JSON array where an object is expected`},
		{"no assembly", `{"reportKeys":["a/b.csv"]}`, false, `reports: invalid manifest: assemblyId "" (B-14): required: the id of this version of the report`},
		{"assembly type", `{"assemblyId":7}`, false, `reports: invalid manifest: assemblyId "" (B-14): a JSON number where a string is expected`},
		{"assembly slash", `{"assemblyId":"a/b"}`, false, `reports: invalid manifest: assemblyId "a/b" (B-14): must be a folder name: printable, without "/"`},
		{"account", `{"assemblyId":"a","account":"12345"}`, false, `reports: invalid manifest: account "12345" (B-14): must be the payer's 12-digit account id`},
		{"no period", `{"assemblyId":"a"}`, false, `reports: invalid manifest: billingPeriod "" (B-14): required: the report's billing period`},
		{"bad start", `{"assemblyId":"a","billingPeriod":{"start":"` + long + `"}}`, false,
			`reports: invalid manifest: billingPeriod.start "` + strings.Repeat("x", 100) + `…" (B-14): not a timestamp (e.g. 20231101T000000.000Z or 2023-11-01T00:00:00Z)`},
		{"end before start", `{"assemblyId":"a","billingPeriod":{"start":"20231101T000000.000Z","end":"20231001T000000.000Z"}}`, false,
			`reports: invalid manifest: billingPeriod.end "20231001T000000.000Z" (B-14): must be after billingPeriod.start`},
		{"no keys", `{"assemblyId":"a","billingPeriod":{"start":"2023-11-01T00:00:00Z"}}`, false, `reports: invalid manifest: reportKeys "" (B-14): required: at least one report file`},
		{"keys type", `{"assemblyId":"a","billingPeriod":{"start":"2023-11-01T00:00:00Z"},"reportKeys":"a.csv"}`, false,
			`reports: invalid manifest: reportKeys "" (B-14): a JSON string where an array of strings is expected`},
		{"dotdot key", `{"assemblyId":"a","billingPeriod":{"start":"2023-11-01"},"reportKeys":["a/../../etc/passwd"]}`, false,
			`reports: invalid manifest: reportKeys[0] "a/../../etc/passwd" (B-14): holds an empty, "." or ".." path segment`},
		{"dup key", `{"assemblyId":"a","billingPeriod":{"start":"2023-11-01"},"reportKeys":["a/b","a/b"]}`, false,
			`reports: invalid manifest: reportKeys[1] "a/b" (B-14): listed twice`},
		{"no execution", `{"dataFiles":["s3://b/k"]}`, true, `reports: invalid manifest: executionId "" (B-14): required: the id of this version of the report`},
		{"no files", `{"executionId":"e"}`, true, `reports: invalid manifest: dataFiles "" (B-14): required: at least one data file`},
		{"not s3", `{"executionId":"e","dataFiles":["https://b/k"]}`, true, `reports: invalid manifest: dataFiles[0] "https://b/k" (B-14): must be an s3://bucket/key URI`},
		{"cur2 period", `{"executionId":"e","billingPeriod":{"end":"2023-12-01"},"dataFiles":["s3://b/k"]}`, true,
			`reports: invalid manifest: billingPeriod.start "" (B-14): required: the first instant of the billing period`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.cur2 {
				_, err = parseCUR2([]byte(tc.json))
			} else {
				_, err = parseLegacy([]byte(tc.json))
			}
			require.ErrorIs(t, err, ErrManifest)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestParseCUR2(t *testing.T) {
	m, err := parseCUR2([]byte(`{"executionId":"e-1","exportArn":"arn:aws:bcm-data-exports:us-east-1:123412340534:export/x-1",
		"billingPeriod":{"start":"2023-11-01T00:00:00.000Z","end":"2023-12-01T00:00:00.000Z"},
		"dataFiles":["s3://b/p/x/data/BILLING_PERIOD=2023-11/x-00001.snappy.parquet"],"columns":[{"name":"a","type":"string"}],"additionalOutputFiles":[]}`))
	require.NoError(t, err)
	assert.Equal(t, cur2Manifest{ExecutionID: "e-1", Account: "123412340534", Period: resellerkit.NewMonth(2023, time.November),
		DataFiles: []s3URI{{Bucket: "b", Key: "p/x/data/BILLING_PERIOD=2023-11/x-00001.snappy.parquet"}}}, m)
}

// checkParsed fails on what a parser must never accept.
func checkParsed(t *testing.T, id string, period resellerkit.Month, keys []string, err error) {
	if err != nil {
		var ve *resellerkit.ValidationError
		if !errors.Is(err, ErrManifest) || !errors.As(err, &ve) {
			t.Fatalf("error not a ValidationError wrapping ErrManifest: %v", err)
		}
		return
	}
	if id == "" || strings.Contains(id, "/") || period.IsZero() && keys == nil || len(keys) == 0 {
		t.Fatalf("accepted a manifest without id or files: %q %v %q", id, period, keys)
	}
	for _, k := range keys {
		if badKey(k) != "" {
			t.Fatalf("accepted bad key %q", k)
		}
	}
}

func FuzzParseLegacy(f *testing.F) {
	data, err := os.ReadFile("testdata/bucket/cur/example-cur/20231101-20231201/example-cur-Manifest.json")
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"assemblyId":"a","billingPeriod":{"start":"2023-11-01"},"reportKeys":["a/b"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseLegacy(data)
		if err == nil && m.Period.IsZero() {
			t.Fatal("accepted a manifest without a period")
		}
		checkParsed(t, m.AssemblyID, m.Period, m.ReportKeys, err)
	})
}

func FuzzParseCUR2(f *testing.F) {
	f.Add([]byte(`{"executionId":"e","exportArn":"arn:aws:bcm-data-exports:us-east-1:123412340534:export/x","dataFiles":["s3://b/k/x-1.csv.gz"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseCUR2(data)
		var keys []string
		for _, u := range m.DataFiles {
			if u.Bucket == "" {
				t.Fatal("accepted an empty bucket")
			}
			keys = append(keys, u.Key)
		}
		if err == nil && m.Account != "" && !accountID(m.Account) {
			t.Fatalf("bad account %q", m.Account)
		}
		checkParsed(t, m.ExecutionID, resellerkit.NewMonth(2023, time.November), keys, err)
	})
}
