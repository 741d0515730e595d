package awscloudtrail_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awscloudtrail"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// Every member's trail delivers to one bucket of the organization's log archive
// account, which exists already with its bucket policy. Nothing calls AWS until
// Observe or Repair.
func Example() {
	payer := aws.Config{Region: "ap-northeast-1"} // config.LoadDefaultConfig in a program
	logArchive := func(account string) string { return "example-org-cloudtrail-logs" }
	var check security.Check = awscloudtrail.New(awsfleet.AssumeRole(payer, ""), logArchive,
		awscloudtrail.WithHomeRegion("ap-northeast-1"))
	fmt.Println(check.Control(), awscloudtrail.DefaultTrailName)
	// Output: cloudtrail-multi-region resellerkit-baseline
}
