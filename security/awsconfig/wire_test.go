package awsconfig

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

// TestWire observes through the real SDK client against canned JSON 1.1
// answers: New builds the client from the Sessions' configuration, in the
// region asked for.
func TestWire(t *testing.T) {
	var ops []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		ops = append(ops, target)
		assert.Contains(t, r.Header.Get("Authorization"), "/"+region+"/config/aws4_request")
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch target {
		case "StarlingDoveService.DescribeConfigurationRecorders":
			_, _ = io.WriteString(w, `{"ConfigurationRecorders":[{"arn":"arn:aws:config:ap-northeast-1:111122223333:configuration-recorder/default/x","name":"default",`+
				`"roleARN":"arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",`+
				`"recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":false},"recordingScope":"PAID"}]}`)
		case "StarlingDoveService.DescribeConfigurationRecorderStatus":
			_, _ = io.WriteString(w, `{"ConfigurationRecordersStatus":[{"name":"default","lastStartTime":1.767323045E9,"recording":true,"lastStatus":"Success","lastStatusChangeTime":1.767323045E9}]}`)
		case "StarlingDoveService.DescribeDeliveryChannels":
			_, _ = io.WriteString(w, `{"DeliveryChannels":[{"name":"default","s3BucketName":"log-archive-config"}]}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	cfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	}
	obs, err := New(awsfleet.Static(cfg), Settings{}).Observe(context.Background(), acct, region)
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "recorder default recording; delivery channel default to s3://log-archive-config"}, obs)
	assert.Equal(t, []string{"StarlingDoveService.DescribeConfigurationRecorders", "StarlingDoveService.DescribeConfigurationRecorderStatus",
		"StarlingDoveService.DescribeDeliveryChannels"}, ops)
}
