package awsiam

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

// iamServer answers IAM query-protocol calls with canned XML per Action.
func iamServer(t *testing.T, answers map[string]string) (*httptest.Server, *[]string) {
	var actions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "2010-05-08", r.PostForm.Get("Version"))
		assert.Contains(t, r.Header.Get("Authorization"), "/us-east-1/iam/aws4_request")
		action := r.PostForm.Get("Action")
		actions = append(actions, action+" "+r.PostForm.Get("RoleName"))
		body, ok := answers[action]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &actions
}

func wireConfig(srv *httptest.Server) aws.Config {
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

// TestWire_RootMFA observes through the real SDK client against a canned query
// XML answer.
func TestWire_RootMFA(t *testing.T) {
	srv, actions := iamServer(t, map[string]string{"GetAccountSummary": `<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountSummaryResult>
    <SummaryMap>
      <entry><key>Users</key><value>4</value></entry>
      <entry><key>AccountMFAEnabled</key><value>1</value></entry>
      <entry><key>AccountAccessKeysPresent</key><value>0</value></entry>
    </SummaryMap>
  </GetAccountSummaryResult>
  <ResponseMetadata><RequestId>f1e38443-f1ad-11e3-b3ac-1b4fe1e23e70</RequestId></ResponseMetadata>
</GetAccountSummaryResponse>`})
	obs, err := NewRootMFA(awsfleet.Static(wireConfig(srv))).Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "root MFA enabled; no root access keys"}, obs)
	assert.Equal(t, []string{"GetAccountSummary "}, *actions)
}

// TestWire_SupportRole reads the role's URL-encoded trust policy as IAM sends
// it, through the real SDK client.
func TestWire_SupportRole(t *testing.T) {
	srv, actions := iamServer(t, map[string]string{
		"GetRole": `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>
  <Path>/</Path><RoleName>KKASupportRole</RoleName><RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
  <Arn>arn:aws:iam::111122223333:role/KKASupportRole</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate>
  <AssumeRolePolicyDocument>` + rfc3986(ourTrust) + `</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>
</Role></GetRoleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetRoleResponse>`,
		"ListAttachedRolePolicies": `<ListAttachedRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListAttachedRolePoliciesResult>
  <AttachedPolicies><member><PolicyName>AWSSupportAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/AWSSupportAccess</PolicyArn></member></AttachedPolicies>
  <IsTruncated>false</IsTruncated>
</ListAttachedRolePoliciesResult><ResponseMetadata><RequestId>y</RequestId></ResponseMetadata></ListAttachedRolePoliciesResponse>`,
	})
	c := NewSupportRole(awsfleet.Static(wireConfig(srv)), reseller)
	assert.Equal(t, security.SupportRole, c.Control())
	obs, err := c.Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "role KKASupportRole trusts arn:aws:iam::999988887777:root, AWSSupportAccess attached"}, obs)
	assert.Equal(t, []string{"GetRole KKASupportRole", "ListAttachedRolePolicies KKASupportRole"}, *actions)
}

// TestWire_PasswordPolicy: IAM's NoSuchEntity answer is the SDK's
// *types.NoSuchEntityException, read as "no policy".
func TestWire_PasswordPolicy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>`+
			`<Code>NoSuchEntity</Code><Message>The Password Policy with domain name 111122223333 cannot be found.</Message></Error>`+
			`<RequestId>z</RequestId></ErrorResponse>`)
	}))
	defer srv.Close()
	c := NewPasswordPolicy(awsfleet.Static(wireConfig(srv)), DefaultPolicy())
	assert.Equal(t, security.PasswordPolicy, c.Control())
	obs, err := c.Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Detail: "no password policy"}, obs)
}
