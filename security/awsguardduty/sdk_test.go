package awsguardduty

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// response is a canned GuardDuty REST JSON answer.
type response struct {
	status    int
	errorType string // X-Amzn-ErrorType of an error
	body      string
}

// gdServer is an httptest server answering GuardDuty's REST JSON API with a
// canned response per "METHOD path", recording the requests.
type gdServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	auth     []string
}

func newGDServer(t *testing.T, routes map[string]response) *gdServer {
	s := &gdServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		s.mu.Lock()
		s.requests = append(s.requests, key)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		res, ok := routes[key]
		if !ok {
			res = response{http.StatusNotFound, "ResourceNotFoundException", `{"message":"no route"}`}
		}
		w.Header().Set("Content-Type", "application/json")
		if res.errorType != "" {
			w.Header().Set("X-Amzn-ErrorType", res.errorType)
		}
		w.WriteHeader(res.status)
		_, _ = io.WriteString(w, res.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *gdServer) seen() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests), slices.Clone(s.auth)
}

// sessions is awsfleet.Static over the test server: static credentials, the
// server as base endpoint, no retries.
func (s *gdServer) sessions() awsfleet.Sessions {
	return awsfleet.Static(aws.Config{
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   s.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

// TestSDK goes through the real *guardduty.Client: the requests GuardDuty
// receives, the responses parsed and AWS's errors mapped.
func TestSDK(t *testing.T) {
	ctx := context.Background()
	t.Run("Observe", func(t *testing.T) {
		srv := newGDServer(t, map[string]response{
			"GET /detector": {http.StatusOK, "", `{"detectorIds":["` + id1 + `"]}`},
			"GET /detector/" + id1: {http.StatusOK, "", `{"createdAt":"2026-01-01T00:00:00.000Z","findingPublishingFrequency":"SIX_HOURS",
				"serviceRole":"arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
				"status":"DISABLED","updatedAt":"2026-01-02T00:00:00.000Z","tags":{}}`},
		})
		obs, err := New(srv.sessions()).Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "detector " + id1 + " disabled"}, obs)
		reqs, auth := srv.seen()
		assert.Equal(t, []string{"GET /detector", "GET /detector/" + id1}, reqs)
		assert.Contains(t, auth[0], "Credential=AKIDTEST/")
		assert.Contains(t, auth[0], "/"+region+"/guardduty/aws4_request")
	})
	for _, tc := range []struct {
		res  response
		want error
	}{
		{response{http.StatusForbidden, "AccessDeniedException", `{"message":"not authorized","__type":"AccessDeniedException"}`}, security.ErrAccessDenied},
		{response{http.StatusBadRequest, "UnrecognizedClientException", `{"message":"The security token included in the request is invalid."}`}, security.ErrRegionDisabled},
		{response{http.StatusTooManyRequests, "TooManyRequestsException", `{"message":"Rate exceeded"}`}, security.ErrThrottled},
	} {
		t.Run(tc.res.errorType, func(t *testing.T) {
			srv := newGDServer(t, map[string]response{"GET /detector": tc.res})
			_, err := New(srv.sessions()).Observe(ctx, acct, region)
			require.ErrorIs(t, err, tc.want)
			reqs, _ := srv.seen()
			assert.Equal(t, []string{"GET /detector"}, reqs, "retries are off")
			if tc.res.errorType == "AccessDeniedException" {
				var denied *types.AccessDeniedException
				require.ErrorAs(t, err, &denied, "the SDK's typed error stays in the chain")
			}
		})
	}
}
