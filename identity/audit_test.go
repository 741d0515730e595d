package identity_test

import (
	"context"
	"encoding/base32"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

// midSignInStore is memstore running hook once, the first time a sign-in reads
// the identity's second factors (GetTOTP): after the password was verified and
// before the session is created.
type midSignInStore struct {
	*memstore.Store
	once sync.Once
	hook func()
}

func (s *midSignInStore) GetTOTP(ctx context.Context, identityID string) (identity.TOTP, error) {
	s.once.Do(s.hook)
	return s.Store.GetTOTP(ctx, identityID)
}

// afterReauthStore is memstore running hook once, the first time an attempt's
// count is taken back (RemoveFailure): after a password was verified, before the
// change it allowed is written.
type afterReauthStore struct {
	*memstore.Store
	once sync.Once
	hook func()
}

func (s *afterReauthStore) RemoveFailure(ctx context.Context, key string, at time.Time) error {
	s.once.Do(s.hook)
	return s.Store.RemoveFailure(ctx, key, at)
}

// I-4 (sessions are revocable; a password change or reset ends every other
// session): a sign-in with the old password still being checked when the
// password changes must not end with a live session. Otherwise someone who
// knows the old password and keeps signing in (each attempt spends the
// argon2id verification between reading the identity and creating its session)
// keeps access through the very change or reset meant to lock them out.
func TestI4_SignInRacingAPasswordChangeGetsNoSession(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, f *fixture, a identity.Auth)
	}{
		{"change", func(t *testing.T, f *fixture, a identity.Auth) {
			require.NoError(t, f.svc.ChangePassword(f.ctx, a, goodPassword, otherPassword))
		}},
		{"reset", func(t *testing.T, f *fixture, _ identity.Auth) {
			token := f.requestReset(t, "alice@example.com")
			require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			owner := f.login(t, "alice@example.com")

			st := &midSignInStore{Store: f.store}
			st.hook = func() { tt.change(t, f, owner) }
			racing, err := identity.NewService(st, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)),
				identity.WithMemberships(f.members), identity.WithMailer(f.mailer),
				identity.WithIDGenerator(func() string { return fmt.Sprintf("race%04d", f.serial.Add(1)) }))
			require.NoError(t, err)

			_, token, err := racing.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
			if err == nil {
				_, err = f.svc.Authenticate(f.ctx, token)
				require.ErrorIs(t, err, identity.ErrUnauthenticated,
					"a session signed in with the old password outlives the password's %s", tt.name)
			}
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NoError(t, f.signInErr("alice@example.com", otherPassword))
		})
	}
}

// I-4 (a password reset ends every session, so that whoever knew the old
// password is locked out): a password change from a session the reset ended,
// whose current password was checked just before the reset committed, must not
// overwrite the password the reset set. Otherwise someone holding the old
// password and a session, changing the password in a loop, takes the account
// back from every reset.
func TestI4_PasswordChangeRacingAResetDoesNotUndoIt(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	intruder := f.login(t, "alice@example.com")
	const intruders = "Intruder#Pass77"

	st := &afterReauthStore{Store: f.store}
	st.hook = func() {
		token := f.requestReset(t, "alice@example.com")
		require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient))
	}
	racing, err := identity.NewService(st, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)),
		identity.WithMemberships(f.members), identity.WithMailer(f.mailer),
		identity.WithIDGenerator(func() string { return fmt.Sprintf("race%04d", f.serial.Add(1)) }))
	require.NoError(t, err)

	err = racing.ChangePassword(f.ctx, intruder, goodPassword, intruders)
	require.ErrorIs(t, err, identity.ErrWrongPassword, "the password checked is no longer the identity's")
	require.NoError(t, f.signInErr("alice@example.com", otherPassword), "the reset's password stands")
	require.ErrorIs(t, f.signInErr("alice@example.com", intruders), identity.ErrUnauthenticated)
}

// serviceOn is a Service like the fixture's, passkeys on, on st: a wrapper of the
// fixture's store that runs a hook in the middle of a call.
func (f *fixture) serviceOn(t *testing.T, st identity.Store) *identity.Service {
	t.Helper()
	svc, err := identity.NewService(st, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)),
		identity.WithMemberships(f.members), identity.WithMailer(f.mailer), passkeyOptions(),
		identity.WithIDGenerator(func() string { return fmt.Sprintf("race%04d", f.serial.Add(1)) }))
	require.NoError(t, err)
	return svc
}

// passwordChanges are the two ways alice's password stops being goodPassword and
// every session but owner's ends: a change from owner's session, and a reset.
var passwordChanges = []struct {
	name   string
	change func(t *testing.T, f *fixture, owner identity.Auth)
}{
	{"change", func(t *testing.T, f *fixture, owner identity.Auth) {
		require.NoError(t, f.svc.ChangePassword(f.ctx, owner, goodPassword, otherPassword))
	}},
	{"reset", func(t *testing.T, f *fixture, _ identity.Auth) {
		token := f.requestReset(t, "alice@example.com")
		require.NoError(t, f.svc.ResetPassword(f.ctx, token, otherPassword, testClient))
	}},
}

// I-4 (a password change or reset ends every other session, so that whoever knew
// the old password is locked out): a change to the second factors that the old
// password allowed, checked just before the change or reset committed and still
// in flight from a session it ended, must not be written. Otherwise someone
// holding the old password and a session, repeating the call, strips the
// victim's app or passkey (or takes over its recovery codes) through the very
// reset meant to lock them out. Each is refused like a wrong password, and
// nothing changes.
func TestI4_SecondFactorChangeRacingAPasswordChangeIsRefused(t *testing.T) {
	tests := []struct {
		name string
		// setup gives alice what call would change, from the intruder's session;
		// call is the intruder's call, with the old password; stays checks, beyond
		// the credentials compared, that what call would have replaced is still
		// there.
		setup func(t *testing.T, f *fixture, intruder identity.Auth) any
		call  func(svc *identity.Service, f *fixture, intruder identity.Auth, state any) error
		stays func(t *testing.T, f *fixture, state any)
	}{
		{name: "RemoveTOTP",
			setup: func(t *testing.T, f *fixture, a identity.Auth) any { f.enrollTOTP(t, a); return nil },
			call: func(svc *identity.Service, f *fixture, a identity.Auth, _ any) error {
				return svc.RemoveTOTP(f.ctx, a, goodPassword)
			}},
		{name: "RemovePasskey",
			setup: func(t *testing.T, f *fixture, a identity.Auth) any {
				return f.addPasskey(t, a, webauthntest.New(pkOrigin)).CredentialID
			},
			call: func(svc *identity.Service, f *fixture, a identity.Auth, credentialID any) error {
				return svc.RemovePasskey(f.ctx, a, credentialID.(string), goodPassword)
			}},
		{name: "RegenerateRecoveryCodes",
			setup: func(t *testing.T, f *fixture, a identity.Auth) any { _, codes := f.enrollTOTP(t, a); return codes },
			call: func(svc *identity.Service, f *fixture, a identity.Auth, _ any) error {
				_, err := svc.RegenerateRecoveryCodes(f.ctx, a, goodPassword)
				return err
			},
			stays: func(t *testing.T, f *fixture, codes any) {
				_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: otherPassword,
					RecoveryCode: codes.([]string)[0]}, testClient)
				require.NoError(t, err, "the recovery codes alice has still work")
			}},
		{name: "BeginTOTP",
			setup: func(*testing.T, *fixture, identity.Auth) any { return nil },
			call: func(svc *identity.Service, f *fixture, a identity.Auth, _ any) error {
				_, err := svc.BeginTOTP(f.ctx, a, goodPassword)
				return err
			}},
		{name: "BeginPasskeyRegistration",
			setup: func(*testing.T, *fixture, identity.Auth) any { return nil },
			call: func(svc *identity.Service, f *fixture, a identity.Auth, _ any) error {
				_, _, err := svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
				return err
			}},
	}
	for _, tt := range tests {
		for _, pc := range passwordChanges {
			t.Run(tt.name+"/"+pc.name, func(t *testing.T) {
				f := newFixture(t, passkeyOptions())
				alice := f.register(t, "alice@example.com")
				owner := f.login(t, "alice@example.com")
				intruder := f.login(t, "alice@example.com")
				state := tt.setup(t, f, intruder)

				var after map[string]any
				st := &afterReauthStore{Store: f.store}
				st.hook = func() {
					pc.change(t, f, owner)
					after = f.credentials(t, alice.ID)
				}
				err := tt.call(f.serviceOn(t, st), f, intruder, state)
				require.ErrorIs(t, err, identity.ErrWrongPassword, "the password checked is no longer alice's")
				require.NotNil(t, after, "the password changed during the call")
				require.Equal(t, after, f.credentials(t, alice.ID), "the call changed nothing")
				if tt.stays != nil {
					tt.stays(t, f, state)
				}
			})
		}
	}
}

// I-4, continued: an enrollment of a second factor that the old password began
// (BeginTOTP, BeginPasskeyRegistration) cannot be completed once the password
// changed or was reset, even by a completing call in flight from a session the
// change ended (here: with that session's Auth, taken before the change).
// Otherwise the intruder adds an app (whose recovery codes they get) or a passkey
// (which signs in alone) right after the reset that was to lock them out.
func TestI4_EnrollmentBegunOnTheOldPasswordDoesNotComplete(t *testing.T) {
	tests := []struct {
		name string
		// begin starts the enrollment and returns a func completing it.
		begin func(t *testing.T, f *fixture, intruder identity.Auth) func() error
	}{
		{"TOTP", func(t *testing.T, f *fixture, a identity.Auth) func() error {
			e, err := f.svc.BeginTOTP(f.ctx, a, goodPassword)
			require.NoError(t, err)
			secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
			require.NoError(t, err)
			return func() error {
				_, err := f.svc.ConfirmTOTP(f.ctx, a, f.totp(secret, 0))
				return err
			}
		}},
		{"passkey", func(t *testing.T, f *fixture, a identity.Auth) func() error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
			require.NoError(t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(t, err)
			return func() error {
				_, _, err := f.svc.FinishPasskeyRegistration(f.ctx, a, ticket, "", resp)
				require.ErrorIs(t, err, identity.ErrUnauthenticated)
				return err
			}
		}},
	}
	for _, tt := range tests {
		for _, pc := range passwordChanges {
			t.Run(tt.name+"/"+pc.name, func(t *testing.T) {
				f := newFixture(t, passkeyOptions())
				alice := f.register(t, "alice@example.com")
				owner := f.login(t, "alice@example.com")
				intruder := f.login(t, "alice@example.com")
				complete := tt.begin(t, f, intruder)

				pc.change(t, f, owner)
				require.Error(t, complete(), "an enrollment the old password began completes after the password's %s", pc.name)
				st, err := f.svc.MFAStatus(f.ctx, alice.ID)
				require.NoError(t, err)
				require.Equal(t, identity.MFAStatus{}, st, "no second factor, no recovery codes")

				// alice, with the new password, enrolls as usual.
				_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: otherPassword})
				now := f.auth(t, token)
				e, err := f.svc.BeginTOTP(f.ctx, now, otherPassword)
				require.NoError(t, err)
				secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
				require.NoError(t, err)
				_, err = f.svc.ConfirmTOTP(f.ctx, now, f.totp(secret, 0))
				require.NoError(t, err)
			})
		}
	}
}

// I-4, what is not a password change: a sign-in that stores a new hash of the
// same password (the hasher's parameters were raised: a new salt, a new hash)
// changes nothing the password allowed. A call whose password was checked just
// before such a sign-in committed (here, on another device, through a Service
// whose hasher has twice the fixture's memory) still completes, as does a
// sign-in racing it and a passkey registration begun before it. The guards of
// the races above must tell a rehash from a change or reset: otherwise a
// person's own sign-in elsewhere turns their right password into "the current
// password is wrong".
func TestI4_RehashOnSignInIsNoPasswordChange(t *testing.T) {
	tests := []struct {
		name string
		// setup gives alice what call needs, from session a, and returns call's
		// state and the second factor alice signs in with elsewhere, if any.
		setup func(t *testing.T, f *fixture, a identity.Auth) (state any, factor identity.Credentials)
		// call is alice's call from session a; elsewhere is the rehashing sign-in,
		// which call runs in its middle.
		call func(t *testing.T, f *fixture, a identity.Auth, state any, elsewhere func()) error
	}{
		{name: "ChangePassword",
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				if err := f.afterReauth(t, elsewhere).ChangePassword(f.ctx, a, goodPassword, otherPassword); err != nil {
					return err
				}
				return f.signInErr("alice@example.com", otherPassword)
			}},
		{name: "RemoveTOTP",
			setup: func(t *testing.T, f *fixture, a identity.Auth) (any, identity.Credentials) {
				_, codes := f.enrollTOTP(t, a)
				return nil, identity.Credentials{RecoveryCode: codes[0]}
			},
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				return f.afterReauth(t, elsewhere).RemoveTOTP(f.ctx, a, goodPassword)
			}},
		{name: "RemovePasskey",
			setup: func(t *testing.T, f *fixture, a identity.Auth) (any, identity.Credentials) {
				ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
				require.NoError(t, err)
				resp, err := webauthntest.New(pkOrigin).Register(opts)
				require.NoError(t, err)
				pk, codes, err := f.svc.FinishPasskeyRegistration(f.ctx, a, ticket, "", resp)
				require.NoError(t, err)
				return pk.CredentialID, identity.Credentials{RecoveryCode: codes[0]}
			},
			call: func(t *testing.T, f *fixture, a identity.Auth, credentialID any, elsewhere func()) error {
				return f.afterReauth(t, elsewhere).RemovePasskey(f.ctx, a, credentialID.(string), goodPassword)
			}},
		{name: "RegenerateRecoveryCodes",
			setup: func(t *testing.T, f *fixture, a identity.Auth) (any, identity.Credentials) {
				_, codes := f.enrollTOTP(t, a)
				return nil, identity.Credentials{RecoveryCode: codes[0]}
			},
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				_, err := f.afterReauth(t, elsewhere).RegenerateRecoveryCodes(f.ctx, a, goodPassword)
				return err
			}},
		{name: "BeginTOTP",
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				_, err := f.afterReauth(t, elsewhere).BeginTOTP(f.ctx, a, goodPassword)
				return err
			}},
		{name: "BeginPasskeyRegistration",
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				_, _, err := f.afterReauth(t, elsewhere).BeginPasskeyRegistration(f.ctx, a, goodPassword)
				return err
			}},
		{name: "FinishPasskeyRegistration",
			call: func(t *testing.T, f *fixture, a identity.Auth, _ any, elsewhere func()) error {
				ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
				require.NoError(t, err)
				resp, err := webauthntest.New(pkOrigin).Register(opts)
				require.NoError(t, err)
				elsewhere()
				_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, a, ticket, "", resp)
				return err
			}},
		{name: "SignIn",
			call: func(t *testing.T, f *fixture, _ identity.Auth, _ any, elsewhere func()) error {
				st := &midSignInStore{Store: f.store, hook: elsewhere}
				_, token, err := f.serviceOn(t, st).SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
				if err != nil {
					return err
				}
				_, err = f.svc.Authenticate(f.ctx, token)
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, passkeyOptions())
			alice := f.register(t, "alice@example.com")
			a := f.login(t, "alice@example.com")
			var (
				state  any
				factor identity.Credentials
			)
			if tt.setup != nil {
				state, factor = tt.setup(t, f, a)
			}
			stronger := f.service(t, passkeyOptions(), identity.WithHasher(cheapHasher(t, 128)))
			rehashed := false
			elsewhere := func() {
				before := f.storedHash(t, alice.ID)
				c := factor
				c.Email, c.Password = "alice@example.com", goodPassword
				_, _, err := stronger.SignIn(f.ctx, c, testClient)
				require.NoError(t, err, "alice signs in elsewhere")
				require.NotEqual(t, before, f.storedHash(t, alice.ID), "the sign-in elsewhere stored a new hash")
				rehashed = true
			}
			require.NoError(t, tt.call(t, f, a, state, elsewhere), "the same password, rehashed, is still the one checked")
			require.True(t, rehashed, "the sign-in elsewhere ran during the call")
		})
	}
}

// afterReauth is a Service like the fixture's, passkeys on, whose calls run hook
// once their password was checked and before they write (afterReauthStore).
func (f *fixture) afterReauth(t *testing.T, hook func()) *identity.Service {
	return f.serviceOn(t, &afterReauthStore{Store: f.store, hook: hook})
}
