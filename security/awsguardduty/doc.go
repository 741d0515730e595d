// Package awsguardduty implements the security baseline's Amazon GuardDuty
// control (security.GuardDuty, Security Hub GuardDuty.1; DOMAIN.md S-1, S-3) as
// a security.Check over aws-sdk-go-v2, observed and repaired in one account and
// region.
//
// Observe lists the region's detectors (ListDetectors, every page) and reads
// each (GetDetector): the control is compliant when one has Status ENABLED.
// GuardDuty allows one detector per account and region; the Detail names it and
// its status, or says there is none.
//
// Repair observes first and calls nothing more when a detector is enabled. With
// no detector it creates one enabled (CreateDetector with Enable, GuardDuty's
// defaults otherwise: findings published every six hours and the protection
// plans GuardDuty turns on for a new detector, which are what the catalogue's
// cost range assumes); with a disabled one it enables it (UpdateDetector with
// Enable). A detector that exists is never an error: when CreateDetector is
// refused (BadRequestException "a detector already exists", or
// ConflictException) because another run or the organization's GuardDuty
// delegated administrator created one meanwhile, Repair observes again and
// enables that detector if it must; only when there is still none is the
// refusal returned. Repair never disables a detector, deletes one or changes
// its protection plans. In an organization whose GuardDuty delegated
// administrator manages the members, a member account may be refused
// UpdateDetector: the error is returned as AWS gives it.
//
// # Accounts, regions and errors
//
// New takes awsfleet.Sessions and builds a *guardduty.Client from the
// configuration it gives for each account and region (awsfleet.AssumeRole in
// production, awsfleet.Static for one account or tests); optional functions
// adjust every client's guardduty.Options. The control is regional: a region of
// "" uses the Sessions' region, and an error wrapping security.ErrInvalid (a
// *resellerkit.ValidationError on "region") when there is none. AWS's errors
// are mapped by awsfleet.Map, keeping the SDK's error in the chain
// (errors.As(err, new(*types.AccessDeniedException)) still holds):
// AccessDeniedException wraps security.ErrAccessDenied;
// UnrecognizedClientException (a region not enabled in the account)
// security.ErrRegionDisabled; ThrottlingException and TooManyRequestsException
// after the SDK's retries security.ErrThrottled.
//
// # IAM permissions
//
// The role assumed in the member account needs:
//
//	guardduty:ListDetectors, guardduty:GetDetector
//	guardduty:CreateDetector, guardduty:UpdateDetector
//	iam:CreateServiceLinkedRole on
//	  arn:aws:iam::*:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty
//	  (with iam:AWSServiceName guardduty.amazonaws.com), for the first detector
//
// Observing alone needs only the List and Get actions.
package awsguardduty
