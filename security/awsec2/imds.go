package awsec2

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// IMDSv2Default is the security.Check of security.IMDSv2Default (Security Hub
// EC2.8 for new instances): the account's instance metadata defaults in a region
// require IMDSv2 (session tokens). Build one with NewIMDSv2Default; it is safe
// for concurrent use.
type IMDSv2Default struct{ clients clients }

var _ security.Check = (*IMDSv2Default)(nil)

// NewIMDSv2Default returns the Check calling EC2 with the configuration s gives
// for each account and region; optFns adjust every client built. It panics if s
// is nil.
func NewIMDSv2Default(s awsfleet.Sessions, optFns ...func(*ec2.Options)) *IMDSv2Default {
	return newIMDSv2Default(fromSessions(s, optFns))
}

// newIMDSv2Default returns the Check over any implementation of api (a fake in
// tests).
func newIMDSv2Default(c clients) *IMDSv2Default { return &IMDSv2Default{clients: c} }

// Control returns security.IMDSv2Default.
func (*IMDSv2Default) Control() security.ControlID { return security.IMDSv2Default }

// Observe reports the control compliant when the account-level instance metadata
// defaults of the region have HttpTokens "required"
// (ec2:GetInstanceMetadataDefaults). The Detail says when a declarative policy
// of the organization manages the defaults.
func (m *IMDSv2Default) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	client, err := m.clients.call(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	obs, _, err := m.observe(ctx, client, account, region)
	return obs, err
}

// observe also reports whether a declarative policy manages the defaults.
func (*IMDSv2Default) observe(ctx context.Context, client api, account, region string) (security.Observation, string, error) {
	out, err := client.GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{})
	if err != nil {
		return security.Observation{}, "", fail("GetInstanceMetadataDefaults", account, region, err)
	}
	var d types.InstanceMetadataDefaultsResponse
	if out.AccountLevel != nil {
		d = *out.AccountLevel
	}
	policy := ""
	if d.ManagedBy == types.ManagedByDeclarativePolicy {
		policy = "managed by a declarative policy of the organization"
		if msg := aws.ToString(d.ManagedExceptionMessage); msg != "" {
			policy += ": " + msg
		}
	}
	var obs security.Observation
	switch d.HttpTokens {
	case types.HttpTokensStateRequired:
		obs = security.Observation{Compliant: true, Detail: "instance metadata default HttpTokens is required (IMDSv2 only)"}
	case "":
		obs.Detail = "no instance metadata default for HttpTokens (each AMI's or launch's setting applies)"
	default:
		obs.Detail = fmt.Sprintf("instance metadata default HttpTokens is %s", d.HttpTokens)
	}
	if policy != "" {
		obs.Detail += " (" + policy + ")"
	}
	return obs, policy, nil
}

// Repair sets the account-level instance metadata default HttpTokens to
// "required" in the region (ec2:ModifyInstanceMetadataDefaults), leaving the
// other defaults as they are. Instances that exist, and launches that set
// HttpTokens themselves, are unchanged. When HttpTokens is already required,
// nothing is called but the observation. When a declarative policy of the
// organization manages the defaults, the account cannot override it: Repair
// calls nothing and returns an error naming the policy.
func (m *IMDSv2Default) Repair(ctx context.Context, account, region string) (string, error) {
	client, err := m.clients.call(ctx, account, region)
	if err != nil {
		return "", err
	}
	obs, policy, err := m.observe(ctx, client, account, region)
	if err != nil {
		return "", err
	}
	if obs.Compliant {
		return "instance metadata default HttpTokens already required", nil
	}
	if policy != "" {
		return "", fmt.Errorf("awsec2: instance metadata defaults (account %s, %s) are %s; change the policy to require IMDSv2", account, region, policy)
	}
	out, err := client.ModifyInstanceMetadataDefaults(ctx, &ec2.ModifyInstanceMetadataDefaultsInput{
		HttpTokens: types.MetadataDefaultHttpTokensStateRequired,
	})
	if err != nil {
		return "", fail("ModifyInstanceMetadataDefaults", account, region, err)
	}
	if out.Return != nil && !*out.Return {
		return "", fmt.Errorf("awsec2: ModifyInstanceMetadataDefaults (account %s, %s) returned false", account, region)
	}
	return "set the instance metadata default HttpTokens to required", nil
}
