package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	idmem "github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	mmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// withMembers is identity and members on one in-memory database, as a portal has
// them on one SQL database: members.Service is the identity.Service's Memberships.
type withMembers struct {
	db    *memdb.DB
	ids   *identity.Service
	mem   *members.Service
	alice members.Principal // power user of org
	org   members.Organization
}

// newWithMembers builds both services; opts come after the identity.Service's
// own, so they win.
func newWithMembers(t *testing.T, opts ...identity.Option) *withMembers {
	t.Helper()
	db := memdb.New()
	mem := members.NewService(mmem.NewOn(db))
	ids, err := identity.NewService(idmem.NewOn(db),
		append([]identity.Option{identity.WithMemberships(mem), identity.WithHasher(cheapHasher(t, 64))}, opts...)...)
	require.NoError(t, err)
	ctx := context.Background()
	a, _, err := ids.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword})
	require.NoError(t, err)
	alice := members.Principal{IdentityID: a.ID, Email: a.Email}
	org, err := mem.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	require.NoError(t, err)
	return &withMembers{db: db, ids: ids, mem: mem, alice: alice, org: org}
}

// TestM8_NewIdentityAndAcceptedInvitationCommitTogether: a person without an
// identity accepts an invitation; the identity is created in the same transaction,
// so a failed acceptance leaves no identity behind.
func TestM8_NewIdentityAndAcceptedInvitationCommitTogether(t *testing.T) {
	w := newWithMembers(t)
	ctx := context.Background()
	inv, err := w.mem.Invite(ctx, w.alice, w.org.ID, members.NewInvitation{Email: "bob@example.com", Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}})
	require.NoError(t, err)

	join := func(invitationID string) error {
		return w.db.InTx(ctx, func(ctx context.Context) error {
			id, _, err := w.ids.Register(ctx, identity.NewIdentity{Email: "bob@example.com", Password: goodPassword})
			if err != nil {
				return err
			}
			_, err = w.mem.AcceptInvitation(ctx, members.Principal{IdentityID: id.ID, Email: id.Email}, w.org.ID, invitationID)
			return err
		})
	}
	require.ErrorIs(t, join("no-such-invitation"), members.ErrNotFound)
	_, err = w.ids.FindIdentityByEmail(ctx, "bob@example.com")
	require.ErrorIs(t, err, identity.ErrNotFound, "the failed acceptance took the identity with it")

	require.NoError(t, join(inv.ID))
	bob, err := w.ids.FindIdentityByEmail(ctx, "bob@example.com")
	require.NoError(t, err)
	m, err := w.mem.GetMember(ctx, w.alice, w.org.ID, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, members.MemberGeneral, m.Type)
}

// TestI5_MembersServiceAnswersMemberships: members.Service is identity's
// Memberships: a member cannot be deleted until it left its last organization,
// and an API key is bound only to an organization its owner belongs to.
func TestI5_MembersServiceAnswersMemberships(t *testing.T) {
	w := newWithMembers(t)
	ctx := context.Background()
	other, err := w.mem.CreateOrganization(ctx, members.Principal{IdentityID: "someone-else"}, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)

	_, tok, err := w.ids.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, identity.Client{IP: "192.0.2.1"})
	require.NoError(t, err)
	auth, err := w.ids.Authenticate(ctx, tok)
	require.NoError(t, err)
	_, _, err = w.ids.CreateAPIKey(ctx, auth, identity.NewAPIKey{OrgID: w.org.ID, Name: "ci"})
	require.NoError(t, err)
	_, _, err = w.ids.CreateAPIKey(ctx, auth, identity.NewAPIKey{OrgID: other.ID, Name: "ci"})
	require.ErrorIs(t, err, identity.ErrNotFound, "not a member of other")

	require.ErrorIs(t, w.ids.DeleteIdentity(ctx, w.alice.IdentityID), identity.ErrInUse)
	// alice is the last power user: she makes bob power user, then leaves.
	inv, err := w.mem.Invite(ctx, w.alice, w.org.ID, members.NewInvitation{Email: "bob@example.com", Type: members.MemberPower})
	require.NoError(t, err)
	_, err = w.mem.AcceptInvitation(ctx, members.Principal{IdentityID: "bob", Email: "bob@example.com"}, w.org.ID, inv.ID)
	require.NoError(t, err)
	require.NoError(t, w.mem.RemoveMember(ctx, w.alice, w.org.ID, w.alice.IdentityID))
	require.NoError(t, w.ids.DeleteIdentity(ctx, w.alice.IdentityID))
	_, err = w.ids.Authenticate(ctx, tok)
	require.True(t, errors.Is(err, identity.ErrUnauthenticated), "her sessions went with her")
}
