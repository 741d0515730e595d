package awsiam

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// cis is an account policy equal to DefaultPolicy.
func cis() *types.PasswordPolicy {
	return &types.PasswordPolicy{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
		PasswordReusePrevention: aws.Int32(24), MaxPasswordAge: aws.Int32(90), ExpirePasswords: true,
		AllowUsersToChangePassword: true, HardExpiry: aws.Bool(false),
	}
}

func TestPasswordPolicy_Observe_S1(t *testing.T) {
	for _, tc := range []struct {
		name      string
		have      func(*types.PasswordPolicy) *types.PasswordPolicy
		compliant bool
		detail    string
	}{
		{"compliant: CIS", func(p *types.PasswordPolicy) *types.PasswordPolicy { return p }, true, "password policy meets the baseline"},
		{"compliant: stricter", func(p *types.PasswordPolicy) *types.PasswordPolicy {
			p.MinimumPasswordLength, p.MaxPasswordAge = aws.Int32(20), aws.Int32(30)
			return p
		}, true, "password policy meets the baseline"},
		{"drift: none", func(*types.PasswordPolicy) *types.PasswordPolicy { return nil }, false, "no password policy"},
		{"drift: every way short", func(*types.PasswordPolicy) *types.PasswordPolicy {
			return &types.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}
		}, false, "minimum length 8 < 14; symbols not required; numbers not required; uppercase letters not required; " +
			"lowercase letters not required; reuse prevention 0 < 24; passwords never expire (want ≤ 90 days)"},
		{"drift: too old", func(p *types.PasswordPolicy) *types.PasswordPolicy {
			p.MaxPasswordAge = aws.Int32(365)
			return p
		}, false, "maximum age 365 > 90 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.policy = tc.have(cis())
			c := f.passwordPolicy(DefaultPolicy())
			obs, err := c.Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Empty(t, f.updates)
		})
	}
}

func TestPasswordPolicy_Repair_S1(t *testing.T) {
	t.Run("none: the default written; again: nothing", func(t *testing.T) {
		f := newFake()
		c := f.passwordPolicy(DefaultPolicy())
		detail, err := c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "updated the password policy (was: no password policy)", detail)
		assert.Equal(t, []iam.UpdateAccountPasswordPolicyInput{{
			MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true,
			RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
			PasswordReusePrevention: aws.Int32(24), MaxPasswordAge: aws.Int32(90),
			AllowUsersToChangePassword: true, HardExpiry: aws.Bool(false),
		}}, f.updates)

		obs, err := c.Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
		detail, err = c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "nothing to do: password policy meets the baseline", detail)
		assert.Len(t, f.updates, 1, "idempotent")
	})
	t.Run("never weakens: the customer's stricter settings are kept", func(t *testing.T) {
		f := newFake()
		f.policy = &types.PasswordPolicy{MinimumPasswordLength: aws.Int32(20), MaxPasswordAge: aws.Int32(30),
			HardExpiry: aws.Bool(true), RequireSymbols: true}
		_, err := f.passwordPolicy(DefaultPolicy()).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, []iam.UpdateAccountPasswordPolicyInput{{
			MinimumPasswordLength: aws.Int32(20), RequireSymbols: true, RequireNumbers: true,
			RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
			PasswordReusePrevention: aws.Int32(24), MaxPasswordAge: aws.Int32(30),
			AllowUsersToChangePassword: true, HardExpiry: aws.Bool(true),
		}}, f.updates)
	})
	t.Run("a configured policy", func(t *testing.T) {
		f := newFake()
		p := Policy{MinimumLength: 16, RequireSymbols: true, ReusePrevention: 5}
		_, err := f.passwordPolicy(p).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, []iam.UpdateAccountPasswordPolicyInput{{
			MinimumPasswordLength: aws.Int32(16), RequireSymbols: true, PasswordReusePrevention: aws.Int32(5), HardExpiry: aws.Bool(false),
		}}, f.updates)
		obs, err := f.passwordPolicy(p).Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant, obs.Detail)
	})
	t.Run("an invalid policy is refused before any call", func(t *testing.T) {
		f := newFake()
		c := f.passwordPolicy(Policy{MinimumLength: 4, ReusePrevention: 25, MaxAgeDays: -1})
		_, err := c.Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "MinimumLength", ve.Field)
		assert.ErrorContains(t, err, "ReusePrevention")
		assert.ErrorContains(t, err, "MaxAgeDays")
		_, err = c.Observe(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		assert.Empty(t, f.calls)
		require.NoError(t, DefaultPolicy().Validate())
	})
	for _, op := range []string{"GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy"} {
		for _, e := range mappedErrors {
			t.Run(op+" "+e.name, func(t *testing.T) {
				f := newFake()
				f.errs[op] = e.err
				c := f.passwordPolicy(DefaultPolicy())
				_, err := c.Repair(context.Background(), acct, "")
				require.ErrorIs(t, err, e.want)
				require.ErrorIs(t, err, e.err)
				if op == "GetAccountPasswordPolicy" {
					_, err = c.Observe(context.Background(), acct, "")
					require.ErrorIs(t, err, e.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := &PasswordPolicy{client: func(context.Context, string, string) (passwordAPI, error) { return nil, boom }, want: DefaultPolicy()}
		_, err := c.Observe(context.Background(), acct, "")
		require.ErrorIs(t, err, boom)
	})
}
