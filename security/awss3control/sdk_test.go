package awss3control

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// request is what the test server saw of a request.
type request struct {
	method, host, path, accountID, auth string
}

// s3cServer is an httptest server answering S3 Control's REST XML API with one
// canned response, recording the requests.
type s3cServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newS3CServer(t *testing.T, status int, body string) *s3cServer {
	s := &s3cServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, request{r.Method, r.Host, r.URL.Path, r.Header.Get("X-Amz-Account-Id"), r.Header.Get("Authorization")})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *s3cServer) seen() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// sessions is awsfleet.Static over the test server: static credentials, the
// server as base endpoint, no retries, region (DefaultRegion when ""). S3 Control
// puts the account id in front of the endpoint's host
// (123456789012.127.0.0.1:port), so the HTTP client dials the test server
// whatever the host.
func (s *s3cServer) sessions(region string) awsfleet.Sessions {
	tr := s.Client().Transport.(*http.Transport).Clone()
	addr := s.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return awsfleet.Static(aws.Config{
		Region: region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{Transport: tr},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

const s3cError = `<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse><Error><Code>%s</Code><Message>fake</Message></Error><RequestId>req-1</RequestId><HostId>host-1</HostId></ErrorResponse>`

// TestSDK goes through the real *s3control.Client: the request S3 Control
// receives, the response parsed and AWS's errors mapped.
func TestSDK(t *testing.T) {
	ctx := context.Background()
	t.Run("GetPublicAccessBlock", func(t *testing.T) {
		srv := newS3CServer(t, http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?>
<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">
  <BlockPublicAcls>true</BlockPublicAcls>
  <IgnorePublicAcls>true</IgnorePublicAcls>
  <BlockPublicPolicy>false</BlockPublicPolicy>
  <RestrictPublicBuckets>true</RestrictPublicBuckets>
</PublicAccessBlockConfiguration>`)
		obs, err := New(srv.sessions("")).Observe(ctx, acct, "")
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "account-level S3 Block Public Access off: BlockPublicPolicy"}, obs)
		reqs := srv.seen()
		require.Len(t, reqs, 1)
		r := reqs[0]
		assert.Equal(t, "GET", r.method)
		assert.Equal(t, "/v20180820/configuration/publicAccessBlock", r.path)
		assert.Equal(t, acct, r.accountID)
		assert.Equal(t, acct+"."+srv.Listener.Addr().String(), r.host, "the account id prefixes the host")
		assert.Contains(t, r.auth, "Credential=AKIDTEST/")
		assert.Contains(t, r.auth, "/"+DefaultRegion+"/s3/aws4_request", "a global control is signed in DefaultRegion")
	})
	t.Run("the Sessions' region", func(t *testing.T) {
		srv := newS3CServer(t, http.StatusOK, `<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"/>`)
		obs, err := New(srv.sessions("ap-northeast-1")).Observe(ctx, acct, "")
		require.NoError(t, err)
		assert.False(t, obs.Compliant)
		reqs := srv.seen()
		require.Len(t, reqs, 1)
		assert.Contains(t, reqs[0].auth, "/ap-northeast-1/s3/aws4_request")
	})
	t.Run("NoSuchPublicAccessBlockConfiguration", func(t *testing.T) {
		srv := newS3CServer(t, http.StatusNotFound, fmt.Sprintf(s3cError, "NoSuchPublicAccessBlockConfiguration"))
		obs, err := New(srv.sessions("")).Observe(ctx, acct, "")
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "no account-level S3 Block Public Access configuration"}, obs)
	})
	for _, tc := range []struct {
		status int
		code   string
		want   error
	}{
		{http.StatusForbidden, "AccessDenied", security.ErrAccessDenied},
		{http.StatusServiceUnavailable, "SlowDown", security.ErrThrottled},
		{http.StatusForbidden, "InvalidClientTokenId", security.ErrRegionDisabled},
	} {
		t.Run(tc.code, func(t *testing.T) {
			srv := newS3CServer(t, tc.status, fmt.Sprintf(s3cError, tc.code))
			_, err := New(srv.sessions("")).Observe(ctx, acct, "")
			require.ErrorIs(t, err, tc.want)
			assert.Len(t, srv.seen(), 1, "retries are off")
			var none *types.NoSuchPublicAccessBlockConfiguration
			assert.NotErrorAs(t, err, &none)
		})
	}
}
