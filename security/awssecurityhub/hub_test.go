package awssecurityhub

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

const (
	acct   = "111122223333"
	region = "ap-northeast-1"
)

var (
	fsbp = "arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0"
	cis  = "arn:aws:securityhub:ap-northeast-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
)

func TestFSBPStandardARN(t *testing.T) {
	assert.Equal(t, fsbp, FSBPStandardARN(region))
	assert.Equal(t, "arn:aws-cn:securityhub:cn-north-1::standards/aws-foundational-security-best-practices/v/1.0.0", FSBPStandardARN("cn-north-1"))
	assert.Equal(t, "arn:aws-us-gov:securityhub:us-gov-west-1::standards/aws-foundational-security-best-practices/v/1.0.0", FSBPStandardARN("us-gov-west-1"))
}

func TestControl(t *testing.T) {
	assert.Equal(t, security.SecurityHubFSBP, newFake(false).check().Control())
}

func TestObserve_S3(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         *fakeAPI
		compliant bool
		detail    string
		calls     []string
	}{
		{name: "compliant: FSBP ready", f: newFake(true, sub(cis, types.StandardsStatusReady), sub(fsbp, types.StandardsStatusReady)),
			compliant: true, detail: "Security Hub enabled; FSBP standard ready", calls: []string{"DescribeHub", "GetEnabledStandards"}},
		{name: "compliant: FSBP on the second page", f: func() *fakeAPI {
			f := newFake(true, sub(cis, types.StandardsStatusReady), sub(fsbp, types.StandardsStatusReady))
			f.pageSize = 1
			return f
		}(), compliant: true, detail: "Security Hub enabled; FSBP standard ready", calls: []string{"DescribeHub", "GetEnabledStandards", "GetEnabledStandards"}},
		{name: "drift: not enabled", f: newFake(false), detail: "Security Hub not enabled", calls: []string{"DescribeHub"}},
		{name: "drift: FSBP not enabled", f: newFake(true, sub(cis, types.StandardsStatusReady)),
			detail: "Security Hub enabled; FSBP standard not enabled", calls: []string{"DescribeHub", "GetEnabledStandards"}},
		{name: "drift: FSBP pending", f: newFake(true, sub(fsbp, types.StandardsStatusPending)),
			detail: "Security Hub enabled; FSBP standard pending", calls: []string{"DescribeHub", "GetEnabledStandards"}},
		{name: "drift: FSBP incomplete, with the reason", f: func() *fakeAPI {
			s := sub(fsbp, types.StandardsStatusIncomplete)
			s.StandardsStatusReason = &types.StandardsStatusReason{StatusReasonCode: types.StatusReasonCodeNoAvailableConfigurationRecorder}
			return newFake(true, s)
		}(), detail: "Security Hub enabled; FSBP standard incomplete (NO_AVAILABLE_CONFIGURATION_RECORDER)", calls: []string{"DescribeHub", "GetEnabledStandards"}},
		{name: "drift: ResourceNotFoundException is not enabled", f: func() *fakeAPI {
			f := newFake(true)
			f.errs["DescribeHub"] = &types.ResourceNotFoundException{Message: aws.String("no hub")}
			return f
		}(), detail: "Security Hub not enabled", calls: []string{"DescribeHub"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, err := tc.f.check().Observe(context.Background(), acct, region)
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Equal(t, tc.calls, tc.f.calls, "Observe only reads")
		})
	}
}

func TestRepair_S3(t *testing.T) {
	wantEnable := securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}
	wantBatch := securityhub.BatchEnableStandardsInput{StandardsSubscriptionRequests: []types.StandardsSubscriptionRequest{{StandardsArn: aws.String(fsbp)}}}

	t.Run("from nothing: enables the hub without defaults, then FSBP; again: nothing", func(t *testing.T) {
		f := newFake(false)
		c := f.check()
		detail, err := c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "enabled Security Hub (without default standards); enabled the FSBP standard", detail)
		assert.Equal(t, []securityhub.EnableSecurityHubInput{wantEnable}, f.enables)
		assert.Equal(t, []securityhub.BatchEnableStandardsInput{wantBatch}, f.batches)

		detail, err = c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "FSBP standard already pending", detail)
		assert.Len(t, f.enables, 1, "idempotent")
		assert.Len(t, f.batches, 1, "idempotent")
	})
	t.Run("enabled hub: only FSBP", func(t *testing.T) {
		f := newFake(true, sub(cis, types.StandardsStatusReady))
		detail, err := f.check().Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "enabled the FSBP standard", detail)
		assert.Empty(t, f.enables)
		assert.Equal(t, []securityhub.BatchEnableStandardsInput{wantBatch}, f.batches)
	})
	t.Run("failed subscription: asked for again", func(t *testing.T) {
		f := newFake(true, sub(fsbp, types.StandardsStatusFailed))
		_, err := f.check().Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Len(t, f.batches, 1)
	})
	t.Run("ready: nothing", func(t *testing.T) {
		f := newFake(true, sub(fsbp, types.StandardsStatusReady))
		detail, err := f.check().Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "FSBP standard already ready", detail)
		assert.Empty(t, f.enables)
		assert.Empty(t, f.batches)
	})
	t.Run("ResourceConflictException: already enabled (a race)", func(t *testing.T) {
		f := newFake(false)
		f.errs["EnableSecurityHub"] = &types.ResourceConflictException{Message: aws.String("Account is already subscribed to Security Hub")}
		f.errs["BatchEnableStandards"] = &types.ResourceConflictException{Message: aws.String("already subscribed")}
		detail, err := f.check().Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "Security Hub already enabled; FSBP standard already enabled", detail)
	})
	t.Run("deleting: fails until AWS has finished", func(t *testing.T) {
		f := newFake(true, sub(fsbp, types.StandardsStatusDeleting))
		_, err := f.check().Repair(context.Background(), acct, region)
		require.ErrorContains(t, err, "DELETING")
		assert.Empty(t, f.batches)
	})
	t.Run("the subscription fails at once", func(t *testing.T) {
		f := &failingBatch{fakeAPI: newFake(true)}
		c := newWithAPI(func(context.Context, string, string) (hubAPI, string, error) { return f, region, nil })
		_, err := c.Repair(context.Background(), acct, region)
		require.ErrorContains(t, err, "failed")
	})
}

// failingBatch answers BatchEnableStandards with a FAILED subscription.
type failingBatch struct{ *fakeAPI }

func (f *failingBatch) BatchEnableStandards(context.Context, *securityhub.BatchEnableStandardsInput, ...func(*securityhub.Options)) (*securityhub.BatchEnableStandardsOutput, error) {
	return &securityhub.BatchEnableStandardsOutput{StandardsSubscriptions: []types.StandardsSubscription{sub(fsbp, types.StandardsStatusFailed)}}, nil
}

func TestErrors_S3(t *testing.T) {
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"access denied", &types.AccessDeniedException{Message: aws.String("no")}, security.ErrAccessDenied},
		{"throttled", &types.ThrottlingException{Message: aws.String("slow down")}, security.ErrThrottled},
		{"limit exceeded (429)", &types.LimitExceededException{Message: aws.String("rate")}, security.ErrThrottled},
		{"region not enabled", &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}, security.ErrRegionDisabled},
		{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, security.ErrRegionDisabled},
	}
	for _, op := range []string{"DescribeHub", "GetEnabledStandards", "EnableSecurityHub", "BatchEnableStandards"} {
		for _, tc := range errs {
			t.Run(op+" "+tc.name, func(t *testing.T) {
				f := newFake(op != "EnableSecurityHub")
				f.errs[op] = tc.err
				_, err := f.check().Repair(context.Background(), acct, region)
				require.ErrorIs(t, err, tc.want)
				require.ErrorIs(t, err, tc.err, "the SDK's error stays in the chain")
				if op == "DescribeHub" || op == "GetEnabledStandards" {
					_, err = f.check().Observe(context.Background(), acct, region)
					require.ErrorIs(t, err, tc.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := newWithAPI(func(context.Context, string, string) (hubAPI, string, error) { return nil, "", boom })
		_, err := c.Observe(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
		_, err = c.Repair(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
	})
}
