package awssecurityhub_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awssecurityhub"
)

// The Check reaches member accounts by assuming OrganizationAccountAccessRole
// from the payer's configuration (from config.LoadDefaultConfig in a program);
// nothing calls AWS until Observe or Repair.
func Example() {
	payer := aws.Config{Region: "ap-northeast-1"}
	var check security.Check = awssecurityhub.New(awsfleet.AssumeRole(payer, ""))
	fmt.Println(check.Control())
	fmt.Println(awssecurityhub.FSBPStandardARN("ap-northeast-1"))
	// Output:
	// securityhub-fsbp
	// arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0
}
