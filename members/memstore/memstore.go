package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// Store is an in-memory members.Store, safe for concurrent use. The zero value is
// not usable; call New.
type Store struct {
	db       *memdb.DB
	orgs     *memdb.Records[members.Organization]
	projects *memdb.Records[members.Project]
	accounts *memdb.Records[members.Account]
	members  *memdb.Records[members.Membership] // keyed by org id + "\x00" + identity id
	invs     *memdb.Records[members.Invitation]
	apps     *memdb.Records[members.Application]
}

var _ members.Store = (*Store)(nil)

var errs = memdb.Errors{NotFound: members.ErrNotFound, AlreadyExists: members.ErrAlreadyExists, Conflict: members.ErrConflict}

func records[V any](db *memdb.DB, name string, clone func(V) V, key, scope func(V) string, version func(*V) *int64, merge func(cur, v V) V) *memdb.Records[V] {
	return &memdb.Records[V]{Table: memdb.NewTable[string](db, clone), Name: name, Key: key, Scope: scope, Version: version, Merge: merge, Errors: errs}
}

func same[V any](v V) V { return v }

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of other
// packages may share: like SQL stores on one database, they then run under one lock,
// so a transaction spanning them takes no locks in an order that could deadlock.
func NewOn(db *memdb.DB) *Store {
	memberKey := func(m members.Membership) string { return m.OrgID + "\x00" + m.IdentityID }
	return &Store{db: db,
		orgs: records(db, "organization", same, func(o members.Organization) string { return o.ID }, nil,
			func(o *members.Organization) *int64 { return &o.Version },
			func(cur, o members.Organization) members.Organization {
				cur.Name, cur.Alias, cur.EnforceMFA, cur.UpdatedAt = o.Name, o.Alias, o.EnforceMFA, o.UpdatedAt
				return cur
			}),
		projects: records(db, "project", members.Project.Clone, func(p members.Project) string { return p.ID },
			func(p members.Project) string { return p.OrgID }, func(p *members.Project) *int64 { return &p.Version },
			func(cur, p members.Project) members.Project { p.CreatedAt = cur.CreatedAt; return p }),
		accounts: records(db, "account", members.Account.Clone, func(a members.Account) string { return a.ID },
			func(a members.Account) string { return a.OrgID }, func(a *members.Account) *int64 { return &a.Version },
			func(cur, a members.Account) members.Account { a.CreatedAt = cur.CreatedAt; return a }),
		members: records(db, "membership", members.Membership.Clone, memberKey,
			func(m members.Membership) string { return m.OrgID }, func(m *members.Membership) *int64 { return &m.Version },
			func(cur, m members.Membership) members.Membership {
				cur.Email, cur.Type, cur.Permissions, cur.UpdatedAt = m.Email, m.Type, m.Permissions, m.UpdatedAt
				return cur
			}),
		invs: records(db, "invitation", members.Invitation.Clone, func(i members.Invitation) string { return i.ID },
			func(i members.Invitation) string { return i.OrgID }, func(i *members.Invitation) *int64 { return &i.Version },
			func(cur, i members.Invitation) members.Invitation {
				cur.State, cur.AcceptedBy, cur.DecidedAt = i.State, i.AcceptedBy, i.DecidedAt
				return cur
			}),
		apps: records(db, "application", members.Application.Clone, func(a members.Application) string { return a.ID },
			func(a members.Application) string { return a.OrgID }, func(a *members.Application) *int64 { return &a.Version },
			func(cur, a members.Application) members.Application {
				cur.State, cur.ReviewedBy, cur.Reason, cur.UpdatedAt = a.State, a.ReviewedBy, a.Reason, a.UpdatedAt
				cur.Operation = a.Operation.Clone()
				return cur
			}),
	}
}

// InTx implements members.Store: fn runs holding the store's lock, and its writes
// are kept only when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

func (s *Store) write(ctx context.Context, op func(tx *memdb.Tx) error) error {
	return s.db.Do(ctx, op)
}

// orgExists is the check of every create of an organization's record: no row of a
// missing organization, as the SQL stores' foreign keys ensure.
func (s *Store) orgExists(tx *memdb.Tx, orgID string) func() error {
	return func() error {
		if !s.orgs.Has(tx, orgID) {
			return s.orgs.NotFound(orgID)
		}
		return nil
	}
}

// owners checks a's ownership history (members.CheckOwnership) and that every
// project it names is one of a's organization (M-3, M-7), as the SQL store does.
func (s *Store) owners(tx *memdb.Tx, a members.Account) func() error {
	return func() error {
		if err := members.CheckOwnership(a); err != nil {
			return err
		}
		for _, o := range a.Ownership {
			if _, err := s.projects.Find(tx, o.ProjectID, a.OrgID, o.ProjectID); err != nil {
				return err
			}
		}
		return nil
	}
}

func all[V any](V) bool { return true }

func id[V any](r *memdb.Records[V]) func(V) string { return r.Key }

// CreateOrganization implements members.Store.
func (s *Store) CreateOrganization(ctx context.Context, o members.Organization) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		return s.orgs.Create(tx, o, func() error {
			if s.orgs.Exists(tx, func(x members.Organization) bool { return x.Code == o.Code }) {
				return fmt.Errorf("%w: organization code %q", members.ErrAlreadyExists, o.Code)
			}
			return nil
		})
	})
}

// GetOrganization implements members.Store.
func (s *Store) GetOrganization(ctx context.Context, orgID string) (members.Organization, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Organization, error) { return s.orgs.Find(tx, orgID, "", orgID) })
}

// ListOrganizations implements members.Store.
func (s *Store) ListOrganizations(ctx context.Context, page resellerkit.Page) ([]members.Organization, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Organization, string, error) {
		return s.orgs.Page(tx, page, all, id(s.orgs))
	})
}

// UpdateOrganization implements members.Store.
func (s *Store) UpdateOrganization(ctx context.Context, o members.Organization) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.orgs.Update(tx, o, o.ID) })
}

// CreateProject implements members.Store.
func (s *Store) CreateProject(ctx context.Context, p members.Project) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.projects.Create(tx, p, s.orgExists(tx, p.OrgID)) })
}

// GetProject implements members.Store.
func (s *Store) GetProject(ctx context.Context, orgID, projectID string) (members.Project, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Project, error) { return s.projects.Find(tx, projectID, orgID, projectID) })
}

// ListProjects implements members.Store.
func (s *Store) ListProjects(ctx context.Context, orgID string, page resellerkit.Page) ([]members.Project, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Project, string, error) {
		return s.projects.Page(tx, page, func(p members.Project) bool { return p.OrgID == orgID }, id(s.projects))
	})
}

// UpdateProject implements members.Store.
func (s *Store) UpdateProject(ctx context.Context, p members.Project) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.projects.Update(tx, p, p.ID) })
}

// CreateAccount implements members.Store.
func (s *Store) CreateAccount(ctx context.Context, a members.Account) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.accounts.Create(tx, a, s.orgExists(tx, a.OrgID), s.owners(tx, a)) })
}

// GetAccount implements members.Store.
func (s *Store) GetAccount(ctx context.Context, orgID, accountID string) (members.Account, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Account, error) { return s.accounts.Find(tx, accountID, orgID, accountID) })
}

// ListAccounts implements members.Store.
func (s *Store) ListAccounts(ctx context.Context, orgID string, page resellerkit.Page) ([]members.Account, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Account, string, error) {
		return s.accounts.Page(tx, page, func(a members.Account) bool { return a.OrgID == orgID }, id(s.accounts))
	})
}

// UpdateAccount implements members.Store.
func (s *Store) UpdateAccount(ctx context.Context, a members.Account) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.accounts.Update(tx, a, a.ID, s.owners(tx, a)) })
}

// FindAccount implements members.Store (unscoped).
func (s *Store) FindAccount(ctx context.Context, accountID string) (members.Account, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Account, error) {
		if a, ok := s.accounts.Get(tx, accountID); ok {
			return a, nil
		}
		return members.Account{}, s.accounts.NotFound(accountID)
	})
}

// CreateMembership implements members.Store.
func (s *Store) CreateMembership(ctx context.Context, m members.Membership) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.members.Create(tx, m, s.orgExists(tx, m.OrgID)) })
}

// GetMembership implements members.Store.
func (s *Store) GetMembership(ctx context.Context, orgID, identityID string) (members.Membership, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Membership, error) {
		return s.members.Find(tx, orgID+"\x00"+identityID, orgID, identityID)
	})
}

// ListMemberships implements members.Store.
func (s *Store) ListMemberships(ctx context.Context, orgID string, page resellerkit.Page) ([]members.Membership, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Membership, string, error) {
		return s.members.Page(tx, page, func(m members.Membership) bool { return m.OrgID == orgID },
			func(m members.Membership) string { return m.IdentityID })
	})
}

// ListMembershipsOfIdentity implements members.Store. Keys start with the
// organization id, so key order is organization order.
func (s *Store) ListMembershipsOfIdentity(ctx context.Context, identityID string, page resellerkit.Page) ([]members.Membership, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Membership, string, error) {
		return s.members.Page(tx, page, func(m members.Membership) bool { return m.IdentityID == identityID },
			func(m members.Membership) string { return m.OrgID })
	})
}

// UpdateMembership implements members.Store.
func (s *Store) UpdateMembership(ctx context.Context, m members.Membership) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.members.Update(tx, m, m.IdentityID) })
}

// DeleteMembership implements members.Store.
func (s *Store) DeleteMembership(ctx context.Context, orgID, identityID string, version int64) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		return s.members.Remove(tx, orgID+"\x00"+identityID, orgID, identityID, version)
	})
}

// CreateInvitation implements members.Store. One pending invitation per address
// and organization (M-8), as the SQL stores' partial unique index.
func (s *Store) CreateInvitation(ctx context.Context, inv members.Invitation) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		return s.invs.Create(tx, inv, s.orgExists(tx, inv.OrgID), func() error {
			if inv.State == members.InvitationPending && s.invs.Exists(tx, func(x members.Invitation) bool {
				return x.OrgID == inv.OrgID && x.Email == inv.Email && x.State == members.InvitationPending
			}) {
				return fmt.Errorf("%w: %s already has a pending invitation", members.ErrAlreadyExists, inv.Email)
			}
			return nil
		})
	})
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(ctx context.Context, orgID, invitationID string) (members.Invitation, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Invitation, error) {
		return s.invs.Find(tx, invitationID, orgID, invitationID)
	})
}

func (s *Store) listInvitations(ctx context.Context, page resellerkit.Page, keep func(members.Invitation) bool) ([]members.Invitation, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Invitation, string, error) {
		return s.invs.Page(tx, page, keep, id(s.invs))
	})
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(ctx context.Context, orgID string, page resellerkit.Page) ([]members.Invitation, string, error) {
	return s.listInvitations(ctx, page, func(i members.Invitation) bool { return i.OrgID == orgID })
}

// ListInvitationsByEmail implements members.Store.
func (s *Store) ListInvitationsByEmail(ctx context.Context, email string, page resellerkit.Page) ([]members.Invitation, string, error) {
	return s.listInvitations(ctx, page, func(i members.Invitation) bool { return i.Email == email })
}

// ListPendingInvitationsExpiring implements members.Store (unscoped).
func (s *Store) ListPendingInvitationsExpiring(ctx context.Context, t time.Time, page resellerkit.Page) ([]members.Invitation, string, error) {
	return s.listInvitations(ctx, page, func(i members.Invitation) bool {
		return i.State == members.InvitationPending && !i.ExpiresAt.After(t)
	})
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(ctx context.Context, inv members.Invitation) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.invs.Update(tx, inv, inv.ID) })
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(ctx context.Context, a members.Application) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.apps.Create(tx, a, s.orgExists(tx, a.OrgID)) })
}

// GetApplication implements members.Store.
func (s *Store) GetApplication(ctx context.Context, orgID, applicationID string) (members.Application, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (members.Application, error) {
		return s.apps.Find(tx, applicationID, orgID, applicationID)
	})
}

// ListApplications implements members.Store.
func (s *Store) ListApplications(ctx context.Context, orgID string, page resellerkit.Page) ([]members.Application, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]members.Application, string, error) {
		return s.apps.Page(tx, page, func(a members.Application) bool { return a.OrgID == orgID }, id(s.apps))
	})
}

// UpdateApplication implements members.Store.
func (s *Store) UpdateApplication(ctx context.Context, a members.Application) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.apps.Update(tx, a, a.ID) })
}
