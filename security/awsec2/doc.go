// Package awsec2 implements the security baseline's Amazon EC2 controls
// (DOMAIN.md S-1, S-3) as security.Check adapters over aws-sdk-go-v2, one per
// control, each observed and repaired in one account and region:
//
//   - EBSDefaultEncryption (security.EBSDefaultEncryption, Security Hub EC2.7):
//     compliant when EBS encryption by default is on (GetEbsEncryptionByDefault);
//     repaired with EnableEbsEncryptionByDefault, which uses the region's default
//     EBS KMS key (aws/ebs unless the account chose another). Volumes that exist
//     are not encrypted by it.
//   - IMDSv2Default (security.IMDSv2Default, EC2.8 for new instances): compliant
//     when the account-level instance metadata defaults have HttpTokens
//     "required" (GetInstanceMetadataDefaults); repaired with
//     ModifyInstanceMetadataDefaults setting HttpTokens only, so the hop limit and
//     the other defaults stay the account's. Running instances, and launches that
//     set HttpTokens themselves, are unchanged. When a declarative policy of the
//     organization manages the defaults, Observe says so and Repair refuses (the
//     account cannot override the policy; change the policy instead).
//   - DefaultSGClosed (security.DefaultSGClosed, EC2.2): compliant when the
//     default security group of every VPC of the region has no inbound and no
//     outbound rule (DescribeSecurityGroups filtered on group-name "default",
//     every page); repaired with RevokeSecurityGroupIngress and
//     RevokeSecurityGroupEgress of exactly the permissions the group holds. The
//     Detail names each group with rules and how many per direction, counting one
//     rule per CIDR, prefix list or referenced group. A default group that a
//     network interface uses (an instance, a database, a function…) is never
//     closed: the repair names it in an error, for its users to move to groups
//     of their own first.
//
// Every Repair observes first and calls nothing more when the control is
// already compliant, so it is idempotent and safe to re-run after a crash; a
// security group or rule gone between the observation and the revocation
// (InvalidGroup.NotFound, InvalidPermission.NotFound) is not an error.
//
// # Accounts, regions and errors
//
// The constructors take awsfleet.Sessions and build an *ec2.Client from the
// configuration it gives for each account and region (awsfleet.AssumeRole in
// production, awsfleet.Static for one account or tests); optional functions
// adjust every client's ec2.Options. The controls are regional: a region of ""
// uses the Sessions' region, and an error wrapping security.ErrInvalid (a
// *resellerkit.ValidationError on "region") when there is none. AWS's errors
// are mapped by awsfleet.Map, keeping the SDK's error in the chain:
// UnauthorizedOperation and AccessDenied wrap security.ErrAccessDenied;
// OptInRequired and AuthFailure (a region not enabled in the account)
// security.ErrRegionDisabled; RequestLimitExceeded after the SDK's retries
// security.ErrThrottled.
//
// # IAM permissions
//
// The role assumed in the member account needs:
//
//	ec2:GetEbsEncryptionByDefault, ec2:EnableEbsEncryptionByDefault
//	ec2:GetInstanceMetadataDefaults, ec2:ModifyInstanceMetadataDefaults
//	ec2:DescribeSecurityGroups, ec2:DescribeNetworkInterfaces, ec2:RevokeSecurityGroupIngress, ec2:RevokeSecurityGroupEgress
//
// Observing alone needs only the Get and Describe actions.
package awsec2
