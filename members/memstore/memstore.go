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

// table describes one map of the state, so the Create/Get/List/Update logic every
// kind of row shares (existence, organization and version checks, copies in and
// out, version bumps, read and write tracking) is written once, below.
//
// A row's tracking key is prefix+":"+track(key); the scopes its writes change are
// prefix+"|"+org and prefix+"|*" (only prefix+"|*" for organizations).
type table[K comparable, V any] struct {
	what    string               // the row's noun in error messages
	prefix  string               // of the row's tracking key and scopes
	rows    func(*state) map[K]V // the map holding the rows
	key     func(V) K
	track   func(K) string   // the key in the tracking key
	name    func(K) string   // the key in error messages
	org     func(V) string   // the row's organization; nil for organizations
	version func(*V) *int64  // the row's Version field
	clone   func(V) V        // a copy sharing nothing mutable with v
	exists  string           // why Create refuses a key already stored
	merge   func(cur, v V) V // the row Update stores (before the version bump)
}

func (t table[K, V]) rowKey(k K) string { return t.prefix + ":" + t.track(k) }

func (t table[K, V]) scopes(v V) []string {
	if t.org == nil {
		return []string{t.prefix + "|*"}
	}
	return []string{t.prefix + "|" + t.org(v), t.prefix + "|*"}
}

// wrote records the write of row k, whose value is (or, deleted, was) v.
func (t table[K, V]) wrote(s *Store, k K, v V) {
	s.wrote(t.rowKey(k), row(t.rows, k), t.scopes(v)...)
}

// find records the read of row k and returns it as stored.
func find[K comparable, V any](s *Store, t table[K, V], k K) (V, bool) {
	s.readKey(t.rowKey(k))
	v, ok := t.rows(s.st)[k]
	return v, ok
}

// create stores a copy of v at version 1 unless its key is taken (ErrConflict), its
// organization does not exist or a check fails. The caller holds the lock.
func create[K comparable, V any](s *Store, t table[K, V], v V, checks ...func() error) error {
	k := t.key(v)
	if _, ok := find(s, t, k); ok {
		return conflict(t.what, t.name(k), t.exists)
	}
	if t.org != nil {
		if err := s.checkOrg(t.org(v)); err != nil {
			return err
		}
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	v = t.clone(v)
	*t.version(&v) = 1
	t.rows(s.st)[k] = v
	t.wrote(s, k, v)
	return nil
}

// get returns a copy of row k, or ErrNotFound if it is missing or (org-scoped
// tables only) belongs to another organization than orgID. The caller holds the lock.
func get[K comparable, V any](s *Store, t table[K, V], k K, orgID string) (V, error) {
	v, ok := find(s, t, k)
	if !ok || (t.org != nil && t.org(v) != orgID) {
		var zero V
		return zero, notFound(t.what, t.name(k))
	}
	return t.clone(v), nil
}

// list returns copies of the rows keep accepts, by key, recording the listing of
// scope prefix+"|"+scope. The caller holds the lock.
func list[V any](s *Store, t table[string, V], scope string, keep func(V) bool) []V {
	s.readScope(t.prefix + "|" + scope)
	return sorted(t.rows(s.st), keep, t.clone)
}

// update stores t.merge(current row, copy of v) with the version bumped, unless
// the row is missing or in another organization (ErrNotFound), v's version is not
// the current one (ErrConflict) or a check fails. The caller holds the lock.
func update[K comparable, V any](s *Store, t table[K, V], v V, checks ...func() error) error {
	k := t.key(v)
	cur, ok := find(s, t, k)
	if !ok || (t.org != nil && t.org(cur) != t.org(v)) {
		return notFound(t.what, t.name(k))
	}
	if have, want := *t.version(&v), *t.version(&cur); have != want {
		return stale(t.what, t.name(k), have, want)
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	next := t.merge(cur, t.clone(v))
	*t.version(&next) = *t.version(&cur) + 1
	t.rows(s.st)[k] = next
	t.wrote(s, k, next)
	return nil
}

// The tables of the state's maps; each merge says what Update takes from the new
// value and what it keeps of the stored one.
var orgTable = table[string, members.Organization]{
	what: "organization", prefix: "org", exists: "id exists",
	rows:    func(st *state) map[string]members.Organization { return st.orgs },
	key:     func(o members.Organization) string { return o.ID },
	version: func(o *members.Organization) *int64 { return &o.Version },
	track:   same[string], name: same[string], clone: same[members.Organization],
	merge: func(cur, o members.Organization) members.Organization {
		cur.Name, cur.Alias, cur.EnforceMFA, cur.UpdatedAt = o.Name, o.Alias, o.EnforceMFA, o.UpdatedAt
		return cur
	},
}

var projectTable = table[string, members.Project]{
	what: "project", prefix: "proj", exists: "id exists",
	rows:    func(st *state) map[string]members.Project { return st.projects },
	key:     func(p members.Project) string { return p.ID },
	version: func(p *members.Project) *int64 { return &p.Version },
	org:     func(p members.Project) string { return p.OrgID },
	track:   same[string], name: same[string], clone: members.Project.Clone,
	merge: func(cur, p members.Project) members.Project {
		p.CreatedAt = cur.CreatedAt
		return p
	},
}

var accountTable = table[string, members.Account]{
	what: "account", prefix: "acct", exists: "id exists",
	rows:    func(st *state) map[string]members.Account { return st.accounts },
	key:     func(a members.Account) string { return a.ID },
	version: func(a *members.Account) *int64 { return &a.Version },
	org:     func(a members.Account) string { return a.OrgID },
	track:   same[string], name: same[string], clone: members.Account.Clone,
	merge: func(cur, a members.Account) members.Account {
		a.CreatedAt = cur.CreatedAt
		return a
	},
}

var memberTable = table[memberKey, members.Membership]{
	what: "membership", prefix: "mem", exists: "already a member",
	rows:    func(st *state) map[memberKey]members.Membership { return st.members },
	key:     func(m members.Membership) memberKey { return memberKey{m.OrgID, m.IdentityID} },
	version: func(m *members.Membership) *int64 { return &m.Version },
	org:     func(m members.Membership) string { return m.OrgID },
	track:   func(k memberKey) string { return k.org + "\x00" + k.identity },
	name:    func(k memberKey) string { return k.identity },
	clone:   members.Membership.Clone,
	merge: func(cur, m members.Membership) members.Membership {
		cur.Email, cur.Type, cur.Permissions, cur.UpdatedAt = m.Email, m.Type, m.Permissions, m.UpdatedAt
		return cur
	},
}

var invTable = table[string, members.Invitation]{
	what: "invitation", prefix: "inv", exists: "id exists",
	rows:    func(st *state) map[string]members.Invitation { return st.invs },
	key:     func(i members.Invitation) string { return i.ID },
	version: func(i *members.Invitation) *int64 { return &i.Version },
	org:     func(i members.Invitation) string { return i.OrgID },
	track:   same[string], name: same[string], clone: members.Invitation.Clone,
	merge: func(cur, i members.Invitation) members.Invitation {
		cur.State, cur.AcceptedBy, cur.DecidedAt = i.State, i.AcceptedBy, i.DecidedAt
		return cur
	},
}

var appTable = table[string, members.Application]{
	what: "application", prefix: "app", exists: "id exists",
	rows:    func(st *state) map[string]members.Application { return st.apps },
	key:     func(a members.Application) string { return a.ID },
	version: func(a *members.Application) *int64 { return &a.Version },
	org:     func(a members.Application) string { return a.OrgID },
	track:   same[string], name: same[string], clone: same[members.Application],
	merge: func(cur, a members.Application) members.Application {
		cur.State, cur.ReviewedBy, cur.Reason, cur.UpdatedAt = a.State, a.ReviewedBy, a.Reason, a.UpdatedAt
		return cur
	},
}

// CreateOrganization implements members.Store.
func (s *Store) CreateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	s.readScope("org|*") // the code must be unique
	return create(s, orgTable, o, func() error {
		for _, x := range s.st.orgs {
			if x.Code == o.Code {
				return conflict("organization code", o.Code, "code exists")
			}
		}
		return nil
	})
}

// GetOrganization implements members.Store.
func (s *Store) GetOrganization(_ context.Context, orgID string) (members.Organization, error) {
	defer s.lock()()
	return get(s, orgTable, orgID, "")
}

// ListOrganizations implements members.Store.
func (s *Store) ListOrganizations(_ context.Context) ([]members.Organization, error) {
	defer s.lock()()
	return list(s, orgTable, "*", func(members.Organization) bool { return true }), nil
}

// UpdateOrganization implements members.Store.
func (s *Store) UpdateOrganization(_ context.Context, o members.Organization) error {
	defer s.lock()()
	return update(s, orgTable, o)
}

// CreateProject implements members.Store.
func (s *Store) CreateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	return create(s, projectTable, p)
}

// GetProject implements members.Store.
func (s *Store) GetProject(_ context.Context, orgID, projectID string) (members.Project, error) {
	defer s.lock()()
	return get(s, projectTable, projectID, orgID)
}

// ListProjects implements members.Store.
func (s *Store) ListProjects(_ context.Context, orgID string) ([]members.Project, error) {
	defer s.lock()()
	return list(s, projectTable, orgID, func(p members.Project) bool { return p.OrgID == orgID }), nil
}

// UpdateProject implements members.Store.
func (s *Store) UpdateProject(_ context.Context, p members.Project) error {
	defer s.lock()()
	return update(s, projectTable, p)
}

// CreateAccount implements members.Store.
func (s *Store) CreateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	return create(s, accountTable, a, func() error { return s.checkOwners(a) })
}

// GetAccount implements members.Store.
func (s *Store) GetAccount(_ context.Context, orgID, accountID string) (members.Account, error) {
	defer s.lock()()
	return get(s, accountTable, accountID, orgID)
}

// ListAccounts implements members.Store.
func (s *Store) ListAccounts(_ context.Context, orgID string) ([]members.Account, error) {
	defer s.lock()()
	return list(s, accountTable, orgID, func(a members.Account) bool { return a.OrgID == orgID }), nil
}

// UpdateAccount implements members.Store.
func (s *Store) UpdateAccount(_ context.Context, a members.Account) error {
	defer s.lock()()
	return update(s, accountTable, a, func() error { return s.checkOwners(a) })
}

// FindAccount implements members.Store.
func (s *Store) FindAccount(_ context.Context, accountID string) (members.Account, error) {
	defer s.lock()()
	a, ok := find(s, accountTable, accountID)
	if !ok {
		return members.Account{}, notFound("account", accountID)
	}
	return a.Clone(), nil
}

// CreateMembership implements members.Store.
func (s *Store) CreateMembership(_ context.Context, m members.Membership) error {
	defer s.lock()()
	return create(s, memberTable, m)
}

// GetMembership implements members.Store.
func (s *Store) GetMembership(_ context.Context, orgID, identityID string) (members.Membership, error) {
	defer s.lock()()
	return get(s, memberTable, memberKey{orgID, identityID}, orgID)
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
	return update(s, memberTable, m)
}

// DeleteMembership implements members.Store.
func (s *Store) DeleteMembership(_ context.Context, orgID, identityID string, version int64) error {
	defer s.lock()()
	k := memberKey{orgID, identityID}
	cur, ok := find(s, memberTable, k)
	if !ok {
		return notFound("membership", identityID)
	}
	if cur.Version != version {
		return stale("membership", identityID, version, cur.Version)
	}
	delete(s.st.members, k)
	memberTable.wrote(s, k, cur)
	return nil
}

// CreateInvitation implements members.Store.
func (s *Store) CreateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	return create(s, invTable, inv, func() error {
		if inv.State != members.InvitationPending {
			return nil
		}
		// One pending invitation per address and organization (M-8), as the SQL
		// stores' partial unique index.
		s.readScope("inv|" + inv.OrgID)
		for _, x := range s.st.invs {
			if x.OrgID == inv.OrgID && x.Email == inv.Email && x.State == members.InvitationPending {
				return conflict("invitation", inv.ID, inv.Email+" already has a pending invitation")
			}
		}
		return nil
	})
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(_ context.Context, orgID, invitationID string) (members.Invitation, error) {
	defer s.lock()()
	return get(s, invTable, invitationID, orgID)
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(_ context.Context, orgID string) ([]members.Invitation, error) {
	defer s.lock()()
	return list(s, invTable, orgID, func(i members.Invitation) bool { return i.OrgID == orgID }), nil
}

// ListInvitationsByEmail implements members.Store.
func (s *Store) ListInvitationsByEmail(_ context.Context, email string) ([]members.Invitation, error) {
	defer s.lock()()
	return list(s, invTable, "*", func(i members.Invitation) bool { return i.Email == email }), nil
}

// ListPendingInvitationsExpiring implements members.Store.
func (s *Store) ListPendingInvitationsExpiring(_ context.Context, t time.Time) ([]members.Invitation, error) {
	defer s.lock()()
	return list(s, invTable, "*", func(i members.Invitation) bool {
		return i.State == members.InvitationPending && !i.ExpiresAt.After(t)
	}), nil
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(_ context.Context, inv members.Invitation) error {
	defer s.lock()()
	return update(s, invTable, inv)
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	return create(s, appTable, a)
}

// GetApplication implements members.Store.
func (s *Store) GetApplication(_ context.Context, orgID, applicationID string) (members.Application, error) {
	defer s.lock()()
	return get(s, appTable, applicationID, orgID)
}

// ListApplications implements members.Store.
func (s *Store) ListApplications(_ context.Context, orgID string) ([]members.Application, error) {
	defer s.lock()()
	return list(s, appTable, orgID, func(a members.Application) bool { return a.OrgID == orgID }), nil
}

// UpdateApplication implements members.Store.
func (s *Store) UpdateApplication(_ context.Context, a members.Application) error {
	defer s.lock()()
	return update(s, appTable, a)
}

// checkOrg reports ErrNotFound if organization orgID does not exist: a row of a
// missing organization is never stored, as the SQL stores' foreign keys ensure.
func (s *Store) checkOrg(orgID string) error {
	if _, ok := find(s, orgTable, orgID); !ok {
		return notFound("organization", orgID)
	}
	return nil
}

// checkOwners reports ErrNotFound unless every project a's ownership history names
// is a project of a's organization (M-3, M-7), as the SQL store checks.
func (s *Store) checkOwners(a members.Account) error {
	for _, o := range a.Ownership {
		if p, ok := find(s, projectTable, o.ProjectID); !ok || p.OrgID != a.OrgID {
			return notFound("project", o.ProjectID)
		}
	}
	return nil
}
