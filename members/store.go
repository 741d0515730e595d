package members

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Store is the storage contract of the members domain. It holds no authorization:
// the Service checks permissions before calling it. Every implementation passes
// memberstest.TestStore.
//
// Conventions every method follows:
//
//   - Transactions travel in the context: InTx hands its callback a context, and
//     every call made with it is part of the transaction. Stores sharing one
//     database (sqldb, or in memory memdb) join one transaction, so a change spanning
//     several packages commits as one.
//   - Org scoping (M-7): every read or write of an organization's data takes the
//     organization id and never sees another organization's rows; a row of another
//     organization is reported as ErrNotFound, exactly like a missing one. The few
//     unscoped methods say so and are for trusted system callers only.
//   - Versions: Create* stores the record with Version 1 whatever the argument holds.
//     Update*/Delete* take the version the caller read; if the stored version differs
//     they return ErrConflict and change nothing, otherwise they store the record with
//     Version+1. A missing row is ErrNotFound.
//   - Uniqueness: a Create* whose key (or other unique value) is taken returns
//     ErrAlreadyExists; ErrConflict is kept for stale versions and lost races.
//   - Create* of a row that belongs to an organization (project, account,
//     membership, invitation, application) returns ErrNotFound if that organization
//     does not exist, and stores nothing.
//   - Every error is atomic: a call that fails changes nothing, even inside InTx when
//     the caller handles the error and goes on to commit.
//   - Values are copied in and out: callers may mutate what they pass or receive.
//   - Times are stored and returned in UTC at microsecond precision (the Service
//     truncates); a zero time.Time or Month means "unset" (NULL in SQL).
//   - Lists page by keyset (resellerkit.Page): in the byte order of the key named in
//     the comment, at most page.Size() items after page.Token's position, with the
//     next page's token ("" after the last page). Paging while rows are added or
//     removed never returns a row twice. A token no list made is an error wrapping
//     resellerkit.ErrPageToken. An empty page is nil or zero-length (callers must
//     not care).
//   - Errors wrap the package sentinels (ErrNotFound, ErrAlreadyExists,
//     ErrConflict); any other error is an infrastructure failure.
type Store interface {
	// InTx runs fn in one transaction: every call made with fn's context commits
	// together when fn returns nil, and none is kept when fn returns an error (InTx
	// then returns that error unchanged, so errors.Is works). Called with a context
	// that already carries a transaction, InTx joins it, and a failing fn undoes only
	// its own writes. Transactions are serializable: two that read then write
	// overlapping data never both commit as if the other had not run.
	// Implementations may run fn more than once when it loses to a concurrent
	// transaction, so fn must have no effect outside the transaction and must reset
	// any captured output at its start; they return ErrConflict when it still cannot
	// commit.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateOrganization stores a new organization. ErrAlreadyExists if the id or
	// the code is already used.
	CreateOrganization(ctx context.Context, o Organization) error
	// GetOrganization returns the organization. ErrNotFound if there is none.
	GetOrganization(ctx context.Context, orgID string) (Organization, error)
	// ListOrganizations returns a page of every organization, ordered by ID.
	// Unscoped: for reseller operators and maintenance only.
	ListOrganizations(ctx context.Context, page resellerkit.Page) ([]Organization, string, error)
	// UpdateOrganization stores o's Name, Alias, EnforceMFA and UpdatedAt (never its
	// Code or CreatedAt) if o.Version is current. ErrNotFound, ErrConflict.
	UpdateOrganization(ctx context.Context, o Organization) error

	// CreateProject stores a new project of p.OrgID. ErrAlreadyExists if the id is
	// used.
	CreateProject(ctx context.Context, p Project) error
	// GetProject returns the project of orgID. ErrNotFound if none (or another
	// organization's).
	GetProject(ctx context.Context, orgID, projectID string) (Project, error)
	// ListProjects returns a page of the organization's projects ordered by ID.
	ListProjects(ctx context.Context, orgID string, page resellerkit.Page) ([]Project, string, error)
	// UpdateProject stores every field of p except ID, OrgID and CreatedAt if
	// p.Version is current, matching the row by p.OrgID and p.ID. ErrNotFound,
	// ErrConflict.
	UpdateProject(ctx context.Context, p Project) error

	// CreateAccount stores a new account with its ownership history.
	// ErrAlreadyExists if an account with the id exists in any organization (an AWS
	// account has one owner). ErrNotFound if the history names a project that is not
	// one of a.OrgID's (M-3, M-7).
	CreateAccount(ctx context.Context, a Account) error
	// GetAccount returns the account of orgID with its ownership history (oldest
	// first). ErrNotFound if none (or another organization's).
	GetAccount(ctx context.Context, orgID, accountID string) (Account, error)
	// ListAccounts returns a page of the organization's accounts ordered by ID.
	ListAccounts(ctx context.Context, orgID string, page resellerkit.Page) ([]Account, string, error)
	// UpdateAccount stores Name, Labels, Ownership (replacing the whole history),
	// ClosedFrom and UpdatedAt if a.Version is current, matching the row by a.OrgID
	// and a.ID (OrgID never changes). ErrNotFound (also when the history names a
	// project that is not one of a.OrgID's, M-3, M-7), ErrConflict.
	UpdateAccount(ctx context.Context, a Account) error
	// FindAccount returns the account with the id in whatever organization holds it.
	// Unscoped: for trusted system callers that start from an account id (routing a
	// finding or an alarm, Service.ProjectOwning); the Service never hands its result
	// to a principal.
	// ErrNotFound if none.
	FindAccount(ctx context.Context, accountID string) (Account, error)

	// CreateMembership stores a new membership. ErrAlreadyExists if the identity is
	// already a member of the organization.
	CreateMembership(ctx context.Context, m Membership) error
	// GetMembership returns identityID's membership of orgID. ErrNotFound if none.
	GetMembership(ctx context.Context, orgID, identityID string) (Membership, error)
	// ListMemberships returns a page of the organization's memberships ordered by
	// IdentityID.
	ListMemberships(ctx context.Context, orgID string, page resellerkit.Page) ([]Membership, string, error)
	// ListMembershipsOfIdentity returns a page of the identity's memberships in every
	// organization ordered by OrgID (a person's own view; M-4).
	ListMembershipsOfIdentity(ctx context.Context, identityID string, page resellerkit.Page) ([]Membership, string, error)
	// UpdateMembership stores Email, Type, Permissions and UpdatedAt if m.Version is
	// current. ErrNotFound, ErrConflict.
	UpdateMembership(ctx context.Context, m Membership) error
	// DeleteMembership removes the membership if version is current. ErrNotFound,
	// ErrConflict. Other organizations' memberships of the identity stay (M-9).
	DeleteMembership(ctx context.Context, orgID, identityID string, version int64) error

	// CreateInvitation stores a new invitation. ErrAlreadyExists if the id is used,
	// or if inv is pending and the organization already has a pending invitation for
	// the same email (M-8: one pending invitation per address; SQL stores enforce it
	// with a partial unique index, so it holds under any interleaving).
	CreateInvitation(ctx context.Context, inv Invitation) error
	// GetInvitation returns the invitation of orgID. ErrNotFound if none.
	GetInvitation(ctx context.Context, orgID, invitationID string) (Invitation, error)
	// ListInvitations returns a page of the organization's invitations ordered by ID.
	ListInvitations(ctx context.Context, orgID string, page resellerkit.Page) ([]Invitation, string, error)
	// ListInvitationsByEmail returns a page of the invitations addressed to email
	// (compared exactly; the Service stores emails lower-cased) in every
	// organization, ordered by ID: the invitee's own view.
	ListInvitationsByEmail(ctx context.Context, email string, page resellerkit.Page) ([]Invitation, string, error)
	// ListPendingInvitationsExpiring returns a page of the pending invitations, across
	// organizations and ordered by ID, whose ExpiresAt is at or before t. Unscoped:
	// maintenance only (Service.ExpireInvitations).
	ListPendingInvitationsExpiring(ctx context.Context, t time.Time, page resellerkit.Page) ([]Invitation, string, error)
	// UpdateInvitation stores State, AcceptedBy and DecidedAt if inv.Version is
	// current. ErrNotFound, ErrConflict.
	UpdateInvitation(ctx context.Context, inv Invitation) error

	// CreateApplication stores a new application. ErrAlreadyExists if the id is used.
	CreateApplication(ctx context.Context, a Application) error
	// GetApplication returns the application of orgID. ErrNotFound if none.
	GetApplication(ctx context.Context, orgID, applicationID string) (Application, error)
	// ListApplications returns a page of the organization's applications ordered by
	// ID.
	ListApplications(ctx context.Context, orgID string, page resellerkit.Page) ([]Application, string, error)
	// UpdateApplication stores State, ReviewedBy, Reason, Operation and UpdatedAt
	// if a.Version is current. ErrNotFound, ErrConflict.
	UpdateApplication(ctx context.Context, a Application) error
}
