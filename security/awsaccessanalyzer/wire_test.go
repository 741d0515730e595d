package awsaccessanalyzer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// TestWire observes through the real SDK client against a canned REST-JSON
// answer: New builds the client from the Sessions' configuration, in the region
// asked for.
func TestWire(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "/analyzer", r.URL.Path)
		assert.Equal(t, "ACCOUNT", r.URL.Query().Get("type"))
		assert.Contains(t, r.Header.Get("Authorization"), "/"+region+"/access-analyzer/aws4_request")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"analyzers":[{"arn":"arn:aws:access-analyzer:ap-northeast-1:111122223333:analyzer/mine",` +
			`"name":"mine","type":"ACCOUNT","status":"ACTIVE","createdAt":"2026-01-02T03:04:05Z"}]}`))
	}))
	defer srv.Close()

	c := New(awsfleet.Static(testConfig(srv)))
	obs, err := c.Observe(context.Background(), acct, region)
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "analyzer mine is active"}, obs)
}

func TestWire_SessionsError(t *testing.T) {
	c := New(awsfleet.AssumeRole(aws.Config{Region: region}, ""))
	_, err := c.Observe(context.Background(), "not-an-account", region)
	require.ErrorIs(t, err, security.ErrInvalid)
}

func testConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	}
}
