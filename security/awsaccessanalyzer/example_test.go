package awsaccessanalyzer_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsaccessanalyzer"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// A Check per control, reaching member accounts by assuming
// OrganizationAccountAccessRole from the payer's configuration (from
// config.LoadDefaultConfig in a program). Nothing calls AWS until Observe or
// Repair.
func Example() {
	payer := aws.Config{Region: "ap-northeast-1"}
	var check security.Check = awsaccessanalyzer.New(awsfleet.AssumeRole(payer, awsfleet.DefaultRole),
		awsaccessanalyzer.WithName("baseline-analyzer"))
	c, _ := security.Lookup(check.Control())
	fmt.Println(check.Control(), c.PerRegion)
	// Output: iam-access-analyzer true
}
