package identity_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
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
