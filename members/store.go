package members

import (
	"context"
	"time"
)

// Store is the storage contract of the members domain. It holds no authorization:
// the Service checks permissions before calling it. Every implementation passes
// memberstest.TestStore.
//
// Conventions every method follows:
//
//   - Org scoping (M-7): every read or write of an organization's data takes the
//     organization id and never sees another organization's rows; a row of another
//     organization is reported as ErrNotFound, exactly like a missing one. The few
//     unscoped methods say so and are for trusted system callers only.
//   - Versions: Create* stores the record with Version 1 whatever the argument holds.
//     Update*/Delete* take the version the caller read; if the stored version differs
//     they return ErrConflict and change nothing, otherwise they store the record with
//     Version+1. A missing row is ErrNotFound.
//   - Create* of a row that belongs to an organization (project, account,
//     membership, invitation, application) returns ErrNotFound if that organization
//     does not exist, and stores nothing.
//   - Every error is atomic: a call that fails changes nothing, even inside InTx when
//     the caller handles the error and goes on to commit.
//   - Values are copied in and out: callers may mutate what they pass or receive.
//   - Times are stored and returned in UTC at microsecond precision (the Service
//     truncates); a zero time.Time means "unset" (NULL in SQL).
//   - Lists are ordered by the key named in the comment (byte order of ids) and are
//     empty (nil or zero-length, callers must not care) when nothing matches.
//   - Errors wrap the package sentinels (ErrNotFound, ErrConflict); any other error is
//     an infrastructure failure.
type Store interface {
	// InTx runs fn with a Store bound to one transaction: every call fn makes through
	// tx commits together when fn returns nil, and none is kept when fn returns an
	// error (InTx then returns that error unchanged, so errors.Is works). Multi-row
	// changes (accepting an invitation, bulk edit, member changes with the last-power-
	// user check) run inside InTx. Calling InTx on tx joins the same transaction. tx
	// must not be used after fn returns. Transactions are serializable: two that
	// read then write overlapping data never both commit as if the other had not
	// run. Implementations may run fn more than once when it loses to a concurrent
	// transaction, so fn must have no effect outside tx and must reset any captured
	// output at its start; they return ErrConflict when it still cannot commit.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// CreateOrganization stores a new organization. ErrConflict if the id or the code
	// is already used.
	CreateOrganization(ctx context.Context, o Organization) error
	// GetOrganization returns the organization. ErrNotFound if there is none.
	GetOrganization(ctx context.Context, orgID string) (Organization, error)
	// ListOrganizations returns every organization ordered by ID. Unscoped: for
	// reseller operators and maintenance only.
	ListOrganizations(ctx context.Context) ([]Organization, error)
	// UpdateOrganization stores o's Name, Alias, EnforceMFA and UpdatedAt (never its
	// Code or CreatedAt) if o.Version is current. ErrNotFound, ErrConflict.
	UpdateOrganization(ctx context.Context, o Organization) error

	// CreateProject stores a new project of p.OrgID. ErrConflict if the id is used.
	CreateProject(ctx context.Context, p Project) error
	// GetProject returns the project of orgID. ErrNotFound if none (or another
	// organization's).
	GetProject(ctx context.Context, orgID, projectID string) (Project, error)
	// ListProjects returns the organization's projects ordered by ID.
	ListProjects(ctx context.Context, orgID string) ([]Project, error)
	// UpdateProject stores every field of p except ID, OrgID and CreatedAt if
	// p.Version is current, matching the row by p.OrgID and p.ID. ErrNotFound,
	// ErrConflict.
	UpdateProject(ctx context.Context, p Project) error

	// CreateAccount stores a new account with its ownership history. ErrConflict if
	// an account with the id exists in any organization (an AWS account has one
	// owner). ErrNotFound if the history names a project that is not one of
	// a.OrgID's (M-3, M-7).
	CreateAccount(ctx context.Context, a Account) error
	// GetAccount returns the account of orgID with its ownership history (oldest
	// first). ErrNotFound if none (or another organization's).
	GetAccount(ctx context.Context, orgID, accountID string) (Account, error)
	// ListAccounts returns the organization's accounts ordered by ID.
	ListAccounts(ctx context.Context, orgID string) ([]Account, error)
	// UpdateAccount stores Name, Labels, Ownership (replacing the whole history),
	// ClosedFrom and UpdatedAt if a.Version is current, matching the row by a.OrgID
	// and a.ID (OrgID never changes). ErrNotFound (also when the history names a
	// project that is not one of a.OrgID's, M-3, M-7), ErrConflict.
	UpdateAccount(ctx context.Context, a Account) error
	// FindAccount returns the account with the id in whatever organization holds it.
	// Unscoped: for trusted system callers only (billing's "which project owned
	// account X in month M"); the Service never hands its result to a principal.
	// ErrNotFound if none.
	FindAccount(ctx context.Context, accountID string) (Account, error)

	// CreateMembership stores a new membership. ErrConflict if the identity is
	// already a member of the organization.
	CreateMembership(ctx context.Context, m Membership) error
	// GetMembership returns identityID's membership of orgID. ErrNotFound if none.
	GetMembership(ctx context.Context, orgID, identityID string) (Membership, error)
	// ListMemberships returns the organization's memberships ordered by IdentityID.
	ListMemberships(ctx context.Context, orgID string) ([]Membership, error)
	// ListMembershipsOfIdentity returns the identity's memberships in every
	// organization ordered by OrgID (a person's own view; M-4).
	ListMembershipsOfIdentity(ctx context.Context, identityID string) ([]Membership, error)
	// UpdateMembership stores Email, Type, Permissions and UpdatedAt if m.Version is
	// current. ErrNotFound, ErrConflict.
	UpdateMembership(ctx context.Context, m Membership) error
	// DeleteMembership removes the membership if version is current. ErrNotFound,
	// ErrConflict. Other organizations' memberships of the identity stay (M-9).
	DeleteMembership(ctx context.Context, orgID, identityID string, version int64) error

	// CreateInvitation stores a new invitation. ErrConflict if the id is used, or if
	// inv is pending and the organization already has a pending invitation for the
	// same email (M-8: one pending invitation per address; SQL stores enforce it with
	// a partial unique index, so it holds under any interleaving).
	CreateInvitation(ctx context.Context, inv Invitation) error
	// GetInvitation returns the invitation of orgID. ErrNotFound if none.
	GetInvitation(ctx context.Context, orgID, invitationID string) (Invitation, error)
	// ListInvitations returns the organization's invitations ordered by ID.
	ListInvitations(ctx context.Context, orgID string) ([]Invitation, error)
	// ListInvitationsByEmail returns the invitations addressed to email (compared
	// exactly; the Service stores emails lower-cased) in every organization, ordered
	// by ID: the invitee's own view.
	ListInvitationsByEmail(ctx context.Context, email string) ([]Invitation, error)
	// ListPendingInvitationsExpiring returns, across organizations and ordered by ID,
	// the pending invitations whose ExpiresAt is at or before t. Unscoped:
	// maintenance only (Service.ExpireInvitations).
	ListPendingInvitationsExpiring(ctx context.Context, t time.Time) ([]Invitation, error)
	// UpdateInvitation stores State, AcceptedBy and DecidedAt if inv.Version is
	// current. ErrNotFound, ErrConflict.
	UpdateInvitation(ctx context.Context, inv Invitation) error

	// CreateApplication stores a new application. ErrConflict if the id is used.
	CreateApplication(ctx context.Context, a Application) error
	// GetApplication returns the application of orgID. ErrNotFound if none.
	GetApplication(ctx context.Context, orgID, applicationID string) (Application, error)
	// ListApplications returns the organization's applications ordered by ID.
	ListApplications(ctx context.Context, orgID string) ([]Application, error)
	// UpdateApplication stores State, ReviewedBy, Reason and UpdatedAt if a.Version
	// is current. ErrNotFound, ErrConflict.
	UpdateApplication(ctx context.Context, a Application) error
}
