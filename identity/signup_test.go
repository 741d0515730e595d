package identity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// requestSignup asks for a signup link for email and returns the token mailed,
// requiring exactly one new mail.
func (f *fixture) requestSignup(t *testing.T, email string) string {
	t.Helper()
	before := len(f.mailer.sent())
	require.NoError(t, f.svc.RequestSignup(f.ctx, email, identity.Client{IP: "192.0.2.7"}))
	mails := f.mailer.sent()
	require.Len(t, mails, before+1)
	return mails[len(mails)-1].Token
}

// TestI1_SignupProvesTheAddress: an identity is keyed by its address for good
// (I-1), so a person signing up proves they hold it first. RequestSignup mails a
// single-use token to an address without an identity (and nothing, with the same
// answer, to one with); CompleteSignup creates the identity for the address the
// token went to, whatever address the caller names.
func TestI1_SignupProvesTheAddress(t *testing.T) {
	newBob := identity.NewIdentity{Name: "Bob", Password: goodPassword}

	t.Run("a token only for an address without identity", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		require.NoError(t, f.svc.RequestSignup(f.ctx, "Bob@Example.COM", testClient))
		mails := f.mailer.sent()
		require.Len(t, mails, 1)
		m := mails[0]
		assert.Equal(t, identity.MailSignup, m.Kind)
		assert.Equal(t, "bob@example.com", m.To, "the normalized address")
		assert.NotEmpty(t, m.Token)
		assert.Equal(t, t0.Add(f.svc.Policy().ResetTTL), m.ExpiresAt)

		for _, taken := range []string{"alice@example.com", "ALICE@example.com"} {
			require.NoError(t, f.svc.RequestSignup(f.ctx, taken, testClient), "the same answer: no account enumeration")
		}
		assert.Len(t, f.mailer.sent(), 1, "nothing is sent to an address that has an identity")

		requireInvalid(t, f.svc.RequestSignup(f.ctx, "not an email", testClient), "email")
		assert.Len(t, f.mailer.sent(), 1)
	})

	t.Run("the identity is the token's address", func(t *testing.T) {
		f := newFixture(t)
		token := f.requestSignup(t, "bob@example.com")
		f.clock.add(time.Minute)
		in := newBob
		in.ID, in.Email = "chosen-id", "mallory@example.com" // ignored: the token proves the address
		bob, warnings, err := f.svc.CompleteSignup(f.ctx, token, in, testClient)
		require.NoError(t, err)
		assert.Empty(t, warnings)
		assert.Equal(t, "bob@example.com", bob.Email)
		assert.Equal(t, "Bob", bob.Name)
		assert.NotEqual(t, "chosen-id", bob.ID)
		assert.Equal(t, t0.Add(time.Minute), bob.CreatedAt)
		assert.Equal(t, t0.Add(time.Minute), bob.PasswordChangedAt)
		assert.Equal(t, int64(1), bob.Version)

		got, err := f.svc.GetIdentity(f.ctx, bob.ID)
		require.NoError(t, err)
		assert.Equal(t, bob, got)
		_, err = f.svc.FindIdentityByEmail(f.ctx, "mallory@example.com")
		require.ErrorIs(t, err, identity.ErrNotFound)
		sess, _ := f.signIn(t, identity.Credentials{Email: "bob@example.com", Password: goodPassword})
		assert.Equal(t, bob.ID, sess.IdentityID)

		// A role address is accepted with its warning, as Register does.
		_, warnings, err = f.svc.CompleteSignup(f.ctx, f.requestSignup(t, "info@example.com"), newBob, testClient)
		require.NoError(t, err)
		require.Len(t, warnings, 1)
		assert.Equal(t, "email", warnings[0].Field)
	})

	t.Run("a refused password or name leaves the token usable", func(t *testing.T) {
		f := newFixture(t)
		token := f.requestSignup(t, "bob@example.com")
		for _, tt := range badPasswords {
			_, _, err := f.svc.CompleteSignup(f.ctx, token, identity.NewIdentity{Password: tt.password}, testClient)
			requirePasswordRefused(t, err, "password", tt.password, tt.broken)
		}
		_, _, err := f.svc.CompleteSignup(f.ctx, token, identity.NewIdentity{Name: "Bob\nBcc", Password: goodPassword}, testClient)
		requireInvalid(t, err, "name")
		breach := &fakeBreach{found: map[string]int{goodPassword: 7}}
		_, _, err = f.service(t, identity.WithBreachChecker(breach)).CompleteSignup(f.ctx, token, newBob, testClient)
		requireInvalid(t, err, "password")
		_, err = f.svc.FindIdentityByEmail(f.ctx, "bob@example.com")
		require.ErrorIs(t, err, identity.ErrNotFound)

		_, _, err = f.svc.CompleteSignup(f.ctx, token, newBob, testClient)
		require.NoError(t, err, "the token still works after refused input")
	})

	t.Run("the token works once", func(t *testing.T) {
		f := newFixture(t)
		token := f.requestSignup(t, "bob@example.com")
		first, _, err := f.svc.CompleteSignup(f.ctx, token, newBob, testClient)
		require.NoError(t, err)
		_, _, err = f.svc.CompleteSignup(f.ctx, token, identity.NewIdentity{Name: "Bob again", Password: otherPassword}, testClient)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		got, err := f.svc.FindIdentityByEmail(f.ctx, "bob@example.com")
		require.NoError(t, err)
		assert.Equal(t, first, got, "the identity is the first completion's")
	})

	t.Run("expired", func(t *testing.T) {
		f := newFixture(t)
		ttl := f.svc.Policy().ResetTTL
		late := f.requestSignup(t, "bob@example.com")
		inTime := f.requestSignup(t, "carol@example.com")
		f.clock.add(ttl - time.Microsecond)
		_, _, err := f.svc.CompleteSignup(f.ctx, inTime, newBob, testClient)
		require.NoError(t, err)
		f.clock.add(time.Microsecond)
		_, _, err = f.svc.CompleteSignup(f.ctx, late, newBob, testClient)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		_, err = f.svc.FindIdentityByEmail(f.ctx, "bob@example.com")
		require.ErrorIs(t, err, identity.ErrNotFound)
	})

	t.Run("a token for its purpose only", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		signup := f.requestSignup(t, "bob@example.com")
		reset := f.requestReset(t, "alice@example.com")
		_, _, err := f.svc.CompleteSignup(f.ctx, reset, newBob, testClient)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "a reset token creates nothing")
		require.ErrorIs(t, f.svc.ResetPassword(f.ctx, signup, otherPassword, testClient), identity.ErrUnauthenticated,
			"a signup token resets nothing")
		_, _, err = f.svc.CompleteSignup(f.ctx, signup, newBob, testClient)
		require.NoError(t, err)
	})

	t.Run("the address got an identity meanwhile", func(t *testing.T) {
		f := newFixture(t)
		token := f.requestSignup(t, "bob@example.com")
		registered := f.register(t, "bob@example.com")
		_, _, err := f.svc.CompleteSignup(f.ctx, token, newBob, testClient)
		require.ErrorIs(t, err, identity.ErrAlreadyExists)
		got, err := f.svc.FindIdentityByEmail(f.ctx, "bob@example.com")
		require.NoError(t, err)
		assert.Equal(t, registered.ID, got.ID)
	})

	t.Run("tokens tried per source", func(t *testing.T) {
		f := newFixture(t)
		token := f.requestSignup(t, "bob@example.com")
		guesser := identity.Client{IP: "203.0.113.30"}
		for i := range identity.TicketAttemptLimit {
			_, _, err := f.svc.CompleteSignup(f.ctx, fmt.Sprintf("GUESS%021d", i), newBob, guesser)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NotErrorAs(t, err, new(*identity.ThrottledError), "guess %d", i)
		}
		_, _, err := f.svc.CompleteSignup(f.ctx, token, newBob, guesser)
		require.ErrorAs(t, err, new(*identity.ThrottledError), "even the right token")
		_, _, err = f.svc.CompleteSignup(f.ctx, token, newBob, identity.Client{IP: "203.0.113.31"})
		require.NoError(t, err, "the throttled attempt did not use the token; another address is not throttled")
	})

	t.Run("in the transaction of an accepted invitation", func(t *testing.T) {
		mailer := &recordingMailer{}
		w := newWithMembers(t, identity.WithMailer(mailer))
		ctx := context.Background()
		inv, err := w.mem.Invite(ctx, w.alice, w.org.ID, members.NewInvitation{Email: "bob@example.com", Type: members.MemberGeneral,
			Permissions: []members.Permission{members.PermProjectView}})
		require.NoError(t, err)
		require.NoError(t, w.ids.RequestSignup(ctx, "bob@example.com", testClient))
		require.Len(t, mailer.sent(), 1)
		token := mailer.sent()[0].Token

		join := func(invitationID string) error {
			return w.db.InTx(ctx, func(ctx context.Context) error {
				id, _, err := w.ids.CompleteSignup(ctx, token, newBob, testClient)
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

		require.NoError(t, join(inv.ID), "and left the token usable")
		bob, err := w.ids.FindIdentityByEmail(ctx, "bob@example.com")
		require.NoError(t, err)
		m, err := w.mem.GetMember(ctx, w.alice, w.org.ID, bob.ID)
		require.NoError(t, err)
		assert.Equal(t, members.MemberGeneral, m.Type)
		_, _, err = w.ids.CompleteSignup(ctx, token, newBob, testClient)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "used by the committed transaction")
	})
}

// TestI4_ResetTokensTriedPerSource: one source address may present at most
// TicketAttemptLimit reset tokens per window, so tokens cannot be guessed at
// scale; the throttled attempt does not use the token.
func TestI4_ResetTokensTriedPerSource(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	token := f.requestReset(t, "alice@example.com")
	guesser := identity.Client{IP: "203.0.113.40"}
	for i := range identity.TicketAttemptLimit {
		err := f.svc.ResetPassword(f.ctx, fmt.Sprintf("GUESS%021d", i), otherPassword, guesser)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		require.NotErrorAs(t, err, new(*identity.ThrottledError), "guess %d", i)
	}
	require.ErrorAs(t, f.svc.ResetPassword(f.ctx, token, otherPassword, guesser), new(*identity.ThrottledError))
	f.clock.add(f.svc.Policy().FailureWindow)
	require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, guesser), "the window passed")
	require.NoError(t, f.signInErr("alice@example.com", otherPassword))
}
