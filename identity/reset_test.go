package identity_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
)

// requestReset asks for a reset of email and returns the token mailed, requiring
// exactly one new mail.
func (f *fixture) requestReset(t *testing.T, email string) string {
	t.Helper()
	before := len(f.mailer.sent())
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, email, identity.Client{IP: "192.0.2.7"}))
	mails := f.mailer.sent()
	require.Len(t, mails, before+1)
	return mails[len(mails)-1].Token
}

func (f *fixture) signInErr(email, password string) error {
	_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: password}, testClient)
	return err
}

func TestI4_ResetUnknownEmailAnswersTheSame(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "nobody@example.com", identity.Client{IP: "192.0.2.7"}), "no account enumeration")
	assert.Empty(t, f.mailer.sent())

	err := f.svc.RequestPasswordReset(f.ctx, "not an email", identity.Client{IP: "192.0.2.7"})
	requireInvalid(t, err, "email")
	assert.Empty(t, f.mailer.sent())
}

func TestI4_ResetMailAndSingleUse(t *testing.T) {
	f := newFixture(t)
	alice, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Name: "Alice", Password: goodPassword})
	require.NoError(t, err)
	_, s1 := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	_, s2 := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	f.members.join("acme", alice.ID)

	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "ALICE@example.com", identity.Client{IP: "192.0.2.7"}))
	mails := f.mailer.sent()
	require.Len(t, mails, 1)
	m := mails[0]
	assert.Equal(t, identity.MailPasswordReset, m.Kind)
	assert.Equal(t, "alice@example.com", m.To)
	assert.Equal(t, "Alice", m.Name)
	assert.NotEmpty(t, m.Token)
	assert.Equal(t, t0.Add(30*time.Minute), m.ExpiresAt)

	f.clock.add(10 * time.Minute)
	require.NoError(t, f.svc.ResetPassword(f.ctx, m.Token, otherPassword, testClient))
	require.ErrorIs(t, f.svc.ResetPassword(f.ctx, m.Token, "Third-Password-3", testClient), identity.ErrUnauthenticated, "a token works once")

	require.ErrorIs(t, f.signInErr("alice@example.com", goodPassword), identity.ErrUnauthenticated)
	require.NoError(t, f.signInErr("alice@example.com", otherPassword))
	for _, token := range []string{s1, s2} {
		_, err := f.svc.Authenticate(f.ctx, token)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "a reset ends every session")
	}
	got, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(10*time.Minute), got.PasswordChangedAt)
}

func TestI4_ResetTokenExpires(t *testing.T) {
	tests := []struct {
		after time.Duration
		ok    bool
	}{
		{30*time.Minute - time.Microsecond, true},
		{30 * time.Minute, false},
		{24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			token := f.requestReset(t, "alice@example.com")
			f.clock.add(tt.after)
			err := f.svc.ResetPassword(f.ctx, token, otherPassword, testClient)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NoError(t, f.signInErr("alice@example.com", goodPassword), "nothing changed")
		})
	}
	t.Run("policy", func(t *testing.T) {
		f := newFixture(t, identity.WithPolicy(identity.Policy{ResetTTL: 5 * time.Minute}))
		f.register(t, "alice@example.com")
		token := f.requestReset(t, "alice@example.com")
		f.clock.add(5 * time.Minute)
		require.ErrorIs(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient), identity.ErrUnauthenticated)
	})
}

func TestI4_ResetBadTokens(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	token := f.requestReset(t, "alice@example.com")
	_, session := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	for name, bad := range map[string]string{
		"empty":          "",
		"cut short":      token[:len(token)-1],
		"extended":       token + "A",
		"its hash":       hashHex(token),
		"a session":      session,
		"huge":           string(make([]byte, 10000)),
		"another's text": "AAAAAAAAAAAAAAAAAAAAAAAAAA",
	} {
		require.ErrorIs(t, f.svc.ResetPassword(f.ctx, bad, otherPassword, testClient), identity.ErrUnauthenticated, name)
	}
	require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient), "the real token still works")
}

func TestI4_ResetBadPasswordKeepsTheToken(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	token := f.requestReset(t, "alice@example.com")
	for _, tt := range badPasswords {
		err := f.svc.ResetPassword(f.ctx, token, tt.password, testClient)
		requirePasswordRefused(t, err, "new_password", tt.password, tt.broken)
	}
	breach := &fakeBreach{found: map[string]int{otherPassword: 3}}
	withBreach := f.service(t, identity.WithBreachChecker(breach))
	requireInvalid(t, withBreach.ResetPassword(f.ctx, token, otherPassword, testClient), "new_password")

	require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient), "the link still works after refused passwords")
	require.NoError(t, f.signInErr("alice@example.com", otherPassword))
}

func TestI4_ResetEndsOtherPendingLinks(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	first := f.requestReset(t, "alice@example.com")
	second := f.requestReset(t, "alice@example.com")
	require.NoError(t, f.svc.ResetPassword(f.ctx, second, otherPassword, testClient))
	require.ErrorIs(t, f.svc.ResetPassword(f.ctx, first, goodPassword, testClient), identity.ErrUnauthenticated)
}

func TestI4_ResetForgetsFailuresKeepsSecondFactor(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	secret, _ := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	for _, a := range failures(5, 0, "alice@example.com", "192.0.2.%d") {
		require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
	}
	require.ErrorAs(t, f.signInErr("alice@example.com", goodPassword), new(*identity.ThrottledError))

	require.NoError(t, f.svc.ResetPassword(f.ctx, f.requestReset(t, "alice@example.com"), otherPassword, testClient))

	f.clock.add(identity.TOTPPeriod)
	require.ErrorIs(t, f.signInErr("alice@example.com", otherPassword), identity.ErrSecondFactorRequired,
		"not throttled any more, and a reset is no way around MFA")
	sess, _ := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: otherPassword, TOTP: f.totp(secret, 0)})
	assert.True(t, sess.MFA)
}

func TestI4_ResetRequestsCappedPerAddress(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	limit := f.svc.Policy().FailureLimit
	for i := range limit + 3 {
		email := "alice@example.com"
		if i%2 == 1 {
			email = "Alice@Example.com" // one address, however spelled
		}
		require.NoError(t, f.svc.RequestPasswordReset(f.ctx, email, identity.Client{IP: "192.0.2.7"}), "a capped request answers the same")
	}
	assert.Len(t, f.mailer.sent(), limit, "at most FailureLimit mails per window")

	// Another address has its own cap; an unknown one counts, and answers, the same.
	f.register(t, "bob@example.com")
	f.requestReset(t, "bob@example.com")
	for range limit + 1 {
		require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "nobody@example.com", identity.Client{IP: "192.0.2.7"}))
	}
	assert.Len(t, f.mailer.sent(), limit+1)

	// Once the window has passed, one more mail goes out.
	f.clock.add(f.svc.Policy().FailureWindow)
	f.requestReset(t, "alice@example.com")
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"}))
	assert.Len(t, f.mailer.sent(), limit+3, "the window slides: the requests of now count")
}

func TestI4_ResetNeedsAMailer(t *testing.T) {
	f := newFixture(t)
	svc, err := identity.NewService(f.store, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)))
	require.NoError(t, err)
	_, _, err = svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword})
	require.NoError(t, err)
	for _, email := range []string{"alice@example.com", "nobody@example.com"} {
		err := svc.RequestPasswordReset(f.ctx, email, identity.Client{IP: "192.0.2.7"})
		require.Error(t, err, "without a mailer every request fails, known address or not")
	}

	t.Run("mailer failing", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		boom := errors.New("smtp: connection refused")
		f.mailer.err = boom
		require.ErrorIs(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"}), boom)
	})
}

func TestI2_ChangePassword(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	current, currentToken := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	_, otherToken := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	pending := f.requestReset(t, "alice@example.com")
	a := f.auth(t, currentToken)

	require.ErrorIs(t, f.svc.ChangePassword(f.ctx, a, otherPassword, "Third-Password-3"), identity.ErrWrongPassword,
		"the current password is required")
	f.auth(t, otherToken)

	f.clock.add(time.Hour)
	require.NoError(t, f.svc.ChangePassword(f.ctx, a, goodPassword, otherPassword))
	require.ErrorIs(t, f.signInErr("alice@example.com", goodPassword), identity.ErrUnauthenticated)
	require.NoError(t, f.signInErr("alice@example.com", otherPassword))

	assert.Equal(t, current.ID, f.auth(t, currentToken).SessionID, "the session that changed it stays")
	_, err := f.svc.Authenticate(f.ctx, otherToken)
	require.ErrorIs(t, err, identity.ErrUnauthenticated, "every other session ends")
	require.ErrorIs(t, f.svc.ResetPassword(f.ctx, pending, goodPassword, testClient), identity.ErrUnauthenticated, "pending reset links end")

	got, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), got.PasswordChangedAt)

	sessions, _, err := f.svc.ListSessions(f.ctx, a, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, sessions, 2, "the current one and the sign-in with the new password")
}

// TestI4_ResetRequestsLimitedPerSource: beyond the per-address cap, one source
// address asking for resets of many addresses is refused with a *ThrottledError
// after ResetLimitPerSource requests in the window.
func TestI4_ResetRequestsLimitedPerSource(t *testing.T) {
	f := newFixture(t)
	src := identity.Client{IP: "203.0.113.200"}
	for i := range identity.ResetLimitPerSource {
		require.NoError(t, f.svc.RequestPasswordReset(f.ctx, fmt.Sprintf("user%d@example.com", i), src))
	}
	err := f.svc.RequestPasswordReset(f.ctx, "one-more@example.com", src)
	var throttled *identity.ThrottledError
	require.ErrorAs(t, err, &throttled)
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "one-more@example.com", identity.Client{IP: "203.0.113.201"}))
}
