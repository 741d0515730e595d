package awsiam_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awsiam"
)

// The three IAM checks, reaching member accounts by assuming
// OrganizationAccountAccessRole from the payer's configuration. The support
// role trusts the reseller's account 999988887777. Nothing calls AWS until
// Observe or Repair.
func Example() {
	payer := aws.Config{Region: "ap-northeast-1"} // config.LoadDefaultConfig in a program
	sessions := awsfleet.AssumeRole(payer, "")
	policy := awsiam.DefaultPolicy()
	policy.MinimumLength = 16 // stricter than CIS
	checks := []security.Check{
		awsiam.NewRootMFA(sessions),
		awsiam.NewPasswordPolicy(sessions, policy),
		awsiam.NewSupportRole(sessions, "999988887777"),
	}
	for _, c := range checks {
		ctl, _ := security.Lookup(c.Control())
		fmt.Println(c.Control(), ctl.Remedy)
	}
	// Output:
	// root-mfa-no-access-keys report
	// iam-password-policy api
	// support-escalation-role api
}
