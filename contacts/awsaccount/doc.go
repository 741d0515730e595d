// Package awsaccount keeps member accounts' AWS alternate contacts (BILLING,
// OPERATIONS, SECURITY) equal to the contacts resellerkit keeps for them (DOMAIN.md
// C-6, seed 004), through the AWS Account Management API
// (github.com/aws/aws-sdk-go-v2/service/account).
//
// # Calling AWS
//
// The reseller owns the payer (management) account, so a Syncer calls
// GetAlternateContact and PutAlternateContact from it with the member account's id
// (AccountId). AWS allows that only from the organization's management account or a
// delegated administrator for AWS Account Management, with all features and
// trusted access for AWS Account Management enabled in AWS Organizations; otherwise
// it answers AccessDeniedException, reported as ErrAccessDenied per type and never
// retried. Sync refuses an empty or malformed account id: without AccountId AWS
// would act on the management account's own contacts. (The management account's
// own contacts are out of scope: AWS wants them changed without AccountId.)
//
// # Mapping
//
// By default (WithMapping replaces it):
//
//	BILLING    ← the billing TO[0]     phone: the desk phone (WithDeskPhone)
//	OPERATIONS ← the technical TO[0]   phone: the desk phone (WithDeskPhone)
//	SECURITY   ← the security TO[0]    phone: the first emergency phone, Phones[0]
//
// AWS keeps one address per type, so the first TO address, the one C-1 guarantees,
// stands for the list; CC addresses have no place in AWS. Name and Title are roles,
// not people (DefaultNames: "Billing team" / "Billing contact", and so on, in
// English, WithNameTitle changes them): the addresses are usually team lists, AWS
// writes to these contacts in English, and seed 004 asks that nothing sensitive go
// in the name or title because AWS may quote them in its mail.
//
// AWS requires a phone number on every contact. C-3 says the emergency phones are
// called, in order, when a security incident occurs and are used for nothing else.
// The SECURITY contact is exactly whom AWS calls about a security incident (seed
// 004: security issues, possible abuse or fraud on the account), so it gets the
// first of them. BILLING (invoices, payment methods) and OPERATIONS (service
// outages, maintenance) calls are not incidents: giving them an emergency phone
// would break C-3, so they get a configured desk phone instead, and fail validation
// (naming the field and the option) until one is set, unless WithTypes leaves them
// out.
//
// Every contact is checked against AWS's limits before any call (Contact.Validate:
// Name ≤ 64, Title ≤ 50, EmailAddress ≤ 254 and AWS's address pattern,
// PhoneNumber ≤ 25 of digits, spaces and "+-()", all four required), failing with a
// *resellerkit.ValidationError whose Field is "<TYPE>.<Field>", wrapping
// contacts.ErrInvalid. A ValidationException from AWS becomes the same, naming the
// fields AWS names.
//
// # Syncing
//
// Sync reads each type, treats ResourceNotFoundException as "AWS holds none",
// compares (email addresses case-insensitively, the rest exactly) and writes only
// what differs, so running it again changes nothing and calls no Put. The Report
// says per type unchanged, created, updated, skipped or failed with its reason, and
// the error joins every failure: one type failing (access denied, validation,
// throttling past the last attempt, a cancelled context) never stops the others and
// is never silent.
//
// Throttling (TooManyRequestsException or any code the SDK counts as throttling) is
// retried with bounded, jittered exponential backoff (WithRetry; WithSleep for
// tests) on top of the SDK client's own retries, then reported as ErrThrottled.
// SyncAll runs many accounts with bounded concurrency (DefaultParallel = 2, as AWS
// Account Management's request quotas are low).
//
// The Syncer never deletes an alternate contact. The SDK's DeleteAlternateContact
// is not even in the interface it calls: a contact we have no value for (a custom
// mapping leaving a type out) may be one the customer set in AWS on purpose, so it
// is reported StatusSkipped and left alone. The default mapping always gives all
// three types, since C-1 gives every category at least one TO address.
package awsaccount
