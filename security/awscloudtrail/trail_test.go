package awscloudtrail

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
)

const acct = "111122223333"

func logArchive(account string) string { return "log-archive-cloudtrail" }

func TestControl(t *testing.T) {
	c := newFake().check(logArchive)
	assert.Equal(t, security.CloudTrail, c.Control())
	ctl, ok := security.Lookup(c.Control())
	require.True(t, ok)
	assert.False(t, ctl.PerRegion, "global: called with region \"\"")
}

func TestObserve_S3(t *testing.T) {
	orgTrail := trail("org", true, true)
	orgTrail.IsOrganizationTrail = aws.Bool(true)
	orgTrail.HomeRegion = aws.String("us-east-1")
	orgTrail.TrailARN = aws.String("arn:aws:cloudtrail:us-east-1:999988887777:trail/org")

	for _, tc := range []struct {
		name      string
		trails    []types.Trail
		logging   []string
		compliant bool
		detail    string
		statusFor []string // the names GetTrailStatus is asked for
	}{
		{name: "compliant: ours", trails: []types.Trail{trail("resellerkit-baseline", true, true)}, logging: []string{"resellerkit-baseline"},
			compliant: true, detail: "trail resellerkit-baseline is multi-region with log file validation and logging",
			statusFor: []string{"arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/resellerkit-baseline"}},
		{name: "compliant: the organization's trail, asked for by ARN", trails: []types.Trail{trail("local", false, true), orgTrail}, logging: []string{"org"},
			compliant: true, detail: "trail org (organization) is multi-region with log file validation and logging",
			statusFor: []string{"arn:aws:cloudtrail:us-east-1:999988887777:trail/org"}},
		{name: "drift: no trail", detail: "no trail"},
		{name: "drift: every way short", trails: []types.Trail{trail("single", false, true), trail("novalid", true, false), trail("stopped", true, true)},
			logging:   []string{"single", "novalid"},
			detail:    "no multi-region trail with log file validation logging: single: single-region; novalid: no log file validation; stopped: not logging",
			statusFor: []string{"arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/stopped"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(tc.trails...)
			for _, n := range tc.logging {
				i, _ := f.lookup(n)
				f.logging[aws.ToString(f.trails[i].TrailARN)] = true
			}
			obs, err := f.check(logArchive).Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Equal(t, []cloudtrail.DescribeTrailsInput{{IncludeShadowTrails: aws.Bool(true)}}, f.describes)
			var asked []string
			for _, in := range f.statuses {
				asked = append(asked, aws.ToString(in.Name))
			}
			assert.Equal(t, tc.statusFor, asked)
			assert.Empty(t, f.creates)
			assert.Empty(t, f.starts)
			assert.Empty(t, f.updates)
		})
	}
	t.Run("a trail gone between the calls is skipped", func(t *testing.T) {
		f := newFake(trail("x", true, true))
		f.errs["GetTrailStatus"] = &types.TrailNotFoundException{Message: aws.String("gone")}
		obs, err := f.check(logArchive).Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "no trail"}, obs)
	})
	t.Run("WithHomeRegion picks the region of a global call", func(t *testing.T) {
		f := newFake()
		_, err := f.check(logArchive, WithHomeRegion("us-east-1")).Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, []string{"us-east-1"}, f.regions)
	})
}

func TestRepair_S3(t *testing.T) {
	ourARN := "arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/resellerkit-baseline"

	t.Run("creates and starts the trail, then does nothing", func(t *testing.T) {
		f := newFake(trail("customer", false, false))
		var asked []string
		c := f.check(func(account string) string { asked = append(asked, account); return "log-archive-" + account })
		detail, err := c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "created trail resellerkit-baseline (multi-region, log file validation) to s3://log-archive-111122223333; started logging", detail)
		assert.Equal(t, []string{acct}, asked)
		assert.Equal(t, []cloudtrail.CreateTrailInput{{
			Name:                       aws.String("resellerkit-baseline"),
			S3BucketName:               aws.String("log-archive-111122223333"),
			IsMultiRegionTrail:         aws.Bool(true),
			EnableLogFileValidation:    aws.Bool(true),
			IncludeGlobalServiceEvents: aws.Bool(true),
		}}, f.creates)
		assert.Equal(t, []cloudtrail.StartLoggingInput{{Name: aws.String("resellerkit-baseline")}}, f.starts)
		assert.Empty(t, f.updates, "the customer's trail is left alone")

		obs, err := c.Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant)

		detail, err = c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "nothing to do: trail resellerkit-baseline is multi-region with log file validation and logging", detail)
		assert.Len(t, f.creates, 1, "idempotent")
		assert.Len(t, f.starts, 1, "idempotent")
	})
	t.Run("our trail exists, stopped: StartLogging only", func(t *testing.T) {
		f := newFake(trail("resellerkit-baseline", true, true))
		detail, err := f.check(logArchive).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "started logging on trail resellerkit-baseline", detail)
		assert.Empty(t, f.creates)
		assert.Empty(t, f.updates)
		assert.Equal(t, []cloudtrail.StartLoggingInput{{Name: aws.String(ourARN)}}, f.starts)
	})
	t.Run("our trail drifted to single-region without validation: UpdateTrail, then started", func(t *testing.T) {
		f := newFake(trail("resellerkit-baseline", false, false))
		detail, err := f.check(logArchive).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "updated trail resellerkit-baseline to multi-region with log file validation; started logging on trail resellerkit-baseline", detail)
		assert.Equal(t, []cloudtrail.UpdateTrailInput{{Name: aws.String(ourARN), IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)}}, f.updates)
		assert.Len(t, f.starts, 1)
	})
	t.Run("our trail is changed in its home region", func(t *testing.T) {
		tr := trail("named", true, true)
		tr.HomeRegion = aws.String("us-east-1")
		f := newFake(tr)
		_, err := f.check(logArchive, WithTrailName("named")).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, []string{"", "us-east-1"}, f.regions)
		assert.Len(t, f.starts, 1)
	})
	t.Run("TrailAlreadyExistsException: treated as existing", func(t *testing.T) {
		f := newFake()
		f.raced = []types.Trail{trail("resellerkit-baseline", true, true)} // the fake answers TrailAlreadyExistsException
		detail, err := f.check(logArchive).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "trail resellerkit-baseline already exists; started logging", detail)
		assert.Len(t, f.creates, 1)
		assert.Equal(t, []cloudtrail.StartLoggingInput{{Name: aws.String("resellerkit-baseline")}}, f.starts)
		obs, err := f.check(logArchive).Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
	})
	t.Run("another multi-region trail, not compliant: no second, paid trail", func(t *testing.T) {
		f := newFake(trail("customer-org-trail", true, false)) // multi-region, no log file validation
		_, err := f.check(logArchive).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		assert.ErrorContains(t, err, "second, paid copy")
		assert.Empty(t, f.creates)
		assert.Empty(t, f.updates, "the customer's trail is theirs to fix")
	})
	t.Run("no bucket configured", func(t *testing.T) {
		for name, bucket := range map[string]func(string) string{"nil": nil, "empty": func(string) string { return "" }} {
			f := newFake()
			_, err := f.check(bucket).Repair(context.Background(), acct, "")
			require.ErrorIs(t, err, security.ErrInvalid, name)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "bucket", ve.Field)
			assert.Empty(t, f.creates)
		}
	})
	t.Run("bucket missing or its policy short", func(t *testing.T) {
		for _, awsErr := range []error{
			&types.S3BucketDoesNotExistException{Message: aws.String("S3 bucket does not exist")},
			&types.InsufficientS3BucketPolicyException{Message: aws.String("Incorrect S3 bucket policy is detected for bucket")},
		} {
			f := newFake()
			f.errs["CreateTrail"] = awsErr
			_, err := f.check(logArchive).Repair(context.Background(), acct, "")
			require.ErrorIs(t, err, security.ErrInvalid)
			require.ErrorIs(t, err, awsErr)
			assert.ErrorContains(t, err, "log-archive-cloudtrail")
		}
	})
}

func TestErrors_S3(t *testing.T) {
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"access denied", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User is not authorized"}, security.ErrAccessDenied},
		{"throttled", &types.ThrottlingException{Message: aws.String("Rate exceeded")}, security.ErrThrottled},
		{"region not enabled", &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}, security.ErrRegionDisabled},
		{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, security.ErrRegionDisabled},
	}
	for _, tc := range []struct {
		op     string
		trails []types.Trail
	}{
		{"DescribeTrails", nil},
		{"GetTrailStatus", []types.Trail{trail("resellerkit-baseline", true, true)}},
		{"CreateTrail", nil},
		{"UpdateTrail", []types.Trail{trail("resellerkit-baseline", false, true)}},
		{"StartLogging", nil},
	} {
		for _, e := range errs {
			t.Run(tc.op+" "+e.name, func(t *testing.T) {
				f := newFake(tc.trails...)
				f.errs[tc.op] = e.err
				_, err := f.check(logArchive).Repair(context.Background(), acct, "")
				require.ErrorIs(t, err, e.want)
				require.ErrorIs(t, err, e.err, "the SDK's error stays in the chain")
				if tc.op == "DescribeTrails" || tc.op == "GetTrailStatus" {
					_, err = f.check(logArchive).Observe(context.Background(), acct, "")
					require.ErrorIs(t, err, e.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := newWithAPI(func(context.Context, string, string) (trailAPI, string, error) { return nil, "", boom }, logArchive)
		_, err := c.Observe(context.Background(), acct, "")
		require.ErrorIs(t, err, boom)
		_, err = c.Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, boom)
	})
}
