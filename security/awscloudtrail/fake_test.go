package awscloudtrail

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is CloudTrail of one account in memory. Errors are the SDK's own
// types, wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu      sync.Mutex
	trails  []types.Trail
	logging map[string]bool  // by ARN
	errs    map[string]error // per operation, returned on every call
	calls   []string
	regions []string // the regions clients were asked for
	// raced are trails another run creates just before our CreateTrail.
	raced []types.Trail

	describes []cloudtrail.DescribeTrailsInput
	statuses  []cloudtrail.GetTrailStatusInput
	creates   []cloudtrail.CreateTrailInput
	updates   []cloudtrail.UpdateTrailInput
	starts    []cloudtrail.StartLoggingInput
}

func newFake(trails ...types.Trail) *fakeAPI {
	return &fakeAPI{trails: trails, logging: map[string]bool{}, errs: map[string]error{}}
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "CloudTrail", OperationName: op, Err: err}
}

func (f *fakeAPI) begin(op string) error {
	f.calls = append(f.calls, op)
	if err := f.errs[op]; err != nil {
		return opErr(op, err)
	}
	return nil
}

// lookup finds a trail by ARN or name.
func (f *fakeAPI) lookup(id string) (int, bool) {
	for i, t := range f.trails {
		if aws.ToString(t.TrailARN) == id || aws.ToString(t.Name) == id {
			return i, true
		}
	}
	return 0, false
}

func (f *fakeAPI) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describes = append(f.describes, *in)
	if err := f.begin("DescribeTrails"); err != nil {
		return nil, err
	}
	return &cloudtrail.DescribeTrailsOutput{TrailList: append([]types.Trail(nil), f.trails...)}, nil
}

func (f *fakeAPI) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = append(f.statuses, *in)
	if err := f.begin("GetTrailStatus"); err != nil {
		return nil, err
	}
	i, ok := f.lookup(aws.ToString(in.Name))
	if !ok {
		return nil, opErr("GetTrailStatus", &types.TrailNotFoundException{Message: aws.String("Unknown trail")})
	}
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(f.logging[aws.ToString(f.trails[i].TrailARN)])}, nil
}

func (f *fakeAPI) CreateTrail(_ context.Context, in *cloudtrail.CreateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates = append(f.creates, *in)
	if err := f.begin("CreateTrail"); err != nil {
		return nil, err
	}
	f.trails, f.raced = append(f.trails, f.raced...), nil
	if _, ok := f.lookup(aws.ToString(in.Name)); ok {
		return nil, opErr("CreateTrail", &types.TrailAlreadyExistsException{Message: aws.String("Trail already exists")})
	}
	t := trail(aws.ToString(in.Name), aws.ToBool(in.IsMultiRegionTrail), aws.ToBool(in.EnableLogFileValidation))
	t.S3BucketName = in.S3BucketName
	f.trails = append(f.trails, t)
	return &cloudtrail.CreateTrailOutput{Name: t.Name, TrailARN: t.TrailARN}, nil
}

func (f *fakeAPI) UpdateTrail(_ context.Context, in *cloudtrail.UpdateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, *in)
	if err := f.begin("UpdateTrail"); err != nil {
		return nil, err
	}
	i, ok := f.lookup(aws.ToString(in.Name))
	if !ok {
		return nil, opErr("UpdateTrail", &types.TrailNotFoundException{Message: aws.String("Unknown trail")})
	}
	if in.IsMultiRegionTrail != nil {
		f.trails[i].IsMultiRegionTrail = in.IsMultiRegionTrail
	}
	if in.EnableLogFileValidation != nil {
		f.trails[i].LogFileValidationEnabled = in.EnableLogFileValidation
	}
	return &cloudtrail.UpdateTrailOutput{}, nil
}

func (f *fakeAPI) StartLogging(_ context.Context, in *cloudtrail.StartLoggingInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, *in)
	if err := f.begin("StartLogging"); err != nil {
		return nil, err
	}
	i, ok := f.lookup(aws.ToString(in.Name))
	if !ok {
		return nil, opErr("StartLogging", &types.TrailNotFoundException{Message: aws.String("Unknown trail")})
	}
	f.logging[aws.ToString(f.trails[i].TrailARN)] = true
	return &cloudtrail.StartLoggingOutput{}, nil
}

const home = "ap-northeast-1"

// check returns a Check over f; its clients answer for region home when asked
// for "".
func (f *fakeAPI) check(bucket func(string) string, opts ...Option) *Check {
	return newWithAPI(func(_ context.Context, _, region string) (trailAPI, string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.regions = append(f.regions, region)
		if region == "" {
			region = home
		}
		return f, region, nil
	}, bucket, opts...)
}

func trail(name string, multi, validated bool) types.Trail {
	return types.Trail{
		Name: aws.String(name), HomeRegion: aws.String(home),
		TrailARN:           aws.String(fmt.Sprintf("arn:aws:cloudtrail:%s:111122223333:trail/%s", home, name)),
		IsMultiRegionTrail: aws.Bool(multi), LogFileValidationEnabled: aws.Bool(validated),
		S3BucketName: aws.String("some-bucket"),
	}
}
