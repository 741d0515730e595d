// Command maintenance is the security baseline's maintenance job of a reseller
// (DOMAIN.md §4, S-1 … S-4): one maintenance run over every AWS account of every
// organization, on the database the portal uses, and the routing of security
// findings to the accounts' security contacts.
//
//	go run ./examples/maintenance -db portal.db -config adapters.json -regions ap-northeast-1,us-east-1
//	go run ./examples/maintenance -db portal.db -simulate                 # a simulated fleet: no AWS
//	go run ./examples/maintenance -db portal.db -config adapters.json -accounts 123456789012
//	go run ./examples/maintenance -db portal.db -alerts findings.json     # or -alerts - for stdin
//
// # A maintenance run
//
// The accounts are every account of every organization this UTC month
// (members.Service.BilledProjects: the project owning each account, so its
// organization; an account closed before the month is in none), or those -accounts
// names. security.Service.Maintain compares, per account × control × region, the
// account's settings (saved in the portal, S-2) with what AWS shows, records each
// item, repairs the drift of managed and maintained controls and sets the initial
// ones of the accounts -issue names, those being issued (S-1; an id there that no
// organization has this month is refused; on the others initial drift is only
// reported), and sends each account with drift or failures one summary
// notice to its technical contacts (the contacts outbox: the portal's dispatcher
// or examples/notifier delivers it). The report is printed on stdout as one JSON
// object, the run with its totals and its items (money-free: the costs are the
// settings' estimate, which the portal shows):
//
//	{"run": {"id", "state", "started_at", "finished_at", "regions", "items", "drifted", "repaired", "failed"},
//	 "resumed": false,
//	 "items": [{"org_id", "account_id", "control", "region", "desired", "compliant", "observed",
//	            "drift", "action", "detail", "error", "at"}, …]}
//
// and a summary line on stderr:
//
//	maintenance: 5 accounts, 100 items: 74 drifted, 69 repaired, 0 failed
//
// A run is safe to repeat: every item is recorded as soon as it is done, and after
// a crash (or a database error, which stops the run) the same command resumes the
// unfinished run without repairing anything twice. An account whose role cannot be
// assumed fails whole and the others go on. A summary notice that cannot be
// written to the outbox does not stop the run, which finishes and is printed, but
// is named on stderr and the command exits with status 1: running it again would
// not write it (the next run has nothing new to say), so tell those contacts.
// SIGINT or SIGTERM stop the run with status 1 and nothing on stdout, the items
// done recorded: the same command resumes it.
//
// # AWS
//
// Without -simulate the 13 controls are checked by the adapters security/aws…
// with the default AWS configuration (environment, shared files, instance role:
// the payer's credentials), reaching each member account through
// security/awsfleet.AssumeRole with -role (default OrganizationAccountAccessRole)
// and -external-id; the security alternate contact is read and written from the
// payer itself (security/awsaccount), from the account's contacts in the
// database. -workers accounts are maintained at once (default 8). -config names a
// JSON file with what the adapters need (strict: an unknown field is an error;
// {account} in a bucket or a role ARN stands for the account id):
//
//	{
//	  "home_region": "ap-northeast-1",
//	  "cloudtrail": {"bucket": "example-log-archive", "trail_name": "resellerkit-baseline"},
//	  "config": {"bucket": "example-config-archive", "role_arn": "", "key_prefix": "config"},
//	  "support_role": {"principal": "111122223333", "role_name": "KKASupportRole"},
//	  "access_analyzer": {"name": "resellerkit-baseline"},
//	  "password_policy": {"minimum_length": 14, "max_age_days": 90},
//	  "incident_score": 70
//	}
//
// cloudtrail.bucket, config.bucket and support_role.principal are required; the
// rest has defaults: the home region is the first of -regions (where the trail
// lives and AWS Config records the global resource types), AWS Config's role is
// its service-linked role (awsconfig.ServiceLinkedRoleARN), the password policy
// CIS's (awsiam.DefaultPolicy, fields given override it), the incident score 70
// (HIGH). Each adapter's documentation lists the permissions its role needs.
//
// # -simulate
//
// -simulate maintains a securitytest.Fleet instead of AWS (it takes no -config),
// for demos and tests: a fresh account has every control drifted, and each
// account is as the last run that reached it left it (what that run found
// compliant or repaired stays so), so a second run repairs nothing. Everything else is real: the run, its items and
// its summary notices are written to the database like those of a run on AWS.
//
// # Alerts
//
// -alerts FILE reads ASFF findings (security.ParseFindings: a Security Hub
// GetFindings answer or import batch, an EventBridge event, or an array) and
// routes them (security.Service.Alert, S-4): each finding id once, to its
// account's security contacts, an incident (score from incident_score of
// -config) with the emergency phones. It prints what happened as JSON ("new",
// "repeated", "incidents", "unrouted") and a summary line on stderr; a finding of
// an account no organization owns, or without security recipients, is unrouted
// and not kept, so a later delivery routes it. -url is the portal's origin for
// the links in the notices.
package main
