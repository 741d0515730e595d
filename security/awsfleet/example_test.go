package awsfleet_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// ExampleAssumeRole reaches a member account from the payer's configuration: the
// configuration of account 123456789012 in Tokyo, with credentials of the role
// assumed there (fetched when a call is made).
func ExampleAssumeRole() {
	payer := aws.Config{Region: "us-east-1"} // e.g. config.LoadDefaultConfig(ctx)
	fleet := awsfleet.AssumeRole(payer, awsfleet.DefaultRole)
	cfg, err := fleet.Config(context.Background(), "123456789012", "ap-northeast-1")
	fmt.Println(cfg.Region, err)
	// Output: ap-northeast-1 <nil>
}
