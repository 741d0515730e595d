package awssecurityhub

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is Security Hub of one account and region in memory. Errors are the
// SDK's own types, wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu       sync.Mutex
	enabled  bool
	subs     []types.StandardsSubscription
	pageSize int              // subscriptions per GetEnabledStandards page (0: all)
	errs     map[string]error // per operation, returned on every call
	calls    []string
	enables  []securityhub.EnableSecurityHubInput
	batches  []securityhub.BatchEnableStandardsInput
}

func newFake(enabled bool, subs ...types.StandardsSubscription) *fakeAPI {
	return &fakeAPI{enabled: enabled, subs: subs, errs: map[string]error{}}
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "SecurityHub", OperationName: op, Err: err}
}

func (f *fakeAPI) begin(op string) error {
	f.calls = append(f.calls, op)
	if err := f.errs[op]; err != nil {
		return opErr(op, err)
	}
	return nil
}

var notSubscribed = &types.InvalidAccessException{Message: aws.String("Account 111122223333 is not subscribed to AWS Security Hub")}

func (f *fakeAPI) DescribeHub(_ context.Context, _ *securityhub.DescribeHubInput, _ ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeHub"); err != nil {
		return nil, err
	}
	if !f.enabled {
		return nil, opErr("DescribeHub", notSubscribed)
	}
	return &securityhub.DescribeHubOutput{HubArn: aws.String("arn:aws:securityhub:ap-northeast-1:111122223333:hub/default")}, nil
}

func (f *fakeAPI) GetEnabledStandards(_ context.Context, in *securityhub.GetEnabledStandardsInput, _ ...func(*securityhub.Options)) (*securityhub.GetEnabledStandardsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetEnabledStandards"); err != nil {
		return nil, err
	}
	if !f.enabled {
		return nil, opErr("GetEnabledStandards", notSubscribed)
	}
	start := 0
	if in.NextToken != nil {
		start = int((*in.NextToken)[0] - '0')
	}
	end := len(f.subs)
	if f.pageSize > 0 && start+f.pageSize < end {
		end = start + f.pageSize
	}
	out := &securityhub.GetEnabledStandardsOutput{StandardsSubscriptions: f.subs[start:end]}
	if end < len(f.subs) {
		out.NextToken = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func (f *fakeAPI) EnableSecurityHub(_ context.Context, in *securityhub.EnableSecurityHubInput, _ ...func(*securityhub.Options)) (*securityhub.EnableSecurityHubOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enables = append(f.enables, *in)
	if err := f.begin("EnableSecurityHub"); err != nil {
		return nil, err
	}
	if f.enabled {
		return nil, opErr("EnableSecurityHub", &types.ResourceConflictException{Message: aws.String("Account is already subscribed to Security Hub")})
	}
	f.enabled = true
	return &securityhub.EnableSecurityHubOutput{}, nil
}

func (f *fakeAPI) BatchEnableStandards(_ context.Context, in *securityhub.BatchEnableStandardsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchEnableStandardsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, *in)
	if err := f.begin("BatchEnableStandards"); err != nil {
		return nil, err
	}
	out := &securityhub.BatchEnableStandardsOutput{}
	for _, r := range in.StandardsSubscriptionRequests {
		s := sub(aws.ToString(r.StandardsArn), types.StandardsStatusPending)
		f.subs = append(f.subs, s)
		out.StandardsSubscriptions = append(out.StandardsSubscriptions, s)
	}
	return out, nil
}

func (f *fakeAPI) check() *Check {
	return newWithAPI(func(_ context.Context, _, region string) (hubAPI, string, error) { return f, region, nil })
}

func sub(arn string, st types.StandardsStatus) types.StandardsSubscription {
	return types.StandardsSubscription{StandardsArn: aws.String(arn), StandardsStatus: st,
		StandardsSubscriptionArn: aws.String("arn:aws:securityhub:ap-northeast-1:111122223333:subscription/x")}
}
