// Package awsfleet reaches the member accounts of a reseller's AWS organization
// for the security baseline's adapters (security/aws…): the AWS configuration of
// an account and region, by assuming a role in the account from the payer's
// credentials (STS AssumeRole, role name configurable, e.g.
// OrganizationAccountAccessRole), and the translation of AWS's errors into
// security's sentinels, shared by every adapter.
package awsfleet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// Sessions gives the AWS configuration to call AWS in an account and region.
type Sessions interface {
	Config(ctx context.Context, account, region string) (aws.Config, error)
}

// DefaultRole is the role AWS Organizations creates in the accounts it creates.
const DefaultRole = "OrganizationAccountAccessRole"

// Roles is Sessions that assumes a role in each member account from base (the
// payer's configuration), caching each account's credentials until they expire
// (aws.CredentialsCache refreshes them). Safe for concurrent use.
type Roles struct {
	base     aws.Config
	role     string
	external string
	mu       sync.Mutex
	creds    map[string]*aws.CredentialsCache
	client   stscreds.AssumeRoleAPIClient
}

// Option configures Roles.
type Option func(*Roles)

// WithExternalID sets the external id the role's trust policy requires.
func WithExternalID(id string) Option { return func(r *Roles) { r.external = id } }

// WithSTS sets the STS client (default: sts.NewFromConfig(base)); tests give a
// fake.
func WithSTS(c stscreds.AssumeRoleAPIClient) Option { return func(r *Roles) { r.client = c } }

// AssumeRole returns the Sessions assuming role (DefaultRole when empty) in each
// account from base.
func AssumeRole(base aws.Config, role string, opts ...Option) *Roles {
	if role == "" {
		role = DefaultRole
	}
	r := &Roles{base: base, role: role, creds: map[string]*aws.CredentialsCache{}}
	for _, o := range opts {
		o(r)
	}
	if r.client == nil {
		r.client = sts.NewFromConfig(base)
	}
	return r
}

// Config implements Sessions: base with the account's assumed-role credentials
// and region ("" keeps base's region). A role that cannot be assumed fails the
// calls made with the configuration, with an error wrapping
// security.ErrAccessDenied (through Map).
func (r *Roles) Config(_ context.Context, account, region string) (aws.Config, error) {
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return aws.Config{}, fmt.Errorf("%w: account %q is not a 12-digit AWS account id", security.ErrInvalid, account)
	}
	r.mu.Lock()
	c, ok := r.creds[account]
	if !ok {
		arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition(region), account, r.role)
		c = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(r.client, arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "resellerkit-security"
			if r.external != "" {
				o.ExternalID = aws.String(r.external)
			}
		}))
		r.creds[account] = c
	}
	r.mu.Unlock()
	cfg := r.base.Copy()
	cfg.Credentials = c
	if region != "" {
		cfg.Region = region
	}
	if cfg.Retryer == nil {
		cfg.Retryer = fleetRetryer
	}
	return cfg, nil
}

// MaxAttempts is how many times a call is tried when AWS throttles it (or fails
// transiently) before the error reaches the Check: a maintenance run calls the
// same APIs in many accounts at once, so more than the SDK's default of 3, with
// its exponential backoff and jitter.
const MaxAttempts = 8

// fleetRetryer is the SDK's standard retryer with MaxAttempts.
func fleetRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = MaxAttempts })
}

// partition returns the AWS partition of region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// Static is Sessions giving cfg (with the region set) for every account: a
// single account's own credentials, or tests.
type Static aws.Config

// Config implements Sessions.
func (s Static) Config(_ context.Context, _, region string) (aws.Config, error) {
	cfg := aws.Config(s).Copy()
	if region != "" {
		cfg.Region = region
	}
	return cfg, nil
}

// Map translates an AWS error into security's sentinels, keeping err in the
// chain: access denied wraps security.ErrAccessDenied, and a role that cannot be
// assumed security.ErrUnreachable too; a region not enabled in the account (opt-in regions:
// UnrecognizedClientException, InvalidClientTokenId, OptInRequired, AuthFailure)
// security.ErrRegionDisabled; throttling that outlived the SDK's retries
// security.ErrThrottled. Other errors are returned as they are; nil is nil.
func Map(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	sts := assumeRoleFailed(err)
	switch {
	case sts && throttled(code):
		return fmt.Errorf("%w: assuming the role: %w", security.ErrThrottled, err)
	case sts && code != "" && code != "RegionDisabledException":
		// AccessDenied, InvalidClientTokenId, ExpiredToken…: the role cannot be
		// assumed in this account.
		return fmt.Errorf("%w: %w: cannot assume the role: %w", security.ErrUnreachable, security.ErrAccessDenied, err)
	case sts:
		return err // a network error or a cancelled call: not the account's fault
	case code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation" ||
		code == "AuthorizationError" || code == "UnauthorizedException":
		return fmt.Errorf("%w: %w", security.ErrAccessDenied, err)
	case code == "UnrecognizedClientException" || code == "InvalidClientTokenId" || code == "OptInRequired" ||
		code == "AuthFailure" || code == "SubscriptionRequiredException":
		return fmt.Errorf("%w: %w", security.ErrRegionDisabled, err)
	case throttled(code):
		return fmt.Errorf("%w: %w", security.ErrThrottled, err)
	}
	return err
}

// assumeRoleFailed reports whether err comes from STS AssumeRole: the service
// client's OperationError (say EC2's) wraps the credential provider's, so every
// OperationError of the chain is looked at, not only the first.
func assumeRoleFailed(err error) bool {
	for e := err; e != nil; {
		var op *smithy.OperationError
		if !errors.As(e, &op) {
			return false
		}
		if op.Service() == "STS" && op.Operation() == "AssumeRole" {
			return true
		}
		e = op.Err
	}
	return false
}

// throttled reports whether an error code is AWS's throttling: the SDK's own list
// (retry.DefaultThrottleErrorCodes) and S3's SlowDown, but not
// LimitExceededException, a quota in services such as IAM.
func throttled(code string) bool {
	if code == "" || code == "LimitExceededException" {
		return false
	}
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok || code == "SlowDown" || code == "TooManyRequestsException" || code == "RequestThrottled"
}
