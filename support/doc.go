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
//     an operator acting for the whole reseller (an operator's key bound to one
//     organization is refused), does not open cases, and signs in with MFA to see
//     its queue of every organization's cases.
//   - The desk's first reply stops the first-response clock; so does the end of a
//     case without one (resolved, closed, rejected). Resolution stops the
//     resolution clock; reopening restarts it without counting the time the case
//     stayed resolved (a pause, like waiting on the customer).
//   - The desk's own notices (a new case, a customer's reply) belong to no
//     organization, so a customer listing its notices never sees the desk's
//     addresses; when the inquirer has no address (an API key), the CC are told.
//   - Attachments are references: https:// or s3:// only, with a plain file name.
//   - Escalation is claimed on the case before AWS is called, so two desks open
//     one AWS case; a claim left by a crash during the call is given up after
//     EscalationTimeout (the AWS case may exist: AWS's CreateCase has no
//     idempotency token, so the desk checks AWS's console first). So is one left
//     by a call whose outcome is unknown: cut off by the end of the request's
//     context, or failing with ErrEscalationUnknown (AWS may have acted, the
//     answer was lost). Only an error saying AWS did not act gives the claim back.
//   - The purge removes cases 12 months after creation whatever their state (P-5
//     counts from creation); the notices sent about them are contacts' and are
//     not purged with them.
package support
