package members_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// TestI4_BoundPrincipalActsOnlyInItsOrganization: a principal bound to one
// organization (an API key, I-4) is denied every other organization exactly like an
// outsider, even where its identity is a power user, and even as an operator.
func TestI4_BoundPrincipalActsOnlyInItsOrganization(t *testing.T) {
	f := newFixture(t)
	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other K.K."})
	require.NoError(t, err)
	inv, err := f.svc.Invite(f.ctx, f.alice, other.ID, members.NewInvitation{Email: f.bob.Email, Type: members.MemberGeneral})
	require.NoError(t, err)

	keyA := f.alice
	keyA.OrgID = f.org.ID
	opKey := f.op
	opKey.OrgID = f.org.ID
	bobKey := f.bob
	bobKey.OrgID = f.org.ID

	cases := []struct {
		name string
		call func() error
		deny bool
	}{
		{"own organization: list projects", func() error { _, _, err := f.svc.ListProjects(f.ctx, keyA, f.org.ID, resellerkit.Page{}); return err }, false},
		{"other organization where the identity is power user", func() error {
			_, _, err := f.svc.ListProjects(f.ctx, keyA, other.ID, resellerkit.Page{})
			return err
		}, true},
		{"other organization: write", func() error {
			_, err := f.svc.CreateProject(f.ctx, keyA, other.ID, project("X"))
			return err
		}, true},
		{"operator key of A in B", func() error { _, err := f.svc.GetOrganization(f.ctx, opKey, other.ID); return err }, true},
		{"create an organization", func() error {
			_, err := f.svc.CreateOrganization(f.ctx, keyA, members.NewOrganization{Code: "third", Name: "Third"})
			return err
		}, true},
		{"list my invitations", func() error { _, _, err := f.svc.ListMyInvitations(f.ctx, bobKey, resellerkit.Page{}); return err }, true},
		{"accept an invitation to another organization", func() error {
			_, err := f.svc.AcceptInvitation(f.ctx, bobKey, other.ID, inv.ID)
			return err
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.deny {
				require.ErrorIs(t, err, members.ErrPermissionDenied)
				assert.Equal(t, members.ErrPermissionDenied.Error(), err.Error(), "the same answer as for an outsider")
				return
			}
			require.NoError(t, err)
		})
	}

	t.Run("my memberships show only the bound one", func(t *testing.T) {
		ms, next, err := f.svc.ListMyMemberships(f.ctx, keyA, resellerkit.Page{})
		require.NoError(t, err)
		require.Len(t, ms, 1)
		assert.Equal(t, f.org.ID, ms[0].OrgID)
		assert.Empty(t, next)
		all, _, err := f.svc.ListMyMemberships(f.ctx, f.alice, resellerkit.Page{})
		require.NoError(t, err)
		assert.Len(t, all, 2, "unbound, alice sees both")
	})
}

// TestI5_MembershipQueriesForIdentity: the system queries identity uses to bind API
// keys (IsMember) and to refuse deleting a member (HasMemberships, I-5).
func TestI5_MembershipQueriesForIdentity(t *testing.T) {
	f := newFixture(t)
	in, err := f.svc.IsMember(f.ctx, f.org.ID, f.bob.IdentityID)
	require.NoError(t, err)
	assert.True(t, in)
	in, err = f.svc.IsMember(f.ctx, "no-such-org", f.bob.IdentityID)
	require.NoError(t, err)
	assert.False(t, in)
	has, err := f.svc.HasMemberships(f.ctx, f.bob.IdentityID)
	require.NoError(t, err)
	assert.True(t, has)
	require.NoError(t, f.svc.RemoveMember(f.ctx, f.bob, f.org.ID, f.bob.IdentityID))
	has, err = f.svc.HasMemberships(f.ctx, f.bob.IdentityID)
	require.NoError(t, err)
	assert.False(t, has, "after leaving its only organization")
}

// TestM7_AuthorizeForOtherPackages: Service.Authorize applies the same checks as
// the Service's own operations: a member with the permission passes, without it
// is denied naming it, an outsider and a missing organization get the same
// ErrPermissionDenied, and the MFA gate comes first.
func TestM7_AuthorizeForOtherPackages(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.svc.Authorize(f.ctx, f.bob, f.org.ID, members.PermAccountView))
	require.NoError(t, f.svc.Authorize(f.ctx, f.bob, f.org.ID, ""))
	err := f.svc.Authorize(f.ctx, f.bob, f.org.ID, members.PermContactsEdit)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	assert.Contains(t, err.Error(), "contacts.edit")
	outsider := members.Principal{IdentityID: "mallory", Email: "mallory@evil.example"}
	e1 := f.svc.Authorize(f.ctx, outsider, f.org.ID, "")
	e2 := f.svc.Authorize(f.ctx, outsider, "no-such-org", "")
	require.ErrorIs(t, e1, members.ErrPermissionDenied)
	assert.Equal(t, e1.Error(), e2.Error())
	require.NoError(t, f.svc.Authorize(f.ctx, f.op, f.org.ID, members.PermOperator))
}
