package athena

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// athenaServer is Athena over HTTP (JSON 1.1, X-Amz-Target): StartQueryExecution
// answers TooManyRequestsException throttle times first, then a query id;
// GetQueryExecution RUNNING once, then SUCCEEDED; GetQueryResults a result of two
// pages. It records every call's target and body.
type athenaServer struct {
	mu       sync.Mutex
	throttle int
	gets     int
	calls    []string
	bodies   []map[string]any
}

func (s *athenaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	target := r.Header.Get("X-Amz-Target")
	s.calls = append(s.calls, target)
	s.bodies = append(s.bodies, body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	reply := func(v any) {
		b, _ := json.Marshal(v)
		_, _ = w.Write(b)
	}
	row := func(vs ...any) map[string]any {
		data := make([]map[string]any, len(vs))
		for i, v := range vs {
			data[i] = map[string]any{}
			if v != nil {
				data[i]["VarCharValue"] = v
			}
		}
		return map[string]any{"Data": data}
	}
	switch target {
	case "AmazonAthena.StartQueryExecution":
		if s.throttle > 0 {
			s.throttle--
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"TooManyRequestsException","Message":"You have exceeded the limit for the number of queries you can run concurrently.","Reason":"CONCURRENT_QUERY_LIMIT_EXCEEDED"}`)
			return
		}
		reply(map[string]any{"QueryExecutionId": "q-0001"})
	case "AmazonAthena.GetQueryExecution":
		s.gets++
		state := "RUNNING"
		if s.gets > 1 {
			state = "SUCCEEDED"
		}
		reply(map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": "q-0001", "Status": map[string]any{"State": state},
			"Statistics": map[string]any{"DataScannedInBytes": 4096}}})
	case "AmazonAthena.GetQueryResults":
		if body["NextToken"] == nil {
			header := make([]any, len(unblendedCols))
			cols := make([]map[string]any, len(unblendedCols))
			for i, c := range unblendedCols {
				header[i] = c
				cols[i] = map[string]any{"Name": c, "Type": "varchar"}
			}
			reply(map[string]any{"NextToken": "page-2", "ResultSet": map[string]any{
				"ResultSetMetadata": map[string]any{"ColumnInfo": cols},
				"Rows":              []any{row(header...), row("123456789012", "AmazonEC2", "Amazon Elastic Compute Cloud", "Usage", "APN1-BoxUsage:m7g.large", "RunInstances", "AWS", nil, "USD", "2", "12.3400000000", "0", "0")}}})
			return
		}
		reply(map[string]any{"ResultSet": map[string]any{
			"Rows": []any{row("123456789012", "AmazonS3", "Amazon Simple Storage Service", "Usage", "APN1-TimedStorage-ByteHrs", "StandardStorage", "AWS", "team-a", "USD", "1", "0.0100000000", "0", "0")}}})
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}

// noBackoff makes the SDK retry at once.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

func athenaConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "ap-northeast-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.Backoff = noBackoff{}
				o.RateLimiter = ratelimit.None
			})
		},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	}
}

// TestWireRunsTheQueryThroughTheSDK runs a Scan through the real SDK client: a
// throttled StartQueryExecution is retried by the SDK's retryer (with the same
// idempotency token), the query's text and parameters, database, workgroup and
// output location go on the wire as configured, GetQueryExecution is polled until
// SUCCEEDED and the result is read over two pages.
func TestWireRunsTheQueryThroughTheSDK(t *testing.T) {
	s := &athenaServer{throttle: 2}
	srv := httptest.NewServer(s)
	defer srv.Close()
	src, err := NewFromConfig(athenaConfig(srv), Config{Layout: LegacyCUR, Database: "cur", Table: "cur_report",
		WorkGroup: "billing", OutputLocation: "s3://example-results/athena/", Poll: Poll{Interval: time.Millisecond}})
	require.NoError(t, err)
	src.sleep = func(context.Context, time.Duration) error { return nil }
	agg := unblendedSink()
	st, err := scan(src, agg)
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Rows)
	assert.Equal(t, int64(4096), st.Bytes)
	require.Len(t, agg.Groups(), 2)

	assert.Equal(t, []string{"AmazonAthena.StartQueryExecution", "AmazonAthena.StartQueryExecution", "AmazonAthena.StartQueryExecution",
		"AmazonAthena.GetQueryExecution", "AmazonAthena.GetQueryExecution", "AmazonAthena.GetQueryResults", "AmazonAthena.GetQueryResults"}, s.calls)
	start := s.bodies[2]
	want := src.Statement(october, false)
	assert.Equal(t, want.SQL, start["QueryString"])
	assert.Equal(t, []any{"'2026-10-01 00:00:00'", "'2026-11-01 00:00:00'"}, start["ExecutionParameters"])
	assert.Equal(t, map[string]any{"Database": "cur"}, start["QueryExecutionContext"])
	assert.Equal(t, "billing", start["WorkGroup"])
	assert.Equal(t, map[string]any{"OutputLocation": "s3://example-results/athena/"}, start["ResultConfiguration"])
	assert.NotEmpty(t, start["ClientRequestToken"])
	assert.Equal(t, s.bodies[0]["ClientRequestToken"], start["ClientRequestToken"], "a retried start is the same query")
	assert.Equal(t, map[string]any{"QueryExecutionId": "q-0001", "MaxResults": float64(1000)}, s.bodies[5])
	assert.Equal(t, "page-2", s.bodies[6]["NextToken"])
}

// TestWireThrottledBeyondRetries: when the SDK's retries run out on throttling,
// Scan says so (ErrThrottled) with Athena's reason, the SDK's error in the chain.
func TestWireThrottledBeyondRetries(t *testing.T) {
	s := &athenaServer{throttle: 100}
	srv := httptest.NewServer(s)
	defer srv.Close()
	src, err := NewFromConfig(athenaConfig(srv), Config{Layout: CUR2, Database: "cur", Table: "data_export"})
	require.NoError(t, err)
	_, err = scan(src, unblendedSink())
	require.ErrorIs(t, err, ErrThrottled)
	var tooMany *types.TooManyRequestsException
	require.True(t, errors.As(err, &tooMany))
	assert.Equal(t, types.ThrottleReasonConcurrentQueryLimitExceeded, tooMany.Reason)
	assert.ErrorContains(t, err, "StartQueryExecution was throttled (CONCURRENT_QUERY_LIMIT_EXCEEDED) and the SDK's retries ran out")
	assert.Len(t, s.calls, 3, "the SDK's MaxAttempts")
}
