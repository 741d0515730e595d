package awssecurityhub

import (
	"context"
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

// TestWire observes through the real SDK client against canned REST-JSON
// answers: New builds the client from the Sessions' configuration, and the FSBP
// ARN is the region's.
func TestWire(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		assert.Contains(t, r.Header.Get("Authorization"), "/"+region+"/securityhub/aws4_request")
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "GET /accounts":
			_, _ = io.WriteString(w, `{"HubArn":"arn:aws:securityhub:ap-northeast-1:111122223333:hub/default","SubscribedAt":"2026-01-02T03:04:05.000Z"}`)
		case "POST /standards/get":
			_, _ = io.WriteString(w, `{"StandardsSubscriptions":[{"StandardsArn":"`+fsbp+`","StandardsInput":{},`+
				`"StandardsStatus":"READY","StandardsSubscriptionArn":"arn:aws:securityhub:ap-northeast-1:111122223333:subscription/aws-foundational-security-best-practices/v/1.0.0"}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()

	obs, err := New(awsfleet.Static(testConfig(srv))).Observe(context.Background(), acct, region)
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "Security Hub enabled; FSBP standard ready"}, obs)
	assert.Equal(t, []string{"GET /accounts", "POST /standards/get"}, paths)
}

// TestWire_NotSubscribed: AWS's answer for an account without Security Hub is
// recognized through the real deserializer.
func TestWire_NotSubscribed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "InvalidAccessException")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"Code":"InvalidAccessException","Message":"Account 111122223333 is not subscribed to AWS Security Hub"}`)
	}))
	defer srv.Close()

	obs, err := New(awsfleet.Static(testConfig(srv))).Observe(context.Background(), acct, region)
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Detail: "Security Hub not enabled"}, obs)
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
