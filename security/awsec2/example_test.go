package awsec2_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsec2"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// The package's Checks over one account's configuration. In production the
// Sessions assume a role in each member account:
// awsfleet.AssumeRole(payerConfig, awsfleet.DefaultRole).
func Example() {
	sessions := awsfleet.Static(aws.Config{Region: "ap-northeast-1"})
	for _, c := range awsec2.Checks(sessions) {
		ctl, _ := security.Lookup(c.Control())
		fmt.Printf("%s %v\n  observe: %s\n  repair:  %s\n", c.Control(), ctl.SecurityHub, ctl.Observe, ctl.Repair)
	}
	// Output:
	// ebs-default-encryption [EC2.7]
	//   observe: ec2:GetEbsEncryptionByDefault
	//   repair:  ec2:EnableEbsEncryptionByDefault
	// imdsv2-default [EC2.8]
	//   observe: ec2:GetInstanceMetadataDefaults
	//   repair:  ec2:ModifyInstanceMetadataDefaults
	// default-security-group-closed [EC2.2]
	//   observe: ec2:DescribeSecurityGroups
	//   repair:  ec2:DescribeNetworkInterfaces, RevokeSecurityGroupIngress, RevokeSecurityGroupEgress
}
