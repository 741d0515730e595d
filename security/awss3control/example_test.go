package awss3control_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awss3control"
)

// The account-level S3 Block Public Access Check over one account's
// configuration. In production the Sessions assume a role in each member
// account: awsfleet.AssumeRole(payerConfig, awsfleet.DefaultRole). The control
// is global: Observe and Repair are called with region "".
func Example() {
	check := awss3control.New(awsfleet.Static(aws.Config{}))
	ctl, _ := security.Lookup(check.Control())
	fmt.Println(check.Control(), ctl.SecurityHub, ctl.Class, "per region:", ctl.PerRegion)
	fmt.Println("observe:", ctl.Observe)
	fmt.Println("repair: ", ctl.Repair)
	fmt.Println("region used when none is given:", awss3control.DefaultRegion)
	// Output:
	// s3-account-public-access-block [S3.1] initial per region: false
	// observe: s3control:GetPublicAccessBlock
	// repair:  s3control:PutPublicAccessBlock
	// region used when none is given: us-east-1
}
