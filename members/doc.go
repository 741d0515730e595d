// Package members is the tenant model of resellerkit: organizations, their projects,
// AWS accounts and members, invitations and applications (DOMAIN.md §1, rules M-1 to
// M-11).
//
// # Model
//
// An Organization is the tenant, usually one contracting company (M-1). Its Code is
// unique and immutable; customers edit only its Alias (shown instead of the Name) and
// its EnforceMFA flag. A Project belongs to one organization and is the unit of
// invoicing: one invoice per project per month (M-2); it carries the plan, payment
// method (bank transfer or card), invoice currency (JPY or USD), 1..6 TO and 0..6 CC
// invoice recipients and the billing settings the billing package reads.
//
// An Account is an AWS account, a 12-digit id, owned by exactly one project at any
// time (M-3). Its Ownership history says which project owns it from which UTC month
// (resellerkit.Month); moving it to another project of the same organization takes
// effect from the next UTC month, so the whole current month is billed to the
// project owning it at month end. Billing asks Service.BilledProjects(ctx, month)
// (every project with the accounts it owns that month; package billing/membersource
// turns the answer into billing's projects); Service.ProjectOwning answers for one
// account id. Moving to a project of another organization fails.
//
// A person (an identity; identities arrive with the identity package, here they are
// an id and an email inside a Principal) joins many organizations through a
// Membership per organization (M-4): a power user holds every permission plus user
// management; a general user holds an explicit set of the Permissions of M-5. A
// permission whose prerequisite is missing from the set is rejected with a
// *resellerkit.ValidationError naming the missing one (NormalizePermissions); nothing
// is granted silently.
//
// An Invitation (M-8) offers a membership to an email address; it is pending until
// accepted, rejected, revoked or expired, and accepting it creates the membership in
// the same transaction. An Application (M-11) asks the reseller for an account
// closure, a change of owner, a new account, an account transfer-in or a new project,
// and moves through submitted → in_review → completed | rejected, or is cancelled by
// its applicant before review. A completed closure ends the account's billing at the
// end of the month of completion (Account.ClosedFrom).
//
// # Authorization
//
// Check is the pure decision every Service operation makes first, in this order:
// isolation (M-7: a membership of exactly that organization), the EnforceMFA gate
// (M-6: ErrMFARequired before any permission check), then the permission (M-4,
// M-5). Denial is ErrPermissionDenied. An organization the caller does not belong to
// is denied exactly like one that does not exist, and inside an organization an id
// of another organization is ErrNotFound exactly like a missing id, so no answer
// reveals what another organization holds. The Store is org-scoped too: every read
// and write of tenant data takes the organization id, so isolation holds at the
// storage layer as well (checked by memberstest.TestStore).
//
// # Storage and concurrency
//
// Service runs over a Store (memstore in memory, sqlstore on SQLite or PostgreSQL).
// Every mutable aggregate carries a Version; a write with a stale version gets
// ErrConflict and changes nothing; a create whose key is taken gets
// ErrAlreadyExists. Multi-row changes (accepting an invitation, bulk edit, moving an
// account, member changes guarded by the last-power-user rule) run in one
// Store.InTx transaction, which travels in the context: every Store call made with
// the transaction's context is part of it, and so is every call into another
// package's store on the same database (package sqldb; in memory, any memstore). A
// Service method called with a transaction's context joins that transaction, so a
// program can commit a members change and, say, the notice it causes as one.
// Member changes that could remove the last power user also bump the organization's
// version inside the transaction, so two concurrent demotions conflict instead of
// both passing the check (M-9).
//
// Lists page by keyset (resellerkit.Page): a stable order of a unique key, at most
// resellerkit.MaxPageLimit items, and a next-page token; a token no list returned is
// a *resellerkit.ValidationError on field "page_token".
//
// # Bulk edit
//
// EditAccounts is the one bulk edit (M-10) every package builds on: in one
// transaction it authorizes the principal, checks that each of at most
// MaxBulkAccounts listed accounts is the organization's, and hands them to the
// package's own apply function with the transaction's context, so contacts or
// security write their per-account data in that same transaction and a failure
// anywhere changes nothing. BulkEditAccounts is members' own (name and labels).
//
// # Choices where DOMAIN.md is silent
//
//   - Reseller staff act through a Principal with Operator set: they act on every
//     organization without a membership, and only they register accounts and review,
//     complete or reject applications. They still pass the M-6 gate.
//   - org.edit lets a general user create and edit projects and move accounts; editing
//     the organization record itself and managing members and invitations is for power
//     users only (PermUserManage, not grantable).
//   - A bulk edit needs contacts.edit or security.edit (AccountEditPermissions); members'
//     own edit of display name and labels needs contacts.edit. A batch holds at most
//     MaxBulkAccounts (1,000) accounts; past that it is refused, not truncated.
//   - An account is billed from the month it is registered. Its id is unique across
//     organizations (an AWS account has one payer).
//   - Organization codes are 2..32 of a-z, 0-9 and '-'. Names, aliases, plans and
//     labels are at most 200 characters of text without control characters; an
//     account has at most 20 labels. Emails are single bare addresses, stored
//     lower-cased.
//   - An invitation expires at CreatedAt + TTL (DefaultInvitationTTL, 7 days,
//     configurable with WithInvitationTTL); at that instant it is already expired.
//     Accepting an expired invitation marks it expired and fails. ExpireInvitations is
//     the idempotent maintenance sweep. One pending invitation per address and
//     organization.
//   - Any member may leave an organization; the last power user can neither leave nor
//     be removed or demoted (M-9). Turning EnforceMFA on requires the caller to have
//     signed in with MFA, so a power user cannot lock everyone out.
//   - Update inputs carry the Version the caller read, and it is required: a version
//     below 1 is a *resellerkit.ValidationError on field "version" (there is no
//     blind last-writer-wins write); a stale one is ErrConflict. An update that
//     changes nothing writes nothing and keeps the version.
//   - Applications (M-11) take only the fields their kind uses (see
//     NewApplication); any other field is rejected, and every project named must be
//     the organization's. Stores also refuse an ownership history naming a project of
//     another organization. An account has at most one open (submitted or in review)
//     closure or change of owner, and one open transfer-in, per organization: a
//     second one is ErrAlreadyExists naming the open one, checked in the
//     transaction that files it, so two AWS operations are never asked for one
//     account.
//   - Every write authorizes the principal again inside its own transaction, so a
//     member removed, demoted or locked out by EnforceMFA in between writes nothing.
//     Operators pass the M-6 gate too, also when listing organizations.
//   - Store transactions are serializable and may be retried: Service closures reset
//     their captured outputs and have no effect outside the transaction.
//   - A Principal is trusted input: only the application's authentication layer
//     builds it from verified credentials; it is never decoded from client data.
package members
