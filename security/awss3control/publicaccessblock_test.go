package awss3control

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

const acct = "123456789012"

func pab(acls, ignore, policy, restrict bool) *types.PublicAccessBlockConfiguration {
	return &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(acls), IgnorePublicAcls: aws.Bool(ignore),
		BlockPublicPolicy: aws.Bool(policy), RestrictPublicBuckets: aws.Bool(restrict)}
}

func TestControl(t *testing.T) {
	c := New(awsfleet.Static(aws.Config{}))
	assert.Equal(t, security.S3PublicAccessBlock, c.Control())
	ctl, ok := security.Lookup(c.Control())
	require.True(t, ok)
	assert.False(t, ctl.PerRegion, "a global control")
}

func TestObserve(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		pab  *types.PublicAccessBlockConfiguration
		want security.Observation
	}{
		{"S-3/compliant", pab(true, true, true, true),
			security.Observation{Compliant: true, Detail: "account-level S3 Block Public Access: all four settings on"}},
		{"S-3/drift not configured", nil,
			security.Observation{Detail: "no account-level S3 Block Public Access configuration"}},
		{"S-3/drift one off", pab(true, true, false, true),
			security.Observation{Detail: "account-level S3 Block Public Access off: BlockPublicPolicy"}},
		{"S-3/drift all off", pab(false, false, false, false),
			security.Observation{Detail: "account-level S3 Block Public Access off: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"}},
		{"S-3/drift unset fields", &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)},
			security.Observation{Detail: "account-level S3 Block Public Access off: IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeS3Control{}
			if tc.pab != nil {
				f.pab = map[string]*types.PublicAccessBlockConfiguration{acct: tc.pab}
			}
			obs, err := newWithAPI(f.clients()).Observe(ctx, acct, "")
			require.NoError(t, err)
			assert.Equal(t, tc.want, obs)
			assert.Equal(t, []*s3control.GetPublicAccessBlockInput{{AccountId: aws.String(acct)}}, f.getIn)
			assert.Equal(t, []string{"GetPublicAccessBlock"}, f.calls)
			assert.Equal(t, []string{""}, f.regions, "the region is passed on as given")
		})
	}
}

func TestRepair(t *testing.T) {
	ctx := context.Background()
	allOn := &s3control.PutPublicAccessBlockInput{AccountId: aws.String(acct), PublicAccessBlockConfiguration: pab(true, true, true, true)}
	for _, tc := range []struct {
		name string
		pab  *types.PublicAccessBlockConfiguration
		want string
	}{
		{"S-3/not configured", nil, "turned account-level S3 Block Public Access on (there was no configuration)"},
		{"S-3/partly off", pab(true, false, true, false), "turned account-level S3 Block Public Access on (IgnorePublicAcls, RestrictPublicBuckets off before)"},
	} {
		t.Run(tc.name+", then idempotent", func(t *testing.T) {
			f := &fakeS3Control{}
			if tc.pab != nil {
				f.pab = map[string]*types.PublicAccessBlockConfiguration{acct: tc.pab}
			}
			c := newWithAPI(f.clients())
			did, err := c.Repair(ctx, acct, "")
			require.NoError(t, err)
			assert.Equal(t, tc.want, did)
			assert.Equal(t, []*s3control.PutPublicAccessBlockInput{allOn}, f.putIn)

			did, err = c.Repair(ctx, acct, "")
			require.NoError(t, err)
			assert.Equal(t, "account-level S3 Block Public Access already on", did)
			assert.Len(t, f.putIn, 1, "no second write")
			obs, err := c.Observe(ctx, acct, "")
			require.NoError(t, err)
			assert.True(t, obs.Compliant)
		})
	}
	t.Run("S-3/already on", func(t *testing.T) {
		f := &fakeS3Control{pab: map[string]*types.PublicAccessBlockConfiguration{acct: pab(true, true, true, true)}}
		did, err := newWithAPI(f.clients()).Repair(ctx, acct, "us-west-2")
		require.NoError(t, err)
		assert.Equal(t, "account-level S3 Block Public Access already on", did)
		assert.Empty(t, f.putIn)
		assert.Equal(t, []string{"us-west-2"}, f.regions)
	})
}

func TestInvalidAccount(t *testing.T) {
	ctx := context.Background()
	for _, account := range []string{"", "12345678901", "1234567890123", "12345678901a", "123456789012.evil"} {
		f := &fakeS3Control{}
		c := newWithAPI(f.clients())
		_, err := c.Observe(ctx, account, "")
		require.ErrorIs(t, err, security.ErrInvalid, account)
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "account", ve.Field)
		_, err = c.Repair(ctx, account, "")
		require.ErrorIs(t, err, security.ErrInvalid, account)
		assert.Empty(t, f.calls, "no call made")
	}
}

// TestErrors checks that every call's AWS errors map to security's sentinels,
// with AWS's error kept in the chain.
func TestErrors(t *testing.T) {
	ctx := context.Background()
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"AccessDenied", &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}, security.ErrAccessDenied},
		{"SlowDown", &smithy.GenericAPIError{Code: "SlowDown"}, security.ErrThrottled},
		{"TooManyRequestsException", &types.TooManyRequestsException{Message: aws.String("slow down")}, security.ErrThrottled},
		{"Throttling", &smithy.GenericAPIError{Code: "Throttling"}, security.ErrThrottled},
		{"InvalidClientTokenId", &smithy.GenericAPIError{Code: "InvalidClientTokenId"}, security.ErrRegionDisabled},
		{"UnrecognizedClientException", &smithy.GenericAPIError{Code: "UnrecognizedClientException"}, security.ErrRegionDisabled},
		{"InternalError", &smithy.GenericAPIError{Code: "InternalError"}, nil},
	}
	ops := []struct {
		op     string
		repair bool
	}{{"GetPublicAccessBlock", false}, {"GetPublicAccessBlock", true}, {"PutPublicAccessBlock", true}}
	sentinels := []error{security.ErrAccessDenied, security.ErrThrottled, security.ErrRegionDisabled, security.ErrInvalid}
	for _, op := range ops {
		for _, tc := range errs {
			method := "Observe"
			if op.repair {
				method = "Repair"
			}
			t.Run(method+"/"+op.op+"/"+tc.name, func(t *testing.T) {
				f := &fakeS3Control{errs: map[string]error{op.op: &smithy.OperationError{ServiceID: "S3 Control", OperationName: op.op, Err: tc.err}}}
				c := newWithAPI(f.clients())
				var err error
				if op.repair {
					_, err = c.Repair(ctx, acct, "")
				} else {
					_, err = c.Observe(ctx, acct, "")
				}
				require.Error(t, err)
				for _, s := range sentinels {
					assert.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
				}
				require.ErrorIs(t, err, tc.err, "AWS's error stays in the chain")
				assert.ErrorContains(t, err, op.op)
				assert.ErrorContains(t, err, acct)
			})
		}
	}
}

type failingSessions struct{ err error }

func (s failingSessions) Config(context.Context, string, string) (aws.Config, error) {
	return aws.Config{}, s.err
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	assume := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: &smithy.GenericAPIError{Code: "AccessDenied"}}
	_, err := New(failingSessions{assume}).Observe(ctx, acct, "")
	require.ErrorIs(t, err, security.ErrAccessDenied)

	assert.Panics(t, func() { New(nil) })
	assert.Panics(t, func() { _, _ = new(PublicAccessBlock).Observe(ctx, acct, "") })
}
