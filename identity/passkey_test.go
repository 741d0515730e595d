package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

const (
	pkOrigin   = "https://portal.example.com"
	pkPassword = "Correct-Horse-9"
)

// pkClock is a settable clock shared by a test and its Service.
type pkClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *pkClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *pkClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// pkFixture is a Service with passkeys on, over a memstore, with a settable clock.
type pkFixture struct {
	t     *testing.T
	ctx   context.Context
	svc   *identity.Service
	clock *pkClock
	auths map[string]identity.Auth // a signed-in session of each registered identity
}

func newPKFixture(t *testing.T, opts ...identity.Option) *pkFixture {
	t.Helper()
	h, err := identity.NewHasher(identity.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	require.NoError(t, err)
	clock := &pkClock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	all := append([]identity.Option{
		identity.WithPasskeys("portal.example.com", "Portal", pkOrigin),
		identity.WithClock(clock.Now),
		identity.WithHasher(h),
	}, opts...)
	svc, err := identity.NewService(memstore.New(), all...)
	require.NoError(t, err)
	return &pkFixture{t: t, ctx: t.Context(), svc: svc, clock: clock, auths: map[string]identity.Auth{}}
}

// register creates an identity with pkPassword and signs it in (before it has a
// passkey, so the password alone does): auth returns that session.
func (f *pkFixture) register(email string) identity.Identity {
	f.t.Helper()
	id, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: email, Name: "", Password: pkPassword})
	require.NoError(f.t, err)
	f.login(id)
	return id
}

// login signs id in with pkPassword and keeps the session's Auth for auth.
func (f *pkFixture) login(id identity.Identity) identity.Auth {
	f.t.Helper()
	_, token, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: id.Email, Password: pkPassword}, identity.Client{IP: "192.0.2.50"})
	require.NoError(f.t, err)
	a, err := f.svc.Authenticate(f.ctx, token)
	require.NoError(f.t, err)
	f.auths[id.ID] = a
	return a
}

// auth returns the session register started for the identity.
func (f *pkFixture) auth(identityID string) identity.Auth {
	f.t.Helper()
	a, ok := f.auths[identityID]
	require.True(f.t, ok, "identity %s was not registered by the fixture", identityID)
	return a
}

// addPasskey registers a new credential of a on the identity and returns it with
// the recovery codes the registration returned.
func (f *pkFixture) addPasskey(identityID string, a *webauthntest.Authenticator, name string) (identity.Passkey, []string) {
	f.t.Helper()
	ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(identityID), pkPassword)
	require.NoError(f.t, err)
	resp, err := a.Register(opts)
	require.NoError(f.t, err)
	pk, codes, err := f.svc.FinishPasskeyRegistration(f.ctx, f.auth(identityID), ticket, name, resp)
	require.NoError(f.t, err)
	return pk, codes
}

// assertion runs a sign-in challenge through a (with the credential cred, or the
// authenticator's choice when empty).
func (f *pkFixture) assertion(a *webauthntest.Authenticator, cred string) identity.PasskeyAssertion {
	f.t.Helper()
	ticket, opts, err := f.svc.BeginPasskeySignIn(f.ctx, identity.Client{IP: "192.0.2.7"})
	require.NoError(f.t, err)
	var resp []byte
	if cred == "" {
		resp, err = a.Assert(opts)
	} else {
		resp, err = a.AssertWith(opts, cred)
	}
	require.NoError(f.t, err)
	return identity.PasskeyAssertion{Ticket: ticket, Response: resp}
}

func (f *pkFixture) signIn(a identity.PasskeyAssertion) (identity.Session, error) {
	s, _, err := f.svc.SignInWithPasskey(f.ctx, a, identity.Client{IP: "192.0.2.1", UserAgent: "test"})
	return s, err
}

func TestI3_PasskeyRegistrationAndPasswordlessSignIn(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	a := webauthntest.New(pkOrigin)

	ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.NoError(t, err)
	assert.Equal(t, "portal.example.com", opts.Response.RelyingParty.ID)
	assert.Equal(t, "Portal", opts.Response.RelyingParty.Name)
	assert.Equal(t, "alice@example.com", opts.Response.User.Name)
	assert.Equal(t, "alice@example.com", opts.Response.User.DisplayName, "display name falls back to the email")
	assert.Equal(t, protocol.ResidentKeyRequirementRequired, opts.Response.AuthenticatorSelection.ResidentKey)
	assert.Equal(t, protocol.VerificationPreferred, opts.Response.AuthenticatorSelection.UserVerification)
	assert.Empty(t, opts.Response.CredentialExcludeList)
	assert.Equal(t, int((5 * time.Minute).Milliseconds()), opts.Response.Timeout)

	resp, err := a.Register(opts)
	require.NoError(t, err)
	pk, codes, err := f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "  YubiKey ", resp)
	require.NoError(t, err)
	assert.Len(t, codes, identity.RecoveryCodeCount, "the first factor brings recovery codes")
	assert.Equal(t, a.CredentialIDs(), []string{pk.CredentialID})
	assert.Equal(t, alice.ID, pk.IdentityID)
	assert.Equal(t, "YubiKey", pk.Name)
	assert.Equal(t, uint32(0), pk.SignCount)
	assert.Equal(t, f.clock.Now(), pk.CreatedAt)
	assert.True(t, pk.LastUsedAt.IsZero())
	assert.Equal(t, int64(1), pk.Version)

	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{Passkeys: 1, RecoveryCodes: identity.RecoveryCodeCount}, st)

	f.clock.Advance(time.Minute)
	sess, token, err := f.svc.SignInWithPasskey(f.ctx, f.assertion(a, ""), identity.Client{IP: "192.0.2.1"})
	require.NoError(t, err)
	assert.Equal(t, alice.ID, sess.IdentityID)
	assert.True(t, sess.MFA, "a passkey session counts as MFA")
	assert.Equal(t, "passkey", sess.Method)
	auth, err := f.svc.Authenticate(f.ctx, token)
	require.NoError(t, err)
	assert.Equal(t, alice.ID, auth.Identity.ID)
	assert.True(t, auth.MFA)

	list, err := f.svc.ListPasskeys(f.ctx, alice.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, uint32(1), list[0].SignCount, "the counter of the accepted assertion is stored")
	assert.Equal(t, f.clock.Now(), list[0].LastUsedAt)
	assert.Equal(t, int64(2), list[0].Version)

	// Each further sign-in advances the counter.
	_, err = f.signIn(f.assertion(a, ""))
	require.NoError(t, err)
	list, err = f.svc.ListPasskeys(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, uint32(2), list[0].SignCount)
}

func TestI3_PasskeyAsSecondFactor(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	bob := f.register("bob@example.com")
	aliceKey, bobKey := webauthntest.New(pkOrigin), webauthntest.New(pkOrigin)
	f.addPasskey(alice.ID, aliceKey, "")
	f.addPasskey(bob.ID, bobKey, "")
	client := identity.Client{IP: "192.0.2.7"}

	_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: pkPassword}, client)
	require.ErrorIs(t, err, identity.ErrSecondFactorRequired, "a passkey turns MFA on")

	tests := []struct {
		name     string
		password string
		key      *webauthntest.Authenticator
		wantErr  error
	}{
		{"own passkey after the password", pkPassword, aliceKey, nil},
		{"another identity's passkey refused", pkPassword, bobKey, identity.ErrUnauthenticated},
		{"wrong password with own passkey refused", "Wrong-Horse-9", aliceKey, identity.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.assertion(tt.key, "")
			sess, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: tt.password, Passkey: &a}, client)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, alice.ID, sess.IdentityID)
			assert.True(t, sess.MFA)
			assert.Equal(t, "password+passkey", sess.Method)
		})
	}

	t.Run("replayed second factor refused", func(t *testing.T) {
		a := f.assertion(aliceKey, "")
		c := identity.Credentials{Email: "alice@example.com", Password: pkPassword, Passkey: &a}
		_, _, err := f.svc.SignIn(f.ctx, c, client)
		require.NoError(t, err)
		_, _, err = f.svc.SignIn(f.ctx, c, client)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "same ticket")
		ticket, _, err := f.svc.BeginPasskeySignIn(f.ctx, identity.Client{IP: "192.0.2.7"})
		require.NoError(t, err)
		c.Passkey = &identity.PasskeyAssertion{Ticket: ticket, Response: aliceKey.LastAssertion()}
		_, _, err = f.svc.SignIn(f.ctx, c, client)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "new ticket")
	})
}

func TestI3_PasskeySignInRefused(t *testing.T) {
	tests := []struct {
		name string
		// attempt returns the assertion to present, after whatever setup it needs.
		attempt func(f *pkFixture, alice identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion
	}{
		{"replayed response on its used ticket", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			first := f.assertion(a, "")
			_, err := f.signIn(first)
			require.NoError(f.t, err)
			return first
		}},
		{"replayed response on a new ticket", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			_, err := f.signIn(f.assertion(a, ""))
			require.NoError(f.t, err)
			ticket, _, err := f.svc.BeginPasskeySignIn(f.ctx, identity.Client{IP: "192.0.2.7"})
			require.NoError(f.t, err)
			return identity.PasskeyAssertion{Ticket: ticket, Response: a.LastAssertion()}
		}},
		{"sign counter went backwards (cloned authenticator)", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			for range 3 {
				_, err := f.signIn(f.assertion(a, ""))
				require.NoError(f.t, err)
			}
			require.NoError(f.t, a.SetCounter(a.CredentialIDs()[0], 1)) // next assertion carries 2 < 3
			return f.assertion(a, "")
		}},
		{"sign counter did not increase", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			_, err := f.signIn(f.assertion(a, ""))
			require.NoError(f.t, err)
			require.NoError(f.t, a.SetCounter(a.CredentialIDs()[0], 0)) // next assertion carries 1 again
			return f.assertion(a, "")
		}},
		{"expired ticket", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			as := f.assertion(a, "")
			f.clock.Advance(f.svc.Policy().CeremonyTTL)
			return as
		}},
		{"registration ticket used for sign-in", func(f *pkFixture, alice identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			regTicket, _, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			as := f.assertion(a, "")
			as.Ticket = regTicket
			return as
		}},
		{"unknown ticket", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			as := f.assertion(a, "")
			as.Ticket = "NOTATICKET"
			return as
		}},
		{"unregistered credential", func(f *pkFixture, alice identity.Identity, _ *webauthntest.Authenticator) identity.PasskeyAssertion {
			stranger := webauthntest.New(pkOrigin)
			_, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			_, err = stranger.Register(opts) // created on the authenticator, never finished
			require.NoError(f.t, err)
			return f.assertion(stranger, "")
		}},
		{"user handle of another identity", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			bob := f.register("bob@example.com")
			f.addPasskey(bob.ID, webauthntest.New(pkOrigin), "")
			as := f.assertion(a, "")
			as.Response = setUserHandle(f.t, as.Response, []byte(bob.ID))
			return as
		}},
		{"tampered signature", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			as := f.assertion(a, "")
			as.Response = editResponse(f.t, as.Response, func(r map[string]any) {
				sig, err := base64.RawURLEncoding.DecodeString(r["signature"].(string))
				require.NoError(f.t, err)
				sig[len(sig)-1] ^= 1
				r["signature"] = base64.RawURLEncoding.EncodeToString(sig)
			})
			return as
		}},
		{"other origin", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			as := f.assertion(a, "")
			as.Response = editResponse(f.t, as.Response, func(r map[string]any) {
				cd, err := base64.RawURLEncoding.DecodeString(r["clientDataJSON"].(string))
				require.NoError(f.t, err)
				var m map[string]any
				require.NoError(f.t, json.Unmarshal(cd, &m))
				m["origin"] = "https://portal.example.com.evil.test"
				cd, err = json.Marshal(m)
				require.NoError(f.t, err)
				r["clientDataJSON"] = base64.RawURLEncoding.EncodeToString(cd)
			})
			return as
		}},
		{"not JSON", func(f *pkFixture, _ identity.Identity, a *webauthntest.Authenticator) identity.PasskeyAssertion {
			as := f.assertion(a, "")
			as.Response = []byte("{")
			return as
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPKFixture(t)
			alice := f.register("alice@example.com")
			a := webauthntest.New(pkOrigin)
			f.addPasskey(alice.ID, a, "")
			as := tt.attempt(f, alice, a)
			_, err := f.signIn(as)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error(), "the answer says nothing more")
		})
	}
}

// editResponse decodes a PublicKeyCredential JSON, lets edit change its response
// member, and encodes it again.
func editResponse(t *testing.T, resp []byte, edit func(r map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(resp, &m))
	edit(m["response"].(map[string]any))
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func setUserHandle(t *testing.T, resp, handle []byte) []byte {
	return editResponse(t, resp, func(r map[string]any) { r["userHandle"] = base64.RawURLEncoding.EncodeToString(handle) })
}

func TestI3_PasskeyRegistrationRefused(t *testing.T) {
	tests := []struct {
		name    string
		finish  func(f *pkFixture, alice, bob identity.Identity) error
		wantErr error
	}{
		{"ticket of another identity", func(f *pkFixture, alice, bob identity.Identity) error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(bob.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"ticket used twice", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"expired ticket", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(f.t, err)
			f.clock.Advance(f.svc.Policy().CeremonyTTL + time.Second)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"sign-in ticket used for registration", func(f *pkFixture, alice, _ identity.Identity) error {
			_, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(f.t, err)
			signInTicket, _, err := f.svc.BeginPasskeySignIn(f.ctx, identity.Client{IP: "192.0.2.7"})
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), signInTicket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"answer to another challenge", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, _, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			_, other, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(other)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"other origin", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New("https://login.portal.example.com").Register(opts)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
			return err
		}, identity.ErrUnauthenticated},
		{"an assertion instead of an attestation", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, _, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{}}`))
			return err
		}, identity.ErrUnauthenticated},
		{"name with a control character", func(f *pkFixture, alice, _ identity.Identity) error {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(f.t, err)
			resp, err := webauthntest.New(pkOrigin).Register(opts)
			require.NoError(f.t, err)
			_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "Yubi\nKey", resp)
			return err
		}, identity.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPKFixture(t)
			alice, bob := f.register("alice@example.com"), f.register("bob@example.com")
			err := tt.finish(f, alice, bob)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestI3_SeveralPasskeysPerIdentity(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	keys := []*webauthntest.Authenticator{webauthntest.New(pkOrigin), webauthntest.New(pkOrigin), webauthntest.New(pkOrigin)}
	var ids []string
	for i, a := range keys {
		pk, codes, err := func() (identity.Passkey, []string, error) {
			ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
			require.NoError(t, err)
			assert.Len(t, opts.Response.CredentialExcludeList, i, "registered passkeys are excluded")
			resp, err := a.Register(opts)
			require.NoError(t, err)
			return f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), ticket, "", resp)
		}()
		require.NoError(t, err)
		assert.Equal(t, identity.DefaultPasskeyName, pk.Name)
		if i == 0 {
			assert.Len(t, codes, identity.RecoveryCodeCount, "first passkey: new recovery codes")
		} else {
			assert.Nil(t, codes, "later passkeys keep the existing codes")
		}
		ids = append(ids, pk.CredentialID)
	}

	// The same authenticator is not registered twice: its credential is excluded.
	_, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.NoError(t, err)
	_, err = keys[0].Register(opts)
	require.ErrorIs(t, err, webauthntest.ErrExcluded)

	list, err := f.svc.ListPasskeys(f.ctx, alice.ID)
	require.NoError(t, err)
	require.Len(t, list, 3)
	for i, a := range keys {
		sess, err := f.signIn(f.assertion(a, ""))
		require.NoError(t, err, "passkey %d", i)
		assert.Equal(t, alice.ID, sess.IdentityID)
	}
	list, err = f.svc.ListPasskeys(f.ctx, alice.ID)
	require.NoError(t, err)
	for _, p := range list {
		assert.Contains(t, ids, p.CredentialID)
		assert.Equal(t, uint32(1), p.SignCount, "each credential counts on its own")
	}
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Passkeys)
	assert.Equal(t, identity.RecoveryCodeCount, st.RecoveryCodes)
}

func TestI3_PasskeyOneAuthenticatorSeveralIdentities(t *testing.T) {
	f := newPKFixture(t)
	alice, bob := f.register("alice@example.com"), f.register("bob@example.com")
	a := webauthntest.New(pkOrigin)
	pa, _ := f.addPasskey(alice.ID, a, "")
	pb, _ := f.addPasskey(bob.ID, a, "")
	for _, tt := range []struct {
		cred string
		want string
	}{{pa.CredentialID, alice.ID}, {pb.CredentialID, bob.ID}} {
		sess, err := f.signIn(f.assertion(a, tt.cred))
		require.NoError(t, err)
		assert.Equal(t, tt.want, sess.IdentityID, "the chosen passkey names its identity")
	}
}

func TestI3_MaxPasskeys(t *testing.T) {
	f := newPKFixture(t, identity.WithPolicy(identity.Policy{MaxPasskeys: 2}))
	alice := f.register("alice@example.com")
	f.addPasskey(alice.ID, webauthntest.New(pkOrigin), "")

	// Two ceremonies begun while below the cap: only one may finish.
	t1, o1, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.NoError(t, err)
	t2, o2, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.NoError(t, err)
	r1, err := webauthntest.New(pkOrigin).Register(o1)
	require.NoError(t, err)
	r2, err := webauthntest.New(pkOrigin).Register(o2)
	require.NoError(t, err)
	_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), t1, "", r1)
	require.NoError(t, err)
	_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, f.auth(alice.ID), t2, "", r2)
	require.ErrorIs(t, err, identity.ErrInvalid)

	_, _, err = f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.ErrorIs(t, err, identity.ErrInvalid)
	list, err := f.svc.ListPasskeys(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Len(t, list, 2)
}

func TestI3_RemovePasskey(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	k1, k2 := webauthntest.New(pkOrigin), webauthntest.New(pkOrigin)
	p1, _ := f.addPasskey(alice.ID, k1, "")
	p2, _ := f.addPasskey(alice.ID, k2, "")

	err := f.svc.RemovePasskey(f.ctx, f.auth(alice.ID), p1.CredentialID, "Wrong-Horse-9")
	require.ErrorIs(t, err, identity.ErrWrongPassword, "removal needs the password")
	err = f.svc.RemovePasskey(f.ctx, f.auth(alice.ID), "bm9zdWNo", pkPassword)
	require.ErrorIs(t, err, identity.ErrNotFound)

	require.NoError(t, f.svc.RemovePasskey(f.ctx, f.auth(alice.ID), p1.CredentialID, pkPassword))
	_, err = f.signIn(f.assertion(k1, ""))
	require.ErrorIs(t, err, identity.ErrUnauthenticated, "a removed passkey no longer signs in")
	_, err = f.signIn(f.assertion(k2, ""))
	require.NoError(t, err)
	st, err := f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{Passkeys: 1, RecoveryCodes: identity.RecoveryCodeCount}, st, "codes stay while a factor remains")

	require.NoError(t, f.svc.RemovePasskey(f.ctx, f.auth(alice.ID), p2.CredentialID, pkPassword))
	st, err = f.svc.MFAStatus(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, identity.MFAStatus{}, st, "the last factor takes the recovery codes with it")
	sess, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: pkPassword}, identity.Client{IP: "192.0.2.1"})
	require.NoError(t, err)
	assert.False(t, sess.MFA)

	// A passkey added again brings new codes.
	_, codes := f.addPasskey(alice.ID, webauthntest.New(pkOrigin), "")
	assert.Len(t, codes, identity.RecoveryCodeCount)
}

func TestI3_RenamePasskey(t *testing.T) {
	f := newPKFixture(t)
	alice, bob := f.register("alice@example.com"), f.register("bob@example.com")
	pk, _ := f.addPasskey(alice.ID, webauthntest.New(pkOrigin), "iPhone")
	tests := []struct {
		name    string
		owner   string
		label   string
		want    string
		wantErr error
	}{
		{"renamed", alice.ID, " YubiKey 5C ", "YubiKey 5C", nil},
		{"empty means the default", alice.ID, "", identity.DefaultPasskeyName, nil},
		{"control character refused", alice.ID, "a\x00b", "", identity.ErrInvalid},
		{"another identity's passkey", bob.ID, "Mine", "", identity.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.RenamePasskey(f.ctx, f.auth(tt.owner), pk.CredentialID, tt.label)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Name)
			assert.Equal(t, pk.Credential, got.Credential)
		})
	}
}

func TestI3_PasskeysOff(t *testing.T) {
	ctx := t.Context()
	h, err := identity.NewHasher(identity.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	require.NoError(t, err)
	svc, err := identity.NewService(memstore.New(), identity.WithHasher(h))
	require.NoError(t, err)
	_, _, err = svc.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: pkPassword})
	require.NoError(t, err)
	_, token, err := svc.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: pkPassword}, identity.Client{IP: "192.0.2.50"})
	require.NoError(t, err)
	alice, err := svc.Authenticate(ctx, token)
	require.NoError(t, err)

	_, _, err = svc.BeginPasskeyRegistration(ctx, alice, pkPassword)
	require.ErrorIs(t, err, identity.ErrInvalid)
	assert.Contains(t, err.Error(), "passkeys")
	_, _, err = svc.FinishPasskeyRegistration(ctx, alice, "T", "", []byte("{}"))
	require.ErrorIs(t, err, identity.ErrInvalid)
	_, _, err = svc.BeginPasskeySignIn(ctx, identity.Client{IP: "192.0.2.7"})
	require.ErrorIs(t, err, identity.ErrInvalid)
	_, _, err = svc.SignInWithPasskey(ctx, identity.PasskeyAssertion{Ticket: "T", Response: []byte("{}")}, identity.Client{IP: "192.0.2.1"})
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
}

func TestI3_PasskeyWithDisplayName(t *testing.T) {
	f := newPKFixture(t)
	id, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "carol@example.com", Name: "Carol Chen", Password: pkPassword})
	require.NoError(t, err)
	_, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.login(id), pkPassword)
	require.NoError(t, err)
	assert.Equal(t, "Carol Chen", opts.Response.User.DisplayName)
	assert.Equal(t, "carol@example.com", opts.Response.User.Name)
	assert.Equal(t, protocol.URLEncodedBase64(id.ID), opts.Response.User.ID, "the user handle is the identity id")

	gone := identity.Auth{Identity: identity.Identity{ID: "no-such-identity", Email: "gone@example.com"}, SessionID: "gone"}
	_, _, err = f.svc.BeginPasskeyRegistration(f.ctx, gone, pkPassword)
	require.ErrorIs(t, err, identity.ErrNotFound, "the session of an identity deleted since")
}

// TestI3_PasswordlessNeedsUserVerification: a passkey used without user
// verification (no PIN or biometric) is one factor, something the person has: it
// is refused as the only factor, and still serves as the second after a password.
func TestI3_PasswordlessNeedsUserVerification(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	a := webauthntest.New(pkOrigin)
	f.addPasskey(alice.ID, a, "key")
	a.SetUserVerification(false)

	_, err := f.signIn(f.assertion(a, ""))
	require.ErrorIs(t, err, identity.ErrUnauthenticated)

	pa := f.assertion(a, "")
	s, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: pkPassword, Passkey: &pa},
		identity.Client{IP: "192.0.2.1"})
	require.NoError(t, err)
	assert.True(t, s.MFA)
	assert.Equal(t, "password+passkey", s.Method)

	a.SetUserVerification(true)
	s, err = f.signIn(f.assertion(a, ""))
	require.NoError(t, err)
	assert.Equal(t, "passkey", s.Method)
}

// TestI4_PasskeyChallengesLimitedPerSource: challenges need no credential and are
// stored until they expire, so one source address may start only ChallengeLimit
// of them per window; another address is not affected, and the window passing
// lifts the limit.
func TestI4_PasskeyChallengesLimitedPerSource(t *testing.T) {
	f := newPKFixture(t)
	busy, other := identity.Client{IP: "198.51.100.9"}, identity.Client{IP: "198.51.100.10"}
	for range identity.ChallengeLimit {
		_, _, err := f.svc.BeginPasskeySignIn(f.ctx, busy)
		require.NoError(t, err)
	}
	_, _, err := f.svc.BeginPasskeySignIn(f.ctx, busy)
	var throttled *identity.ThrottledError
	require.ErrorAs(t, err, &throttled)
	assert.Equal(t, identity.DefaultPolicy().FailureWindow, throttled.RetryAfter, "all started at the same instant")
	_, _, err = f.svc.BeginPasskeySignIn(f.ctx, other)
	require.NoError(t, err)
	f.clock.Advance(identity.DefaultPolicy().FailureWindow)
	_, _, err = f.svc.BeginPasskeySignIn(f.ctx, busy)
	require.NoError(t, err)
}

// TestI3_RegistrationRequiresResidentKey: a passkey sign-in names no identity
// (discoverable), so the authenticator must store the credential with its user
// handle: registration asks for a resident key as required (Level 2 and 3
// spellings), not merely preferred, so that no passkey is registered that could
// never sign in.
func TestI3_RegistrationRequiresResidentKey(t *testing.T) {
	f := newPKFixture(t)
	alice := f.register("alice@example.com")
	_, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, f.auth(alice.ID), pkPassword)
	require.NoError(t, err)
	sel := opts.Response.AuthenticatorSelection
	assert.Equal(t, protocol.ResidentKeyRequirementRequired, sel.ResidentKey)
	require.NotNil(t, sel.RequireResidentKey)
	assert.True(t, *sel.RequireResidentKey)

	// As the browser receives it.
	raw, err := json.Marshal(opts)
	require.NoError(t, err)
	var sent struct {
		PublicKey struct {
			AuthenticatorSelection map[string]any `json:"authenticatorSelection"`
		} `json:"publicKey"`
	}
	require.NoError(t, json.Unmarshal(raw, &sent))
	assert.Equal(t, "required", sent.PublicKey.AuthenticatorSelection["residentKey"])
	assert.Equal(t, true, sent.PublicKey.AuthenticatorSelection["requireResidentKey"])
}
