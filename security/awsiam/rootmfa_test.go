package awsiam

import (
	"context"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

const acct = "111122223333"

// mappedErrors are the AWS errors every operation is tried with: IAM's query
// protocol has no modelled type for these, so they are generic API errors
// with AWS's codes.
var mappedErrors = []struct {
	name string
	err  error
	want error
}{
	{"access denied", &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:sts::111122223333:assumed-role/x is not authorized"}, security.ErrAccessDenied},
	{"throttled", &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}, security.ErrThrottled},
	{"region not enabled", &smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}, security.ErrRegionDisabled},
	{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, security.ErrRegionDisabled},
}

func TestRootMFA_S1(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mfa, keys int32
		compliant bool
		detail    string
	}{
		{"compliant", 1, 0, true, "root MFA enabled; no root access keys"},
		{"drift: no MFA", 0, 0, false, "root MFA not enabled; no root access keys"},
		{"drift: access keys", 1, 1, false, "root MFA enabled; root access keys present"},
		{"drift: both", 0, 2, false, "root MFA not enabled; root access keys present"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.summary["AccountMFAEnabled"], f.summary["AccountAccessKeysPresent"] = tc.mfa, tc.keys
			c := f.rootMFA()
			obs, err := c.Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
		})
	}
	t.Run("report only: Repair is ErrInvalid and calls nothing", func(t *testing.T) {
		f := newFake()
		c := f.rootMFA()
		assert.Equal(t, security.RootMFA, c.Control())
		ctl, _ := security.Lookup(c.Control())
		assert.Equal(t, security.ReportOnly, ctl.Remedy)
		_, err := c.Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		assert.Empty(t, f.calls)
	})
	for _, e := range mappedErrors {
		t.Run("GetAccountSummary "+e.name, func(t *testing.T) {
			f := newFake()
			f.errs["GetAccountSummary"] = e.err
			_, err := f.rootMFA().Observe(context.Background(), acct, "")
			require.ErrorIs(t, err, e.want)
			require.ErrorIs(t, err, e.err)
		})
	}
}
