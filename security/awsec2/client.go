package awsec2

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// api lists the only Amazon EC2 operations the Checks call. *ec2.Client
// implements it; tests pass a fake returning the SDK's own types and errors.
type api interface {
	GetEbsEncryptionByDefault(ctx context.Context, in *ec2.GetEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	EnableEbsEncryptionByDefault(ctx context.Context, in *ec2.EnableEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error)
	GetInstanceMetadataDefaults(ctx context.Context, in *ec2.GetInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.GetInstanceMetadataDefaultsOutput, error)
	ModifyInstanceMetadataDefaults(ctx context.Context, in *ec2.ModifyInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataDefaultsOutput, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
	DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
}

var _ api = (*ec2.Client)(nil)

// clients returns the EC2 client to call in an account and region.
type clients func(ctx context.Context, account, region string) (api, error)

// fromSessions builds an *ec2.Client per call from the configuration s gives for
// the account and region. It panics if s is nil.
func fromSessions(s awsfleet.Sessions, optFns []func(*ec2.Options)) clients {
	if s == nil {
		panic("awsec2: a nil awsfleet.Sessions")
	}
	optFns = slices.Clone(optFns)
	return func(ctx context.Context, account, region string) (api, error) {
		cfg, err := s.Config(ctx, account, region)
		if err != nil {
			return nil, fmt.Errorf("awsec2: configuration of account %s, region %q: %w", account, region, awsfleet.Map(err))
		}
		if cfg.Region == "" {
			return nil, resellerkit.Invalid(security.ErrInvalid, "region", region, "S-3",
				"a regional control needs a region, and the Sessions' configuration has none")
		}
		return ec2.NewFromConfig(cfg, optFns...), nil
	}
}

// call returns the client of account and region.
func (c clients) call(ctx context.Context, account, region string) (api, error) {
	if c == nil {
		panic("awsec2: a Check not built with its constructor")
	}
	return c(ctx, account, region)
}

// fail wraps an AWS error of operation op with where it happened, mapped to
// security's sentinels by awsfleet.Map (the SDK's error stays in the chain).
func fail(op, account, region string, err error) error {
	return fmt.Errorf("awsec2: %s (account %s, %s): %w", op, account, region, awsfleet.Map(err))
}
