package awsconfig

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is AWS Config of one account and region in memory: at most one
// recorder and one delivery channel, as AWS allows. Errors are the SDK's own
// types, wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu        sync.Mutex
	recorder  *types.ConfigurationRecorder
	recording bool
	channel   *types.DeliveryChannel
	// raced are what another run creates just before our Put.
	racedRecorder *types.ConfigurationRecorder
	racedChannel  *types.DeliveryChannel
	errs          map[string]error // per operation, returned on every call
	calls         []string

	putRecorders []configservice.PutConfigurationRecorderInput
	putChannels  []configservice.PutDeliveryChannelInput
	starts       []configservice.StartConfigurationRecorderInput
}

func newFake() *fakeAPI { return &fakeAPI{errs: map[string]error{}} }

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "Config Service", OperationName: op, Err: err}
}

func (f *fakeAPI) begin(op string) error {
	f.calls = append(f.calls, op)
	if err := f.errs[op]; err != nil {
		return opErr(op, err)
	}
	return nil
}

func (f *fakeAPI) DescribeConfigurationRecorders(_ context.Context, _ *configservice.DescribeConfigurationRecordersInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeConfigurationRecorders"); err != nil {
		return nil, err
	}
	out := &configservice.DescribeConfigurationRecordersOutput{}
	if f.recorder != nil {
		out.ConfigurationRecorders = []types.ConfigurationRecorder{*f.recorder}
	}
	return out, nil
}

func (f *fakeAPI) DescribeConfigurationRecorderStatus(_ context.Context, _ *configservice.DescribeConfigurationRecorderStatusInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeConfigurationRecorderStatus"); err != nil {
		return nil, err
	}
	out := &configservice.DescribeConfigurationRecorderStatusOutput{}
	if f.recorder != nil {
		st := types.ConfigurationRecorderStatus{Name: f.recorder.Name, Recording: f.recording, LastStatus: types.RecorderStatusSuccess}
		if !f.recording {
			st.LastStatus = types.RecorderStatusFailure
			st.LastErrorCode = aws.String("NoAvailableDeliveryChannel")
		}
		out.ConfigurationRecordersStatus = []types.ConfigurationRecorderStatus{st}
	}
	return out, nil
}

func (f *fakeAPI) DescribeDeliveryChannels(_ context.Context, _ *configservice.DescribeDeliveryChannelsInput, _ ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeDeliveryChannels"); err != nil {
		return nil, err
	}
	out := &configservice.DescribeDeliveryChannelsOutput{}
	if f.channel != nil {
		out.DeliveryChannels = []types.DeliveryChannel{*f.channel}
	}
	return out, nil
}

func (f *fakeAPI) PutConfigurationRecorder(_ context.Context, in *configservice.PutConfigurationRecorderInput, _ ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.putRecorders = append(f.putRecorders, *in)
	if err := f.begin("PutConfigurationRecorder"); err != nil {
		return nil, err
	}
	if f.racedRecorder != nil {
		f.recorder, f.racedRecorder = f.racedRecorder, nil
	}
	if f.recorder != nil && aws.ToString(f.recorder.Name) != aws.ToString(in.ConfigurationRecorder.Name) {
		return nil, opErr("PutConfigurationRecorder", &types.MaxNumberOfConfigurationRecordersExceededException{
			Message: aws.String("Failed to put configuration recorder because you have reached the limit for the maximum number of customer managed configuration records: (1)")})
	}
	r := *in.ConfigurationRecorder
	f.recorder = &r
	return &configservice.PutConfigurationRecorderOutput{}, nil
}

func (f *fakeAPI) PutDeliveryChannel(_ context.Context, in *configservice.PutDeliveryChannelInput, _ ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.putChannels = append(f.putChannels, *in)
	if err := f.begin("PutDeliveryChannel"); err != nil {
		return nil, err
	}
	if f.racedChannel != nil {
		f.channel, f.racedChannel = f.racedChannel, nil
	}
	if f.recorder == nil {
		return nil, opErr("PutDeliveryChannel", &types.NoAvailableConfigurationRecorderException{})
	}
	if f.channel != nil && aws.ToString(f.channel.Name) != aws.ToString(in.DeliveryChannel.Name) {
		return nil, opErr("PutDeliveryChannel", &types.MaxNumberOfDeliveryChannelsExceededException{Message: aws.String("limit 1")})
	}
	ch := *in.DeliveryChannel
	f.channel = &ch
	return &configservice.PutDeliveryChannelOutput{}, nil
}

func (f *fakeAPI) StartConfigurationRecorder(_ context.Context, in *configservice.StartConfigurationRecorderInput, _ ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, *in)
	if err := f.begin("StartConfigurationRecorder"); err != nil {
		return nil, err
	}
	switch {
	case f.recorder == nil || aws.ToString(f.recorder.Name) != aws.ToString(in.ConfigurationRecorderName):
		return nil, opErr("StartConfigurationRecorder", &types.NoSuchConfigurationRecorderException{})
	case f.channel == nil:
		return nil, opErr("StartConfigurationRecorder", &types.NoAvailableDeliveryChannelException{})
	}
	f.recording = true
	return &configservice.StartConfigurationRecorderOutput{}, nil
}

func (f *fakeAPI) check(s Settings) *Check {
	return newWithAPI(func(_ context.Context, _, region string) (configAPI, string, error) { return f, region, nil }, s)
}

func recorder(name string) *types.ConfigurationRecorder {
	return &types.ConfigurationRecorder{Name: aws.String(name), RoleARN: aws.String("arn:aws:iam::111122223333:role/some"),
		RecordingGroup: &types.RecordingGroup{AllSupported: true}}
}

func channel(name, bucket string) *types.DeliveryChannel {
	return &types.DeliveryChannel{Name: aws.String(name), S3BucketName: aws.String(bucket)}
}
