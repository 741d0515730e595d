package identity_test

import (
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

func TestI3_TOTPEnrollment(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	creds := identity.Credentials{Email: "alice@example.com", Password: goodPassword}
	a := f.login(t, "alice@example.com")

	_, err := f.svc.BeginTOTP(f.ctx, a, otherPassword)
	require.ErrorIs(t, err, identity.ErrWrongPassword, "enrolling asks for the current password")
	e, err := f.svc.BeginTOTP(f.ctx, a, goodPassword)
	require.NoError(t, err)
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	require.NoError(t, err)
	assert.Len(t, secret, 20)
	u, err := url.Parse(e.URI)
	require.NoError(t, err)
	assert.Equal(t, "otpauth", u.Scheme)
	assert.Equal(t, "totp", u.Host)
	assert.Equal(t, "/resellerkit:alice@example.com", u.Path)
	assert.Equal(t, e.Secret, u.Query().Get("secret"))
	assert.Equal(t, "resellerkit", u.Query().Get("issuer"))

	// Not a factor until confirmed.
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{}, st)
	sess, _ := f.signIn(t, creds)
	assert.False(t, sess.MFA)

	// A new BeginTOTP replaces the unconfirmed secret.
	e2, err := f.svc.BeginTOTP(f.ctx, a, goodPassword)
	require.NoError(t, err)
	require.NotEqual(t, e.Secret, e2.Secret)
	secret2, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e2.Secret)
	require.NoError(t, err)

	refused := map[string]string{
		"the replaced secret's code": f.totp(secret, 0),
		"a wrong code":               wrongCode(f, secret2),
		"too short":                  f.totp(secret2, 0)[:5],
		"letters":                    "abcdef",
		"empty":                      "",
		"two steps ahead":            f.totp(secret2, 2),
	}
	for name, code := range refused {
		_, err := f.svc.ConfirmTOTP(f.ctx, a, code)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, name)
	}
	st, err = f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.False(t, st.Enabled())

	codes, err := f.svc.ConfirmTOTP(f.ctx, a, f.totp(secret2, 0))
	require.NoError(t, err)
	require.Len(t, codes, identity.RecoveryCodeCount)
	distinct := map[string]bool{}
	for _, c := range codes {
		distinct[c] = true
		_, ok := identity.NormalizeRecoveryCode(c)
		assert.True(t, ok, c)
	}
	assert.Len(t, distinct, identity.RecoveryCodeCount)

	st, err = f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{TOTP: true, RecoveryCodes: 10}, st)

	_, err = f.svc.ConfirmTOTP(f.ctx, a, f.totp(secret2, 1))
	require.ErrorIs(t, err, identity.ErrAlreadyExists)
	_, err = f.svc.BeginTOTP(f.ctx, a, goodPassword)
	require.ErrorIs(t, err, identity.ErrAlreadyExists, "a confirmed app is removed first, with the password")

	// The session of an identity deleted since.
	gone := identity.Auth{Identity: identity.Identity{ID: "nobody", Email: "nobody@example.com"}, SessionID: "gone"}
	_, err = f.svc.BeginTOTP(f.ctx, gone, goodPassword)
	require.ErrorIs(t, err, identity.ErrNotFound)
	_, err = f.svc.ConfirmTOTP(f.ctx, gone, "123456")
	require.ErrorIs(t, err, identity.ErrNotFound)
}

func TestI3_TOTPIssuer(t *testing.T) {
	f := newFixture(t, identity.WithIssuer("Acme Portal"))
	f.register(t, "alice@example.com")
	e, err := f.svc.BeginTOTP(f.ctx, f.login(t, "alice@example.com"), goodPassword)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(e.URI, "otpauth://totp/Acme%20Portal:alice@example.com?"), e.URI)
}

func TestI3_SecondFactorRequiredIsNotAFailure(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	secret, _ := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	f.clock.add(identity.TOTPPeriod)

	for range 3 * f.svc.Policy().FailureLimit {
		_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
		require.ErrorIs(t, err, identity.ErrSecondFactorRequired)
		require.NotErrorIs(t, err, identity.ErrUnauthenticated)
	}
	// A wrong password does not say that MFA is on.
	_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: otherPassword}, testClient)
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
	require.NotErrorIs(t, err, identity.ErrSecondFactorRequired)

	sess, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: f.totp(secret, 0)})
	assert.True(t, sess.MFA)
	assert.Equal(t, "password+totp", sess.Method)
	assert.True(t, f.auth(t, token).MFA)
}

func TestI3_TOTPAcceptedOnce(t *testing.T) {
	// Steps run in order on one identity whose app was confirmed at step S (t0);
	// each is a fresh sign-in. The failure limit is raised so refusals stay
	// ErrUnauthenticated.
	f := newFixture(t, identity.WithPolicy(identity.Policy{FailureLimit: 100}))
	f.register(t, "alice@example.com")
	secret, _ := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	S := identity.TOTPStep(t0)
	code := func(step int64) string { return identity.TOTPCode(secret, S+step) }

	steps := []struct {
		name    string
		advance time.Duration
		code    string
		ok      bool
	}{
		{"the code that confirmed the app", 0, code(0), false},
		{"the step before it", 0, code(-1), false},
		{"the current code, next step", identity.TOTPPeriod, code(1), true},
		{"the same code again (replay)", 0, code(1), false},
		{"the previous step's code", 0, code(0), false},
		{"same code, next step, still within the skew", identity.TOTPPeriod, code(1), false},
		{"the current code", 0, code(2), true},
		{"the next step's code (clock skew)", identity.TOTPPeriod, code(4), true},
		{"then the current step's code", 0, code(3), false},
		{"the current code once its step is used", identity.TOTPPeriod, code(4), false},
		{"with spaces", identity.TOTPPeriod, code(5)[:3] + " " + code(5)[3:], true},
		{"far in the future", identity.TOTPPeriod, code(8), false},
		{"far in the past", 0, code(1), false},
		{"too short", 0, code(6)[:5], false},
		{"too long", 0, code(6) + "0", false},
		{"not digits", 0, "12345a", false},
		{"still accepted after refusals", 0, code(6), true},
	}
	for _, st := range steps {
		f.clock.add(st.advance)
		sess, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: st.code}, testClient)
		if st.ok {
			require.NoError(t, err, st.name)
			assert.True(t, sess.MFA, st.name)
			continue
		}
		require.ErrorIs(t, err, identity.ErrUnauthenticated, st.name)
		assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error(), st.name)
	}
}

func TestI3_TOTPConcurrentSignInsOneCode(t *testing.T) {
	f := newFixture(t, identity.WithPolicy(identity.Policy{FailureLimit: 100}))
	f.register(t, "alice@example.com")
	secret, _ := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	f.clock.add(identity.TOTPPeriod)
	code := f.totp(secret, 0)

	const n = 8
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			_, _, errs[i] = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: code},
				identity.Client{IP: fmt.Sprintf("192.0.2.%d", i+1)})
		})
	}
	close(start)
	wg.Wait()

	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
	}
	assert.Equal(t, 1, ok, "exactly one sign-in uses the code")
}

func TestI3_RecoveryCodes(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	bob := f.register(t, "bob@example.com")
	_, codes := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	_, bobCodes := f.enrollTOTP(t, f.login(t, "bob@example.com"))
	with := func(code string) error {
		_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: code}, testClient)
		return err
	}

	sess, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: codes[0]})
	assert.True(t, sess.MFA)
	assert.Equal(t, "password+recovery_code", sess.Method)
	assert.True(t, f.auth(t, token).MFA)

	require.ErrorIs(t, with(codes[0]), identity.ErrUnauthenticated, "a recovery code works once")
	require.ErrorIs(t, with(bobCodes[1]), identity.ErrUnauthenticated, "another identity's code")
	require.NoError(t, with(strings.ToUpper(strings.ReplaceAll(codes[1], "-", " "))), "typed in capitals with spaces")
	require.ErrorIs(t, with(codes[1]), identity.ErrUnauthenticated, "the same code however typed")

	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, 8, st.RecoveryCodes)
	st, err = f.svc.MFAStatus(f.ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, 10, st.RecoveryCodes, "a refused attempt spends no code")
}

func TestI3_WrongSecondFactorCountsAsFailure(t *testing.T) {
	tests := []struct {
		name  string
		wrong func(f *fixture, secret []byte, codes []string) identity.Credentials
	}{
		{"wrong TOTP", func(f *fixture, secret []byte, _ []string) identity.Credentials {
			return identity.Credentials{TOTP: wrongCode(f, secret)}
		}},
		{"replayed TOTP", func(f *fixture, secret []byte, _ []string) identity.Credentials {
			return identity.Credentials{TOTP: f.totp(secret, -1)}
		}},
		{"unknown recovery code", func(*fixture, []byte, []string) identity.Credentials {
			return identity.Credentials{RecoveryCode: "aaaa-bbbb-cccc-dddd"}
		}},
		{"malformed recovery code", func(*fixture, []byte, []string) identity.Credentials {
			return identity.Credentials{RecoveryCode: "not a code"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			alice := f.register(t, "alice@example.com")
			secret, codes := f.enrollTOTP(t, f.login(t, "alice@example.com"))
			f.clock.add(identity.TOTPPeriod)
			for i := range f.svc.Policy().FailureLimit {
				c := tt.wrong(f, secret, codes)
				c.Email, c.Password = "alice@example.com", goodPassword
				_, _, err := f.svc.SignIn(f.ctx, c, identity.Client{IP: fmt.Sprintf("192.0.2.%d", i+1)})
				require.ErrorIs(t, err, identity.ErrUnauthenticated)
				require.NotErrorAs(t, err, new(*identity.ThrottledError))
			}
			_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: f.totp(secret, 0)}, testClient)
			require.ErrorAs(t, err, new(*identity.ThrottledError), "even the right password and code")
			_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: codes[0]}, testClient)
			require.ErrorAs(t, err, new(*identity.ThrottledError))
			st, err := f.svc.MFAStatus(f.ctx, alice.ID)
			require.NoError(t, err)
			assert.Equal(t, 10, st.RecoveryCodes, "a throttled attempt spends no code")
		})
	}
}

func TestI3_RemoveTOTP(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	a := f.login(t, "alice@example.com")
	f.enrollTOTP(t, a)

	require.ErrorIs(t, f.svc.RemoveTOTP(f.ctx, a, otherPassword), identity.ErrWrongPassword)
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{TOTP: true, RecoveryCodes: 10}, st, "a wrong password removes nothing")

	require.NoError(t, f.svc.RemoveTOTP(f.ctx, a, goodPassword))
	st, err = f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{}, st, "no factor remains: the recovery codes go too")
	sess, _ := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	assert.False(t, sess.MFA)
	require.ErrorIs(t, f.svc.RemoveTOTP(f.ctx, a, goodPassword), identity.ErrNotFound)

	// Enrolling again gives a fresh set of codes.
	_, codes := f.enrollTOTP(t, a)
	assert.Len(t, codes, identity.RecoveryCodeCount)
}

func TestI3_RemoveTOTPKeepsCodesWhileAPasskeyRemains(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	a := f.login(t, "alice@example.com")
	f.enrollTOTP(t, a)
	// A passkey row as registration would store it (the ceremony is tested in
	// passkey_test.go).
	require.NoError(t, f.store.CreatePasskey(f.ctx, identity.Passkey{CredentialID: "cred-1", IdentityID: alice.ID,
		Name: "YubiKey", Credential: []byte(`{}`), CreatedAt: t0}))

	require.NoError(t, f.svc.RemoveTOTP(f.ctx, a, goodPassword))
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{Passkeys: 1, RecoveryCodes: 10}, st)
	_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
	require.ErrorIs(t, err, identity.ErrSecondFactorRequired, "the passkey keeps MFA on")
}

func TestI3_RegenerateRecoveryCodes(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	a := f.login(t, "alice@example.com")

	_, err := f.svc.RegenerateRecoveryCodes(f.ctx, a, goodPassword)
	requireInvalid(t, err, "recovery_codes")

	_, old := f.enrollTOTP(t, a)
	_, err = f.svc.RegenerateRecoveryCodes(f.ctx, a, otherPassword)
	require.ErrorIs(t, err, identity.ErrWrongPassword)

	fresh, err := f.svc.RegenerateRecoveryCodes(f.ctx, a, goodPassword)
	require.NoError(t, err)
	require.Len(t, fresh, identity.RecoveryCodeCount)
	_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: old[0]}, testClient)
	require.ErrorIs(t, err, identity.ErrUnauthenticated, "the old codes are gone")
	f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: fresh[0]})
}

func TestI4_ReauthenticationIsThrottled(t *testing.T) {
	// Each method asking for the current password counts a wrong one as a failed
	// sign-in of the identity, so a stolen session cannot guess the password past
	// the limit.
	methods := map[string]func(f *fixture, a identity.Auth, password string) error{
		"ChangePassword": func(f *fixture, a identity.Auth, password string) error {
			return f.svc.ChangePassword(f.ctx, a, password, otherPassword)
		},
		"RemoveTOTP": func(f *fixture, a identity.Auth, password string) error {
			return f.svc.RemoveTOTP(f.ctx, a, password)
		},
		"RegenerateRecoveryCodes": func(f *fixture, a identity.Auth, password string) error {
			_, err := f.svc.RegenerateRecoveryCodes(f.ctx, a, password)
			return err
		},
	}
	for name, call := range methods {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			alice := f.login(t, "alice@example.com")
			f.enrollTOTP(t, alice)
			for range f.svc.Policy().FailureLimit {
				err := call(f, alice, "Wrong-Password-1")
				require.ErrorIs(t, err, identity.ErrWrongPassword)
				require.NotErrorAs(t, err, new(*identity.ThrottledError))
			}
			err := call(f, alice, goodPassword)
			var te *identity.ThrottledError
			require.ErrorAs(t, err, &te, "even the right password")
			assert.Equal(t, f.svc.Policy().FailureWindow, te.RetryAfter)
			_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
			require.ErrorAs(t, err, new(*identity.ThrottledError), "and sign-in")

			f.clock.add(f.svc.Policy().FailureWindow)
			require.NoError(t, call(f, alice, goodPassword))
		})
	}
}

// ---- M-6: whether a second factor established the session ----

func TestM6_MFAFlagOfSessionsAndKeys(t *testing.T) {
	tests := []struct {
		name    string
		enroll  bool
		factor  func(f *fixture, secret []byte, codes []string) identity.Credentials
		wantMFA bool
		method  string
	}{
		{"password only", false, func(*fixture, []byte, []string) identity.Credentials { return identity.Credentials{} }, false, "password"},
		{"a code without MFA on is ignored", false, func(*fixture, []byte, []string) identity.Credentials {
			return identity.Credentials{TOTP: "123456"}
		}, false, "password"},
		{"password and TOTP", true, func(f *fixture, secret []byte, _ []string) identity.Credentials {
			return identity.Credentials{TOTP: f.totp(secret, 0)}
		}, true, "password+totp"},
		{"password and recovery code", true, func(_ *fixture, _ []byte, codes []string) identity.Credentials {
			return identity.Credentials{RecoveryCode: codes[3]}
		}, true, "password+recovery_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			alice := f.register(t, "alice@example.com")
			f.members.join("acme", alice.ID)
			var secret []byte
			var codes []string
			if tt.enroll {
				secret, codes = f.enrollTOTP(t, f.login(t, "alice@example.com"))
				f.clock.add(identity.TOTPPeriod)
			}
			c := tt.factor(f, secret, codes)
			c.Email, c.Password = "alice@example.com", goodPassword
			sess, token := f.signIn(t, c)
			assert.Equal(t, tt.wantMFA, sess.MFA)
			assert.Equal(t, tt.method, sess.Method)
			a := f.auth(t, token)
			assert.Equal(t, tt.wantMFA, a.MFA)

			key, secretKey, err := f.svc.CreateAPIKey(f.ctx, a, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
			require.NoError(t, err)
			assert.Equal(t, tt.wantMFA, key.MFA, "a key inherits the flag of the session that made it")
			assert.Equal(t, tt.wantMFA, f.auth(t, secretKey).MFA)
		})
	}
}

// errBoom is an infrastructure failure of a fake.
var errBoom = errors.New("boom")

// TestI3_BothFactorsIsInvalid: a sign-in gives one second factor. More than one is
// refused as ErrInvalid (field "second_factor") before anything is checked: for
// any email, known or not, with any password; it counts as no failure and spends
// no factor.
func TestI3_BothFactorsIsInvalid(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	secret, codes := f.enrollTOTP(t, f.login(t, "alice@example.com"))
	f.clock.add(identity.TOTPPeriod)
	passkey := &identity.PasskeyAssertion{Ticket: "T", Response: []byte("{}")}

	factors := map[string]identity.Credentials{
		"TOTP and recovery code":    {TOTP: f.totp(secret, 0), RecoveryCode: codes[0]},
		"TOTP and passkey":          {TOTP: f.totp(secret, 0), Passkey: passkey},
		"recovery code and passkey": {RecoveryCode: codes[0], Passkey: passkey},
		"all three":                 {TOTP: f.totp(secret, 0), RecoveryCode: codes[0], Passkey: passkey},
	}
	who := map[string][2]string{
		"right password":  {"alice@example.com", goodPassword},
		"wrong password":  {"alice@example.com", otherPassword},
		"unknown email":   {"nobody@example.com", goodPassword},
		"malformed email": {"not an email", goodPassword},
	}
	for wname, w := range who {
		for fname, c := range factors {
			t.Run(wname+"/"+fname, func(t *testing.T) {
				c.Email, c.Password = w[0], w[1]
				_, _, err := f.svc.SignIn(f.ctx, c, testClient)
				ve := requireInvalid(t, err, "second_factor")
				assert.Equal(t, "I-3", ve.Rule)
				require.NotErrorIs(t, err, identity.ErrUnauthenticated)
			})
		}
	}

	// 16 refusals, none counted, nothing spent: the code and the recovery code
	// still work, once each.
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.RecoveryCodeCount, st.RecoveryCodes)
	sess, _ := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: f.totp(secret, 0)})
	assert.Equal(t, "password+totp", sess.Method)
	sess, _ = f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, RecoveryCode: codes[0]})
	assert.Equal(t, "password+recovery_code", sess.Method)
}

// TestI2_ReauthWrongPasswordIsErrWrongPassword: a wrong current password given to
// confirm a sensitive change is ErrWrongPassword (which wraps
// ErrUnauthenticated), changes nothing, and leaves the session that sent it
// signed in: it is not the session that failed.
func TestI2_ReauthWrongPasswordIsErrWrongPassword(t *testing.T) {
	methods := map[string]func(f *fixture, a identity.Auth, pk identity.Passkey, password string) error{
		"ChangePassword": func(f *fixture, a identity.Auth, _ identity.Passkey, password string) error {
			return f.svc.ChangePassword(f.ctx, a, password, "Third-Password-3")
		},
		"BeginTOTP": func(f *fixture, a identity.Auth, _ identity.Passkey, password string) error {
			_, err := f.svc.BeginTOTP(f.ctx, a, password)
			return err
		},
		"RemoveTOTP": func(f *fixture, a identity.Auth, _ identity.Passkey, password string) error {
			return f.svc.RemoveTOTP(f.ctx, a, password)
		},
		"RegenerateRecoveryCodes": func(f *fixture, a identity.Auth, _ identity.Passkey, password string) error {
			_, err := f.svc.RegenerateRecoveryCodes(f.ctx, a, password)
			return err
		},
		"BeginPasskeyRegistration": func(f *fixture, a identity.Auth, _ identity.Passkey, password string) error {
			_, _, err := f.svc.BeginPasskeyRegistration(f.ctx, a, password)
			return err
		},
		"RemovePasskey": func(f *fixture, a identity.Auth, pk identity.Passkey, password string) error {
			return f.svc.RemovePasskey(f.ctx, a, pk.CredentialID, password)
		},
	}
	for name, call := range methods {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, passkeyOptions())
			alice := f.register(t, "alice@example.com")
			_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
			a := f.auth(t, token)
			f.enrollTOTP(t, a)
			pk := f.addPasskey(t, a, webauthntest.New(pkOrigin))
			before := f.credentials(t, alice.ID)

			err := call(f, a, pk, otherPassword)
			require.ErrorIs(t, err, identity.ErrWrongPassword)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NotErrorAs(t, err, new(*identity.ThrottledError))
			assert.Contains(t, err.Error(), "current password")

			assert.Equal(t, a.SessionID, f.auth(t, token).SessionID, "the session still authenticates")
			assert.Equal(t, before, f.credentials(t, alice.ID), "nothing changed")
			_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
			require.ErrorIs(t, err, identity.ErrSecondFactorRequired, "the password is still the old one, MFA still on")
		})
	}
}
