package awscloudtrail

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// TestWire observes through the real SDK client against canned JSON 1.1
// answers: New builds the client from the Sessions' configuration, the home
// region serves a global call, and GetTrailStatus names the trail by ARN.
func TestWire(t *testing.T) {
	const arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/resellerkit-baseline"
	var ops []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		ops = append(ops, target)
		assert.Equal(t, "application/x-amz-json-1.1", r.Header.Get("Content-Type"))
		assert.Contains(t, r.Header.Get("Authorization"), "/us-east-1/cloudtrail/aws4_request")
		var body map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch target {
		case "CloudTrail_20131101.DescribeTrails":
			assert.Equal(t, map[string]any{"includeShadowTrails": true}, body)
			_, _ = io.WriteString(w, `{"trailList":[{"Name":"resellerkit-baseline","S3BucketName":"log-archive","IncludeGlobalServiceEvents":true,`+
				`"IsMultiRegionTrail":true,"HomeRegion":"us-east-1","TrailARN":"`+arn+`","LogFileValidationEnabled":true,"IsOrganizationTrail":false}]}`)
		case "CloudTrail_20131101.GetTrailStatus":
			assert.Equal(t, map[string]any{"Name": arn}, body)
			_, _ = io.WriteString(w, `{"IsLogging":true,"StartLoggingTime":1.767323045E9}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	cfg := aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	}
	c := New(awsfleet.Static(cfg), func(string) string { return "log-archive" }, WithHomeRegion("us-east-1"))
	obs, err := c.Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "trail resellerkit-baseline is multi-region with log file validation and logging"}, obs)
	assert.Len(t, ops, 2)
}
