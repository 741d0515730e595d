package awsguardduty

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

const (
	acct   = "123456789012"
	region = "ap-northeast-1"
	id1    = "12abc34d567e8fa901bc2d34e56789f0"
	id2    = "22abc34d567e8fa901bc2d34e56789f0"
)

func TestControl(t *testing.T) {
	c := New(awsfleet.Static(aws.Config{Region: region}))
	assert.Equal(t, security.GuardDuty, c.Control())
	ctl, ok := security.Lookup(c.Control())
	require.True(t, ok)
	assert.True(t, ctl.PerRegion)
}

func TestObserve(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		detectors []detector
		pageSize  int
		want      security.Observation
	}{
		{"S-3/compliant", []detector{{id1, types.DetectorStatusEnabled}}, 0,
			security.Observation{Compliant: true, Detail: "detector " + id1 + " enabled"}},
		{"S-3/drift no detector", nil, 0,
			security.Observation{Detail: "no GuardDuty detector"}},
		{"S-3/drift disabled", []detector{{id1, types.DetectorStatusDisabled}}, 0,
			security.Observation{Detail: "detector " + id1 + " disabled"}},
		{"S-3/compliant on a later page", []detector{{id1, types.DetectorStatusDisabled}, {id2, types.DetectorStatusEnabled}}, 1,
			security.Observation{Compliant: true, Detail: "detector " + id1 + " disabled, detector " + id2 + " enabled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeGuardDuty{detectors: tc.detectors, pageSize: tc.pageSize}
			obs, err := newWithAPI(f.clients()).Observe(ctx, acct, region)
			require.NoError(t, err)
			assert.Equal(t, tc.want, obs)
			assert.Empty(t, f.writes())
			assert.Equal(t, []string{region}, f.regions)
		})
	}
}

func TestRepair(t *testing.T) {
	ctx := context.Background()
	t.Run("S-3/create when none, then idempotent", func(t *testing.T) {
		f := &fakeGuardDuty{}
		c := newWithAPI(f.clients())
		did, err := c.Repair(ctx, acct, region)
		require.NoError(t, err)
		require.Len(t, f.detectors, 1)
		assert.Equal(t, "created detector "+f.detectors[0].id+", enabled", did)
		assert.Equal(t, []*guardduty.CreateDetectorInput{{Enable: aws.Bool(true)}}, f.createIn)

		did, err = c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "GuardDuty already enabled (detector "+f.detectors[0].id+")", did)
		assert.Equal(t, []string{"CreateDetector"}, f.writes(), "no second write")
		obs, err := c.Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
	})
	t.Run("S-3/update when disabled, then idempotent", func(t *testing.T) {
		f := &fakeGuardDuty{detectors: []detector{{id1, types.DetectorStatusDisabled}}}
		c := newWithAPI(f.clients())
		did, err := c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "enabled detector "+id1+" (was disabled)", did)
		assert.Equal(t, []*guardduty.UpdateDetectorInput{{DetectorId: aws.String(id1), Enable: aws.Bool(true)}}, f.updateIn)
		assert.Empty(t, f.createIn)

		did, err = c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "GuardDuty already enabled (detector "+id1+")", did)
		assert.Equal(t, []string{"UpdateDetector"}, f.writes())
	})
	t.Run("S-3/already enabled", func(t *testing.T) {
		f := &fakeGuardDuty{detectors: []detector{{id1, types.DetectorStatusEnabled}}}
		did, err := newWithAPI(f.clients()).Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "GuardDuty already enabled (detector "+id1+")", did)
		assert.Empty(t, f.writes())
	})
	for _, tc := range []struct {
		name   string
		status types.DetectorStatus
		want   string
		writes []string
	}{
		{"enabled", types.DetectorStatusEnabled, "detector " + id2 + " already existed, enabled", []string{"CreateDetector"}},
		{"disabled", types.DetectorStatusDisabled, "enabled detector " + id2 + " (was disabled)", []string{"CreateDetector", "UpdateDetector"}},
	} {
		t.Run("S-3/created meanwhile, "+tc.name, func(t *testing.T) {
			f := &fakeGuardDuty{onCreate: func(f *fakeGuardDuty) {
				f.detectors = []detector{{id2, tc.status}}
			}}
			did, err := newWithAPI(f.clients()).Repair(ctx, acct, region)
			require.NoError(t, err, "an existing detector is not an error")
			assert.Equal(t, tc.want, did)
			assert.Equal(t, tc.writes, f.writes())
			assert.Equal(t, types.DetectorStatusEnabled, f.detectors[0].status)
		})
	}
	t.Run("S-3/BadRequest with no detector is an error", func(t *testing.T) {
		bad := &types.BadRequestException{Message: aws.String("The request failed because a parameter is invalid.")}
		f := &fakeGuardDuty{errs: map[string]error{"CreateDetector": bad}}
		_, err := newWithAPI(f.clients()).Repair(ctx, acct, region)
		require.ErrorAs(t, err, &bad)
		assert.Equal(t, []string{"ListDetectors", "CreateDetector", "ListDetectors"}, f.calls)
	})
}

func opErr(err error) error {
	return &smithy.OperationError{ServiceID: "GuardDuty", OperationName: "Test", Err: err}
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
		{"AccessDeniedException", &types.AccessDeniedException{Message: aws.String("not authorized")}, security.ErrAccessDenied},
		{"AccessDenied", &smithy.GenericAPIError{Code: "AccessDenied"}, security.ErrAccessDenied},
		{"ThrottlingException", &smithy.GenericAPIError{Code: "ThrottlingException"}, security.ErrThrottled},
		{"TooManyRequestsException", &smithy.GenericAPIError{Code: "TooManyRequestsException"}, security.ErrThrottled},
		{"UnrecognizedClientException", &smithy.GenericAPIError{Code: "UnrecognizedClientException"}, security.ErrRegionDisabled},
		{"InternalServerErrorException", &types.InternalServerErrorException{Message: aws.String("oops")}, nil},
	}
	ops := []struct {
		op        string
		repair    bool
		detectors []detector
	}{
		{"ListDetectors", false, nil},
		{"GetDetector", false, []detector{{id1, types.DetectorStatusEnabled}}},
		{"ListDetectors", true, nil},
		{"GetDetector", true, []detector{{id1, types.DetectorStatusEnabled}}},
		{"CreateDetector", true, nil},
		{"UpdateDetector", true, []detector{{id1, types.DetectorStatusDisabled}}},
	}
	sentinels := []error{security.ErrAccessDenied, security.ErrThrottled, security.ErrRegionDisabled, security.ErrInvalid}
	for _, op := range ops {
		for _, tc := range errs {
			method := "Observe"
			if op.repair {
				method = "Repair"
			}
			t.Run(method+"/"+op.op+"/"+tc.name, func(t *testing.T) {
				f := &fakeGuardDuty{detectors: op.detectors, errs: map[string]error{op.op: opErr(tc.err)}}
				c := newWithAPI(f.clients())
				var err error
				if op.repair {
					_, err = c.Repair(ctx, acct, region)
				} else {
					_, err = c.Observe(ctx, acct, region)
				}
				require.Error(t, err)
				for _, s := range sentinels {
					assert.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
				}
				require.ErrorIs(t, err, tc.err, "AWS's error stays in the chain")
				assert.ErrorContains(t, err, op.op)
				assert.ErrorContains(t, err, acct)
				assert.ErrorContains(t, err, region)
				assert.Empty(t, f.detectors[len(op.detectors):], "nothing created")
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
	_, err := New(awsfleet.Static(aws.Config{})).Observe(ctx, acct, "")
	require.ErrorIs(t, err, security.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "region", ve.Field)

	assume := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: &smithy.GenericAPIError{Code: "AccessDenied"}}
	_, err = New(failingSessions{assume}).Repair(ctx, acct, region)
	require.ErrorIs(t, err, security.ErrAccessDenied)

	assert.Panics(t, func() { New(nil) })
	assert.Panics(t, func() { _, _ = new(Check).Observe(ctx, acct, region) })
}
