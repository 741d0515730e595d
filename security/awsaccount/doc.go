// Package awsaccount checks the baseline's security alternate contact control
// (security.SecurityContact, Security Hub Account.1) of a member account: AWS
// must know whom to tell about a security issue on the account (C-6). It
// works over github.com/aws/aws-sdk-go-v2/service/account and reuses
// contacts/awsaccount's Syncer to write the contact.
//
// # Calling AWS from the payer
//
// Unlike the other adapters, this Check does not assume a role in the member
// account: AWS Account Management lets the organization's management account
// (or a delegated administrator for AWS Account Management) read and write a
// member's alternate contacts with the member's AccountId, with trusted access
// for AWS Account Management enabled in AWS Organizations; see
// contacts/awsaccount. New therefore takes the payer's aws.Config. The account
// id must be 12 digits (an error wrapping security.ErrInvalid otherwise):
// without AccountId AWS would act on the management account's own contacts,
// which are out of scope. The region is ignored (a global control).
//
// # Observe and repair
//
// Observe calls GetAlternateContact (type SECURITY, AccountId): compliant when
// the account has a security alternate contact, as Account.1 asks;
// ResourceNotFoundException means it has none. Keeping the contact equal to
// ours is contacts/awsaccount's job when contacts change (C-6), not this
// control's.
//
// Repair reads the account's contacts through the function given to New and
// syncs the SECURITY type only (contacts/awsaccount.Syncer with WithTypes
// SECURITY, whatever other options are given): the first security TO address
// with the first emergency phone, by default (contacts/awsaccount's mapping).
// The Syncer reads before it writes, so running Repair again writes nothing. An
// account without contacts (the function answers contacts.ErrNotFound), or whose
// contacts cannot make an alternate contact (no security address, no emergency
// phone: contacts.ErrInvalid), fails with an error naming the account that wraps
// security.ErrInvalid. The Syncer retries throttled calls itself.
//
// # Permissions
//
// The payer's (or delegated administrator's) credentials need:
//
//	account:GetAlternateContact
//	account:PutAlternateContact
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDeniedException (also: the caller
// is not the management account, or trusted access is off) wraps
// security.ErrAccessDenied, TooManyRequestsException security.ErrThrottled;
// the SDK's error stays in the chain. No role is assumed, so none of them is
// security.ErrUnreachable.
package awsaccount
