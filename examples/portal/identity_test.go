package main

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	idmemstore "github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

// browser is an HTTP client with a cookie jar, talking to the fixture's portal the
// way a browser page of the portal's own origin does.
type browser struct {
	t      *testing.T
	f      *fixture
	client *http.Client
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, f: f, client: &http.Client{Jar: jar}}
}

// call sends a request with a JSON body (nil: none) and headers, decodes the JSON
// answer into out when non-nil, and returns the response (body read).
func (b *browser) call(method, path string, body any, out any, headers ...string) *http.Response {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(b.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, rd)
	require.NoError(b.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	if out != nil {
		require.NoError(b.t, json.Unmarshal(raw, out), "status %d body %s", resp.StatusCode, raw)
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp
}

func bodyOf(t *testing.T, r *http.Response) string {
	raw, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(raw)
}

// TestI3_I4_EndToEnd walks the whole identity surface over HTTP: sign in, enroll
// TOTP, sign out, sign in with TOTP (and see the code refused a second time),
// register a passkey, sign in with it alone, create an API key, use it, revoke it,
// see it refused.
func TestI3_I4_EndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)
		email, password := demoGeneral.Email, f.passwords[demoGeneral.Email]
		org := "/v1/orgs/" + f.orgID

		// 1. Sign in with the password: a session cookie HttpOnly, SameSite=Lax.
		var signed signedInJSON
		resp := b.call("POST", "/v1/sessions", map[string]string{"email": email, "password": password}, &signed)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		assert.Equal(t, "password", signed.Session.Method)
		assert.False(t, signed.Session.MFA)
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == sessionCookie {
				cookie = c
			}
		}
		require.NotNil(t, cookie)
		assert.True(t, cookie.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
		assert.False(t, cookie.Secure, "plain HTTP here; Secure under TLS")
		assert.Equal(t, "/", cookie.Path)
		require.Equal(t, http.StatusOK, b.call("GET", org+"/projects", nil, nil).StatusCode, "the cookie authenticates")

		// 2. Enroll TOTP: secret, otpauth URI, confirm with a code → 10 recovery codes.
		var totp totpJSON
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/me/totp", map[string]string{"password": password}, &totp).StatusCode)
		assert.Contains(t, totp.URI, "otpauth://totp/")
		secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(totp.Secret)
		require.NoError(t, err)
		step := identity.TOTPStep(time.Now())
		var codes recoveryCodesJSON
		require.Equal(t, http.StatusOK, b.call("POST", "/v1/me/totp/confirm", map[string]string{"code": identity.TOTPCode(secret, step)}, &codes).StatusCode)
		assert.Len(t, codes.RecoveryCodes, identity.RecoveryCodeCount)

		// 3. Sign out: the cookie no longer works.
		require.Equal(t, http.StatusNoContent, b.call("DELETE", "/v1/sessions/current", nil, nil).StatusCode)
		require.Equal(t, http.StatusUnauthorized, b.call("GET", "/v1/me", nil, nil).StatusCode)

		// 4. The password alone is no longer enough; with the next step's code it is.
		var e errorJSON
		require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/sessions", map[string]string{"email": email, "password": password}, &e).StatusCode)
		assert.Equal(t, "second_factor_required", e.Error.Code)
		code := identity.TOTPCode(secret, step+1)
		withTOTP := map[string]string{"email": email, "password": password, "totp": code}
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/sessions", withTOTP, &signed).StatusCode)
		assert.True(t, signed.Session.MFA)
		assert.Equal(t, "password+totp", signed.Session.Method)
		// The same code again: refused (RFC 6238 §5.2), like a wrong one.
		require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/sessions", withTOTP, &e).StatusCode)
		assert.Equal(t, "unauthenticated", e.Error.Code)
		// A recovery code works once.
		withCode := map[string]string{"email": email, "password": password, "recovery_code": codes.RecoveryCodes[0]}
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/sessions", withCode, &signed).StatusCode)
		require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/sessions", withCode, nil).StatusCode)

		// 5. Register a passkey with a software authenticator.
		auth := webauthntest.New(testOrigin)
		var reg struct {
			Ticket  string                       `json:"ticket"`
			Options *protocol.CredentialCreation `json:"options"`
		}
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/me/passkeys/challenge", map[string]string{"password": password}, &reg).StatusCode)
		att, err := auth.Register(reg.Options)
		require.NoError(t, err)
		var registered registeredPasskeyJSON
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/me/passkeys",
			map[string]any{"ticket": reg.Ticket, "name": "laptop", "response": json.RawMessage(att)}, &registered).StatusCode)
		assert.Equal(t, "laptop", registered.Passkey.Name)
		assert.Empty(t, registered.RecoveryCodes, "the identity already had recovery codes")
		var mfa mfaJSON
		require.Equal(t, http.StatusOK, b.call("GET", "/v1/me/mfa", nil, &mfa).StatusCode)
		assert.Equal(t, mfaJSON{TOTP: true, Passkeys: 1, RecoveryCodes: identity.RecoveryCodeCount - 1}, mfa)

		// 6. Sign in with the passkey alone (a fresh browser).
		b2 := f.browser(t)
		var ch struct {
			Ticket  string                        `json:"ticket"`
			Options *protocol.CredentialAssertion `json:"options"`
		}
		require.Equal(t, http.StatusCreated, b2.call("POST", "/v1/passkey-challenges", nil, &ch).StatusCode)
		assertion, err := auth.Assert(ch.Options)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, b2.call("POST", "/v1/sessions/passkey",
			map[string]any{"ticket": ch.Ticket, "response": json.RawMessage(assertion)}, &signed).StatusCode)
		assert.Equal(t, "passkey", signed.Session.Method)
		assert.True(t, signed.Session.MFA)
		var me meJSON
		require.Equal(t, http.StatusOK, b2.call("GET", "/v1/me", nil, &me).StatusCode)
		assert.Equal(t, demoGeneral.IdentityID, me.IdentityID)
		// The same assertion again (its ticket is used up): refused.
		require.Equal(t, http.StatusUnauthorized, b2.call("POST", "/v1/sessions/passkey",
			map[string]any{"ticket": ch.Ticket, "response": json.RawMessage(assertion)}, nil).StatusCode)

		// 7. An API key of the demo organization: shown once, works as a bearer.
		var key apiKeyJSON
		require.Equal(t, http.StatusCreated, b2.call("POST", "/v1/me/api-keys", map[string]string{"org_id": f.orgID, "name": "ci"}, &key).StatusCode)
		require.NotEmpty(t, key.Secret)
		assert.True(t, key.MFA, "created from a passkey session")
		bearer := "Bearer " + key.Secret
		require.Equal(t, http.StatusOK, f.browser(t).call("GET", org+"/projects", nil, nil, "Authorization", bearer).StatusCode)
		require.Equal(t, http.StatusOK, f.browser(t).call("GET", "/v1/me", nil, &me, "Authorization", bearer).StatusCode)
		assert.Equal(t, f.orgID, me.APIKeyOrgID)
		var keys pageJSON[apiKeyJSON]
		require.Equal(t, http.StatusOK, b2.call("GET", "/v1/me/api-keys", nil, &keys).StatusCode)
		require.Len(t, keys.Items, 1)
		assert.Empty(t, keys.Items[0].Secret, "listed without its secret")
		require.NotNil(t, keys.Items[0].LastUsedAt)
		// A key cannot mint keys.
		require.Equal(t, http.StatusForbidden, f.browser(t).call("POST", "/v1/me/api-keys", map[string]string{"org_id": f.orgID, "name": "x"}, nil, "Authorization", bearer).StatusCode)

		// 8. Revoked: refused at once.
		require.Equal(t, http.StatusNoContent, b2.call("DELETE", "/v1/me/api-keys/"+key.ID, nil, nil).StatusCode)
		require.Equal(t, http.StatusUnauthorized, f.browser(t).call("GET", org+"/projects", nil, nil, "Authorization", bearer).StatusCode)

		// 9. Sessions: listed with the current one marked; revoke the other ones.
		var sessions pageJSON[sessionJSON]
		require.Equal(t, http.StatusOK, b2.call("GET", "/v1/me/sessions", nil, &sessions).StatusCode)
		require.GreaterOrEqual(t, len(sessions.Items), 2)
		var revoked revokedJSON
		require.Equal(t, http.StatusOK, b2.call("POST", "/v1/me/sessions/revoke-others", nil, &revoked).StatusCode)
		assert.GreaterOrEqual(t, revoked.Revoked, 1)
		require.Equal(t, http.StatusUnauthorized, b.call("GET", "/v1/me", nil, nil).StatusCode, "the first browser's session ended")
		require.Equal(t, http.StatusOK, b2.call("GET", "/v1/me", nil, nil).StatusCode)
	})
}

// TestI4_APIKeyOfOneOrganizationNeverActsInAnother: a power user of two
// organizations creates a key for A; on B's resources it gets what an outsider
// gets. A key for an organization the person is not a member of is refused.
func TestI4_APIKeyOfOneOrganizationNeverActsInAnother(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		power := f.token(demoPower)
		var other orgJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs", power, map[string]any{"code": "other", "name": "Other K.K."}, &other))
		var key apiKeyJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/me/api-keys", power, map[string]string{"org_id": f.orgID, "name": "A only"}, &key))

		var e errorJSON
		for _, path := range []string{"/v1/orgs/" + other.ID, "/v1/orgs/" + other.ID + "/projects", "/v1/orgs/" + other.ID + "/members"} {
			require.Equal(t, http.StatusForbidden, f.do("GET", path, key.Secret, nil, &e), path)
			assert.Equal(t, "permission_denied", e.Error.Code)
		}
		require.Equal(t, http.StatusForbidden, f.do("POST", "/v1/orgs/"+other.ID+"/projects", key.Secret,
			map[string]any{"name": "x", "payment_method": "card", "currency": "USD", "invoice_to": []string{"a@b.example"}}, &e))
		require.Equal(t, http.StatusForbidden, f.do("POST", "/v1/orgs", key.Secret, map[string]any{"code": "third", "name": "Third"}, &e),
			"a key acts inside its organization only")
		var orgs pageJSON[orgJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs", key.Secret, nil, &orgs))
		require.Len(t, orgs.Items, 1)
		assert.Equal(t, f.orgID, orgs.Items[0].ID)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", key.Secret, nil, nil))

		// The key cannot manage its owner's credentials: no passkey, second factor,
		// session or key change, so it cannot become a session reaching B.
		for _, c := range []struct{ method, path string }{
			{"POST", "/v1/me/passkeys/challenge"}, {"POST", "/v1/me/totp"}, {"POST", "/v1/me/sessions/revoke-others"},
			{"GET", "/v1/me/sessions"}, {"GET", "/v1/me/api-keys"}, {"POST", "/v1/me/api-keys"}, {"PUT", "/v1/me/password"},
			{"POST", "/v1/me/recovery-codes"}, {"DELETE", "/v1/sessions/current"},
		} {
			var body any
			switch c.path {
			case "/v1/me/api-keys":
				if c.method == "POST" {
					body = map[string]string{"org_id": f.orgID, "name": "x"}
				}
			case "/v1/me/password":
				body = map[string]string{"current_password": f.passwords[demoPower.Email], "new_password": "Brand-New-Pass-2"}
			case "/v1/me/passkeys/challenge", "/v1/me/totp", "/v1/me/recovery-codes":
				body = map[string]string{"password": f.passwords[demoPower.Email]}
			}
			require.Equal(t, http.StatusForbidden, f.do(c.method, c.path, key.Secret, body, &e), "%s %s", c.method, c.path)
			assert.Equal(t, "session_required", e.Error.Code, "%s %s", c.method, c.path)
		}
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/me", power, nil, nil), "the person's session survived")

		// The general user is no member of "other": no key for it.
		require.Equal(t, http.StatusNotFound, f.do("POST", "/v1/me/api-keys", f.token(demoGeneral), map[string]string{"org_id": other.ID, "name": "x"}, &e))
	})
}

// TestI4_CrossOriginCookieWritesAreRefused: a browser write authenticated by the
// session cookie must come from the portal's own origin; a bearer header is never
// sent by a browser on its own, so it needs no such check. Sign-in too refuses a
// cross-site form (login CSRF).
func TestI4_CrossOriginCookieWritesAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	b := f.browser(t)
	// The power user has no second factor yet (token() enrolls one on first use).
	require.Equal(t, http.StatusCreated, b.call("POST", "/v1/sessions",
		map[string]string{"email": demoPower.Email, "password": f.passwords[demoPower.Email]}, nil).StatusCode)
	write := map[string]any{"code": "csrf", "name": "CSRF K.K."}
	var e errorJSON
	for name, h := range map[string][]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site"},
		"Origin of another site":    {"Origin", "https://evil.example"},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, http.StatusForbidden, b.call("POST", "/v1/orgs", write, &e, h...).StatusCode)
			assert.Equal(t, "cross_origin", e.Error.Code)
			require.Equal(t, http.StatusForbidden, b.call("POST", "/v1/sessions",
				map[string]string{"email": demoGeneral.Email, "password": f.passwords[demoGeneral.Email]}, &e, h...).StatusCode)
			assert.Equal(t, "cross_origin", e.Error.Code)
		})
	}
	// A cross-site GET reads nothing it could change; same-origin writes pass.
	require.Equal(t, http.StatusOK, b.call("GET", "/v1/me", nil, nil, "Sec-Fetch-Site", "cross-site").StatusCode)
	require.Equal(t, http.StatusCreated, b.call("POST", "/v1/orgs", write, nil, "Sec-Fetch-Site", "same-origin").StatusCode)
	// With a bearer header, the same cross-site write is allowed (not a cookie).
	require.Equal(t, http.StatusCreated, f.browser(t).call("POST", "/v1/orgs", map[string]any{"code": "bearer", "name": "Bearer"}, nil,
		"Authorization", "Bearer "+f.token(demoPower), "Sec-Fetch-Site", "cross-site").StatusCode)
}

// TestI4_SignInThrottledAndAnswersAlike over HTTP: unknown email and wrong password
// get byte-identical answers; after 5 failures even the right password gets 429
// with a Retry-After.
func TestI4_SignInThrottledAndAnswersAlike(t *testing.T) {
	f := newFixture(t, "memory")
	b := f.browser(t)
	wrong := b.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": "Wrong-Pass-1"}, nil)
	unknown := b.call("POST", "/v1/sessions", map[string]string{"email": "nobody@demo.example.com", "password": "Wrong-Pass-1"}, nil)
	require.Equal(t, http.StatusUnauthorized, wrong.StatusCode)
	require.Equal(t, unknown.StatusCode, wrong.StatusCode)
	assert.Equal(t, bodyOf(t, unknown), bodyOf(t, wrong))
	for range identity.DefaultPolicy().FailureLimit - 1 {
		b.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": "Wrong-Pass-1"}, nil)
	}
	var e errorJSON
	resp := b.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": f.passwords[demoGeneral.Email]}, &e)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "throttled", e.Error.Code)
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.Greater(t, secs, 0)
	assert.LessOrEqual(t, secs, int(identity.DefaultPolicy().FailureWindow/time.Second))
}

// TestM8_SignupCreatesTheIdentityWithTheMembership: a person without an identity
// joins by invitation. The address is proven by a mailed token the inviter never
// sees; the identity and the membership are created together, and nothing is
// created when the acceptance fails (the token then stays usable).
func TestM8_SignupCreatesTheIdentityWithTheMembership(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		power := f.token(demoPower)
		var inv invitationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+f.orgID+"/invitations", power,
			map[string]any{"email": "newcomer@demo.example.com", "type": "general", "permissions": []string{"project.view"}}, &inv))
		b := f.browser(t)

		// Asking for a link answers the same for an address with an identity (and
		// sends nothing) as for one without.
		for _, email := range []string{demoGeneral.Email, "newcomer@demo.example.com", "intruder@demo.example.com"} {
			require.Equal(t, http.StatusAccepted, b.call("POST", "/v1/signup/start", map[string]string{"email": email}, nil).StatusCode)
		}
		_, sent := f.mails.last(demoGeneral.Email)
		assert.False(t, sent, "an existing identity gets no signup link")
		intruder, ok := f.mails.last("intruder@demo.example.com")
		require.True(t, ok)
		assert.Equal(t, identity.MailSignup, intruder.Kind)

		// A proven address that is not the invitation's: refused, nothing created.
		var e errorJSON
		resp := b.call("POST", "/v1/signup", map[string]string{"token": intruder.Token, "org_id": f.orgID, "invitation_id": inv.ID,
			"password": "Intruder-Pass-1"}, &e)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		_, err := f.ids.FindIdentityByEmail(ctx, "intruder@demo.example.com")
		require.ErrorIs(t, err, identity.ErrNotFound, "rolled back with the acceptance")
		// Without the mailed token (all an inviter has): refused.
		require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/signup", map[string]string{"token": "guess", "org_id": f.orgID,
			"invitation_id": inv.ID, "password": "Newcomer-Pass-1"}, nil).StatusCode)

		mail, ok := f.mails.last("newcomer@demo.example.com")
		require.True(t, ok)
		var out signupJSON
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/signup", map[string]string{"token": mail.Token, "org_id": f.orgID,
			"invitation_id": inv.ID, "name": "Newcomer", "password": "Newcomer-Pass-1"}, &out).StatusCode)
		assert.Equal(t, "newcomer@demo.example.com", out.Email)
		assert.Equal(t, "general", out.Membership.Type)
		require.Equal(t, http.StatusCreated, b.call("POST", "/v1/sessions",
			map[string]string{"email": "newcomer@demo.example.com", "password": "Newcomer-Pass-1"}, nil).StatusCode)
		require.Equal(t, http.StatusOK, b.call("GET", "/v1/orgs/"+f.orgID+"/projects", nil, nil).StatusCode)
		// The token is used: a second signup with it fails.
		require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/signup", map[string]string{"token": mail.Token, "org_id": f.orgID,
			"invitation_id": inv.ID, "password": "Newcomer-Pass-1"}, nil).StatusCode)
	})
}

// TestI4_PasswordResetOverHTTP: the reset answer does not say whether the email
// exists; the mailed token sets a new password once and ends every session.
func TestI4_PasswordResetOverHTTP(t *testing.T) {
	f := newFixture(t, "memory")
	b := f.browser(t)
	old := f.token(demoGeneral)
	require.Equal(t, http.StatusAccepted, b.call("POST", "/v1/password-resets", map[string]string{"email": "nobody@demo.example.com"}, nil).StatusCode)
	require.Equal(t, http.StatusAccepted, b.call("POST", "/v1/password-resets", map[string]string{"email": demoGeneral.Email}, nil).StatusCode)
	mail, ok := f.mails.last(demoGeneral.Email)
	require.True(t, ok)
	assert.Equal(t, identity.MailPasswordReset, mail.Kind)
	_, none := f.mails.last("nobody@demo.example.com")
	assert.False(t, none)

	var e errorJSON
	require.Equal(t, http.StatusBadRequest, b.call("POST", "/v1/password-resets/complete", map[string]string{"token": mail.Token, "new_password": "short"}, &e).StatusCode)
	assert.Equal(t, "new_password", e.Error.Field)
	require.Equal(t, http.StatusNoContent, b.call("POST", "/v1/password-resets/complete", map[string]string{"token": mail.Token, "new_password": "Brand-New-Pass-2"}, nil).StatusCode)
	require.Equal(t, http.StatusUnauthorized, b.call("POST", "/v1/password-resets/complete", map[string]string{"token": mail.Token, "new_password": "Other-New-Pass-3"}, nil).StatusCode)
	require.Equal(t, http.StatusUnauthorized, f.do("GET", "/v1/me", old, nil, nil), "every session ended")
	require.Equal(t, http.StatusCreated, b.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": "Brand-New-Pass-2"}, nil).StatusCode)
}

// TestI4_HostileSignInInputIsAnAnswerNotAFailure: NUL bytes, invalid UTF-8 and
// huge values in the email, password or user agent get the ordinary 401 on every
// database (PostgreSQL refuses NUL in text: the input must never reach it as is).
func TestI4_HostileSignInInputIsAnAnswerNotAFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		for name, email := range map[string]string{
			"NUL in the email":  "a\x00b@demo.example.com",
			"NUL alone":         "\x00",
			"long":              strings.Repeat("a", 5000) + "@demo.example.com",
			"display name form": "Power <" + demoPower.Email + ">",
		} {
			t.Run(name, func(t *testing.T) {
				var e errorJSON
				require.Equal(t, http.StatusUnauthorized, f.browser(t).call("POST", "/v1/sessions",
					map[string]string{"email": email, "password": "Wrong-Pass-1\x00"}, &e, "User-Agent", "ua\xff\xfe").StatusCode)
				assert.Equal(t, "unauthenticated", e.Error.Code)
			})
		}
		// A right sign-in with a user agent that is not UTF-8 is kept, cleaned.
		var signed signedInJSON
		require.Equal(t, http.StatusCreated, f.browser(t).call("POST", "/v1/sessions",
			map[string]string{"email": demoGeneral.Email, "password": f.passwords[demoGeneral.Email]}, &signed, "User-Agent", "ua\xffx").StatusCode)
		assert.Equal(t, "ua\uFFFDx", signed.Session.UserAgent)
	})
}

// TestI2_ChangePasswordOverHTTP: the current password is required (a wrong one is
// 401), a new one breaking I-2 is 400 naming new_password, and a change ends every
// other session of the identity but keeps the caller's.
func TestI2_ChangePasswordOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		current := f.passwords[demoGeneral.Email]
		b, other := f.browser(t), f.browser(t)
		for _, br := range []*browser{b, other} {
			require.Equal(t, http.StatusCreated, br.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": current}, nil).StatusCode)
		}
		var e errorJSON
		require.Equal(t, http.StatusForbidden, b.call("PUT", "/v1/me/password", map[string]string{"current_password": "Wrong-Pass-1", "new_password": "Brand-New-Pass-2"}, &e).StatusCode)
		assert.Equal(t, "wrong_password", e.Error.Code)
		require.Equal(t, http.StatusOK, b.call("GET", "/v1/me", nil, nil).StatusCode, "a wrong re-check does not end the session")
		require.Equal(t, http.StatusBadRequest, b.call("PUT", "/v1/me/password", map[string]string{"current_password": current, "new_password": "weak"}, &e).StatusCode)
		assert.Equal(t, "new_password", e.Error.Field)
		assert.Contains(t, e.Error.Message, "(I-2)")
		require.Equal(t, http.StatusNoContent, b.call("PUT", "/v1/me/password", map[string]string{"current_password": current, "new_password": "Brand-New-Pass-2"}, nil).StatusCode)
		require.Equal(t, http.StatusOK, b.call("GET", "/v1/me", nil, nil).StatusCode, "the caller's session stays")
		require.Equal(t, http.StatusUnauthorized, other.call("GET", "/v1/me", nil, nil).StatusCode, "every other session ended")
		require.Equal(t, http.StatusCreated, other.call("POST", "/v1/sessions", map[string]string{"email": demoGeneral.Email, "password": "Brand-New-Pass-2"}, nil).StatusCode)
	})
}

// TestI4_PortalSweepsExpiredSessions: the portal's hourly sweep removes a session
// past its lifetime and logs it; it stops with the server's context. (In a
// synctest bubble: the hour passes on the fake clock.)
func TestI4_PortalSweepsExpiredSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		store := idmemstore.New()
		ids, err := identity.NewService(store, identity.WithHasher(testHasher(t)),
			identity.WithPolicy(identity.Policy{SessionLifetime: 30 * time.Minute}))
		require.NoError(t, err)
		_, _, err = ids.Register(ctx, identity.NewIdentity{Email: "a@example.com", Password: "Correct-Horse-9"})
		require.NoError(t, err)
		_, token, err := ids.SignIn(ctx, identity.Credentials{Email: "a@example.com", Password: "Correct-Horse-9"}, identity.Client{IP: "192.0.2.1"})
		require.NoError(t, err)

		var logs syncBuffer
		done := make(chan struct{})
		go func() { sweep(ctx, ids, nil, sweepEvery, slog.New(slog.NewTextHandler(&logs, nil))); close(done) }()
		time.Sleep(sweepEvery + time.Second)
		synctest.Wait()
		assert.Contains(t, logs.String(), "msg=\"identity sweep\" sessions=1 ")
		_, err = ids.Authenticate(ctx, token)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		cancel()
		<-done
	})
}
