package awsconfig_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsconfig"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// Every member's recorder uses AWS Config's service-linked role and delivers to
// one bucket of the organization's log archive account; global resource types
// are recorded in Tokyo only. Nothing calls AWS until Observe or Repair.
func Example() {
	payer := aws.Config{Region: "ap-northeast-1"} // config.LoadDefaultConfig in a program
	var check security.Check = awsconfig.New(awsfleet.AssumeRole(payer, ""), awsconfig.Settings{
		HomeRegion: "ap-northeast-1",
		RoleARN:    awsconfig.ServiceLinkedRoleARN,
		Bucket:     func(account string) string { return "example-org-config-logs" },
	})
	fmt.Println(check.Control())
	fmt.Println(awsconfig.ServiceLinkedRoleARN("111122223333"))
	// Output:
	// config-recording
	// arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig
}
