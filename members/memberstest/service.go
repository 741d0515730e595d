package memberstest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// TestService runs the Service-level checks whose outcome depends on how the store
// isolates concurrent transactions: M-9 (two power users demoting each other at
// once keep one power user), M-8 (two concurrent invitations of one address: one
// wins, the other is ErrConflict) and M-2 (two concurrent updates of one project
// version: one wins, the other is ErrConflict). newStore must return a fresh, empty
// store for every call.
func TestService(t *testing.T, newStore func(t *testing.T) members.Store) {
	ctx := context.Background()
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	bob := members.Principal{IdentityID: "bob", Email: "bob@acme.example", MFA: true}
	type env struct {
		svc  *members.Service
		st   members.Store
		org  members.Organization
		proj members.Project
	}
	setup := func(t *testing.T) env {
		st := newStore(t)
		var serial atomic.Int64
		svc := members.NewService(st, members.WithClock(func() time.Time { return T0 }),
			members.WithIDGenerator(func() string { return fmt.Sprintf("id%04d", serial.Add(1)) }))
		org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
		require.NoError(t, err)
		proj, err := svc.CreateProject(ctx, alice, org.ID, Project(org.ID, "")) // ids come from the Service
		require.NoError(t, err)
		return env{svc: svc, st: st, org: org, proj: proj}
	}
	join := func(t *testing.T, e env, who members.Principal, typ members.MemberType) {
		t.Helper()
		inv, err := e.svc.Invite(ctx, alice, e.org.ID, members.NewInvitation{Email: who.Email, Type: typ})
		require.NoError(t, err)
		_, err = e.svc.AcceptInvitation(ctx, who, e.org.ID, inv.ID)
		require.NoError(t, err)
	}

	t.Run("M9/ConcurrentDemotionsKeepAPowerUser", func(t *testing.T) {
		for run := range 5 {
			e := setup(t)
			join(t, e, bob, members.MemberPower)
			vAlice, err := e.st.GetMembership(ctx, e.org.ID, "alice")
			require.NoError(t, err)
			vBob, err := e.st.GetMembership(ctx, e.org.ID, "bob")
			require.NoError(t, err)
			errs := concurrently(2, func(i int) error {
				var err error
				if i == 0 {
					_, err = e.svc.ChangeMember(ctx, alice, e.org.ID, "bob", members.MemberGeneral, nil, vBob.Version)
				} else {
					_, err = e.svc.ChangeMember(ctx, bob, e.org.ID, "alice", members.MemberGeneral, nil, vAlice.Version)
				}
				return err
			})
			require.False(t, errs[0] == nil && errs[1] == nil, "run %d: both demotions succeeded", run)
			ms, err := e.st.ListMemberships(ctx, e.org.ID)
			require.NoError(t, err)
			power := 0
			for _, m := range ms {
				if m.Type == members.MemberPower {
					power++
				}
			}
			require.Equal(t, 1, power, "run %d: %v", run, errs)
		}
	})

	t.Run("M8/ConcurrentDuplicateInvitationsOneWins", func(t *testing.T) {
		for run := range 5 {
			e := setup(t)
			errs := concurrently(2, func(int) error {
				_, err := e.svc.Invite(ctx, alice, e.org.ID, members.NewInvitation{
					Email: "carol@acme.example", Type: members.MemberGeneral,
					Permissions: []members.Permission{members.PermProjectView}})
				return err
			})
			oneWinner(t, errs)
			invs, err := e.st.ListInvitations(ctx, e.org.ID)
			require.NoError(t, err)
			assert.Len(t, invs, 1, "run %d: one pending invitation", run)
		}
	})

	t.Run("M2/ConcurrentProjectUpdatesOneWins", func(t *testing.T) {
		for range 5 {
			e := setup(t)
			errs := concurrently(2, func(i int) error {
				in := e.proj.Clone()
				in.Name = fmt.Sprintf("writer %d", i)
				_, err := e.svc.UpdateProject(ctx, alice, e.org.ID, in)
				return err
			})
			winner := oneWinner(t, errs)
			got, err := e.st.GetProject(ctx, e.org.ID, e.proj.ID)
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("writer %d", winner), got.Name)
			assert.Equal(t, e.proj.Version+1, got.Version)
		}
	})
}
