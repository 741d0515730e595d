package awsec2

import (
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// Checks returns the package's three Checks — EBSDefaultEncryption,
// IMDSv2Default and DefaultSGClosed — over s, for security.Config's Checks. It
// panics if s is nil.
func Checks(s awsfleet.Sessions, optFns ...func(*ec2.Options)) []security.Check {
	return []security.Check{
		NewEBSDefaultEncryption(s, optFns...),
		NewIMDSv2Default(s, optFns...),
		NewDefaultSGClosed(s, optFns...),
	}
}
