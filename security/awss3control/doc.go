// Package awss3control implements the security baseline's account-level S3
// Block Public Access control (security.S3PublicAccessBlock, Security Hub S3.1;
// DOMAIN.md S-1, S-3) as a security.Check over aws-sdk-go-v2's Amazon S3
// Control client.
//
// Observe reads the account's public access block (GetPublicAccessBlock with
// AccountId the account): the control is compliant when BlockPublicAcls,
// IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all true. An
// account that never set it answers NoSuchPublicAccessBlockConfiguration (the
// SDK's *types.NoSuchPublicAccessBlockConfiguration), which Observe reports as
// not compliant, not as an error. The Detail names the settings that are off.
//
// Repair observes first and calls nothing more when all four are on; otherwise
// it puts the configuration with all four true (PutPublicAccessBlock, which
// replaces the account's configuration whole and is idempotent). Buckets that
// need public access are then refused it: that is the control's intent (S3.1),
// and why the control is Initial (set when the account is issued; the customer
// may change it afterwards).
//
// # Accounts, regions and errors
//
// The setting is global to the account: a Check is called with region "" and
// uses the Sessions' region, or DefaultRegion when it has none (any region's S3
// Control endpoint serves it). S3 Control names the account in the request (in
// the x-amz-account-id header and in front of the endpoint's host), so account
// must be a 12-digit account id: anything else is an error wrapping
// security.ErrInvalid (a *resellerkit.ValidationError on "account") with no call
// made.
//
// New takes awsfleet.Sessions and builds an *s3control.Client from the
// configuration it gives for each account (awsfleet.AssumeRole in production,
// awsfleet.Static for one account or tests); optional functions adjust every
// client's s3control.Options. AWS's errors are mapped by awsfleet.Map, keeping
// the SDK's error in the chain: AccessDenied wraps security.ErrAccessDenied;
// InvalidClientTokenId security.ErrRegionDisabled; SlowDown,
// TooManyRequestsException and Throttling after the SDK's retries
// security.ErrThrottled.
//
// # IAM permissions
//
// The role assumed in the member account needs s3:GetAccountPublicAccessBlock
// to observe and s3:PutAccountPublicAccessBlock to repair (S3 Control's
// operations are authorized by these s3 actions). An organization's SCP or
// declarative policy may also deny the change; the error is returned as AWS
// gives it.
package awss3control
