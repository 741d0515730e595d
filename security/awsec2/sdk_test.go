package awsec2

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// ec2Server is an httptest server answering EC2 Query API requests with canned
// XML, recording each request's form and Authorization header.
type ec2Server struct {
	*httptest.Server
	mu       sync.Mutex
	forms    []url.Values
	auth     []string
	status   int
	response string
}

func newEC2Server(t *testing.T, status int, response string) *ec2Server {
	s := &ec2Server{status: status, response: response}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		form, err := url.ParseQuery(string(body))
		assert.NoError(t, err)
		s.mu.Lock()
		s.forms = append(s.forms, form)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(s.status)
		_, _ = io.WriteString(w, s.response)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns the forms and Authorization headers received so far.
func (s *ec2Server) requests() ([]url.Values, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.forms), slices.Clone(s.auth)
}

// sessions is awsfleet.Static over the test server: static credentials, the
// server as base endpoint, no retries.
func (s *ec2Server) sessions() awsfleet.Sessions {
	return awsfleet.Static(aws.Config{
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   s.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

const ec2Errors = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>fake</Message></Error></Errors><RequestID>req-1</RequestID></Response>`

// TestSDK goes through the real *ec2.Client: the request EC2 receives, the
// response parsed and AWS's errors mapped.
func TestSDK(t *testing.T) {
	ctx := context.Background()
	t.Run("GetEbsEncryptionByDefault", func(t *testing.T) {
		srv := newEC2Server(t, http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?>
<GetEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>req-1</requestId>
  <ebsEncryptionByDefault>true</ebsEncryptionByDefault>
  <sseType>sse-ebs</sseType>
</GetEbsEncryptionByDefaultResponse>`)
		obs, err := NewEBSDefaultEncryption(srv.sessions()).Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Compliant: true, Detail: "EBS encryption by default is on"}, obs)
		forms, auth := srv.requests()
		require.Len(t, forms, 1)
		assert.Equal(t, "GetEbsEncryptionByDefault", forms[0].Get("Action"))
		assert.Contains(t, auth[0], "Credential=AKIDTEST/")
		assert.Contains(t, auth[0], "/"+region+"/ec2/aws4_request")
	})
	t.Run("DescribeSecurityGroups", func(t *testing.T) {
		srv := newEC2Server(t, http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>req-1</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>123456789012</ownerId>
      <groupId>sg-1</groupId>
      <groupName>default</groupName>
      <groupDescription>default VPC security group</groupDescription>
      <vpcId>vpc-1</vpcId>
      <ipPermissions>
        <item>
          <ipProtocol>-1</ipProtocol>
          <groups><item><userId>123456789012</userId><groupId>sg-1</groupId></item></groups>
          <ipRanges/><ipv6Ranges/><prefixListIds/>
        </item>
      </ipPermissions>
      <ipPermissionsEgress>
        <item>
          <ipProtocol>-1</ipProtocol>
          <groups/>
          <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>
          <ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>
          <prefixListIds/>
        </item>
      </ipPermissionsEgress>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`)
		obs, err := NewDefaultSGClosed(srv.sessions()).Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "rules in 1 of 1 default security group: sg-1 (vpc-1): 1 ingress rule and 2 egress rules"}, obs)
		forms, _ := srv.requests()
		require.Len(t, forms, 1)
		f := forms[0]
		assert.Equal(t, "DescribeSecurityGroups", f.Get("Action"))
		assert.Equal(t, "group-name", f.Get("Filter.1.Name"))
		assert.Equal(t, "default", f.Get("Filter.1.Value.1"))
	})
	for _, tc := range []struct {
		status int
		code   string
		want   error
	}{
		{http.StatusForbidden, "UnauthorizedOperation", security.ErrAccessDenied},
		{http.StatusServiceUnavailable, "RequestLimitExceeded", security.ErrThrottled},
		{http.StatusUnauthorized, "AuthFailure", security.ErrRegionDisabled},
	} {
		t.Run(tc.code, func(t *testing.T) {
			srv := newEC2Server(t, tc.status, fmt.Sprintf(ec2Errors, tc.code))
			_, err := NewIMDSv2Default(srv.sessions()).Observe(ctx, acct, region)
			require.ErrorIs(t, err, tc.want)
			forms, _ := srv.requests()
			require.Len(t, forms, 1, "retries are off")
			assert.Equal(t, "GetInstanceMetadataDefaults", forms[0].Get("Action"))
		})
	}
}
