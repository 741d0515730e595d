// Package membersource answers billing's question "which projects are invoiced in
// month M, with which accounts and settings" from package members: the members-backed
// billing.ProjectSource (M-2, M-3).
//
// A project in members keeps its identity, invoice currency and the names of its
// billing settings (members.BillingSettings: pricing plan, support-fee rule,
// exchange-rate policy); an account's ownership history says which project owns it
// in each month. Source asks members.Service.BilledProjects for the month (the
// project owning an account at the month's end is billed the whole month; an
// account whose closure completed is billed up to the month of completion, M-11)
// and resolves each project's names in a billing.Plans catalog; for one
// organization's current charges it asks BilledProjectsOf, which reads that
// organization's projects and accounts only (Source.ProjectsOfOrg, a
// billing.OrgProjectSource). So an operator keeps
// no file in step with the database: moving an account in the portal moves it on
// the next month's invoice.
//
// Choices where DOMAIN.md is silent:
//
//   - A project that owns no account in the month gets no invoice (a config file's
//     projects always do: it names its accounts itself).
//   - A setting name the catalog lacks, or a JPY project whose exchange-rate policy
//     has no rate for the month, stops the run with an error naming the project and
//     the field: money is never guessed (B-10).
//   - Custom line items (B-6) come from the project's pricing plan; members keeps
//     none per project.
//   - The answer is read page by page, outside any transaction, so the invoicing job
//     never blocks the portal's writes. A month that has ended always gets the same
//     answer (ownership changes take effect from the next month); for the running
//     month an account registered meanwhile may or may not be included.
package membersource
