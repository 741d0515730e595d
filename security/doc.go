// Package security keeps the security baseline of a reseller's AWS accounts
// (DOMAIN.md §4, S-1 … S-4): a catalogue of controls, each account's settings
// with their estimated cost, maintenance runs that find drift and repair it, and
// security alerts routed to the account's security contacts.
//
// # Model
//
// The catalogue (Catalog) lists the controls (S-1), each with the AWS Security
// Hub control ids it corresponds to, a Class — Managed (required: always on,
// repaired at every run), Initial (set once when the account is issued, then the
// customer's), Maintained (opt-in, on in the Secure profile, restored at every
// run) — whether it is regional, its estimated monthly cost range and how it is
// observed and repaired. An account's Settings (S-2) are its Profile (Basic or
// Secure) and explicit choices; EstimateCost prices them.
//
// A Check observes and repairs one control in one account and region; adapters
// implement it per AWS service (security/awsec2, security/awsguardduty, …) over
// aws-sdk-go-v2, reaching member accounts through security/awsfleet (a role
// assumed from the payer) and mapping AWS's errors to ErrAccessDenied,
// ErrRegionDisabled and ErrThrottled.
package security
