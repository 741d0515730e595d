package members_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

func TestM5_PrerequisiteTable(t *testing.T) {
	want := map[members.Permission]members.Permission{
		members.PermAccountView:       members.PermProjectView,
		members.PermChargesView:       members.PermProjectView,
		members.PermInvoiceView:       members.PermProjectView,
		members.PermContactsEdit:      members.PermAccountView,
		members.PermSecurityEdit:      members.PermAccountView,
		members.PermApplicationSubmit: members.PermProjectView,
		members.PermInvitationView:    members.PermUserView,
	}
	for _, p := range members.AllPermissions() {
		q, ok := p.Prerequisite()
		w, wok := want[p]
		assert.Equal(t, wok, ok, p)
		assert.Equal(t, w, q, p)
	}
	assert.Len(t, members.AllPermissions(), 11)
}

func TestM5_GrantWithoutPrerequisiteRejectedNamingIt(t *testing.T) {
	cases := []struct {
		grant   []members.Permission
		bad     members.Permission
		missing members.Permission
	}{
		{[]members.Permission{members.PermAccountView}, members.PermAccountView, members.PermProjectView},
		{[]members.Permission{members.PermChargesView}, members.PermChargesView, members.PermProjectView},
		{[]members.Permission{members.PermInvoiceView}, members.PermInvoiceView, members.PermProjectView},
		{[]members.Permission{members.PermProjectView, members.PermContactsEdit}, members.PermContactsEdit, members.PermAccountView},
		{[]members.Permission{members.PermProjectView, members.PermSecurityEdit}, members.PermSecurityEdit, members.PermAccountView},
		{[]members.Permission{members.PermApplicationSubmit}, members.PermApplicationSubmit, members.PermProjectView},
		{[]members.Permission{members.PermInvitationView}, members.PermInvitationView, members.PermUserView},
	}
	f := newFixture(t)
	for _, c := range cases {
		t.Run(string(c.bad), func(t *testing.T) {
			_, err := members.NormalizePermissions(members.MemberGeneral, c.grant)
			ve := requireValidation(t, err, "permissions", "M-5")
			assert.Equal(t, string(c.bad), ve.Value)
			assert.Contains(t, err.Error(), string(c.missing), "the error names the missing prerequisite")

			_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral, c.grant, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
			requireValidation(t, err, "permissions", "M-5")
			_, err = f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: "new@x.example", Type: members.MemberGeneral, Permissions: c.grant})
			requireValidation(t, err, "permissions", "M-5")

			// With the prerequisite it is granted, and nothing is added silently.
			full := append([]members.Permission{c.missing}, c.grant...)
			if q, ok := c.missing.Prerequisite(); ok {
				full = append(full, q)
			}
			set, err := members.NormalizePermissions(members.MemberGeneral, full)
			require.NoError(t, err)
			slices.Sort(full)
			assert.Equal(t, slices.Compact(full), set)
		})
	}
	m, err := f.svc.GetMember(f.ctx, f.bob, f.org.ID, f.bob.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, []members.Permission{members.PermAccountView, members.PermProjectView}, m.Permissions, "failed grants changed nothing")

	for _, bad := range []members.Permission{"admin", members.PermUserManage, ""} {
		_, err := members.NormalizePermissions(members.MemberGeneral, []members.Permission{bad})
		requireValidation(t, err, "permissions", "M-5")
	}
}

func TestM5_CheckEvaluatesPermissions(t *testing.T) {
	org := members.Organization{ID: "o1"}
	p := members.Principal{IdentityID: "u1"}
	general := &members.Membership{OrgID: "o1", IdentityID: "u1", Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView, members.PermUserView}}
	power := &members.Membership{OrgID: "o1", IdentityID: "u1", Type: members.MemberPower}
	cases := []struct {
		name string
		m    *members.Membership
		need members.Permission
		ok   bool
	}{
		{"general holds granted", general, members.PermProjectView, true},
		{"general lacks others", general, members.PermAccountView, false},
		{"general never manages users", general, members.PermUserManage, false},
		{"general is a member", general, "", true},
		{"power holds every permission", power, members.PermSecurityEdit, true},
		{"power manages users", power, members.PermUserManage, true},
		{"no membership", nil, members.PermProjectView, false},
		{"no membership, membership-only need", nil, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := members.Check(p, org, c.m, c.need)
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, members.ErrPermissionDenied)
			}
		})
	}
	for _, pm := range members.AllPermissions() {
		assert.NoError(t, members.Check(p, org, power, pm), pm)
	}
}

func TestM5_OnlyPowerUsersManageMembersAndInvitations(t *testing.T) {
	f := newFixture(t)
	all := []members.Permission{members.PermUserView, members.PermInvitationView, members.PermProjectView, members.PermAccountView}
	_, err := f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral, all, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.NoError(t, err)
	_, _, err = f.svc.ListMembers(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
	require.NoError(t, err, "user.view lets bob see members")
	_, _, err = f.svc.ListInvitations(f.ctx, f.bob, f.org.ID, resellerkit.Page{})
	require.NoError(t, err, "invitation.view lets bob see invitations")
	_, err = f.svc.Invite(f.ctx, f.bob, f.org.ID, members.NewInvitation{Email: "z@x.example", Type: members.MemberGeneral})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.ChangeMember(f.ctx, f.bob, f.org.ID, f.bob.IdentityID, members.MemberPower, nil, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.ErrorIs(t, err, members.ErrPermissionDenied, "no self-promotion")
	err = f.svc.RemoveMember(f.ctx, f.bob, f.org.ID, f.alice.IdentityID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

func TestM6_EnforceMFADeniesMembersWithoutMFA(t *testing.T) {
	f := newFixture(t)
	on := true
	org, err := f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{EnforceMFA: &on, Version: f.orgVersion(t, f.org.ID)})
	require.NoError(t, err)
	require.True(t, org.EnforceMFA)

	bob, bobMFA := f.bob, f.bob
	bobMFA.MFA = true
	aliceNoMFA := f.alice
	aliceNoMFA.MFA = false
	calls := map[string]func(p members.Principal) error{
		"get organization": func(p members.Principal) error { _, err := f.svc.GetOrganization(f.ctx, p, f.org.ID); return err },
		"list projects": func(p members.Principal) error {
			_, _, err := f.svc.ListProjects(f.ctx, p, f.org.ID, resellerkit.Page{})
			return err
		},
		"get project": func(p members.Principal) error { _, err := f.svc.GetProject(f.ctx, p, f.org.ID, f.p1.ID); return err },
		"list accounts": func(p members.Principal) error {
			_, _, err := f.svc.ListAccounts(f.ctx, p, f.org.ID, resellerkit.Page{})
			return err
		},
		"get member": func(p members.Principal) error {
			_, err := f.svc.GetMember(f.ctx, p, f.org.ID, p.IdentityID)
			return err
		},
	}
	for name, call := range calls {
		err := call(bob)
		require.ErrorIs(t, err, members.ErrMFARequired, name)
		require.ErrorIs(t, err, members.ErrPermissionDenied, name)
		require.NoError(t, call(bobMFA), name)
		require.ErrorIs(t, call(aliceNoMFA), members.ErrMFARequired, "power users too: "+name)
	}
	// Writes are gated before the permission check: a power user without MFA is
	// denied, even for what his type allows.
	_, err = f.svc.CreateProject(f.ctx, aliceNoMFA, f.org.ID, project("X"))
	require.ErrorIs(t, err, members.ErrMFARequired)
	err = f.svc.RemoveMember(f.ctx, bob, f.org.ID, bob.IdentityID)
	require.ErrorIs(t, err, members.ErrMFARequired, "even leaving is a write of the organization")
	// bob lacks org.edit: the MFA gate answers first (M-6 "before any permission check").
	_, err = f.svc.CreateProject(f.ctx, bob, f.org.ID, project("X"))
	require.ErrorIs(t, err, members.ErrMFARequired)

	// The organization disappears from bob's list until he signs in with MFA; his own
	// memberships stay visible so he can tell why.
	orgs, _, err := f.svc.ListOrganizations(f.ctx, bob, resellerkit.Page{})
	require.NoError(t, err)
	assert.Empty(t, orgs)
	orgs, _, err = f.svc.ListOrganizations(f.ctx, bobMFA, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, orgs, 1)
	ms, _, err := f.svc.ListMyMemberships(f.ctx, bob, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, ms, 1)

	// A non-member learns nothing about the flag: plain denial, as for a missing org.
	stranger := members.Principal{IdentityID: "mallory", Email: "m@evil.example"}
	_, err = f.svc.GetOrganization(f.ctx, stranger, f.org.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	require.NotErrorIs(t, err, members.ErrMFARequired)

	// Turning enforcement on requires MFA oneself.
	off := false
	_, err = f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{EnforceMFA: &off, Version: f.orgVersion(t, f.org.ID)})
	require.NoError(t, err)
	_, err = f.svc.UpdateOrganization(f.ctx, aliceNoMFA, f.org.ID, members.OrganizationUpdate{EnforceMFA: &on, Version: f.orgVersion(t, f.org.ID)})
	requireValidation(t, err, "enforce_mfa", "M-6")
}

func TestM8_ExpiredInvitationCannotBeAccepted(t *testing.T) {
	f := newFixture(t)
	carol := members.Principal{IdentityID: "carol", Email: "carol@x.example"}
	inv, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: "Carol@X.example", Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}})
	require.NoError(t, err)
	assert.Equal(t, "carol@x.example", inv.Email)
	assert.Equal(t, t0.Add(members.DefaultInvitationTTL), inv.ExpiresAt, "default expiry 7 days")

	f.clock.set(inv.ExpiresAt) // expiry is exclusive: at ExpiresAt it is expired
	_, err = f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, inv.ID)
	requireValidation(t, err, "state", "M-8")
	_, err = f.svc.GetMember(f.ctx, f.alice, f.org.ID, carol.IdentityID)
	require.ErrorIs(t, err, members.ErrNotFound, "no membership was created")
	invs, _, err := f.svc.ListMyInvitations(f.ctx, carol, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, invs, 1)
	assert.Equal(t, members.InvitationExpired, invs[0].State)
	// Still not acceptable later, and cannot be revoked any more.
	_, err = f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, inv.ID)
	requireValidation(t, err, "state", "M-8")
	_, err = f.svc.RevokeInvitation(f.ctx, f.alice, f.org.ID, inv.ID)
	requireValidation(t, err, "state", "M-8")
}

func TestM8_InvitationLifecycle(t *testing.T) {
	f := newFixture(t)
	f.svc = members.NewService(f.store, members.WithClock(f.clock.now), members.WithInvitationTTL(time.Hour))
	carol := members.Principal{IdentityID: "carol", Email: "carol@x.example"}
	newInv := func() members.Invitation {
		inv, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: carol.Email, Type: members.MemberGeneral,
			Permissions: []members.Permission{members.PermProjectView, members.PermChargesView}})
		require.NoError(t, err)
		assert.Equal(t, f.clock.now().Add(time.Hour), inv.ExpiresAt, "configurable TTL")
		return inv
	}

	// A second pending invitation for the same address conflicts.
	inv := newInv()
	_, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: carol.Email, Type: members.MemberGeneral})
	require.ErrorIs(t, err, members.ErrAlreadyExists)

	// Revoke; then it cannot be accepted.
	revoked, err := f.svc.RevokeInvitation(f.ctx, f.alice, f.org.ID, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, members.InvitationRevoked, revoked.State)
	_, err = f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, inv.ID)
	requireValidation(t, err, "state", "M-8")

	// Reject.
	inv = newInv()
	rejected, err := f.svc.RejectInvitation(f.ctx, carol, f.org.ID, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, members.InvitationRejected, rejected.State)

	// Someone else cannot accept carol's invitation: it looks missing.
	inv = newInv()
	name, err := f.svc.InvitingOrganization(f.ctx, carol, f.org.ID, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, f.org.DisplayName(), name, "the invitee learns who invites them")
	_, err = f.svc.InvitingOrganization(f.ctx, f.bob, f.org.ID, inv.ID)
	require.ErrorIs(t, err, members.ErrNotFound, "not another person (M-7)")
	_, err = f.svc.InvitingOrganization(f.ctx, carol, f.org.ID, "no-such-invitation")
	require.ErrorIs(t, err, members.ErrNotFound)
	_, err = f.svc.AcceptInvitation(f.ctx, f.bob, f.org.ID, inv.ID)
	require.ErrorIs(t, err, members.ErrNotFound)
	_, err = f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, "no-such-invitation")
	require.ErrorIs(t, err, members.ErrNotFound)

	// Accept creates the membership with the invited type and permissions.
	m, err := f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, members.MemberGeneral, m.Type)
	assert.Equal(t, []members.Permission{members.PermChargesView, members.PermProjectView}, m.Permissions)
	_, _, err = f.svc.ListProjects(f.ctx, carol, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	_, err = f.svc.AcceptInvitation(f.ctx, carol, f.org.ID, inv.ID)
	requireValidation(t, err, "state", "M-8")
	// Inviting a member conflicts.
	_, err = f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: carol.Email, Type: members.MemberGeneral})
	require.ErrorIs(t, err, members.ErrAlreadyExists)
}

func TestM8_AcceptIsAtomic(t *testing.T) {
	f := newFixture(t)
	// An invitation for bob, who is already a member: creating the membership
	// fails, so the invitation must stay pending.
	require.NoError(t, f.store.CreateInvitation(f.ctx, members.Invitation{ID: "inv-bob", OrgID: f.org.ID, Email: f.bob.Email,
		Type: members.MemberPower, State: members.InvitationPending, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	_, err := f.svc.AcceptInvitation(f.ctx, f.bob, f.org.ID, "inv-bob")
	require.ErrorIs(t, err, members.ErrAlreadyExists)
	inv, err := f.store.GetInvitation(f.ctx, f.org.ID, "inv-bob")
	require.NoError(t, err)
	assert.Equal(t, members.InvitationPending, inv.State)
	assert.Equal(t, int64(1), inv.Version)
	m, err := f.store.GetMembership(f.ctx, f.org.ID, f.bob.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, members.MemberGeneral, m.Type, "bob was not promoted")
}

func TestM8_ExpireInvitationsIsIdempotent(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: "a@x.example", Type: members.MemberGeneral})
	require.NoError(t, err)
	f.clock.add(24 * time.Hour)
	b, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: "b@x.example", Type: members.MemberGeneral})
	require.NoError(t, err)

	n, err := f.svc.ExpireInvitations(f.ctx, a.ExpiresAt)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = f.svc.ExpireInvitations(f.ctx, a.ExpiresAt)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "second run changes nothing")
	invs, _, err := f.svc.ListInvitations(f.ctx, f.alice, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	states := map[string]members.InvitationState{}
	for _, i := range invs {
		if i.ID == a.ID || i.ID == b.ID {
			states[i.ID] = i.State
		}
	}
	assert.Equal(t, map[string]members.InvitationState{a.ID: members.InvitationExpired, b.ID: members.InvitationPending}, states)
}

func TestM8_InvitationStateMachine(t *testing.T) {
	states := []members.InvitationState{members.InvitationPending, members.InvitationAccepted, members.InvitationRejected, members.InvitationExpired, members.InvitationRevoked}
	for _, from := range states {
		for _, to := range states[1:] {
			got, err := members.NextInvitationState(from, to)
			if from == members.InvitationPending {
				require.NoError(t, err)
				assert.Equal(t, to, got)
			} else {
				requireValidation(t, err, "state", "M-8")
			}
		}
	}
	_, err := members.NextInvitationState(members.InvitationPending, members.InvitationPending)
	requireValidation(t, err, "state", "M-8")
}

// TestM8_EmailLengthMatchesIdentity: an address longer than 254 bytes, which no
// identity can have, cannot be invited; 254 can.
func TestM8_EmailLengthMatchesIdentity(t *testing.T) {
	f := newFixture(t)
	ok := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	require.Len(t, ok, 254)
	_, err := f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: ok, Type: members.MemberGeneral})
	require.NoError(t, err)
	_, err = f.svc.Invite(f.ctx, f.alice, f.org.ID, members.NewInvitation{Email: "x" + ok, Type: members.MemberGeneral})
	require.ErrorIs(t, err, members.ErrInvalid)
}
