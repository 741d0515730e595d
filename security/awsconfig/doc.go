// Package awsconfig checks the baseline's AWS Config control
// (security.ConfigRecording, Security Hub Config.1) in a member account and
// region, over github.com/aws/aws-sdk-go-v2/service/configservice: a
// configuration recorder that is recording, and a delivery channel.
//
// # Observe and repair
//
// Observe reads the account's (customer managed) configuration recorder
// (DescribeConfigurationRecorders), its status
// (DescribeConfigurationRecorderStatus) and the delivery channels
// (DescribeDeliveryChannels). The control is compliant when a recorder is
// recording and a delivery channel exists.
//
// Repair completes what is missing, in AWS's order, and only that:
//
//   - no recorder: PutConfigurationRecorder named Settings.RecorderName
//     ("default"), with the role Settings.RoleARN gives, recording all supported
//     resource types, and the global ones (IAM) only in Settings.HomeRegion, so
//     they are recorded, and paid for, once;
//   - no delivery channel: PutDeliveryChannel named Settings.ChannelName
//     ("default") to the bucket Settings.Bucket gives;
//   - not recording: StartConfigurationRecorder.
//
// AWS allows one customer managed recorder and one delivery channel per
// region. An existing recorder (another name, e.g. Control Tower's) is kept as
// it is and started; its recording group is the customer's choice, not
// changed. MaxNumberOfConfigurationRecordersExceededException and
// MaxNumberOfDeliveryChannelsExceededException (a run racing another) count as
// "exists". Running Repair again changes nothing.
//
// # Settings
//
// Creating the bucket and the role is out of scope. The bucket must exist with
// a policy letting config.amazonaws.com check its ACL and write
// AWSLogs/<account>/Config/* (typically one bucket of the organization's log
// archive account), and the role must exist: ServiceLinkedRoleARN names AWS
// Config's service-linked role (AWSServiceRoleForConfig, which Security Hub's
// Config.1 asks for; create it once with iam:CreateServiceLinkedRole for
// config.amazonaws.com). A missing setting, a bucket AWS rejects
// (NoSuchBucketException, InsufficientDeliveryPolicyException) or a role it
// rejects (InvalidRoleException) fails Repair with an error wrapping
// security.ErrInvalid that names it.
//
// # Permissions
//
// The role assumed in the member account (security/awsfleet) needs:
//
//	config:DescribeConfigurationRecorders
//	config:DescribeConfigurationRecorderStatus
//	config:DescribeDeliveryChannels
//	config:PutConfigurationRecorder
//	config:PutDeliveryChannel
//	config:StartConfigurationRecorder
//	iam:PassRole   (on the recorder's role, to config.amazonaws.com)
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDeniedException wraps
// security.ErrAccessDenied, ThrottlingException security.ErrThrottled, and a
// region not enabled in the account (UnrecognizedClientException, OptInRequired)
// security.ErrRegionDisabled; the SDK's error stays in the chain.
package awsconfig
