package members_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// clock is a settable test clock.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(t time.Time) *clock    { c := &clock{}; c.set(t); return c }
func (c *clock) now() time.Time      { return *c.t.Load() }
func (c *clock) set(t time.Time)     { c.t.Store(&t) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// fixture is a Service on a fresh memstore with one organization "acme" (power user
// alice), a general user bob with view rights, two projects and two accounts.
type fixture struct {
	ctx      context.Context
	svc      *members.Service
	store    *memstore.Store
	clock    *clock
	op       members.Principal
	alice    members.Principal // power user of org
	bob      members.Principal // general user of org
	org      members.Organization
	p1, p2   members.Project
	acct1    members.Account
	acct2    members.Account
	idSerial atomic.Int64
}

var t0 = time.Date(2025, time.March, 14, 9, 30, 0, 0, time.UTC)

func project(name string) members.Project {
	return members.Project{Name: name, Plan: "standard", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.JPY, InvoiceTo: []string{"billing@acme.example"}}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), store: memstore.New(), clock: newClock(t0)}
	f.svc = members.NewService(f.store, members.WithClock(f.clock.now),
		members.WithIDGenerator(func() string { return fmt.Sprintf("id%04d", f.idSerial.Add(1)) }))
	f.op = members.Principal{IdentityID: "op", Email: "op@reseller.example", MFA: true, Operator: true}
	f.alice = members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	f.bob = members.Principal{IdentityID: "bob", Email: "bob@acme.example"}
	var err error
	f.org, err = f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	require.NoError(t, err)
	f.p1, err = f.svc.CreateProject(f.ctx, f.alice, f.org.ID, project("Web"))
	require.NoError(t, err)
	f.p2, err = f.svc.CreateProject(f.ctx, f.alice, f.org.ID, project("Data"))
	require.NoError(t, err)
	f.acct1, err = f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: "111111111111", ProjectID: f.p1.ID, Name: "web-prod"})
	require.NoError(t, err)
	f.acct2, err = f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: "222222222222", ProjectID: f.p1.ID, Name: "web-dev"})
	require.NoError(t, err)
	f.join(t, f.org.ID, f.alice, f.bob, members.MemberGeneral, members.PermProjectView, members.PermAccountView)
	return f
}

// join invites who into orgID on behalf of power user by and accepts it.
func (f *fixture) join(t *testing.T, orgID string, by, who members.Principal, typ members.MemberType, perms ...members.Permission) members.Membership {
	t.Helper()
	inv, err := f.svc.Invite(f.ctx, by, orgID, members.NewInvitation{Email: who.Email, Type: typ, Permissions: perms})
	require.NoError(t, err)
	m, err := f.svc.AcceptInvitation(f.ctx, who, orgID, inv.ID)
	require.NoError(t, err)
	return m
}

// memberVersion returns the stored version of identityID's membership of orgID, the
// version a caller of ChangeMember must send (M-2 optimistic concurrency).
func (f *fixture) memberVersion(t *testing.T, orgID, identityID string) int64 {
	t.Helper()
	m, err := f.store.GetMembership(f.ctx, orgID, identityID)
	require.NoError(t, err)
	return m.Version
}

// orgVersion returns the stored version of organization orgID.
func (f *fixture) orgVersion(t *testing.T, orgID string) int64 {
	t.Helper()
	o, err := f.store.GetOrganization(f.ctx, orgID)
	require.NoError(t, err)
	return o.Version
}

// accountVersion returns the stored version of account accountID of orgID.
func (f *fixture) accountVersion(t *testing.T, orgID, accountID string) int64 {
	t.Helper()
	a, err := f.store.GetAccount(f.ctx, orgID, accountID)
	require.NoError(t, err)
	return a.Version
}

// pages collects every page of a list (the store's or the Service's), using the
// page size list itself asks for.
func pages[T any](t *testing.T, list func(resellerkit.Page) ([]T, string, error)) []T {
	t.Helper()
	out, err := resellerkit.All(list)
	require.NoError(t, err)
	return out
}

// accounts returns every stored account of orgID.
func (f *fixture) accounts(t *testing.T, orgID string) []members.Account {
	t.Helper()
	return pages(t, func(p resellerkit.Page) ([]members.Account, string, error) {
		return f.store.ListAccounts(f.ctx, orgID, p)
	})
}
