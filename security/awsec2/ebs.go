package awsec2

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// EBSDefaultEncryption is the security.Check of security.EBSDefaultEncryption
// (Security Hub EC2.7): EBS encryption by default, per region. Build one with
// NewEBSDefaultEncryption; it is safe for concurrent use.
type EBSDefaultEncryption struct{ clients clients }

var _ security.Check = (*EBSDefaultEncryption)(nil)

// NewEBSDefaultEncryption returns the Check calling EC2 with the configuration s
// gives for each account and region; optFns adjust every client built. It panics
// if s is nil.
func NewEBSDefaultEncryption(s awsfleet.Sessions, optFns ...func(*ec2.Options)) *EBSDefaultEncryption {
	return newEBSDefaultEncryption(fromSessions(s, optFns))
}

// newEBSDefaultEncryption returns the Check over any implementation of api (a
// fake in tests).
func newEBSDefaultEncryption(c clients) *EBSDefaultEncryption {
	return &EBSDefaultEncryption{clients: c}
}

// Control returns security.EBSDefaultEncryption.
func (*EBSDefaultEncryption) Control() security.ControlID { return security.EBSDefaultEncryption }

// Observe reports the control compliant when EBS encryption by default is on in
// the region (ec2:GetEbsEncryptionByDefault).
func (e *EBSDefaultEncryption) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	client, err := e.clients.call(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	return e.observe(ctx, client, account, region)
}

func (*EBSDefaultEncryption) observe(ctx context.Context, client api, account, region string) (security.Observation, error) {
	out, err := client.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return security.Observation{}, fail("GetEbsEncryptionByDefault", account, region, err)
	}
	if aws.ToBool(out.EbsEncryptionByDefault) {
		return security.Observation{Compliant: true, Detail: "EBS encryption by default is on"}, nil
	}
	return security.Observation{Detail: "EBS encryption by default is off"}, nil
}

// Repair turns EBS encryption by default on in the region
// (ec2:EnableEbsEncryptionByDefault), with the region's default EBS KMS key (the
// AWS managed key aws/ebs unless the account chose another). When it is already
// on, nothing is called but the observation.
func (e *EBSDefaultEncryption) Repair(ctx context.Context, account, region string) (string, error) {
	client, err := e.clients.call(ctx, account, region)
	if err != nil {
		return "", err
	}
	obs, err := e.observe(ctx, client, account, region)
	if err != nil {
		return "", err
	}
	if obs.Compliant {
		return "EBS encryption by default already on", nil
	}
	out, err := client.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	if err != nil {
		return "", fail("EnableEbsEncryptionByDefault", account, region, err)
	}
	if out.EbsEncryptionByDefault != nil && !*out.EbsEncryptionByDefault {
		return "", fmt.Errorf("awsec2: EnableEbsEncryptionByDefault (account %s, %s) answered that encryption by default is still off", account, region)
	}
	return "turned EBS encryption by default on", nil
}
