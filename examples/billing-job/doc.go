// Command billing-job is the monthly billing job of a reseller (DOMAIN.md §2,
// B-12 … B-16): it ingests the month's AWS cost reports into the database the
// portal uses, evaluates the charge alarms, issues the month's qualified invoices
// and audits them against the stored data. The notices it causes (invoice issued,
// charge alarm) are written to the contacts outbox in the same transactions, and
// delivered by the portal's dispatcher, examples/notifier, or its own deliver step.
//
//	go run ./examples/billing-job -db portal.db -source s3://cur-bucket/cur \
//	    -plans plans.json -issuer-name "リセラー株式会社" -issuer-registration T1234567890123
//	go run ./examples/billing-job -db portal.db -source ./bucket-copy -prefix cur -period 2026-10 …
//	go run ./examples/billing-job -db portal.db -source … -steps ingest,alarms   # daily: charges and alarms only
//
// Steps, in order (-steps chooses; default ingest,alarms,issue,audit):
//
//   - ingest: billing/reports finds the newest version of each report of -period
//     (default: the previous UTC month, or the current one when the steps include
//     neither issue nor audit, as the daily run's: from the 1st it follows the new
//     month, and AWS's last versions of the closed month are ingested by the
//     monthly run, so keep ingest among its steps) in a directory laid out like
//     the report bucket (-source DIR -prefix P) or in S3 (-source
//     s3://bucket/prefix, with the default AWS credentials; -s3-endpoint for an
//     S3-compatible store), and
//     billing.Service.Ingest stores each one, streaming its files: a progress line
//     per file on stderr at every tenth read. A version already stored is
//     "unchanged" without being read; an older one is refused (B-14).
//   - alarms: billing.Service.EvaluateAlarms notifies each alarm over its
//     threshold once per month (B-15).
//   - issue: billing.Service.IssueInvoices issues the month's invoices from the
//     calendar's issue day (-issue-day, default the 10th, Japan time) with their
//     due date (-due end_of_next_month or days:N), one line per invoice (B-12,
//     B-16).
//   - audit: billing.Service.Audit recomputes the month from the stored data and
//     fails the job when an issued figure does not follow from it (a restatement
//     after issue is reported, not failed: its credits carry to the next invoice).
//   - deliver (optional): one dispatcher pass over the outbox with the transport
//     flags of contacts/transports (-mail log|smtp|ses|webhook …).
//
// Organizations, projects, accounts and contacts are the portal's (the same -db);
// pricing plans, support fees and exchange-rate policies come from -plans
// (billing.DecodePlans), their names from each project's billing settings. -url
// is the portal's origin: the links in the notices (origin + /orgs/…) open its web
// UI, which answers each with the page that shows what it names, as for the
// portal's own notices.
//
// # Re-running is safe
//
// Every step is idempotent and each write is one transaction, so after a failure
// or a crash at any point the same command is run again: an ingested version is
// not ingested twice, an alarm that fired this month does not fire again, an
// issued invoice is returned as it was (same number, same figures) and its notice
// not written twice. The tests kill the job (BILLING_JOB_CRASH_AT names the point:
// after a step, after a version is stored, after an invoice is issued), run it
// again and compare the database with a run that was never interrupted.
//
// It exits with status 0 when every chosen step succeeded, else 1 with the error
// on stderr after the report lines of the steps done (stdout): a step's error, an
// audit difference not explained by a restatement, or SIGINT or SIGTERM, which
// stop the step in flight (its transaction rolled back): run it again.
//
// -now runs the job as if at another time (a back-dated run, or tests): the issue
// calendar and the dates on invoices follow it.
package main
