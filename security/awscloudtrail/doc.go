// Package awscloudtrail checks the baseline's CloudTrail control
// (security.CloudTrail, Security Hub CloudTrail.1 and CloudTrail.4) in a member
// account, over github.com/aws/aws-sdk-go-v2/service/cloudtrail: a multi-region
// trail with log file validation that is logging.
//
// # Observe and repair
//
// The control is global: called with region "", the Check works in its home
// region (WithHomeRegion; by default the region of the Sessions'
// configuration). A multi-region trail is seen from every region, so any region
// answers.
//
// Observe lists the trails the region sees (DescribeTrails, shadow trails
// included, so an organization trail of the management account counts) and
// asks GetTrailStatus, by ARN as AWS requires for shadow and organization
// trails, for each one that is multi-region (IsMultiRegionTrail) with log file
// validation (LogFileValidationEnabled). The control is compliant when one of
// them IsLogging. A trail that vanished between the two calls
// (TrailNotFoundException) is skipped.
//
// Repair does nothing when the control is compliant. Otherwise it works on the
// trail named DefaultTrailName (WithTrailName), in that trail's home region:
//
//   - no such trail: CreateTrail, multi-region, with log file validation and
//     global service events, delivering to the bucket the bucket function gives
//     for the account, then StartLogging;
//   - the trail exists (also when CreateTrail answers
//     TrailAlreadyExistsException, a run racing another): UpdateTrail when it is
//     not multi-region or lacks log file validation, StartLogging when it is not
//     logging.
//
// Running Repair again changes nothing. Only that trail is ever changed: other
// trails (the customer's) are left alone.
//
// # The bucket
//
// Creating the bucket is out of scope. The bucket the function names must exist,
// typically one bucket in the organization's log archive account for every
// member, with a bucket policy letting cloudtrail.amazonaws.com check its ACL
// (s3:GetBucketAcl) and write AWSLogs/<account>/* (s3:PutObject, with
// bucket-owner-full-control), conditioned on aws:SourceArn of the member's trail.
// A missing bucket (S3BucketDoesNotExistException) or a policy that does not
// allow the account (InsufficientS3BucketPolicyException) fails Repair with an
// error wrapping security.ErrInvalid and naming the bucket, as does a nil
// function or an empty name. CloudTrail's first copy of management events is
// free; the cost is S3 storage.
//
// # Permissions
//
// The role assumed in the member account (security/awsfleet) needs:
//
//	cloudtrail:DescribeTrails
//	cloudtrail:GetTrailStatus
//	cloudtrail:CreateTrail
//	cloudtrail:UpdateTrail
//	cloudtrail:StartLogging
//	iam:CreateServiceLinkedRole   (for cloudtrail.amazonaws.com)
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDeniedException wraps
// security.ErrAccessDenied, ThrottlingException security.ErrThrottled, and a
// region not enabled in the account (UnrecognizedClientException, OptInRequired)
// security.ErrRegionDisabled; the SDK's error stays in the chain.
package awscloudtrail
