package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// Store is an in-memory members.Store. It is safe for concurrent use; values are
// copied on the way in and out. The zero value is not usable; call New.
//
// Transactions behave like the SQL store's SERIALIZABLE ones, seen from the Service:
// they run concurrently, each on a private snapshot, and are validated when fn
// returns (optimistic concurrency control). A transaction that read or wrote a row,
// or listed a set of rows, that a transaction committed after its snapshot changed,
// loses: InTx runs fn again on a fresh snapshot (so fn must have no effects outside
// tx, as with sqlstore) and, after maxAttempts losses, returns ErrConflict. Two
// transactions that both read then write the same rows can therefore never both
// commit, and neither can two that each check a set (say, the power users of an
// organization) and then change different members of it (no write skew).
type Store struct {
	mu *sync.Mutex
	sh *shared
	st *state // the committed state (sh.st) or, in a transaction, its private copy
	tx *txlog // non-nil in a transaction-bound Store
}

var _ members.Store = (*Store)(nil)

// maxAttempts bounds how many times InTx runs fn when it loses to concurrent
// transactions (sqldb's default is the same).
const maxAttempts = 8

type state struct {
	orgs     map[string]members.Organization
	projects map[string]members.Project // by project id
	accounts map[string]members.Account // by account id
	members  map[memberKey]members.Membership
	invs     map[string]members.Invitation
	apps     map[string]members.Application
}

type memberKey struct{ org, identity string }

// shared is the committed state and the commit sequence numbers of every row key
// and every listed scope, guarded by mu.
type shared struct {
	st       *state
	seq      int64
	keySeq   map[string]int64
	scopeSeq map[string]int64
}

// txlog records what a transaction read and wrote since its snapshot.
type txlog struct {
	snap   int64
	reads  map[string]bool                  // row keys read (or checked for absence)
	scopes map[string]bool                  // scopes listed
	writes map[string]func(dst, src *state) // row key -> copy the row from src to dst
	wscope map[string][]string              // row key -> the scopes its write changes
}

// New returns an empty Store.
func New() *Store {
	st := &state{
		orgs:     map[string]members.Organization{},
		projects: map[string]members.Project{},
		accounts: map[string]members.Account{},
		members:  map[memberKey]members.Membership{},
		invs:     map[string]members.Invitation{},
		apps:     map[string]members.Application{},
	}
	return &Store{mu: new(sync.Mutex), st: st, sh: &shared{st: st, keySeq: map[string]int64{}, scopeSeq: map[string]int64{}}}
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
	if s.tx != nil {
		return func() {} // a transaction works on its private copy
	}
	s.mu.Lock()
	return s.mu.Unlock
}

// readKey records that the transaction depends on row key k.
func (s *Store) readKey(k string) {
	if s.tx != nil {
		s.tx.reads[k] = true
	}
}

// readScope records that the transaction listed scope sc.
func (s *Store) readScope(sc string) {
	if s.tx != nil {
		s.tx.scopes[sc] = true
	}
}

// wrote records a write of row key k that changes scopes; apply copies the row from
// a transaction's state to the committed one. Outside a transaction the write is
// already in the committed state (the lock is held) and only the sequence numbers
// move.
func (s *Store) wrote(k string, apply func(dst, src *state), scopes ...string) {
	if s.tx != nil {
		s.tx.writes[k] = apply
		s.tx.wscope[k] = scopes
		return
	}
	s.sh.bump(k, scopes)
}

func (sh *shared) bump(k string, scopes []string) {
	sh.seq++
	sh.keySeq[k] = sh.seq
	for _, sc := range scopes {
		sh.scopeSeq[sc] = sh.seq
	}
}

// row returns the apply function copying one row of the map pick selects.
func row[K comparable, V any](pick func(*state) map[K]V, k K) func(dst, src *state) {
	return func(dst, src *state) {
		if v, ok := pick(src)[k]; ok {
			pick(dst)[k] = v
		} else {
			delete(pick(dst), k)
		}
	}
}

// valid reports whether nothing the transaction depends on was committed after its
// snapshot. Called with mu held.
func (l *txlog) valid(sh *shared) bool {
	for k := range l.reads {
		if sh.keySeq[k] > l.snap {
			return false
		}
	}
	for k := range l.writes {
		if sh.keySeq[k] > l.snap {
			return false
		}
	}
	for sc := range l.scopes {
		if sh.scopeSeq[sc] > l.snap {
			return false
		}
	}
	return true
}

// InTx runs fn on a private snapshot of the data, concurrently with other
// transactions, and commits its writes when fn returns nil and no transaction
// committed since the snapshot changed what fn read, listed or wrote. Otherwise it
// runs fn again (at most maxAttempts times in all, then ErrConflict). fn's own error
// is returned unchanged and nothing is kept. Calling InTx on tx joins the same
// transaction. A transaction-bound Store must not be shared between goroutines.
func (s *Store) InTx(ctx context.Context, fn func(tx members.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.Lock()
		tx := &Store{mu: s.mu, sh: s.sh, st: s.sh.st.clone(), tx: &txlog{
			snap: s.sh.seq, reads: map[string]bool{}, scopes: map[string]bool{},
			writes: map[string]func(dst, src *state){}, wscope: map[string][]string{},
		}}
		s.mu.Unlock()
		if err := fn(tx); err != nil {
			return err
		}
		s.mu.Lock()
		ok := tx.tx.valid(s.sh)
		if ok {
			for _, k := range slices.Sorted(maps.Keys(tx.tx.writes)) {
				tx.tx.writes[k](s.sh.st, tx.st)
				s.sh.bump(k, tx.tx.wscope[k])
			}
		}
		s.mu.Unlock()
		if ok {
			return nil
		}
		if attempt >= maxAttempts {
			return fmt.Errorf("%w: memstore: transaction lost to concurrent ones %d times", members.ErrConflict, attempt)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(attempt) * int64(time.Millisecond))))
	}
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

func orgsOf(st *state) map[string]members.Organization     { return st.orgs }
func projectsOf(st *state) map[string]members.Project      { return st.projects }
func accountsOf(st *state) map[string]members.Account      { return st.accounts }
func membersOf(st *state) map[memberKey]members.Membership { return st.members }
func invsOf(st *state) map[string]members.Invitation       { return st.invs }
func appsOf(st *state) map[string]members.Application      { return st.apps }

// CreateOrganization implements members.Store.
func (s *Store) CreateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	s.readKey("org:" + o.ID)
	s.readScope("org|*") // the code must be unique
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
	s.wrote("org:"+o.ID, row(orgsOf, o.ID), "org|*")
	return nil
}

// GetOrganization implements members.Store.
func (s *Store) GetOrganization(_ context.Context, orgID string) (members.Organization, error) {
	defer s.lock()()
	s.readKey("org:" + orgID)
	o, ok := s.st.orgs[orgID]
	if !ok {
		return members.Organization{}, notFound("organization", orgID)
	}
	return o, nil
}

// ListOrganizations implements members.Store.
func (s *Store) ListOrganizations(_ context.Context) ([]members.Organization, error) {
	defer s.lock()()
	s.readScope("org|*")
	return sorted(s.st.orgs, func(members.Organization) bool { return true }, same), nil
}

// UpdateOrganization implements members.Store.
func (s *Store) UpdateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	s.readKey("org:" + o.ID)
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
	s.wrote("org:"+o.ID, row(orgsOf, o.ID), "org|*")
	return nil
}

// CreateProject implements members.Store.
func (s *Store) CreateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	s.readKey("proj:" + p.ID)
	if _, ok := s.st.projects[p.ID]; ok {
		return conflict("project", p.ID, "id exists")
	}
	if err := s.checkOrg(p.OrgID); err != nil {
		return err
	}
	p = p.Clone()
	p.Version = 1
	s.st.projects[p.ID] = p
	s.wrote("proj:"+p.ID, row(projectsOf, p.ID), "proj|"+p.OrgID, "proj|*")
	return nil
}

// GetProject implements members.Store.
func (s *Store) GetProject(_ context.Context, orgID, projectID string) (members.Project, error) {
	defer s.lock()()
	s.readKey("proj:" + projectID)
	p, ok := s.st.projects[projectID]
	if !ok || p.OrgID != orgID {
		return members.Project{}, notFound("project", projectID)
	}
	return p.Clone(), nil
}

// ListProjects implements members.Store.
func (s *Store) ListProjects(_ context.Context, orgID string) ([]members.Project, error) {
	defer s.lock()()
	s.readScope("proj|" + orgID)
	return sorted(s.st.projects, func(p members.Project) bool { return p.OrgID == orgID }, members.Project.Clone), nil
}

// UpdateProject implements members.Store.
func (s *Store) UpdateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	s.readKey("proj:" + p.ID)
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
	s.wrote("proj:"+p.ID, row(projectsOf, p.ID), "proj|"+p.OrgID, "proj|*")
	return nil
}

// CreateAccount implements members.Store.
func (s *Store) CreateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	s.readKey("acct:" + a.ID)
	if _, ok := s.st.accounts[a.ID]; ok {
		return conflict("account", a.ID, "id exists")
	}
	if err := s.checkOrg(a.OrgID); err != nil {
		return err
	}
	if err := s.checkOwners(a); err != nil {
		return err
	}
	a = a.Clone()
	a.Version = 1
	s.st.accounts[a.ID] = a
	s.wrote("acct:"+a.ID, row(accountsOf, a.ID), "acct|"+a.OrgID, "acct|*")
	return nil
}

// GetAccount implements members.Store.
func (s *Store) GetAccount(_ context.Context, orgID, accountID string) (members.Account, error) {
	defer s.lock()()
	s.readKey("acct:" + accountID)
	a, ok := s.st.accounts[accountID]
	if !ok || a.OrgID != orgID {
		return members.Account{}, notFound("account", accountID)
	}
	return a.Clone(), nil
}

// ListAccounts implements members.Store.
func (s *Store) ListAccounts(_ context.Context, orgID string) ([]members.Account, error) {
	defer s.lock()()
	s.readScope("acct|" + orgID)
	return sorted(s.st.accounts, func(a members.Account) bool { return a.OrgID == orgID }, members.Account.Clone), nil
}

// UpdateAccount implements members.Store.
func (s *Store) UpdateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	s.readKey("acct:" + a.ID)
	cur, ok := s.st.accounts[a.ID]
	if !ok || cur.OrgID != a.OrgID {
		return notFound("account", a.ID)
	}
	if cur.Version != a.Version {
		return stale("account", a.ID, a.Version, cur.Version)
	}
	if err := s.checkOwners(a); err != nil {
		return err
	}
	a = a.Clone()
	a.CreatedAt = cur.CreatedAt
	a.Version = cur.Version + 1
	s.st.accounts[a.ID] = a
	s.wrote("acct:"+a.ID, row(accountsOf, a.ID), "acct|"+a.OrgID, "acct|*")
	return nil
}

// FindAccount implements members.Store.
func (s *Store) FindAccount(_ context.Context, accountID string) (members.Account, error) {
	defer s.lock()()
	s.readKey("acct:" + accountID)
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
	s.readKey(memberRowKey(k))
	if _, ok := s.st.members[k]; ok {
		return conflict("membership", m.IdentityID, "already a member")
	}
	if err := s.checkOrg(m.OrgID); err != nil {
		return err
	}
	m = m.Clone()
	m.Version = 1
	s.st.members[k] = m
	s.wrote(memberRowKey(k), row(membersOf, k), "mem|"+k.org, "mem|*")
	return nil
}

// GetMembership implements members.Store.
func (s *Store) GetMembership(_ context.Context, orgID, identityID string) (members.Membership, error) {
	defer s.lock()()
	s.readKey(memberRowKey(memberKey{orgID, identityID}))
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
	s.readScope("mem|" + orgID)
	return s.memberships(func(m members.Membership) bool { return m.OrgID == orgID },
		func(a, b members.Membership) int { return cmp.Compare(a.IdentityID, b.IdentityID) }), nil
}

// ListMembershipsOfIdentity implements members.Store.
func (s *Store) ListMembershipsOfIdentity(_ context.Context, identityID string) ([]members.Membership, error) {
	defer s.lock()()
	s.readScope("mem|*")
	return s.memberships(func(m members.Membership) bool { return m.IdentityID == identityID },
		func(a, b members.Membership) int { return cmp.Compare(a.OrgID, b.OrgID) }), nil
}

// UpdateMembership implements members.Store.
func (s *Store) UpdateMembership(_ context.Context, m members.Membership) error {
	defer s.lock()()
	k := memberKey{m.OrgID, m.IdentityID}
	s.readKey(memberRowKey(k))
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
	s.wrote(memberRowKey(k), row(membersOf, k), "mem|"+k.org, "mem|*")
	return nil
}

// DeleteMembership implements members.Store.
func (s *Store) DeleteMembership(_ context.Context, orgID, identityID string, version int64) error {
	defer s.lock()()
	k := memberKey{orgID, identityID}
	s.readKey(memberRowKey(k))
	cur, ok := s.st.members[k]
	if !ok {
		return notFound("membership", identityID)
	}
	if cur.Version != version {
		return stale("membership", identityID, version, cur.Version)
	}
	delete(s.st.members, k)
	s.wrote(memberRowKey(k), row(membersOf, k), "mem|"+k.org, "mem|*")
	return nil
}

// CreateInvitation implements members.Store.
func (s *Store) CreateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	s.readKey("inv:" + inv.ID)
	if _, ok := s.st.invs[inv.ID]; ok {
		return conflict("invitation", inv.ID, "id exists")
	}
	if err := s.checkOrg(inv.OrgID); err != nil {
		return err
	}
	if inv.State == members.InvitationPending {
		// One pending invitation per address and organization (M-8), as the SQL
		// stores' partial unique index.
		s.readScope("inv|" + inv.OrgID)
		for _, x := range s.st.invs {
			if x.OrgID == inv.OrgID && x.Email == inv.Email && x.State == members.InvitationPending {
				return conflict("invitation", inv.ID, inv.Email+" already has a pending invitation")
			}
		}
	}
	inv = inv.Clone()
	inv.Version = 1
	s.st.invs[inv.ID] = inv
	s.wrote("inv:"+inv.ID, row(invsOf, inv.ID), "inv|"+inv.OrgID, "inv|*")
	return nil
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(_ context.Context, orgID, invitationID string) (members.Invitation, error) {
	defer s.lock()()
	s.readKey("inv:" + invitationID)
	inv, ok := s.st.invs[invitationID]
	if !ok || inv.OrgID != orgID {
		return members.Invitation{}, notFound("invitation", invitationID)
	}
	return inv.Clone(), nil
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(_ context.Context, orgID string) ([]members.Invitation, error) {
	defer s.lock()()
	s.readScope("inv|" + orgID)
	return sorted(s.st.invs, func(i members.Invitation) bool { return i.OrgID == orgID }, members.Invitation.Clone), nil
}

// ListInvitationsByEmail implements members.Store.
func (s *Store) ListInvitationsByEmail(_ context.Context, email string) ([]members.Invitation, error) {
	defer s.lock()()
	s.readScope("inv|*")
	return sorted(s.st.invs, func(i members.Invitation) bool { return i.Email == email }, members.Invitation.Clone), nil
}

// ListPendingInvitationsExpiring implements members.Store.
func (s *Store) ListPendingInvitationsExpiring(_ context.Context, t time.Time) ([]members.Invitation, error) {
	defer s.lock()()
	s.readScope("inv|*")
	return sorted(s.st.invs, func(i members.Invitation) bool {
		return i.State == members.InvitationPending && !i.ExpiresAt.After(t)
	}, members.Invitation.Clone), nil
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	s.readKey("inv:" + inv.ID)
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
	s.wrote("inv:"+inv.ID, row(invsOf, inv.ID), "inv|"+inv.OrgID, "inv|*")
	return nil
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	s.readKey("app:" + a.ID)
	if _, ok := s.st.apps[a.ID]; ok {
		return conflict("application", a.ID, "id exists")
	}
	if err := s.checkOrg(a.OrgID); err != nil {
		return err
	}
	a.Version = 1
	s.st.apps[a.ID] = a
	s.wrote("app:"+a.ID, row(appsOf, a.ID), "app|"+a.OrgID, "app|*")
	return nil
}

// GetApplication implements members.Store.
func (s *Store) GetApplication(_ context.Context, orgID, applicationID string) (members.Application, error) {
	defer s.lock()()
	s.readKey("app:" + applicationID)
	a, ok := s.st.apps[applicationID]
	if !ok || a.OrgID != orgID {
		return members.Application{}, notFound("application", applicationID)
	}
	return a, nil
}

// ListApplications implements members.Store.
func (s *Store) ListApplications(_ context.Context, orgID string) ([]members.Application, error) {
	defer s.lock()()
	s.readScope("app|" + orgID)
	return sorted(s.st.apps, func(a members.Application) bool { return a.OrgID == orgID }, same), nil
}

// UpdateApplication implements members.Store.
func (s *Store) UpdateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	s.readKey("app:" + a.ID)
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
	s.wrote("app:"+a.ID, row(appsOf, a.ID), "app|"+a.OrgID, "app|*")
	return nil
}

func memberRowKey(k memberKey) string { return "mem:" + k.org + "\x00" + k.identity }

// checkOrg reports ErrNotFound if organization orgID does not exist: a row of a
// missing organization is never stored, as the SQL stores' foreign keys ensure.
func (s *Store) checkOrg(orgID string) error {
	s.readKey("org:" + orgID)
	if _, ok := s.st.orgs[orgID]; !ok {
		return notFound("organization", orgID)
	}
	return nil
}

// checkOwners reports ErrNotFound unless every project a's ownership history names
// is a project of a's organization (M-3, M-7), as the SQL store checks.
func (s *Store) checkOwners(a members.Account) error {
	for _, o := range a.Ownership {
		s.readKey("proj:" + o.ProjectID)
		if p, ok := s.st.projects[o.ProjectID]; !ok || p.OrgID != a.OrgID {
			return notFound("project", o.ProjectID)
		}
	}
	return nil
}
