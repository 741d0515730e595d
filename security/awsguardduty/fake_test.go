package awsguardduty

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// fakeGuardDuty is a stateful fake of api: CreateDetector and UpdateDetector
// change what ListDetectors and GetDetector return. errs[op] makes operation op
// fail; onCreate runs before CreateDetector answers (to simulate a concurrent
// creation).
type fakeGuardDuty struct {
	mu        sync.Mutex
	detectors []detector
	pageSize  int // ListDetectors page size (0: one page)
	errs      map[string]error
	onCreate  func(f *fakeGuardDuty)

	calls    []string
	regions  []string
	createIn []*guardduty.CreateDetectorInput
	updateIn []*guardduty.UpdateDetectorInput
}

var _ api = (*fakeGuardDuty)(nil)

func (f *fakeGuardDuty) clients() clients {
	return func(_ context.Context, _, region string) (api, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.regions = append(f.regions, region)
		return f, nil
	}
}

func (f *fakeGuardDuty) call(op string) error {
	f.calls = append(f.calls, op)
	return f.errs[op]
}

func (f *fakeGuardDuty) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var w []string
	for _, c := range f.calls {
		if c == "CreateDetector" || c == "UpdateDetector" {
			w = append(w, c)
		}
	}
	return w
}

func (f *fakeGuardDuty) ListDetectors(_ context.Context, in *guardduty.ListDetectorsInput, _ ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListDetectors"); err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := len(f.detectors)
	if f.pageSize > 0 {
		end = min(end, start+f.pageSize)
	}
	out := &guardduty.ListDetectorsOutput{DetectorIds: []string{}}
	for _, d := range f.detectors[start:end] {
		out.DetectorIds = append(out.DetectorIds, d.id)
	}
	if end < len(f.detectors) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *fakeGuardDuty) find(id *string) int {
	return slices.IndexFunc(f.detectors, func(d detector) bool { return d.id == aws.ToString(id) })
}

func (f *fakeGuardDuty) GetDetector(_ context.Context, in *guardduty.GetDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetDetector"); err != nil {
		return nil, err
	}
	i := f.find(in.DetectorId)
	if i < 0 {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no detector " + aws.ToString(in.DetectorId))}
	}
	return &guardduty.GetDetectorOutput{Status: f.detectors[i].status, ServiceRole: aws.String("arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"),
		FindingPublishingFrequency: types.FindingPublishingFrequencySixHours}, nil
}

func (f *fakeGuardDuty) CreateDetector(_ context.Context, in *guardduty.CreateDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.createIn = append(f.createIn, in)
	if f.onCreate != nil {
		f.onCreate(f)
	}
	if err := f.call("CreateDetector"); err != nil {
		return nil, err
	}
	if len(f.detectors) > 0 {
		return nil, &types.BadRequestException{Message: aws.String("The request is rejected because a detector already exists for the current account."), Type: aws.String("InvalidInputException")}
	}
	id := fmt.Sprintf("d%031d", len(f.calls))
	status := types.DetectorStatusDisabled
	if aws.ToBool(in.Enable) {
		status = types.DetectorStatusEnabled
	}
	f.detectors = append(f.detectors, detector{id: id, status: status})
	return &guardduty.CreateDetectorOutput{DetectorId: aws.String(id)}, nil
}

func (f *fakeGuardDuty) UpdateDetector(_ context.Context, in *guardduty.UpdateDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updateIn = append(f.updateIn, in)
	if err := f.call("UpdateDetector"); err != nil {
		return nil, err
	}
	i := f.find(in.DetectorId)
	if i < 0 {
		return nil, &types.BadRequestException{Message: aws.String("The request is rejected because the input detectorId is not owned by the current account.")}
	}
	if in.Enable != nil {
		f.detectors[i].status = types.DetectorStatusDisabled
		if *in.Enable {
			f.detectors[i].status = types.DetectorStatusEnabled
		}
	}
	return &guardduty.UpdateDetectorOutput{}, nil
}
