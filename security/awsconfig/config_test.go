package awsconfig

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
)

const (
	acct   = "111122223333"
	region = "ap-northeast-1"
)

func settings() Settings {
	return Settings{
		HomeRegion: "us-east-1",
		RoleARN:    ServiceLinkedRoleARN,
		Bucket:     func(string) string { return "log-archive-config" },
	}
}

func TestControl(t *testing.T) {
	c := newFake().check(settings())
	assert.Equal(t, security.ConfigRecording, c.Control())
	assert.Equal(t, "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", ServiceLinkedRoleARN(acct))
}

func TestObserve_S3(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         func(*fakeAPI)
		compliant bool
		detail    string
	}{
		{name: "compliant", f: func(f *fakeAPI) {
			f.recorder, f.recording, f.channel = recorder("default"), true, channel("default", "b")
		},
			compliant: true, detail: "recorder default recording; delivery channel default to s3://b"},
		{name: "compliant: Control Tower's recorder", f: func(f *fakeAPI) {
			f.recorder, f.recording, f.channel = recorder("aws-controltower-BaselineConfigRecorder"), true, channel("aws-controltower-BaselineConfigDeliveryChannel", "ct")
		}, compliant: true, detail: "recorder aws-controltower-BaselineConfigRecorder recording; delivery channel aws-controltower-BaselineConfigDeliveryChannel to s3://ct"},
		{name: "drift: nothing", f: func(*fakeAPI) {}, detail: "no configuration recorder; no delivery channel"},
		{name: "drift: stopped", f: func(f *fakeAPI) { f.recorder, f.channel = recorder("default"), channel("default", "b") },
			detail: "recorder default not recording (last status Failure: NoAvailableDeliveryChannel); delivery channel default to s3://b"},
		{name: "drift: recording without a channel", f: func(f *fakeAPI) { f.recorder, f.recording = recorder("default"), true },
			detail: "recorder default recording; no delivery channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			tc.f(f)
			obs, err := f.check(settings()).Observe(context.Background(), acct, region)
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Empty(t, f.putRecorders)
			assert.Empty(t, f.putChannels)
			assert.Empty(t, f.starts)
		})
	}
}

func TestRepair_S3(t *testing.T) {
	wantRecorder := func(global bool) []configservice.PutConfigurationRecorderInput {
		return []configservice.PutConfigurationRecorderInput{{ConfigurationRecorder: &types.ConfigurationRecorder{
			Name:           aws.String("default"),
			RoleARN:        aws.String("arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
			RecordingGroup: &types.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: global},
		}}}
	}
	wantChannel := []configservice.PutDeliveryChannelInput{{DeliveryChannel: &types.DeliveryChannel{
		Name: aws.String("default"), S3BucketName: aws.String("log-archive-config")}}}
	wantStart := []configservice.StartConfigurationRecorderInput{{ConfigurationRecorderName: aws.String("default")}}

	t.Run("from nothing, in the home region: global types too; again: nothing", func(t *testing.T) {
		f := newFake()
		c := f.check(settings())
		detail, err := c.Repair(context.Background(), acct, "us-east-1")
		require.NoError(t, err)
		assert.Equal(t, "created recorder default (all supported resource types, global ones included); created delivery channel default to s3://log-archive-config; started recorder default", detail)
		assert.Equal(t, wantRecorder(true), f.putRecorders)
		assert.Equal(t, wantChannel, f.putChannels)
		assert.Equal(t, wantStart, f.starts)

		obs, err := c.Observe(context.Background(), acct, "us-east-1")
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
		detail, err = c.Repair(context.Background(), acct, "us-east-1")
		require.NoError(t, err)
		assert.Equal(t, "nothing to do: recorder default recording; delivery channel default", detail)
		assert.Len(t, f.putRecorders, 1, "idempotent")
		assert.Len(t, f.putChannels, 1, "idempotent")
		assert.Len(t, f.starts, 1, "idempotent")
	})
	t.Run("another region: no global types", func(t *testing.T) {
		f := newFake()
		_, err := f.check(settings()).Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, wantRecorder(false), f.putRecorders)
	})
	t.Run("names and key prefix", func(t *testing.T) {
		f := newFake()
		s := settings()
		s.RecorderName, s.ChannelName, s.KeyPrefix = "rec", "chan", "config"
		_, err := f.check(s).Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "rec", aws.ToString(f.putRecorders[0].ConfigurationRecorder.Name))
		assert.Equal(t, []configservice.PutDeliveryChannelInput{{DeliveryChannel: &types.DeliveryChannel{
			Name: aws.String("chan"), S3BucketName: aws.String("log-archive-config"), S3KeyPrefix: aws.String("config")}}}, f.putChannels)
		assert.Equal(t, []configservice.StartConfigurationRecorderInput{{ConfigurationRecorderName: aws.String("rec")}}, f.starts)
	})
	t.Run("an existing recorder is kept and started under its own name", func(t *testing.T) {
		f := newFake()
		f.recorder, f.channel = recorder("aws-controltower-BaselineConfigRecorder"), channel("ct", "ct")
		detail, err := f.check(settings()).Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "started recorder aws-controltower-BaselineConfigRecorder", detail)
		assert.Empty(t, f.putRecorders)
		assert.Empty(t, f.putChannels)
		assert.Equal(t, []configservice.StartConfigurationRecorderInput{{ConfigurationRecorderName: aws.String("aws-controltower-BaselineConfigRecorder")}}, f.starts)
	})
	t.Run("recording without a channel: the channel only", func(t *testing.T) {
		f := newFake()
		f.recorder, f.recording = recorder("default"), true
		detail, err := f.check(settings()).Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "created delivery channel default to s3://log-archive-config", detail)
		assert.Equal(t, wantChannel, f.putChannels)
		assert.Empty(t, f.starts)
	})
	t.Run("MaxNumber…Exceeded: what another run created is used", func(t *testing.T) {
		f := newFake()
		f.racedRecorder, f.racedChannel = recorder("theirs"), channel("theirs", "x")
		detail, err := f.check(settings()).Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "created recorder theirs (all supported resource types); a delivery channel already exists; started recorder theirs", detail)
		assert.Equal(t, []configservice.StartConfigurationRecorderInput{{ConfigurationRecorderName: aws.String("theirs")}}, f.starts)
		assert.True(t, f.recording)
	})
	t.Run("settings missing", func(t *testing.T) {
		for _, tc := range []struct {
			field string
			edit  func(*Settings)
		}{
			{"HomeRegion", func(s *Settings) { s.HomeRegion = "" }},
			{"RoleARN", func(s *Settings) { s.RoleARN = nil }},
			{"RoleARN", func(s *Settings) { s.RoleARN = func(string) string { return "" } }},
			{"Bucket", func(s *Settings) { s.Bucket = nil }},
		} {
			f := newFake()
			s := settings()
			tc.edit(&s)
			_, err := f.check(s).Repair(context.Background(), acct, region)
			require.ErrorIs(t, err, security.ErrInvalid, tc.field)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, f.starts)
		}
	})
	t.Run("bucket or role rejected by AWS", func(t *testing.T) {
		for _, tc := range []struct {
			op, field string
			err       error
		}{
			{"PutDeliveryChannel", "Bucket", &types.NoSuchBucketException{Message: aws.String("Cannot find a S3 bucket with an appropriate bucket policy")}},
			{"PutDeliveryChannel", "Bucket", &types.InsufficientDeliveryPolicyException{Message: aws.String("Insufficient delivery policy to s3 bucket")}},
			{"PutConfigurationRecorder", "RoleARN", &types.InvalidRoleException{Message: aws.String("The role is not valid")}},
		} {
			f := newFake()
			f.errs[tc.op] = tc.err
			_, err := f.check(settings()).Repair(context.Background(), acct, region)
			require.ErrorIs(t, err, security.ErrInvalid)
			require.ErrorIs(t, err, tc.err)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		}
	})
}

func TestErrors_S3(t *testing.T) {
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"access denied", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}, security.ErrAccessDenied},
		{"throttled", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}, security.ErrThrottled},
		{"region not enabled", &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}, security.ErrRegionDisabled},
		{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, security.ErrRegionDisabled},
	}
	reads := map[string]bool{"DescribeConfigurationRecorders": true, "DescribeConfigurationRecorderStatus": true, "DescribeDeliveryChannels": true}
	for _, op := range []string{"DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus", "DescribeDeliveryChannels",
		"PutConfigurationRecorder", "PutDeliveryChannel", "StartConfigurationRecorder"} {
		for _, e := range errs {
			t.Run(op+" "+e.name, func(t *testing.T) {
				f := newFake()
				if op == "DescribeConfigurationRecorderStatus" {
					f.recorder = recorder("default") // asked only when there is a recorder
				}
				f.errs[op] = e.err
				_, err := f.check(settings()).Repair(context.Background(), acct, region)
				require.ErrorIs(t, err, e.want)
				require.ErrorIs(t, err, e.err, "the SDK's error stays in the chain")
				if reads[op] {
					_, err = f.check(settings()).Observe(context.Background(), acct, region)
					require.ErrorIs(t, err, e.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := newWithAPI(func(context.Context, string, string) (configAPI, string, error) { return nil, "", boom }, settings())
		_, err := c.Observe(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
		_, err = c.Repair(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
	})
}
