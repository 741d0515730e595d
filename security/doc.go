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
// observed and repaired:
//
//	managed     CloudTrail multi-region with log validation (CloudTrail.1/.4),
//	            IAM Access Analyzer (IAM.28, per region), the support escalation
//	            role KKASupportRole (P-4), the security alternate contact
//	            (Account.1), root MFA and no root keys (IAM.9/.4, report only)
//	initial     S3 account Block Public Access (S3.1), EBS encryption by default
//	            (EC2.7), IMDSv2 by default (EC2.8), default security groups
//	            closed (EC2.2), the IAM password policy (IAM.7)
//	maintained  GuardDuty (GuardDuty.1), AWS Config recording (Config.1),
//	            Security Hub with FSBP (SecurityHub.1), all per region
//
// An account's Settings (S-2) are its Profile (Basic: managed and initial;
// Secure: also the maintained ones) and explicit choices overriding it;
// EstimateCost prices them in USD per month, per region for regional controls (a
// secure account in one region: $5–15, as the seed warns). Service.UpdateSettings
// saves them with an optimistic version and records who changed what; it needs
// security.edit (reading: account.view), and refuses to turn a managed control off
// (ErrManaged). Changes apply at the next maintenance run.
//
// A Check observes and repairs one control in one account and region; adapters
// implement it per AWS service (security/awsec2, security/awsguardduty,
// security/awss3control, security/awscloudtrail, security/awsconfig,
// security/awssecurityhub, security/awsaccessanalyzer, security/awsiam,
// security/awsaccount) over aws-sdk-go-v2, each behind an unexported interface of
// the SDK operations it calls, reaching member accounts through security/awsfleet
// (a role assumed from the payer) and mapping AWS's errors to ErrAccessDenied,
// ErrUnreachable, ErrRegionDisabled and ErrThrottled (throttling is retried by
// the SDK's retryer first). securitytest.Fleet is a fake fleet for tests.
//
// # Maintenance runs (S-3)
//
// Service.Maintain walks every target account × control with a Check × region
// (once for a global control), Config.Workers accounts at a time (errgroup with a
// limit), and records an Item per cell as soon as it is done: desired (on in the
// settings) and observed state, drift, and the action — none, repaired, reported,
// skipped (off: never observed nor touched), failed (with the error), no_region.
// An unreachable account fails whole after one call, and the others go on. A
// crash leaves the run unfinished: the next Maintain resumes it, skipping the
// items recorded; a repair whose item was lost is observed compliant and not done
// twice. Each account with drift, repairs or failures gets one summary notice to
// its technical contacts per run (contacts, idempotent by run and account).
//
// # Alerts (S-4)
//
// ParseFindings reads findings in the AWS Security Finding Format (GuardDuty's
// and Security Hub's, from GetFindings, an import batch or an EventBridge event).
// Service.Alert routes each finding id once: to the owning organization's account
// (members), stored and notified to the account's security contacts in one
// transaction; a finding at or above Config.IncidentScore (70: HIGH) is an
// incident, whose notice lists the account's emergency phones in call order.
// Security Hub sends a finding again whenever it is updated: a repeat notifies
// nobody, unless its severity rose to the incident score since it was alerted;
// then it is alerted once more, as an incident (phones called), under its id +
// EscalatedSuffix. A finding lowered below the score is a repeat.
//
// # Choices where DOMAIN.md is silent
//
//   - Classes: CloudTrail, Access Analyzer, the support role, the security
//     contact and the root check are managed (the reseller's own duty of care and
//     P-4); S3 Block Public Access is initial rather than managed, as some
//     customers serve public buckets.
//   - An initial control is "set" once it was repaired or found compliant in an
//     account and region; a later drift is reported, not repaired. Turning it off
//     in the settings skips it from then on.
//   - Items of controls without a Check are not recorded: a deployment maintains
//     the controls it has adapters for.
//   - A finding whose account no organization owns (this month), or whose account
//     has no security recipients, is returned as unrouted and not stored, so a
//     later delivery routes it; a repeated finding notifies nobody, even after its
//     severity changed (the first notice stands; the portal lists it).
//   - The summary notice is bilingual in its title and lists control titles in
//     Japanese and English: contacts renders its frame in the account's language.
package security
