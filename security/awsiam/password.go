package awsiam

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// Policy is the wanted IAM account password policy.
type Policy struct {
	// MinimumLength is the least number of characters (6..128).
	MinimumLength int32
	// The character classes a password must contain.
	RequireSymbols, RequireNumbers, RequireUppercase, RequireLowercase bool
	// ReusePrevention is how many previous passwords cannot be reused (0..24;
	// 0: no prevention).
	ReusePrevention int32
	// MaxAgeDays is the most days a password is valid (0..1095; 0: passwords
	// never expire).
	MaxAgeDays int32
	// AllowUsersToChange lets IAM users change their own password. Written by
	// Repair, not checked by Observe.
	AllowUsersToChange bool
	// HardExpiry stops users from setting a new password once theirs expired
	// (an administrator must reset it). Written by Repair, not checked.
	HardExpiry bool
}

// DefaultPolicy returns the CIS AWS Foundations policy Security Hub's IAM.7
// checks: at least 14 characters, symbols, numbers, upper and lower case
// required, 24 passwords remembered, expiry within 90 days, users allowed to
// change their own password, no hard expiry.
func DefaultPolicy() Policy {
	return Policy{
		MinimumLength:  14,
		RequireSymbols: true, RequireNumbers: true, RequireUppercase: true, RequireLowercase: true,
		ReusePrevention:    24,
		MaxAgeDays:         90,
		AllowUsersToChange: true,
	}
}

// Validate checks p against IAM's limits. It returns nil or the errors.Join of
// one *resellerkit.ValidationError per bad field, each wrapping
// security.ErrInvalid.
func (p Policy) Validate() error {
	var errs []error
	check := func(field string, v, lo, hi int32) {
		if v < lo || v > hi {
			errs = append(errs, resellerkit.Invalid(security.ErrInvalid, field, fmt.Sprint(v), "S-1",
				fmt.Sprintf("IAM allows %d..%d", lo, hi)))
		}
	}
	check("MinimumLength", p.MinimumLength, 6, 128)
	check("ReusePrevention", p.ReusePrevention, 0, 24)
	check("MaxAgeDays", p.MaxAgeDays, 0, 1095)
	return errors.Join(errs...)
}

// passwordAPI lists the only IAM operations PasswordPolicy calls.
type passwordAPI interface {
	GetAccountPasswordPolicy(ctx context.Context, in *iam.GetAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error)
	UpdateAccountPasswordPolicy(ctx context.Context, in *iam.UpdateAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error)
}

var _ passwordAPI = (*iam.Client)(nil)

// PasswordPolicy is the security.Check of security.PasswordPolicy. Build one
// with NewPasswordPolicy; it is safe for concurrent use.
type PasswordPolicy struct {
	client clientFunc[passwordAPI]
	want   Policy
}

var _ security.Check = (*PasswordPolicy)(nil)

// NewPasswordPolicy returns the PasswordPolicy check wanting want (typically
// DefaultPolicy()), calling IAM in each account with the configuration sessions
// gives. An invalid want fails every Observe and Repair with its
// Validate error.
func NewPasswordPolicy(sessions awsfleet.Sessions, want Policy) *PasswordPolicy {
	return &PasswordPolicy{client: as[passwordAPI](iamClient(sessions)), want: want}
}

// Control returns security.PasswordPolicy.
func (c *PasswordPolicy) Control() security.ControlID { return security.PasswordPolicy }

// Observe reports the control compliant when the account's password policy is
// at least as strict as the wanted one.
func (c *PasswordPolicy) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	have, err := c.read(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	return observation(have.policy, c.want), nil
}

// Repair writes the stricter of the account's policy and the wanted one, when
// the account's falls short.
func (c *PasswordPolicy) Repair(ctx context.Context, account, region string) (string, error) {
	have, err := c.read(ctx, account, region)
	if err != nil {
		return "", err
	}
	obs := observation(have.policy, c.want)
	if obs.Compliant {
		return "nothing to do: " + obs.Detail, nil
	}
	if _, err := have.api.UpdateAccountPasswordPolicy(ctx, merge(have.policy, c.want)); err != nil {
		return "", fmt.Errorf("updating the password policy: %w", awsfleet.Map(err))
	}
	return "updated the password policy (was: " + obs.Detail + ")", nil
}

type readPolicy struct {
	api    passwordAPI
	policy *types.PasswordPolicy // nil: none
}

// read validates the wanted policy and reads the account's.
func (c *PasswordPolicy) read(ctx context.Context, account, region string) (readPolicy, error) {
	if err := c.want.Validate(); err != nil {
		return readPolicy{}, err
	}
	api, err := c.client(ctx, account, region)
	if err != nil {
		return readPolicy{}, awsfleet.Map(err)
	}
	out, err := api.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	var none *types.NoSuchEntityException
	switch {
	case errors.As(err, &none):
		return readPolicy{api: api}, nil
	case err != nil:
		return readPolicy{}, fmt.Errorf("getting the password policy: %w", awsfleet.Map(err))
	}
	return readPolicy{api: api, policy: out.PasswordPolicy}, nil
}

// observation compares have (nil: none) with want.
func observation(have *types.PasswordPolicy, want Policy) security.Observation {
	if have == nil {
		return security.Observation{Detail: "no password policy"}
	}
	var short []string
	if n := aws.ToInt32(have.MinimumPasswordLength); n < want.MinimumLength {
		short = append(short, fmt.Sprintf("minimum length %d < %d", n, want.MinimumLength))
	}
	for _, r := range []struct {
		have, want bool
		what       string
	}{
		{have.RequireSymbols, want.RequireSymbols, "symbols"},
		{have.RequireNumbers, want.RequireNumbers, "numbers"},
		{have.RequireUppercaseCharacters, want.RequireUppercase, "uppercase letters"},
		{have.RequireLowercaseCharacters, want.RequireLowercase, "lowercase letters"},
	} {
		if r.want && !r.have {
			short = append(short, r.what+" not required")
		}
	}
	if n := aws.ToInt32(have.PasswordReusePrevention); n < want.ReusePrevention {
		short = append(short, fmt.Sprintf("reuse prevention %d < %d", n, want.ReusePrevention))
	}
	if want.MaxAgeDays > 0 {
		switch n := aws.ToInt32(have.MaxPasswordAge); {
		case n == 0:
			short = append(short, fmt.Sprintf("passwords never expire (want ≤ %d days)", want.MaxAgeDays))
		case n > want.MaxAgeDays:
			short = append(short, fmt.Sprintf("maximum age %d > %d days", n, want.MaxAgeDays))
		}
	}
	if len(short) > 0 {
		return security.Observation{Detail: strings.Join(short, "; ")}
	}
	return security.Observation{Compliant: true, Detail: "password policy meets the baseline"}
}

// merge returns the update writing, per setting, the stricter of have (nil:
// none) and want.
func merge(have *types.PasswordPolicy, want Policy) *iam.UpdateAccountPasswordPolicyInput {
	if have == nil {
		have = &types.PasswordPolicy{}
	}
	in := &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength:      aws.Int32(max(aws.ToInt32(have.MinimumPasswordLength), want.MinimumLength)),
		RequireSymbols:             have.RequireSymbols || want.RequireSymbols,
		RequireNumbers:             have.RequireNumbers || want.RequireNumbers,
		RequireUppercaseCharacters: have.RequireUppercaseCharacters || want.RequireUppercase,
		RequireLowercaseCharacters: have.RequireLowercaseCharacters || want.RequireLowercase,
		AllowUsersToChangePassword: have.AllowUsersToChangePassword || want.AllowUsersToChange,
		HardExpiry:                 aws.Bool(aws.ToBool(have.HardExpiry) || want.HardExpiry),
	}
	if n := max(aws.ToInt32(have.PasswordReusePrevention), want.ReusePrevention); n > 0 {
		in.PasswordReusePrevention = aws.Int32(n)
	}
	age := aws.ToInt32(have.MaxPasswordAge)
	if want.MaxAgeDays > 0 && (age == 0 || want.MaxAgeDays < age) {
		age = want.MaxAgeDays
	}
	if age > 0 {
		in.MaxPasswordAge = aws.Int32(age)
	}
	return in
}
