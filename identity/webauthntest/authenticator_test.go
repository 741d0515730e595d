package webauthntest_test

import (
	"encoding/json"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

type user struct {
	id    []byte
	creds []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return u.id }
func (u *user) WebAuthnName() string                       { return "alice" }
func (u *user) WebAuthnDisplayName() string                { return "Alice" }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func newRP(t *testing.T) *webauthn.WebAuthn {
	t.Helper()
	rp, err := webauthn.New(&webauthn.Config{RPID: "example.com", RPDisplayName: "Example", RPOrigins: []string{"https://example.com"}})
	require.NoError(t, err)
	return rp
}

// jsonRoundTrip decodes v as a browser-side script would receive it.
func jsonRoundTrip[T any](t *testing.T, v *T) *T {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out T
	require.NoError(t, json.Unmarshal(b, &out))
	return &out
}

// TestWithGoWebAuthn runs both ceremonies against go-webauthn itself, with the
// options passed as Go values and as JSON, as an end-to-end test receives them.
func TestWithGoWebAuthn(t *testing.T) {
	for _, viaJSON := range []bool{false, true} {
		t.Run(map[bool]string{false: "values", true: "json"}[viaJSON], func(t *testing.T) {
			rp := newRP(t)
			u := &user{id: []byte("user-1")}
			a := webauthntest.New("https://example.com")

			creation, session, err := rp.BeginRegistration(u)
			require.NoError(t, err)
			if viaJSON {
				creation = jsonRoundTrip(t, creation)
			}
			resp, err := a.Register(creation)
			require.NoError(t, err)
			parsed, err := protocol.ParseCredentialCreationResponseBytes(resp)
			require.NoError(t, err)
			cred, err := rp.CreateCredential(u, *session, parsed)
			require.NoError(t, err)
			assert.Equal(t, "none", cred.AttestationFormat)
			assert.True(t, cred.Flags.UserPresent)
			assert.True(t, cred.Flags.UserVerified)
			assert.Equal(t, make([]byte, 16), cred.Authenticator.AAGUID)
			u.creds = append(u.creds, *cred)

			for want := uint32(1); want <= 2; want++ {
				assertion, session, err := rp.BeginDiscoverableLogin()
				require.NoError(t, err)
				if viaJSON {
					assertion = jsonRoundTrip(t, assertion)
				}
				resp, err := a.Assert(assertion)
				require.NoError(t, err)
				parsed, err := protocol.ParseCredentialRequestResponseBytes(resp)
				require.NoError(t, err)
				got, cred, err := rp.ValidatePasskeyLogin(func(_, handle []byte) (webauthn.User, error) {
					assert.Equal(t, u.id, handle)
					return u, nil
				}, *session, parsed)
				require.NoError(t, err)
				assert.Equal(t, u, got)
				assert.Equal(t, want, cred.Authenticator.SignCount)
				assert.False(t, cred.Authenticator.CloneWarning)
				u.creds[0] = *cred
			}
		})
	}
}

func TestKnobs(t *testing.T) {
	rp := newRP(t)
	u := &user{id: []byte("user-1")}
	a := webauthntest.New("https://example.com")

	assertion, _, err := rp.BeginDiscoverableLogin()
	require.NoError(t, err)
	_, err = a.Assert(assertion)
	require.ErrorIs(t, err, webauthntest.ErrNoCredential, "nothing registered yet")
	assert.Nil(t, a.LastAssertion())

	creation, _, err := rp.BeginRegistration(u)
	require.NoError(t, err)
	_, err = a.Register(creation)
	require.NoError(t, err)
	ids := a.CredentialIDs()
	require.Len(t, ids, 1)

	cred := webauthn.Credential{ID: mustDecode(t, ids[0])}
	creation, _, err = rp.BeginRegistration(u, webauthn.WithExclusions(webauthn.Credentials{cred}.CredentialDescriptors()))
	require.NoError(t, err)
	_, err = a.Register(creation)
	require.ErrorIs(t, err, webauthntest.ErrExcluded)

	creation, _, err = rp.BeginRegistration(u, webauthn.WithCredentialParameters([]protocol.CredentialParameter{{Type: protocol.PublicKeyCredentialType, Algorithm: -257}}))
	require.NoError(t, err)
	_, err = a.Register(creation)
	require.ErrorIs(t, err, webauthntest.ErrUnsupported, "RS256 only")

	_, err = webauthntest.New("https://evil.test").Assert(assertion)
	require.ErrorIs(t, err, webauthntest.ErrUnsupported, "an origin may not use another site's rp id")

	resp, err := a.Assert(assertion)
	require.NoError(t, err)
	assert.Equal(t, resp, a.LastAssertion())
	n, err := a.Counter(ids[0])
	require.NoError(t, err)
	assert.Equal(t, uint32(1), n)
	require.NoError(t, a.SetCounter(ids[0], 41))
	_, err = a.AssertWith(assertion, ids[0])
	require.NoError(t, err)
	n, err = a.Counter(ids[0])
	require.NoError(t, err)
	assert.Equal(t, uint32(42), n)

	require.ErrorIs(t, a.SetCounter("AAAA", 1), webauthntest.ErrNoCredential)
	_, err = a.AssertWith(assertion, "AAAA")
	require.ErrorIs(t, err, webauthntest.ErrNoCredential)
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	var b protocol.URLEncodedBase64
	require.NoError(t, json.Unmarshal([]byte(`"`+s+`"`), &b))
	return b
}
