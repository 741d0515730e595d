package awssecurityhub

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// hubAPI lists the only Security Hub operations the Check calls.
// *securityhub.Client implements it; tests pass a fake returning the SDK's own
// types and errors.
type hubAPI interface {
	DescribeHub(ctx context.Context, in *securityhub.DescribeHubInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
	GetEnabledStandards(ctx context.Context, in *securityhub.GetEnabledStandardsInput, optFns ...func(*securityhub.Options)) (*securityhub.GetEnabledStandardsOutput, error)
	EnableSecurityHub(ctx context.Context, in *securityhub.EnableSecurityHubInput, optFns ...func(*securityhub.Options)) (*securityhub.EnableSecurityHubOutput, error)
	BatchEnableStandards(ctx context.Context, in *securityhub.BatchEnableStandardsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchEnableStandardsOutput, error)
}

var _ hubAPI = (*securityhub.Client)(nil)

// FSBPStandardARN returns the ARN of the AWS Foundational Security Best
// Practices standard (v1.0.0) in region, e.g.
// "arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0".
func FSBPStandardARN(region string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s::standards/aws-foundational-security-best-practices/v/1.0.0", partition(region), region)
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

// Check is the security.Check of security.SecurityHubFSBP. Build one with New;
// it is safe for concurrent use.
type Check struct {
	// client returns the API of account in region, and the region it calls
	// (the configuration's when region is "").
	client func(ctx context.Context, account, region string) (hubAPI, string, error)
}

var _ security.Check = (*Check)(nil)

// New returns the Check calling Security Hub in each account and region with
// the configuration sessions gives (typically awsfleet.AssumeRole).
func New(sessions awsfleet.Sessions) *Check {
	return newWithAPI(func(ctx context.Context, account, region string) (hubAPI, string, error) {
		cfg, err := sessions.Config(ctx, account, region)
		if err != nil {
			return nil, "", err
		}
		return securityhub.NewFromConfig(cfg), cfg.Region, nil
	})
}

// newWithAPI returns a Check over any implementation of hubAPI (a fake in
// tests).
func newWithAPI(client func(ctx context.Context, account, region string) (hubAPI, string, error)) *Check {
	return &Check{client: client}
}

// Control returns security.SecurityHubFSBP.
func (c *Check) Control() security.ControlID { return security.SecurityHubFSBP }

// state is what was seen of Security Hub in one account and region.
type state struct {
	enabled bool
	fsbp    *types.StandardsSubscription // nil: not subscribed
}

// Observe reports the control compliant when Security Hub is enabled and the
// FSBP standard READY.
func (c *Check) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	api, rgn, err := c.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, mapErr(err)
	}
	st, err := observe(ctx, api, rgn)
	if err != nil {
		return security.Observation{}, err
	}
	switch {
	case !st.enabled:
		return security.Observation{Detail: "Security Hub not enabled"}, nil
	case st.fsbp == nil:
		return security.Observation{Detail: "Security Hub enabled; FSBP standard not enabled"}, nil
	}
	return security.Observation{
		Compliant: st.fsbp.StandardsStatus == types.StandardsStatusReady,
		Detail:    "Security Hub enabled; FSBP standard " + status(*st.fsbp),
	}, nil
}

// Repair enables Security Hub without its default standards and subscribes the
// FSBP standard, each only when needed.
func (c *Check) Repair(ctx context.Context, account, region string) (string, error) {
	api, rgn, err := c.client(ctx, account, region)
	if err != nil {
		return "", mapErr(err)
	}
	st, err := observe(ctx, api, rgn)
	if err != nil {
		return "", err
	}
	var did []string
	if !st.enabled {
		_, err := api.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)})
		var conflict *types.ResourceConflictException
		switch {
		case errors.As(err, &conflict):
			did = append(did, "Security Hub already enabled")
		case err != nil:
			return "", fmt.Errorf("enabling Security Hub: %w", mapErr(err))
		default:
			did = append(did, "enabled Security Hub (without default standards)")
		}
	}
	if st.fsbp != nil {
		switch st.fsbp.StandardsStatus {
		case types.StandardsStatusReady, types.StandardsStatusPending:
			return strings.Join(append(did, "FSBP standard already "+status(*st.fsbp)), "; "), nil
		case types.StandardsStatusDeleting:
			return "", fmt.Errorf("the FSBP standard is being disabled (DELETING): it can be enabled again once AWS has finished, at the next run")
		}
	}
	out, err := api.BatchEnableStandards(ctx, &securityhub.BatchEnableStandardsInput{
		StandardsSubscriptionRequests: []types.StandardsSubscriptionRequest{{StandardsArn: aws.String(FSBPStandardARN(rgn))}},
	})
	var conflict *types.ResourceConflictException
	switch {
	case errors.As(err, &conflict):
		return strings.Join(append(did, "FSBP standard already enabled"), "; "), nil
	case err != nil:
		return "", fmt.Errorf("enabling the FSBP standard: %w", mapErr(err))
	}
	for _, s := range out.StandardsSubscriptions {
		if s.StandardsStatus == types.StandardsStatusFailed {
			return "", fmt.Errorf("enabling the FSBP standard: %s", status(s))
		}
	}
	return strings.Join(append(did, "enabled the FSBP standard"), "; "), nil
}

// observe reads whether Security Hub is enabled and, if so, the FSBP
// subscription.
func observe(ctx context.Context, api hubAPI, region string) (state, error) {
	_, err := api.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if notEnabled(err) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("describing the hub: %w", mapErr(err))
	}
	st := state{enabled: true}
	want := FSBPStandardARN(region)
	var token *string
	for {
		out, err := api.GetEnabledStandards(ctx, &securityhub.GetEnabledStandardsInput{NextToken: token})
		if notEnabled(err) {
			return state{}, nil
		}
		if err != nil {
			return state{}, fmt.Errorf("getting the enabled standards: %w", mapErr(err))
		}
		for _, s := range out.StandardsSubscriptions {
			if aws.ToString(s.StandardsArn) == want {
				st.fsbp = &s
				return st, nil
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return st, nil
		}
		token = out.NextToken
	}
}

// notEnabled reports whether err says Security Hub is not enabled in the
// account and region.
func notEnabled(err error) bool {
	var invalid *types.InvalidAccessException
	var missing *types.ResourceNotFoundException
	return errors.As(err, &invalid) || errors.As(err, &missing)
}

// mapErr is awsfleet.Map, plus Security Hub's LimitExceededException (HTTP 429,
// its throttling) as security.ErrThrottled.
func mapErr(err error) error {
	var limit *types.LimitExceededException
	if errors.As(err, &limit) {
		return fmt.Errorf("%w: %w", security.ErrThrottled, err)
	}
	return awsfleet.Map(err)
}

// status is a subscription's status in lower case, with AWS's reason if any.
func status(s types.StandardsSubscription) string {
	out := strings.ToLower(string(s.StandardsStatus))
	if s.StandardsStatusReason != nil && s.StandardsStatusReason.StatusReasonCode != "" {
		out += " (" + string(s.StandardsStatusReason.StatusReasonCode) + ")"
	}
	return out
}
