// Package support is the reseller's support desk (DOMAIN.md §5, P-1 … P-6):
// cases about an AWS account of an organization, their conversation and state
// machine, service-level clocks on business hours with Japanese holidays,
// escalation to AWS Support through a role in the customer's account, and
// retention.
//
// # Model
//
// A Case (P-1) names an AWS account of its organization, a Category (technical,
// account_billing), a Severity (AWS Support's low … critical), a subject, a body,
// CC addresses and a language. Opening one needs support.inquire (M-5) and an
// account the organization owns; the desk (Config.Desk) is told. Replies come
// from either side (Customer or Desk, the reseller's operators), with attachments
// as references to where the files are kept, and each is announced to the other
// side through contacts (KindSupportReply, idempotent per reply): the desk's to
// the inquirer and the case's CC, a customer's to the desk.
//
// States (P-3): open → in_progress ↔ waiting_on_customer → resolved → closed, a
// resolved case reopened to in_progress, and rejected (final) for a request the
// desk classifies out of scope (P-6: ThirdPartySoftware, CustomerCode), whose
// reason the inquirer is told in Japanese and English. Only the desk moves a case;
// a customer's reply moves one waiting on the customer (or resolved) back to
// in_progress. Invalid moves are ErrTransition; stale versions ErrConflict.
//
// # Service levels (P-2)
//
// A Policy gives each category its Hours (package support/hours: Always for
// technical cases, JapanBusinessHours — weekdays 09:00–17:00 JST, the Cabinet
// Office's public holidays and 12/29–1/3 closed — for account and billing) and
// each category and severity a first-response and a resolution Target in business
// time (DefaultPolicy). Policy.Evaluate gives a case's two clocks at an instant:
// business time used (the time in waiting_on_customer excluded), the due time
// (pushed back by each wait), and the state — running, at_risk (past AtRisk,
// 75 %), breached, paused, met or missed; a due time past the end of the holiday
// list is Provisional. Service.Queue lists the desk's open cases with their
// clocks, filtered by state (e.g. at risk or breached).
//
// # Escalation (P-4) and retention (P-5)
//
// Service.Escalate opens a case with AWS Support for the case's account through an
// Escalator (support/awssupport: the Support API called through the role
// KKASupportRole kept in the account, assumed from the payer) and records it; a
// case is escalated once. Service.Purge deletes the cases created more than
// Retention (12) months ago with their replies, and reports them; running it again
// removes nothing more.
//
// # Choices where DOMAIN.md is silent
//
//   - A customer needs support.inquire to open, read, list and reply; the desk is
//     an operator acting for the whole reseller (not through an API key bound to
//     one organization).
//   - The desk's first reply stops the first-response clock; resolution stops the
//     resolution clock, and reopening restarts it from the original creation
//     (the time resolved counts, as in Zendesk's default).
//   - A rejected case's resolution clock stops at the rejection.
//   - An escalation is not retried automatically: when the call to AWS succeeded
//     but recording it failed, a second Escalate opens a second AWS case (AWS's
//     CreateCase has no idempotency token); the desk sees the AWS case id in the
//     error and on AWS's console.
package support
