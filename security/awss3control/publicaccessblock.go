package awss3control

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultRegion is the region S3 Control is called in when neither the caller
// nor the Sessions' configuration gives one: the account-level public access
// block is global, any region's endpoint serves it.
const DefaultRegion = "us-east-1"

// api lists the only Amazon S3 Control operations the Check calls.
// *s3control.Client implements it; tests pass a fake returning the SDK's own
// types and errors.
type api interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error)
}

var _ api = (*s3control.Client)(nil)

// clients returns the S3 Control client to call in an account and region.
type clients func(ctx context.Context, account, region string) (api, error)

// PublicAccessBlock is the security.Check of security.S3PublicAccessBlock
// (Security Hub S3.1): the account-level S3 Block Public Access settings all on.
// Build one with New; it is safe for concurrent use.
type PublicAccessBlock struct{ clients clients }

var _ security.Check = (*PublicAccessBlock)(nil)

// New returns the Check calling S3 Control with the configuration s gives for
// each account; optFns adjust every client built. It panics if s is nil.
func New(s awsfleet.Sessions, optFns ...func(*s3control.Options)) *PublicAccessBlock {
	if s == nil {
		panic("awss3control: a nil awsfleet.Sessions")
	}
	optFns = slices.Clone(optFns)
	return newWithAPI(func(ctx context.Context, account, region string) (api, error) {
		cfg, err := s.Config(ctx, account, region)
		if err != nil {
			return nil, fmt.Errorf("awss3control: configuration of account %s: %w", account, awsfleet.Map(err))
		}
		if cfg.Region == "" {
			cfg.Region = DefaultRegion
		}
		return s3control.NewFromConfig(cfg, optFns...), nil
	})
}

// newWithAPI returns the Check over any implementation of api (a fake in tests).
func newWithAPI(c clients) *PublicAccessBlock { return &PublicAccessBlock{clients: c} }

// Control returns security.S3PublicAccessBlock.
func (*PublicAccessBlock) Control() security.ControlID { return security.S3PublicAccessBlock }

func (p *PublicAccessBlock) client(ctx context.Context, account, region string) (api, error) {
	if p.clients == nil {
		panic("awss3control: a PublicAccessBlock not built with New")
	}
	// S3 Control names the account in every request; without a valid one AWS
	// would refuse it, or act on another account.
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return nil, resellerkit.Invalid(security.ErrInvalid, "account", account, "S-3", "must be a 12-digit AWS account id")
	}
	return p.clients(ctx, account, region)
}

// Observe reports the control compliant when the account's public access block
// has BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and
// RestrictPublicBuckets all true (s3control:GetPublicAccessBlock with
// AccountId account). An account without the configuration
// (NoSuchPublicAccessBlockConfiguration) is not compliant, with no error. The
// Detail names the settings that are off. The setting is global: region may be
// "" (the Sessions' region is used, or DefaultRegion).
func (p *PublicAccessBlock) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	client, err := p.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	obs, _, err := observe(ctx, client, account)
	return obs, err
}

// observe also says what a repair changes.
func observe(ctx context.Context, client api, account string) (security.Observation, string, error) {
	out, err := client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account)})
	var none *types.NoSuchPublicAccessBlockConfiguration
	switch {
	case errors.As(err, &none):
		return security.Observation{Detail: "no account-level S3 Block Public Access configuration"}, "there was no configuration", nil
	case err != nil:
		return security.Observation{}, "", fail("GetPublicAccessBlock", account, err)
	}
	var c types.PublicAccessBlockConfiguration
	if out.PublicAccessBlockConfiguration != nil {
		c = *out.PublicAccessBlockConfiguration
	}
	var off []string
	for _, f := range []struct {
		name string
		on   *bool
	}{
		{"BlockPublicAcls", c.BlockPublicAcls},
		{"IgnorePublicAcls", c.IgnorePublicAcls},
		{"BlockPublicPolicy", c.BlockPublicPolicy},
		{"RestrictPublicBuckets", c.RestrictPublicBuckets},
	} {
		if !aws.ToBool(f.on) {
			off = append(off, f.name)
		}
	}
	if len(off) == 0 {
		return security.Observation{Compliant: true, Detail: "account-level S3 Block Public Access: all four settings on"}, "", nil
	}
	list := strings.Join(off, ", ")
	return security.Observation{Detail: "account-level S3 Block Public Access off: " + list}, list + " off before", nil
}

// Repair turns the four account-level settings on
// (s3control:PutPublicAccessBlock with AccountId account and all four true),
// which replaces the account's configuration whole. When they are already on,
// nothing is called but the observation.
func (p *PublicAccessBlock) Repair(ctx context.Context, account, region string) (string, error) {
	client, err := p.client(ctx, account, region)
	if err != nil {
		return "", err
	}
	obs, was, err := observe(ctx, client, account)
	if err != nil {
		return "", err
	}
	if obs.Compliant {
		return "account-level S3 Block Public Access already on", nil
	}
	_, err = client.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId: aws.String(account),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls:       aws.Bool(true),
			IgnorePublicAcls:      aws.Bool(true),
			BlockPublicPolicy:     aws.Bool(true),
			RestrictPublicBuckets: aws.Bool(true),
		},
	})
	if err != nil {
		return "", fail("PutPublicAccessBlock", account, err)
	}
	return "turned account-level S3 Block Public Access on (" + was + ")", nil
}

// fail wraps an AWS error of operation op with the account, mapped to security's
// sentinels by awsfleet.Map (the SDK's error stays in the chain).
func fail(op, account string, err error) error {
	return fmt.Errorf("awss3control: %s (account %s): %w", op, account, awsfleet.Map(err))
}
