package memberstest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// serviceEnv is a members.Service over a fresh store, with organization org, whose
// first power user is alice, and its project proj.
type serviceEnv struct {
	svc  *members.Service
	st   members.Store
	org  members.Organization
	proj members.Project
}

var (
	alice = members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	bob   = members.Principal{IdentityID: "bob", Email: "bob@acme.example", MFA: true}
)

// TestService runs the Service-level checks whose outcome depends on how the store
// isolates concurrent transactions, each as a parallel subtest that repeats its
// race on fresh stores from newStore: M-9 (two power users demoting each other at
// once keep one power user), M-8 (concurrent invitations of one address: one wins,
// the others are ErrAlreadyExists), M-2 (two concurrent updates of one project
// version: one wins, the other is ErrConflict) and M-11 (concurrent closures and
// changes of owner of one account: one is filed, the others are ErrAlreadyExists). newStore must return a fresh, empty
// store on every call, and may be called from several goroutines at once.
func TestService(t *testing.T, newStore func(t *testing.T) members.Store) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, e serviceEnv)
	}{
		{"M-9/ConcurrentDemotionsKeepAPowerUser", concurrentDemotionsKeepAPowerUser},
		{"M-8/ConcurrentInvitationsOfOneAddressOneWins", concurrentInvitationsOneWins},
		{"M-2/ConcurrentProjectUpdatesOneWins", concurrentProjectUpdatesOneWins},
		{"M-11/ConcurrentApplicationsOfOneAccountOneWins", concurrentApplicationsOneWins},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for run := range 5 {
				t.Run(fmt.Sprint("run", run), func(t *testing.T) { c.run(t, newServiceEnv(t, newStore(t))) })
			}
		})
	}
}

func newServiceEnv(t *testing.T, st members.Store) serviceEnv {
	t.Helper()
	var serial atomic.Int64
	svc := members.NewService(st, members.WithClock(func() time.Time { return t0 }),
		members.WithIDGenerator(func() string { return fmt.Sprintf("id%04d", serial.Add(1)) }))
	org, err := svc.CreateOrganization(t.Context(), alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	require.NoError(t, err)
	proj, err := svc.CreateProject(t.Context(), alice, org.ID, Project(org.ID, "")) // the Service sets the ids
	require.NoError(t, err)
	return serviceEnv{svc: svc, st: st, org: org, proj: proj}
}

func concurrentDemotionsKeepAPowerUser(t *testing.T, e serviceEnv) {
	ctx := t.Context()
	inv, err := e.svc.Invite(ctx, alice, e.org.ID, members.NewInvitation{Email: bob.Email, Type: members.MemberPower})
	require.NoError(t, err)
	_, err = e.svc.AcceptInvitation(ctx, bob, e.org.ID, inv.ID)
	require.NoError(t, err)
	errs := storetest.Concurrently(2, func(i int) error {
		who, victim := alice, bob
		if i == 1 {
			who, victim = bob, alice
		}
		m, err := e.st.GetMembership(ctx, e.org.ID, victim.IdentityID)
		if err != nil {
			return err
		}
		_, err = e.svc.ChangeMember(ctx, who, e.org.ID, victim.IdentityID, members.MemberGeneral, nil, m.Version)
		return err
	})
	// The loser lost a race, was refused as the last power user, or was demoted
	// first and may no longer manage members.
	won := storetest.Committed(t, errs, members.ErrConflict, members.ErrInvalid, members.ErrPermissionDenied)
	require.Equal(t, 1, won, "exactly one demotion: %v", errs)
	power, err := powerUsers(ctx, e.st, e.org.ID)
	require.NoError(t, err)
	require.Equal(t, 1, power, "%v", errs)
}

func concurrentInvitationsOneWins(t *testing.T, e serviceEnv) {
	ctx := t.Context()
	errs := storetest.Concurrently(3, func(int) error {
		_, err := e.svc.Invite(ctx, alice, e.org.ID, members.NewInvitation{
			Email: "carol@acme.example", Type: members.MemberGeneral,
			Permissions: []members.Permission{members.PermProjectView}})
		return err
	})
	oneWinner(t, errs, members.ErrAlreadyExists)
	invs, _, err := e.st.ListInvitations(ctx, e.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, invs, 1, "one pending invitation")
}

// concurrentApplicationsOneWins files closures and changes of owner of one account
// at once: SubmitApplication's scan of the open applications and its insert are one
// transaction, so one is filed (M-11).
func concurrentApplicationsOneWins(t *testing.T, e serviceEnv) {
	ctx := t.Context()
	op := members.Principal{IdentityID: "op", Email: "op@reseller.example", MFA: true, Operator: true}
	const account = "111111111111"
	_, err := e.svc.RegisterAccount(ctx, op, e.org.ID, members.NewAccount{ID: account, ProjectID: e.proj.ID})
	require.NoError(t, err)
	errs := storetest.Concurrently(4, func(i int) error {
		kind := members.AppAccountClosure
		if i%2 == 1 {
			kind = members.AppOwnerChange
		}
		_, err := e.svc.SubmitApplication(ctx, alice, e.org.ID, members.NewApplication{Kind: kind, AccountID: account})
		return err
	})
	oneWinner(t, errs, members.ErrAlreadyExists)
	apps, _, err := e.st.ListApplications(ctx, e.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, apps, 1, "one open application of the account")
}

func concurrentProjectUpdatesOneWins(t *testing.T, e serviceEnv) {
	errs := storetest.Concurrently(2, func(i int) error {
		in := e.proj.Clone()
		in.Name = fmt.Sprintf("writer %d", i)
		_, err := e.svc.UpdateProject(t.Context(), alice, e.org.ID, in)
		return err
	})
	winner := oneWinner(t, errs, members.ErrConflict)
	got, err := e.st.GetProject(t.Context(), e.org.ID, e.proj.ID)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("writer %d", winner), got.Name)
	assert.Equal(t, e.proj.Version+1, got.Version)
}
