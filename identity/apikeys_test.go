package identity_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

// keyFixture is a fixture where alice (member of acme) is signed in.
func keyFixture(t *testing.T) (*fixture, identity.Auth) {
	t.Helper()
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	f.members.join("acme", alice.ID)
	_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	return f, f.auth(t, token)
}

func TestI4_APIKeyCreatedOnlyFromASession(t *testing.T) {
	f, sess := keyFixture(t)
	k, secret, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	byKey := f.auth(t, secret)
	require.Equal(t, k.ID, byKey.APIKeyID)
	require.Empty(t, byKey.SessionID)

	for name, a := range map[string]identity.Auth{
		"an API key's Auth": byKey,
		"the zero Auth":     {},
		"an identity only":  {Identity: sess.Identity},
	} {
		_, _, err := f.svc.CreateAPIKey(f.ctx, a, identity.NewAPIKey{OrgID: "acme", Name: "minted"})
		require.ErrorIs(t, err, identity.ErrSessionRequired, name)
	}
	keys, _, err := f.svc.ListAPIKeys(f.ctx, sess, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, keys, 1, "no key was minted")
}

func TestI4_APIKeyBoundToAMemberOrganization(t *testing.T) {
	tests := []struct {
		name  string
		org   string
		setup func(f *fixture)
		want  error // nil: created
	}{
		{"member", "acme", nil, nil},
		{"not a member", "globex", nil, identity.ErrNotFound},
		{"another identity is a member", "initech", func(f *fixture) { f.members.join("initech", "someone-else") }, identity.ErrNotFound},
		{"empty organization", "", nil, identity.ErrNotFound},
		{"memberships failing", "acme", func(f *fixture) { f.members.fail(errBoom) }, errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, sess := keyFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			k, secret, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: tt.org, Name: "ci"})
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				assert.Empty(t, secret)
				keys, _, err := f.svc.ListAPIKeys(f.ctx, sess, resellerkit.Page{})
				require.NoError(t, err)
				assert.Empty(t, keys)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.org, k.OrgID)
			assert.Equal(t, tt.org, f.auth(t, secret).OrgID)
		})
	}
	t.Run("no Memberships configured", func(t *testing.T) {
		f := newFixture(t)
		svc, err := identity.NewService(f.store, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)))
		require.NoError(t, err)
		_, _, err = svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword})
		require.NoError(t, err)
		_, token, err := svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
		require.NoError(t, err)
		a, err := svc.Authenticate(f.ctx, token)
		require.NoError(t, err)
		_, _, err = svc.CreateAPIKey(f.ctx, a, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
		require.ErrorIs(t, err, identity.ErrNotFound)
	})
}

func TestI4_APIKeyShownOnceStoredHashed(t *testing.T) {
	f, sess := keyFixture(t)
	f.clock.add(time.Minute)
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "deploy bot"})
	require.NoError(t, err)

	id, secret, ok := strings.Cut(full, ".")
	require.True(t, ok, "the key is <ID>.<secret>")
	assert.Equal(t, k.ID, id)
	assert.True(t, strings.HasPrefix(k.ID, identity.APIKeyPrefix))
	assert.GreaterOrEqual(t, len(secret), 26, "at least 128 bits")
	assert.Empty(t, k.SecretHash, "the Service never hands out the secret's hash")
	assert.Equal(t, sess.Identity.ID, k.IdentityID)
	assert.Equal(t, "deploy bot", k.Name)
	assert.Equal(t, t0.Add(time.Minute), k.CreatedAt)
	assert.True(t, k.ExpiresAt.IsZero())
	assert.True(t, k.LastUsedAt.IsZero())

	stored, err := f.store.GetAPIKey(f.ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, hashHex(secret), stored.SecretHash)
	assert.NotContains(t, stored.SecretHash, secret, "the store has no way back to the secret")

	_, second, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "second"})
	require.NoError(t, err)
	assert.NotEqual(t, full, second)

	keys, _, err := f.svc.ListAPIKeys(f.ctx, sess, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, listed := range keys {
		assert.Empty(t, listed.SecretHash, "a list never carries secret hashes")
		assert.Equal(t, "acme", listed.OrgID)
	}

	a := f.auth(t, full)
	assert.Equal(t, sess.Identity.ID, a.Identity.ID)
	assert.Equal(t, k.ID, a.APIKeyID)
	assert.Equal(t, "acme", a.OrgID)
	assert.Empty(t, a.SessionID)
}

func TestI4_APIKeyWrongSecretRefused(t *testing.T) {
	f, sess := keyFixture(t)
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	_, other, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "other"})
	require.NoError(t, err)
	_, secret, _ := strings.Cut(full, ".")
	_, otherSecret, _ := strings.Cut(other, ".")

	tests := map[string]string{
		"right id, wrong secret":         k.ID + "." + otherSecret,
		"right id, empty secret":         k.ID + ".",
		"right id, no secret":            k.ID,
		"right id, secret cut short":     k.ID + "." + secret[:len(secret)-1],
		"right id, secret extended":      full + "A",
		"right id, secret lower-cased":   k.ID + "." + strings.ToLower(secret),
		"right id, the secret's hash":    k.ID + "." + hashHex(secret),
		"unknown id, right secret":       identity.APIKeyPrefix + "zzzzzzzzzzzzzzzz." + secret,
		"secret only":                    secret,
		"id without its prefix":          strings.TrimPrefix(full, identity.APIKeyPrefix),
		"Bearer scheme included":         "Bearer " + full,
		"session prefix":                 identity.SessionTokenPrefix + strings.TrimPrefix(full, identity.APIKeyPrefix),
		"two dots":                       full + "." + secret,
		"right id, secret with a space":  k.ID + ". " + secret,
		"very long":                      full + strings.Repeat("A", 300),
		"id upper-cased, right secret":   strings.ToUpper(k.ID) + "." + secret,
		"right id twice, right secret":   k.ID + k.ID + "." + secret,
		"right id, separator is a colon": k.ID + ":" + secret,
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Authenticate(f.ctx, bad)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error())
		})
	}
	f.auth(t, full)
	f.auth(t, other)
}

func TestI4_APIKeyExpiry(t *testing.T) {
	f, sess := keyFixture(t)
	for _, at := range []time.Time{t0, t0.Add(-time.Second)} {
		_, _, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci", ExpiresAt: at})
		requireInvalid(t, err, "expires_at")
	}
	jst := time.FixedZone("JST", 9*60*60)
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci", ExpiresAt: t0.Add(time.Hour).In(jst)})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), k.ExpiresAt)
	assert.Equal(t, time.UTC, k.ExpiresAt.Location())

	f.clock.set(t0.Add(time.Hour - time.Microsecond))
	f.auth(t, full)
	f.clock.set(t0.Add(time.Hour))
	_, err = f.svc.Authenticate(f.ctx, full)
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
}

func TestI4_APIKeyRevoked(t *testing.T) {
	f, sess := keyFixture(t)
	f.register(t, "bob@example.com")
	bob := f.login(t, "bob@example.com")
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	_, kept, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "kept"})
	require.NoError(t, err)

	require.ErrorIs(t, f.svc.RevokeAPIKey(f.ctx, bob, k.ID), identity.ErrNotFound, "another identity cannot revoke it")
	f.auth(t, full)

	require.NoError(t, f.svc.RevokeAPIKey(f.ctx, sess, k.ID))
	_, err = f.svc.Authenticate(f.ctx, full)
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
	require.ErrorIs(t, f.svc.RevokeAPIKey(f.ctx, sess, k.ID), identity.ErrNotFound)
	f.auth(t, kept)

	keys, _, err := f.svc.ListAPIKeys(f.ctx, sess, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, "kept", keys[0].Name)
}

func TestI4_APIKeyOutlivesTheSessionThatMadeIt(t *testing.T) {
	f, sess := keyFixture(t)
	_, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	n, err := f.svc.EndSessions(f.ctx, sess.Identity.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the session that made the key ended")
	f.clock.add(30 * 24 * time.Hour)
	f.auth(t, full)
}

func TestI4_APIKeyLastUsed(t *testing.T) {
	f, sess := keyFixture(t)
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	lastUsed := func() time.Time {
		t.Helper()
		keys, _, err := f.svc.ListAPIKeys(f.ctx, sess, resellerkit.Page{})
		require.NoError(t, err)
		require.Len(t, keys, 1)
		require.Equal(t, k.ID, keys[0].ID)
		return keys[0].LastUsedAt
	}
	assert.True(t, lastUsed().IsZero(), "unused")
	steps := []struct {
		at   time.Duration // since t0
		want time.Duration
	}{
		{5 * time.Minute, 5 * time.Minute},
		{5*time.Minute + 30*time.Second, 5 * time.Minute}, // within TouchEvery
		{6 * time.Minute, 6 * time.Minute},
	}
	for _, st := range steps {
		f.clock.set(t0.Add(st.at))
		f.auth(t, full)
		assert.Equal(t, t0.Add(st.want), lastUsed(), "used at %s", st.at)
	}
}

func TestI4_APIKeyName(t *testing.T) {
	f, sess := keyFixture(t)
	for _, name := range []string{"", "   ", "bad\nname", strings.Repeat("n", identity.MaxNameLen+1)} {
		_, _, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: name})
		requireInvalid(t, err, "name")
	}
}

// credentials returns everything the store holds about the identity's
// credentials, read from the store itself (hashes included): for comparing before
// and after calls that must change nothing.
func (f *fixture) credentials(t *testing.T, identityID string) map[string]any {
	t.Helper()
	out := map[string]any{}
	id, err := f.store.GetIdentity(f.ctx, identityID)
	require.NoError(t, err)
	out["identity"] = id
	totp, err := f.store.GetTOTP(f.ctx, identityID)
	if err != nil {
		require.ErrorIs(t, err, identity.ErrNotFound)
	}
	out["totp"] = totp
	out["codes"], err = f.store.CountRecoveryCodes(f.ctx, identityID)
	require.NoError(t, err)
	out["passkeys"], err = f.store.ListPasskeys(f.ctx, identityID)
	require.NoError(t, err)
	out["sessions"], err = resellerkit.All(func(p resellerkit.Page) ([]identity.Session, string, error) {
		return f.store.ListSessions(f.ctx, identityID, p)
	})
	require.NoError(t, err)
	out["apikeys"], err = resellerkit.All(func(p resellerkit.Page) ([]identity.APIKey, string, error) {
		return f.store.ListAPIKeys(f.ctx, identityID, p)
	})
	require.NoError(t, err)
	return out
}

// passkeyOptions turn passkeys on in a fixture, for the origin of passkey_test.go.
func passkeyOptions() identity.Option {
	return identity.WithPasskeys("portal.example.com", "Portal", pkOrigin)
}

// addPasskey registers a new passkey of authenticator a on a's identity (whose
// password is goodPassword).
func (f *fixture) addPasskey(t *testing.T, a identity.Auth, authn *webauthntest.Authenticator) identity.Passkey {
	t.Helper()
	ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
	require.NoError(t, err)
	resp, err := authn.Register(opts)
	require.NoError(t, err)
	pk, _, err := f.svc.FinishPasskeyRegistration(f.ctx, a, ticket, "", resp)
	require.NoError(t, err)
	return pk
}

// TestI4_APIKeyCannotManageCredentials: only a signed-in session manages a
// person's credentials. With an API key's Auth (or any Auth that is not a
// session's), every method doing so answers ErrSessionRequired before anything
// else, right password or not, and changes nothing: a key leaked from a program
// cannot take over the person.
func TestI4_APIKeyCannotManageCredentials(t *testing.T) {
	f := newFixture(t, passkeyOptions())
	alice := f.register(t, "alice@example.com")
	f.members.join("acme", alice.ID)
	_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	sess := f.auth(t, token)
	secret, _ := f.enrollTOTP(t, sess)
	pk := f.addPasskey(t, sess, webauthntest.New(pkOrigin))
	// A registration begun by the session, for the key to try to finish.
	ticket, opts, err := f.svc.BeginPasskeyRegistration(f.ctx, sess, goodPassword)
	require.NoError(t, err)
	resp, err := webauthntest.New(pkOrigin).Register(opts)
	require.NoError(t, err)
	k, full, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	byKey := f.auth(t, full)
	f.clock.add(identity.TOTPPeriod) // a fresh TOTP step, so a code would be accepted

	methods := map[string]func(a identity.Auth) error{
		"ListAPIKeys": func(a identity.Auth) error {
			_, _, err := f.svc.ListAPIKeys(f.ctx, a, resellerkit.Page{})
			return err
		},
		"CreateAPIKey": func(a identity.Auth) error {
			_, _, err := f.svc.CreateAPIKey(f.ctx, a, identity.NewAPIKey{OrgID: "acme", Name: "minted"})
			return err
		},
		"RevokeAPIKey": func(a identity.Auth) error { return f.svc.RevokeAPIKey(f.ctx, a, k.ID) },
		"BeginTOTP": func(a identity.Auth) error {
			_, err := f.svc.BeginTOTP(f.ctx, a, goodPassword)
			return err
		},
		"ConfirmTOTP": func(a identity.Auth) error {
			_, err := f.svc.ConfirmTOTP(f.ctx, a, f.totp(secret, 0))
			return err
		},
		"RemoveTOTP": func(a identity.Auth) error { return f.svc.RemoveTOTP(f.ctx, a, goodPassword) },
		"RegenerateRecoveryCodes": func(a identity.Auth) error {
			_, err := f.svc.RegenerateRecoveryCodes(f.ctx, a, goodPassword)
			return err
		},
		"BeginPasskeyRegistration": func(a identity.Auth) error {
			_, _, err := f.svc.BeginPasskeyRegistration(f.ctx, a, goodPassword)
			return err
		},
		"FinishPasskeyRegistration": func(a identity.Auth) error {
			_, _, err := f.svc.FinishPasskeyRegistration(f.ctx, a, ticket, "stolen", resp)
			return err
		},
		"RenamePasskey": func(a identity.Auth) error {
			_, err := f.svc.RenamePasskey(f.ctx, a, pk.CredentialID, "renamed")
			return err
		},
		"RemovePasskey": func(a identity.Auth) error { return f.svc.RemovePasskey(f.ctx, a, pk.CredentialID, goodPassword) },
		"ListSessions": func(a identity.Auth) error {
			_, _, err := f.svc.ListSessions(f.ctx, a, resellerkit.Page{})
			return err
		},
		"RevokeSession": func(a identity.Auth) error { return f.svc.RevokeSession(f.ctx, a, sess.SessionID) },
		"RevokeSessions": func(a identity.Auth) error {
			_, err := f.svc.RevokeSessions(f.ctx, a)
			return err
		},
		"ChangePassword": func(a identity.Auth) error { return f.svc.ChangePassword(f.ctx, a, goodPassword, otherPassword) },
	}
	// The table covers every method of the Service that takes an Auth.
	st := reflect.TypeFor[*identity.Service]()
	var takesAuth []string
	for i := range st.NumMethod() {
		m := st.Method(i)
		if slices.Contains(slices.Collect(m.Type.Ins()), reflect.TypeFor[identity.Auth]()) {
			takesAuth = append(takesAuth, m.Name)
		}
	}
	assert.ElementsMatch(t, takesAuth, slices.Collect(maps.Keys(methods)), "a method taking an Auth is missing from the table")

	notSessions := map[string]identity.Auth{
		"an API key":                      byKey,
		"an API key claiming its session": {Identity: byKey.Identity, SessionID: sess.SessionID, APIKeyID: byKey.APIKeyID, OrgID: byKey.OrgID, MFA: byKey.MFA},
		"an identity without a session":   {Identity: sess.Identity, MFA: true},
		"the zero Auth":                   {},
	}
	before := f.credentials(t, alice.ID)
	for who, a := range notSessions {
		for name, call := range methods {
			t.Run(who+"/"+name, func(t *testing.T) {
				require.ErrorIs(t, call(a), identity.ErrSessionRequired)
				assert.Equal(t, before, f.credentials(t, alice.ID), "nothing changed")
			})
		}
	}

	// Everything still works for the session: the key's attempts used up nothing,
	// not even the registration ticket.
	f.auth(t, token)
	f.auth(t, full)
	_, _, err = f.svc.FinishPasskeyRegistration(f.ctx, sess, ticket, "second", resp)
	require.NoError(t, err)
	f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword, TOTP: f.totp(secret, 0)})
}
