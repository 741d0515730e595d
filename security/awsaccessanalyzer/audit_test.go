package awsaccessanalyzer

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// S-3: when the analyzer Repair would create exists but is FAILED (its
// service-linked role could not be created, say) or DISABLED, CreateAnalyzer
// answers ConflictException, which is no repair: the control stays not
// compliant. Repair said "already exists" with no error, so every maintenance
// run recorded the control repaired (and mailed the account so) while it never
// was. It now fails naming the analyzer and its status; an analyzer of another
// name in that status still gets ours created beside it.
func TestRepair_OurAnalyzerNotActiveIsNoRepair(t *testing.T) {
	for _, st := range []types.AnalyzerStatus{types.AnalyzerStatusFailed, types.AnalyzerStatusDisabled} {
		t.Run(string(st), func(t *testing.T) {
			a := analyzer(DefaultName, st)
			a.StatusReason = &types.StatusReason{Code: types.ReasonCodeServiceLinkedRoleCreationFailed}
			f := newFake(a)
			c, _ := f.check()

			detail, err := c.Repair(context.Background(), acct, region)
			require.Error(t, err, detail)
			require.ErrorIs(t, err, security.ErrInvalid)
			assert.ErrorContains(t, err, DefaultName)
			assert.ErrorContains(t, err, "SERVICE_LINKED_ROLE_CREATION_FAILED")
			obs, err := c.Observe(context.Background(), acct, region)
			require.NoError(t, err)
			assert.False(t, obs.Compliant)
		})
	}
}
