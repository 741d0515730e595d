// Package awssecurityhub checks the baseline's Security Hub control
// (security.SecurityHubFSBP, Security Hub SecurityHub.1) in a member account and
// region, over github.com/aws/aws-sdk-go-v2/service/securityhub: AWS Security
// Hub (CSPM) enabled with the AWS Foundational Security Best Practices standard
// (FSBP, FSBPStandardARN).
//
// # Observe and repair
//
// Observe calls DescribeHub: InvalidAccessException ("not subscribed") or
// ResourceNotFoundException means Security Hub is not enabled. When it is,
// GetEnabledStandards (every page) finds the FSBP subscription: the control is
// compliant when its status is READY. PENDING (being enabled) is not compliant
// yet, but Repair leaves it alone.
//
// Repair enables Security Hub when needed, with EnableSecurityHub and
// EnableDefaultStandards false: the defaults would also subscribe CIS, whose
// controls double the findings and the cost, so only FSBP is enabled, by
// BatchEnableStandards. ResourceConflictException (already enabled, already
// subscribed) counts as done, and a subscription READY or PENDING is not asked
// for again, so running Repair again changes nothing. A subscription being
// deleted (DELETING) cannot be enabled until AWS has finished: Repair fails and
// the next run repairs it. A subscription that FAILED or is INCOMPLETE is asked
// for again.
//
// Security Hub is paid per check and finding ingested; the catalogue's cost
// range (security.Lookup) is per region at a small account's usage.
//
// # Permissions
//
// The role assumed in the member account (security/awsfleet) needs:
//
//	securityhub:DescribeHub
//	securityhub:GetEnabledStandards
//	securityhub:EnableSecurityHub
//	securityhub:BatchEnableStandards
//	iam:CreateServiceLinkedRole   (for securityhub.amazonaws.com, the first time)
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDeniedException wraps
// security.ErrAccessDenied, ThrottlingException and TooManyRequestsException
// security.ErrThrottled, and a region not enabled in the account
// (UnrecognizedClientException, OptInRequired) security.ErrRegionDisabled.
// Security Hub also answers LimitExceededException (HTTP 429) when it throttles;
// this package maps it to security.ErrThrottled too. The SDK's error stays in
// the chain.
package awssecurityhub
