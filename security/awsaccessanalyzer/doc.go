// Package awsaccessanalyzer checks the baseline's IAM Access Analyzer control
// (security.AccessAnalyzer, Security Hub IAM.28) in a member account and region,
// over github.com/aws/aws-sdk-go-v2/service/accessanalyzer.
//
// # Observe and repair
//
// Observe lists the account analyzers of the region (ListAnalyzers, type
// ACCOUNT, every page): the control is compliant when one of them is ACTIVE. An
// analyzer of the organization (type ORGANIZATION) lives in the management or
// delegated administrator account, not in the member, so it does not count here.
//
// Repair creates an account analyzer named DefaultName (WithName changes it)
// with CreateAnalyzer. It does nothing when an analyzer is already ACTIVE or
// still CREATING, and a ConflictException (an analyzer of that name exists, a
// run raced another) counts as done: running it again is harmless. An analyzer
// of that name that is FAILED or DISABLED is no repair: Repair fails with an
// error wrapping security.ErrInvalid naming it and its status, since it must be
// deleted before one of its name can be created. Access Analyzer of type
// ACCOUNT (external access) costs nothing.
//
// # Permissions
//
// The role assumed in the member account (security/awsfleet) needs:
//
//	access-analyzer:ListAnalyzers
//	access-analyzer:CreateAnalyzer
//	iam:CreateServiceLinkedRole   (for access-analyzer.amazonaws.com, the first time)
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDeniedException wraps
// security.ErrAccessDenied, ThrottlingException security.ErrThrottled, and a
// region not enabled in the account (UnrecognizedClientException, OptInRequired)
// security.ErrRegionDisabled; the SDK's error stays in the chain.
package awsaccessanalyzer
