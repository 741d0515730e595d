package awsaccessanalyzer

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

const (
	acct   = "111122223333"
	region = "ap-northeast-1"
)

func TestControl(t *testing.T) {
	c, _ := newFake().check()
	assert.Equal(t, security.AccessAnalyzer, c.Control())
	ctl, ok := security.Lookup(c.Control())
	require.True(t, ok)
	assert.True(t, ctl.PerRegion)
}

func TestObserve_S3(t *testing.T) {
	for _, tc := range []struct {
		name      string
		analyzers []types.AnalyzerSummary
		pageSize  int
		compliant bool
		detail    string
	}{
		{name: "compliant: an active analyzer", analyzers: []types.AnalyzerSummary{analyzer("mine", types.AnalyzerStatusActive)},
			compliant: true, detail: "analyzer mine is active"},
		{name: "compliant: active on the second page", pageSize: 1,
			analyzers: []types.AnalyzerSummary{analyzer("old", types.AnalyzerStatusFailed), analyzer("mine", types.AnalyzerStatusActive)},
			compliant: true, detail: "analyzer mine is active"},
		{name: "drift: none", detail: "no account analyzer"},
		{name: "drift: failed and disabled",
			analyzers: []types.AnalyzerSummary{analyzer("a", types.AnalyzerStatusFailed), analyzer("b", types.AnalyzerStatusDisabled)},
			detail:    "no active account analyzer: a is failed, b is disabled"},
		{name: "drift: an organization analyzer does not count",
			analyzers: []types.AnalyzerSummary{{Name: aws.String("org"), Type: types.TypeOrganization, Status: types.AnalyzerStatusActive}},
			detail:    "no account analyzer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(tc.analyzers...)
			f.pageSize = tc.pageSize
			c, where := f.check()
			obs, err := c.Observe(context.Background(), acct, region)
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Equal(t, []string{acct + "/" + region}, *where)
			for _, in := range f.lists {
				assert.Equal(t, types.TypeAccount, in.Type)
			}
			assert.Empty(t, f.creates, "Observe never changes anything")
		})
	}
}

func TestRepair_S3(t *testing.T) {
	t.Run("creates the analyzer, then does nothing", func(t *testing.T) {
		f := newFake(analyzer("old", types.AnalyzerStatusFailed))
		c, _ := f.check()
		detail, err := c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "created analyzer resellerkit-baseline", detail)
		require.Len(t, f.creates, 1)
		assert.Equal(t, accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String(DefaultName), Type: types.TypeAccount}, f.creates[0])

		obs, err := c.Observe(context.Background(), acct, region)
		require.NoError(t, err)
		assert.True(t, obs.Compliant)

		detail, err = c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "analyzer resellerkit-baseline is already active", detail)
		assert.Len(t, f.creates, 1, "idempotent: no second CreateAnalyzer")
	})
	t.Run("WithName", func(t *testing.T) {
		f := newFake()
		c, _ := f.check(WithName("custom"), WithName(""))
		_, err := c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		require.Len(t, f.creates, 1)
		assert.Equal(t, "custom", aws.ToString(f.creates[0].AnalyzerName))
	})
	t.Run("an analyzer being created is left alone", func(t *testing.T) {
		f := newFake(analyzer("new", types.AnalyzerStatusCreating))
		c, _ := f.check()
		detail, err := c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "analyzer new is already creating", detail)
		assert.Empty(t, f.creates)
	})
	t.Run("ConflictException: it already exists", func(t *testing.T) {
		f := newFake()
		f.errs["CreateAnalyzer"] = &types.ConflictException{Message: aws.String("exists")}
		c, _ := f.check()
		detail, err := c.Repair(context.Background(), acct, region)
		require.NoError(t, err)
		assert.Equal(t, "analyzer resellerkit-baseline already exists", detail)
	})
}

func TestErrors_S3(t *testing.T) {
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"access denied", &types.AccessDeniedException{Message: aws.String("no")}, security.ErrAccessDenied},
		{"throttled", &types.ThrottlingException{Message: aws.String("slow down")}, security.ErrThrottled},
		{"region not enabled", &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}, security.ErrRegionDisabled},
		{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, security.ErrRegionDisabled},
	}
	for _, op := range []string{"ListAnalyzers", "CreateAnalyzer"} {
		for _, tc := range errs {
			t.Run(op+" "+tc.name, func(t *testing.T) {
				f := newFake()
				f.errs[op] = tc.err
				c, _ := f.check()
				_, err := c.Repair(context.Background(), acct, region)
				require.ErrorIs(t, err, tc.want)
				require.ErrorIs(t, err, tc.err, "the SDK's error stays in the chain")
				if op == "ListAnalyzers" {
					_, err = c.Observe(context.Background(), acct, region)
					require.ErrorIs(t, err, tc.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := newWithAPI(func(context.Context, string, string) (analyzerAPI, error) { return nil, boom })
		_, err := c.Observe(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
		_, err = c.Repair(context.Background(), acct, region)
		require.ErrorIs(t, err, boom)
	})
}
