package awsiam

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// summaryAPI lists the only IAM operation RootMFA calls.
type summaryAPI interface {
	GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, optFns ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
}

var _ summaryAPI = (*iam.Client)(nil)

// RootMFA is the security.Check of security.RootMFA, a report-only control.
// Build one with NewRootMFA; it is safe for concurrent use.
type RootMFA struct {
	client clientFunc[summaryAPI]
}

var _ security.Check = (*RootMFA)(nil)

// NewRootMFA returns the RootMFA check calling IAM in each account with the
// configuration sessions gives (typically awsfleet.AssumeRole).
func NewRootMFA(sessions awsfleet.Sessions) *RootMFA {
	return &RootMFA{client: as[summaryAPI](iamClient(sessions))}
}

// Control returns security.RootMFA.
func (c *RootMFA) Control() security.ControlID { return security.RootMFA }

// Observe reports the control compliant when the root user has MFA and no
// access keys.
func (c *RootMFA) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	api, err := c.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, awsfleet.Map(err)
	}
	out, err := api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return security.Observation{}, fmt.Errorf("getting the account summary: %w", awsfleet.Map(err))
	}
	mfa := out.SummaryMap["AccountMFAEnabled"] == 1
	keys := out.SummaryMap["AccountAccessKeysPresent"] != 0
	var d []string
	if mfa {
		d = append(d, "root MFA enabled")
	} else {
		d = append(d, "root MFA not enabled")
	}
	if keys {
		d = append(d, "root access keys present")
	} else {
		d = append(d, "no root access keys")
	}
	return security.Observation{Compliant: mfa && !keys, Detail: strings.Join(d, "; ")}, nil
}

// Repair always fails with an error wrapping security.ErrInvalid: the control
// is report only (security.ReportOnly); the customer enables MFA on the root
// user and deletes its access keys.
func (c *RootMFA) Repair(context.Context, string, string) (string, error) {
	return "", fmt.Errorf("%w: %s is report only: the customer enables MFA on the root user and deletes its access keys", security.ErrInvalid, security.RootMFA)
}
