package awsguardduty_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awsguardduty"
)

// The GuardDuty Check over one account's configuration. In production the
// Sessions assume a role in each member account:
// awsfleet.AssumeRole(payerConfig, awsfleet.DefaultRole).
func Example() {
	check := awsguardduty.New(awsfleet.Static(aws.Config{Region: "ap-northeast-1"}))
	ctl, _ := security.Lookup(check.Control())
	fmt.Println(check.Control(), ctl.SecurityHub, ctl.Class)
	fmt.Println("observe:", ctl.Observe)
	fmt.Println("repair: ", ctl.Repair)
	// Output:
	// guardduty [GuardDuty.1] maintained
	// observe: guardduty:ListDetectors, GetDetector
	// repair:  guardduty:CreateDetector, UpdateDetector
}
