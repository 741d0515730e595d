package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// Store is an in-memory members.Store. It is safe for concurrent use; values are
// copied on the way in and out. The zero value is not usable; call New.
type Store struct {
	mu   *sync.Mutex
	st   *state
	inTx bool // a transaction view: the mutex is already held by InTx
}

var _ members.Store = (*Store)(nil)

type state struct {
	orgs     map[string]members.Organization
	projects map[string]members.Project // by project id
	accounts map[string]members.Account // by account id
	members  map[memberKey]members.Membership
	invs     map[string]members.Invitation
	apps     map[string]members.Application
}

type memberKey struct{ org, identity string }

// New returns an empty Store.
func New() *Store {
	return &Store{mu: new(sync.Mutex), st: &state{
		orgs:     map[string]members.Organization{},
		projects: map[string]members.Project{},
		accounts: map[string]members.Account{},
		members:  map[memberKey]members.Membership{},
		invs:     map[string]members.Invitation{},
		apps:     map[string]members.Application{},
	}}
}

// clone copies the maps; the values are copied on every read and write, so sharing
// their slices between the copy and the original is safe.
func (s *state) clone() *state {
	return &state{
		orgs:     maps.Clone(s.orgs),
		projects: maps.Clone(s.projects),
		accounts: maps.Clone(s.accounts),
		members:  maps.Clone(s.members),
		invs:     maps.Clone(s.invs),
		apps:     maps.Clone(s.apps),
	}
}

func (s *Store) lock() func() {
	if s.inTx {
		return func() {}
	}
	s.mu.Lock()
	return s.mu.Unlock
}

// InTx runs fn on a private copy of the data under the store's lock and keeps the
// copy only when fn returns nil, so transactions are serial and all-or-nothing.
func (s *Store) InTx(ctx context.Context, fn func(tx members.Store) error) error {
	if s.inTx {
		return fn(s)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &Store{mu: s.mu, st: s.st.clone(), inTx: true}
	if err := fn(tx); err != nil {
		return err
	}
	s.st = tx.st
	return nil
}

func notFound(what, id string) error { return fmt.Errorf("%w: %s %q", members.ErrNotFound, what, id) }

func conflict(what, id, why string) error {
	return fmt.Errorf("%w: %s %q: %s", members.ErrConflict, what, id, why)
}

func stale(what, id string, have, want int64) error {
	return conflict(what, id, fmt.Sprintf("stale version %d, current is %d", have, want))
}

func sorted[T any](m map[string]T, keep func(T) bool, clone func(T) T) []T {
	var out []T
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if v := m[k]; keep(v) {
			out = append(out, clone(v))
		}
	}
	return out
}

func same[T any](v T) T { return v }

// CreateOrganization implements members.Store.
func (s *Store) CreateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	if _, ok := s.st.orgs[o.ID]; ok {
		return conflict("organization", o.ID, "id exists")
	}
	for _, x := range s.st.orgs {
		if x.Code == o.Code {
			return conflict("organization code", o.Code, "code exists")
		}
	}
	o.Version = 1
	s.st.orgs[o.ID] = o
	return nil
}

// GetOrganization implements members.Store.
func (s *Store) GetOrganization(_ context.Context, orgID string) (members.Organization, error) {
	defer s.lock()()
	o, ok := s.st.orgs[orgID]
	if !ok {
		return members.Organization{}, notFound("organization", orgID)
	}
	return o, nil
}

// ListOrganizations implements members.Store.
func (s *Store) ListOrganizations(_ context.Context) ([]members.Organization, error) {
	defer s.lock()()
	return sorted(s.st.orgs, func(members.Organization) bool { return true }, same), nil
}

// UpdateOrganization implements members.Store.
func (s *Store) UpdateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	cur, ok := s.st.orgs[o.ID]
	if !ok {
		return notFound("organization", o.ID)
	}
	if cur.Version != o.Version {
		return stale("organization", o.ID, o.Version, cur.Version)
	}
	cur.Name, cur.Alias, cur.EnforceMFA, cur.UpdatedAt = o.Name, o.Alias, o.EnforceMFA, o.UpdatedAt
	cur.Version++
	s.st.orgs[o.ID] = cur
	return nil
}

// CreateProject implements members.Store.
func (s *Store) CreateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	if _, ok := s.st.projects[p.ID]; ok {
		return conflict("project", p.ID, "id exists")
	}
	p = p.Clone()
	p.Version = 1
	s.st.projects[p.ID] = p
	return nil
}

// GetProject implements members.Store.
func (s *Store) GetProject(_ context.Context, orgID, projectID string) (members.Project, error) {
	defer s.lock()()
	p, ok := s.st.projects[projectID]
	if !ok || p.OrgID != orgID {
		return members.Project{}, notFound("project", projectID)
	}
	return p.Clone(), nil
}

// ListProjects implements members.Store.
func (s *Store) ListProjects(_ context.Context, orgID string) ([]members.Project, error) {
	defer s.lock()()
	return sorted(s.st.projects, func(p members.Project) bool { return p.OrgID == orgID }, members.Project.Clone), nil
}

// UpdateProject implements members.Store.
func (s *Store) UpdateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	cur, ok := s.st.projects[p.ID]
	if !ok || cur.OrgID != p.OrgID {
		return notFound("project", p.ID)
	}
	if cur.Version != p.Version {
		return stale("project", p.ID, p.Version, cur.Version)
	}
	p = p.Clone()
	p.CreatedAt = cur.CreatedAt
	p.Version = cur.Version + 1
	s.st.projects[p.ID] = p
	return nil
}

// CreateAccount implements members.Store.
func (s *Store) CreateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	if _, ok := s.st.accounts[a.ID]; ok {
		return conflict("account", a.ID, "id exists")
	}
	a = a.Clone()
	a.Version = 1
	s.st.accounts[a.ID] = a
	return nil
}

// GetAccount implements members.Store.
func (s *Store) GetAccount(_ context.Context, orgID, accountID string) (members.Account, error) {
	defer s.lock()()
	a, ok := s.st.accounts[accountID]
	if !ok || a.OrgID != orgID {
		return members.Account{}, notFound("account", accountID)
	}
	return a.Clone(), nil
}

// ListAccounts implements members.Store.
func (s *Store) ListAccounts(_ context.Context, orgID string) ([]members.Account, error) {
	defer s.lock()()
	return sorted(s.st.accounts, func(a members.Account) bool { return a.OrgID == orgID }, members.Account.Clone), nil
}

// UpdateAccount implements members.Store.
func (s *Store) UpdateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	cur, ok := s.st.accounts[a.ID]
	if !ok || cur.OrgID != a.OrgID {
		return notFound("account", a.ID)
	}
	if cur.Version != a.Version {
		return stale("account", a.ID, a.Version, cur.Version)
	}
	a = a.Clone()
	a.CreatedAt = cur.CreatedAt
	a.Version = cur.Version + 1
	s.st.accounts[a.ID] = a
	return nil
}

// FindAccount implements members.Store.
func (s *Store) FindAccount(_ context.Context, accountID string) (members.Account, error) {
	defer s.lock()()
	a, ok := s.st.accounts[accountID]
	if !ok {
		return members.Account{}, notFound("account", accountID)
	}
	return a.Clone(), nil
}

// CreateMembership implements members.Store.
func (s *Store) CreateMembership(_ context.Context, m members.Membership) error {
	defer s.lock()()
	k := memberKey{m.OrgID, m.IdentityID}
	if _, ok := s.st.members[k]; ok {
		return conflict("membership", m.IdentityID, "already a member")
	}
	m = m.Clone()
	m.Version = 1
	s.st.members[k] = m
	return nil
}

// GetMembership implements members.Store.
func (s *Store) GetMembership(_ context.Context, orgID, identityID string) (members.Membership, error) {
	defer s.lock()()
	m, ok := s.st.members[memberKey{orgID, identityID}]
	if !ok {
		return members.Membership{}, notFound("membership", identityID)
	}
	return m.Clone(), nil
}

func (s *Store) memberships(keep func(members.Membership) bool, order func(a, b members.Membership) int) []members.Membership {
	var out []members.Membership
	for _, m := range s.st.members {
		if keep(m) {
			out = append(out, m.Clone())
		}
	}
	slices.SortFunc(out, order)
	return out
}

// ListMemberships implements members.Store.
func (s *Store) ListMemberships(_ context.Context, orgID string) ([]members.Membership, error) {
	defer s.lock()()
	return s.memberships(func(m members.Membership) bool { return m.OrgID == orgID },
		func(a, b members.Membership) int { return cmp.Compare(a.IdentityID, b.IdentityID) }), nil
}

// ListMembershipsOfIdentity implements members.Store.
func (s *Store) ListMembershipsOfIdentity(_ context.Context, identityID string) ([]members.Membership, error) {
	defer s.lock()()
	return s.memberships(func(m members.Membership) bool { return m.IdentityID == identityID },
		func(a, b members.Membership) int { return cmp.Compare(a.OrgID, b.OrgID) }), nil
}

// UpdateMembership implements members.Store.
func (s *Store) UpdateMembership(_ context.Context, m members.Membership) error {
	defer s.lock()()
	k := memberKey{m.OrgID, m.IdentityID}
	cur, ok := s.st.members[k]
	if !ok {
		return notFound("membership", m.IdentityID)
	}
	if cur.Version != m.Version {
		return stale("membership", m.IdentityID, m.Version, cur.Version)
	}
	cur.Email, cur.Type, cur.Permissions, cur.UpdatedAt = m.Email, m.Type, slices.Clone(m.Permissions), m.UpdatedAt
	cur.Version++
	s.st.members[k] = cur
	return nil
}

// DeleteMembership implements members.Store.
func (s *Store) DeleteMembership(_ context.Context, orgID, identityID string, version int64) error {
	defer s.lock()()
	k := memberKey{orgID, identityID}
	cur, ok := s.st.members[k]
	if !ok {
		return notFound("membership", identityID)
	}
	if cur.Version != version {
		return stale("membership", identityID, version, cur.Version)
	}
	delete(s.st.members, k)
	return nil
}

// CreateInvitation implements members.Store.
func (s *Store) CreateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	if _, ok := s.st.invs[inv.ID]; ok {
		return conflict("invitation", inv.ID, "id exists")
	}
	inv = inv.Clone()
	inv.Version = 1
	s.st.invs[inv.ID] = inv
	return nil
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(_ context.Context, orgID, invitationID string) (members.Invitation, error) {
	defer s.lock()()
	inv, ok := s.st.invs[invitationID]
	if !ok || inv.OrgID != orgID {
		return members.Invitation{}, notFound("invitation", invitationID)
	}
	return inv.Clone(), nil
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(_ context.Context, orgID string) ([]members.Invitation, error) {
	defer s.lock()()
	return sorted(s.st.invs, func(i members.Invitation) bool { return i.OrgID == orgID }, members.Invitation.Clone), nil
}

// ListInvitationsByEmail implements members.Store.
func (s *Store) ListInvitationsByEmail(_ context.Context, email string) ([]members.Invitation, error) {
	defer s.lock()()
	return sorted(s.st.invs, func(i members.Invitation) bool { return i.Email == email }, members.Invitation.Clone), nil
}

// ListPendingInvitationsExpiring implements members.Store.
func (s *Store) ListPendingInvitationsExpiring(_ context.Context, t time.Time) ([]members.Invitation, error) {
	defer s.lock()()
	return sorted(s.st.invs, func(i members.Invitation) bool {
		return i.State == members.InvitationPending && !i.ExpiresAt.After(t)
	}, members.Invitation.Clone), nil
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	cur, ok := s.st.invs[inv.ID]
	if !ok || cur.OrgID != inv.OrgID {
		return notFound("invitation", inv.ID)
	}
	if cur.Version != inv.Version {
		return stale("invitation", inv.ID, inv.Version, cur.Version)
	}
	cur.State, cur.AcceptedBy, cur.DecidedAt = inv.State, inv.AcceptedBy, inv.DecidedAt
	cur.Version++
	s.st.invs[inv.ID] = cur
	return nil
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	if _, ok := s.st.apps[a.ID]; ok {
		return conflict("application", a.ID, "id exists")
	}
	a.Version = 1
	s.st.apps[a.ID] = a
	return nil
}

// GetApplication implements members.Store.
func (s *Store) GetApplication(_ context.Context, orgID, applicationID string) (members.Application, error) {
	defer s.lock()()
	a, ok := s.st.apps[applicationID]
	if !ok || a.OrgID != orgID {
		return members.Application{}, notFound("application", applicationID)
	}
	return a, nil
}

// ListApplications implements members.Store.
func (s *Store) ListApplications(_ context.Context, orgID string) ([]members.Application, error) {
	defer s.lock()()
	return sorted(s.st.apps, func(a members.Application) bool { return a.OrgID == orgID }, same), nil
}

// UpdateApplication implements members.Store.
func (s *Store) UpdateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	cur, ok := s.st.apps[a.ID]
	if !ok || cur.OrgID != a.OrgID {
		return notFound("application", a.ID)
	}
	if cur.Version != a.Version {
		return stale("application", a.ID, a.Version, cur.Version)
	}
	cur.State, cur.ReviewedBy, cur.Reason, cur.UpdatedAt = a.State, a.ReviewedBy, a.Reason, a.UpdatedAt
	cur.Version++
	s.st.apps[a.ID] = cur
	return nil
}
