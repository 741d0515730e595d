package main

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The sign-in with a recovery code or a passkey, and the profile's second
// factors, passkeys and API keys (ui_signin.go, ui_profile.go).

func init() {
	orgs := []members.Organization{{ID: "o1", Name: "Demo"}, {ID: "o2", Name: "Other"}}
	uiSamples["signin.html"] = append(uiSamples["signin.html"], signInForm{Next: "/x", Error: "signin.passkey.failed", PasskeyError: "signin.passkey.failed"})
	uiSamples["totp.html"] = append(uiSamples["totp.html"],
		signInForm{Pending: "p", Error: "signin.second.one", TOTPError: "signin.second.one", RecoveryError: "signin.second.one"},
		signInForm{Pending: "p", Error: "signin.totp.failed", RecoveryError: "signin.recovery.failed"},
		signInForm{Pending: "p", Error: "signin.passkey.failed", PasskeyError: "signin.passkey.failed"},
		signInForm{Pending: "p", NoTOTP: true, Error: "signin.recovery.failed", RecoveryError: "signin.recovery.failed"})
	pks := []profilePasskey{{ID: "cred-1", Name: "laptop", Created: "2026-01-01 09:00 JST"}, {ID: "cred-2", Name: "phone", Created: "2026-01-01 09:00 JST", LastUsed: "2026-01-02 09:00 JST"}}
	keys := []profileKey{{ID: "rk_1", Name: "ci", OrgID: "o1", OrgName: "Demo", Created: "2026-01-01 09:00 JST", MFA: true},
		{ID: "rk_2", Name: "old", OrgID: "gone", Created: "2026-01-01 09:00 JST", LastUsed: "2026-01-02 09:00 JST", Expires: "2026-02-01 00:00 JST"}}
	uiSamples["profile.html"] = append(uiSamples["profile.html"],
		profilePage{MinLen: 10, MaxLen: 70, Done: "profile.keys.revoked", Orgs: orgs, Passkeys: pks, Keys: keys, First: "/profile#api-keys", Next: "/profile?page_token=x#api-keys",
			MFA: identity.MFAStatus{TOTP: true, Passkeys: 2, RecoveryCodes: 9}},
		profilePage{MinLen: 10, MaxLen: 70, Orgs: orgs, TOTPSetup: &totpSetup{Groups: []string{"ABCD", "EFGH"}, URI: "otpauth://totp/x", Sealed: "s"},
			Err: map[string]fieldMsg{"totp_code": {Key: "profile.mfa.error.code"}}},
		profilePage{MinLen: 10, MaxLen: 70, Orgs: orgs, Codes: []string{"aaaaa-bbbbb", "ccccc-ddddd"}, Done: "profile.mfa.totp.enabled",
			Ceremony: &passkeyCeremony{Ticket: "t", Options: `{"publicKey":{}}`, Name: "laptop"}, MFA: identity.MFAStatus{TOTP: true},
			NewKey: &profileKey{ID: "rk_3", Name: "new", Secret: "rk_3.secret"}},
		profilePage{MinLen: 10, MaxLen: 70, Orgs: orgs, Passkeys: pks, MFA: identity.MFAStatus{TOTP: true, Passkeys: 2},
			Form: profileForm{PasskeyName: "x", RenameID: "cred-2", RenameName: "bad", KeyName: "k", KeyOrg: "o2", KeyExpires: "2020-01-01"},
			Err: map[string]fieldMsg{"totp_password": {Key: "profile.error.throttled", Arg: int64(30)}, "remove_password": {Key: "profile.error.current_password"},
				"remove_code": {Key: "profile.mfa.error.code"}, "codes_password": {Key: "profile.mfa.error.no_factor"},
				"passkey_name": {Key: "profile.passkeys.error.limit"}, "passkey_password": {Key: "profile.error.current_password"},
				"rename_name": {Key: "profile.passkeys.error.name"}, "remove_passkey_password": {Key: "profile.error.current_password"},
				"key_name": {Key: "profile.keys.error.name"}, "key_org": {Key: "profile.keys.error.org"}, "key_expires": {Key: "profile.keys.error.past"}}},
		profilePage{MinLen: 10, MaxLen: 70, Err: map[string]fieldMsg{"key_expires": {Key: "profile.keys.error.expires"},
			"passkey_name": {Key: "profile.passkeys.error.exists"}, "totp_password": {Key: "profile.mfa.totp.expired"}}},
		profilePage{MinLen: 10, MaxLen: 70, Err: map[string]fieldMsg{"passkey_name": {Key: "profile.passkeys.error.failed"}}, Done: "profile.mfa.codes.regenerated"})
	for _, k := range []string{"profile.mfa.totp.disabled", "profile.passkeys.added", "profile.passkeys.renamed", "profile.passkeys.removed"} {
		uiSamples["profile.html"] = append(uiSamples["profile.html"], profilePage{MinLen: 10, MaxLen: 70, Done: k})
	}
}

// sessionAuth returns the Auth of a session of p (f.token: with a second factor
// when p.MFA), for setting p's credentials up directly.
func (f *fixture) sessionAuth(p members.Principal) identity.Auth {
	f.t.Helper()
	a, err := f.ids.Authenticate(context.Background(), f.token(p))
	require.NoError(f.t, err)
	return a
}

// enrollTOTPWithCodes sets up an authenticator app for p (one without p.MFA,
// whose session f.token made without one) and returns its secret and recovery
// codes.
func (f *fixture) enrollTOTPWithCodes(p members.Principal) ([]byte, []string) {
	f.t.Helper()
	ctx := context.Background()
	a := f.sessionAuth(p)
	e, err := f.ids.BeginTOTP(ctx, a, f.passwords[p.Email])
	require.NoError(f.t, err)
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	require.NoError(f.t, err)
	codes, err := f.ids.ConfirmTOTP(ctx, a, identity.TOTPCode(secret, identity.TOTPStep(time.Now())))
	require.NoError(f.t, err)
	require.Len(f.t, codes, identity.RecoveryCodeCount)
	return secret, codes
}

// registerPasskey registers a passkey of auth for p directly (not through the
// UI) and returns its credential id.
func (f *fixture) registerPasskey(p members.Principal, auth *webauthntest.Authenticator) string {
	f.t.Helper()
	ctx := context.Background()
	a := f.sessionAuth(p)
	ticket, opts, err := f.ids.BeginPasskeyRegistration(ctx, a, f.passwords[p.Email])
	require.NoError(f.t, err)
	att, err := auth.Register(opts)
	require.NoError(f.t, err)
	pk, _, err := f.ids.FinishPasskeyRegistration(ctx, a, ticket, "key of "+p.Email, att)
	require.NoError(f.t, err)
	return pk.CredentialID
}

// formValue returns the value of the input named name in body.
func formValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	require.Len(t, m, 2, "no %s in %s", name, body)
	return html.UnescapeString(m[1])
}

// passkeyAnswer asks the API for a sign-in challenge (as static/passkey.js does)
// and returns the form fields answering it with auth.
func (c *uiClient) passkeyAnswer(auth *webauthntest.Authenticator) url.Values {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.f.srv.URL+"/v1/passkey-challenges", nil)
	require.NoError(c.t, err)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.c.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	require.Equal(c.t, http.StatusCreated, resp.StatusCode)
	var ch struct {
		Ticket  string                        `json:"ticket"`
		Options *protocol.CredentialAssertion `json:"options"`
	}
	require.NoError(c.t, json.NewDecoder(resp.Body).Decode(&ch))
	assertion, err := auth.Assert(ch.Options)
	require.NoError(c.t, err)
	return url.Values{"passkey_ticket": {ch.Ticket}, "passkey_response": {string(assertion)}}
}

func TestUI_SignInWithARecoveryCodeSpendsIt(t *testing.T) {
	f := newFixture(t, "memory")
	_, codes := f.enrollTOTPWithCodes(demoGeneral)
	c := f.uiClient(t)
	_, body := c.signIn(demoGeneral, "")
	pending := formValue(t, body, "pending")
	assert.Contains(t, body, `id="recovery_code"`)
	assert.Contains(t, body, `<script src="/static/passkey.js" defer></script>`, "the passkey button's script")

	for _, tc := range []struct {
		name, lang, code, want string
	}{
		{"a wrong code", "ja", "AAAAA-BBBBB", "リカバリーコードが正しくないか、使用済みです。"},
		{"a malformed code", "en", "not a code", "The recovery code is incorrect or has been used."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.post("/signin", url.Values{"pending": {pending}, "recovery_code": {tc.code}}, "Accept-Language", tc.lang)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			checkPage(t, resp, body)
			assert.Regexp(t, `id="recovery_code"[^>]*aria-describedby="recovery_code-hint recovery_code-error" aria-invalid="true"`, body)
			assert.Contains(t, body, `<p class="field-error" id="recovery_code-error">`+tc.want)
			assert.NotContains(t, body, `id="totp-error"`, "nothing said about the other field")
		})
	}
	resp, body := c.post("/signin", url.Values{"pending": {pending}, "recovery_code": {codes[0]}, "totp": {"123456"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "one second factor at a time")
	assert.Contains(t, body, `id="totp-error"`)
	assert.Contains(t, body, `id="recovery_code-error"`)

	resp, body = c.post("/signin", url.Values{"pending": {pending}, "recovery_code": {codes[0]}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path)

	again := f.uiClient(t)
	_, body = again.signIn(demoGeneral, "")
	resp, body = again.post("/signin", url.Values{"pending": {formValue(t, body, "pending")}, "recovery_code": {codes[0]}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a recovery code works once")
	assert.Contains(t, body, `id="recovery_code-error"`)
}

// TestUI_SecondStepAsksOnlyForTheFactorsTheIdentityHas: with passkeys and no
// authenticator app, the second step asks for no code.
func TestUI_SecondStepAsksOnlyForTheFactorsTheIdentityHas(t *testing.T) {
	f := newFixture(t, "memory")
	auth := webauthntest.New(testOrigin)
	f.registerPasskey(demoGeneral, auth)
	c := f.uiClient(t)
	resp, body := c.signIn(demoGeneral, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	checkPage(t, resp, body)
	assert.NotContains(t, body, `id="totp"`)
	assert.Contains(t, body, "パスキーで確認するか、保存したリカバリーコードを入力してください。")
	pending := formValue(t, body, "pending")

	resp, body = c.post("/signin", url.Values{"pending": {pending}, "recovery_code": {"AAAAA-BBBBB"}}, "Accept-Language", "en")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.NotContains(t, body, `id="totp"`, "still no code asked after an error")
	assert.Contains(t, body, `<label for="recovery_code">Recovery code</label>`)

	form := c.passkeyAnswer(auth)
	form.Set("pending", pending)
	resp, _ = c.post("/signin", form)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path)

	withApp := f.uiClient(t)
	f.enrollTOTP(demoPower)
	_, body = withApp.signIn(demoPower, "")
	assert.Contains(t, body, `id="totp"`, "an identity with an app is asked for its code")
}

func TestUI_SignInWithAPasskeyAloneOrAsTheSecondStep(t *testing.T) {
	f := newFixture(t, "memory")
	auth := webauthntest.New(testOrigin)
	f.registerPasskey(demoPower, auth)

	// Alone: the passkey names the identity.
	c := f.uiClient(t)
	resp, body := c.get("/signin?next=/profile")
	checkPage(t, resp, body)
	assert.Regexp(t, `<form method="post" action="/signin/passkey" data-passkey="get" data-options-url="/v1/passkey-challenges"`, body)
	form := c.passkeyAnswer(auth)
	form.Set("next", "/profile")
	resp, body = c.post("/signin/passkey", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/profile", resp.Request.URL.Path)
	assert.Contains(t, body, `<dd id="profile-email">`+demoPower.Email+`</dd>`)

	// A replayed answer, a tampered one, none at all: refused, nothing said why.
	for _, tc := range []struct {
		name string
		form url.Values
		code int
	}{
		{"replayed", url.Values{"passkey_ticket": form["passkey_ticket"], "passkey_response": form["passkey_response"]}, http.StatusUnauthorized},
		{"tampered", url.Values{"passkey_ticket": form["passkey_ticket"], "passkey_response": {`{"id":"x"}`}}, http.StatusUnauthorized},
		{"missing", url.Values{}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := f.uiClient(t)
			resp, body := other.post("/signin/passkey", tc.form, "Accept-Language", "en")
			assert.Equal(t, tc.code, resp.StatusCode)
			checkPage(t, resp, body)
			assert.Contains(t, body, `<p class="field-error" role="alert" id="passkey-error" data-passkey-error>The passkey could not be verified.`)
			resp, _ = other.get("/profile")
			assert.Equal(t, "/signin", resp.Request.URL.Path, "not signed in")
		})
	}

	// From another site: refused before anything (login CSRF).
	evil := f.uiClient(t)
	resp, _ = evil.post("/signin/passkey", evil.passkeyAnswer(auth), "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// The second step after the password: the passkey instead of a code.
	second := f.uiClient(t)
	_, body = second.signIn(demoPower, "")
	require.Contains(t, body, `id="passkey-second"`)
	form = second.passkeyAnswer(auth)
	form.Set("pending", formValue(t, body, "pending"))
	resp, body = second.post("/signin", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path)

	// Another person's passkey is no second factor of this one.
	outsiderKey := webauthntest.New(testOrigin)
	f.registerPasskey(outsider, outsiderKey)
	third := f.uiClient(t)
	_, body = third.signIn(demoPower, "")
	form = third.passkeyAnswer(outsiderKey)
	form.Set("pending", formValue(t, body, "pending"))
	resp, body = third.post("/signin", form)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, `<p class="field-error" role="alert" id="passkey-error" data-passkey-error>パスキーで確認できませんでした。`)
}

// totpSecretOf reads the setup key the profile shows (in groups).
func totpSecretOf(t *testing.T, body string) []byte {
	t.Helper()
	m := regexp.MustCompile(`<dd class="mono" id="totp-secret">([A-Z2-7 ]+)</dd>`).FindStringSubmatch(body)
	require.Len(t, m, 2, body)
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(m[1], " ", ""))
	require.NoError(t, err)
	return secret
}

// recoveryCodesOf returns the recovery codes a page shows.
func recoveryCodesOf(body string) []string {
	var out []string
	if i := strings.Index(body, `id="recovery-codes"`); i >= 0 {
		for _, m := range regexp.MustCompile(`<li>([^<]+)</li>`).FindAllStringSubmatch(body[i:], -1) {
			out = append(out, m[1])
		}
	}
	return out
}

func TestUI_ProfileSetsUpChecksAndTurnsOffTheAuthenticatorApp(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	password := f.passwords[demoGeneral.Email]

	resp, body := c.get("/profile")
	checkPage(t, resp, body)
	assert.Contains(t, body, `<dd id="mfa-totp">未設定</dd>`)
	assert.NotContains(t, body, `id="codes-regenerate"`, "no recovery codes without a second factor")

	resp, body = c.post("/profile/totp", url.Values{"password": {"Wrong-Password-1"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="totp_password"[^>]*aria-invalid="true" aria-describedby="totp_password-error"`, body)
	assert.Contains(t, body, `<p class="field-error" id="totp_password-error">現在のパスワードが正しくありません。`)
	assert.NotContains(t, body, "Wrong-Password-1")

	resp, body = c.post("/profile/totp", url.Values{"password": {password}}, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `<dd class="mono" id="totp-secret">([A-Z2-7]{4} )+[A-Z2-7]{1,4}</dd>`, body, "the key in groups of four")
	assert.Regexp(t, `<dd class="mono wrap" id="totp-uri">otpauth://totp/`, body)
	assert.Regexp(t, `<svg class="qr" id="totp-qr" role="img" aria-labelledby="totp-qr-title" viewBox="0 0 (\d+) (\d+)"`, body, "the URI as a QR code, drawn inline")
	assert.Regexp(t, `<path d="(M\d+ \d+h1v1h-1z)+" fill="#000000"/>`, body)
	secret := totpSecretOf(t, body)
	setup := formValue(t, body, "setup")
	assert.NotContains(t, body, password)

	// A wrong code: the same setup again, the error next to the code.
	resp, body = c.post("/profile/totp/confirm", url.Values{"setup": {setup}, "code": {"000000"}}, "Accept-Language", "en")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `<p class="field-error" id="totp_code-error">The code is incorrect.`)
	assert.Equal(t, secret, totpSecretOf(t, body))
	resp, _ = c.post("/profile/totp/confirm", url.Values{"setup": {setup + "x"}, "code": {"000000"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a changed setup is refused")

	step := identity.TOTPStep(time.Now())
	resp, body = c.post("/profile/totp/confirm", url.Values{"setup": {setup}, "code": {identity.TOTPCode(secret, step)}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	codes := recoveryCodesOf(body)
	assert.Len(t, codes, identity.RecoveryCodeCount, "the recovery codes, shown once")
	assert.Contains(t, body, `<dd id="mfa-totp">有効</dd>`)
	_, body = c.get("/profile")
	assert.Empty(t, recoveryCodesOf(body), "and never again")
	assert.NotContains(t, body, codes[0])

	// Regenerating: the password again (a wrong one is shown like the others',
	// and counts like them: five within the window throttle), the old codes stop
	// working.
	resp, body = c.post("/profile/recovery-codes", url.Values{"password": {password}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	fresh := recoveryCodesOf(body)
	require.Len(t, fresh, identity.RecoveryCodeCount)
	assert.NotEqual(t, codes, fresh)
	other := f.uiClient(t)
	_, body = other.signIn(demoGeneral, "")
	resp, _ = other.post("/signin", url.Values{"pending": {formValue(t, body, "pending")}, "recovery_code": {codes[0]}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "an old code no longer signs in")

	// Turning it off takes the password and a fresh code.
	for _, tc := range []struct {
		name, password, code, field string
	}{
		{"no code", password, "", "remove_code"},
		{"a wrong password", "Wrong-Password-1", identity.TOTPCode(secret, step+1), "remove_password"},
		{"a used code", password, identity.TOTPCode(secret, step), "remove_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.post("/profile/totp/remove", url.Values{"password": {tc.password}, "code": {tc.code}})
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			checkPage(t, resp, body)
			assert.Regexp(t, `id="`+tc.field+`"[^>]*aria-invalid="true" aria-describedby="`+tc.field+`-error"`, body)
			assert.Contains(t, body, `<dd id="mfa-totp">有効</dd>`, "still on")
		})
	}
	resp, body = c.post("/profile/totp/remove", url.Values{"password": {password}, "code": {identity.TOTPCode(secret, step+1)}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="profile-done">認証アプリを解除しました。`)
	assert.Contains(t, body, `<dd id="mfa-totp">未設定</dd>`)
	assert.Contains(t, body, `<dd id="mfa-codes">0</dd>`, "no factor left: the codes went too")
	_, body = c.get("/profile")
	assert.Equal(t, 1, strings.Count(body, `data-session="`), "the check's session was ended")
}

// passkeyCreation reads the registration options and ticket the profile hands to
// static/passkey.js.
func passkeyCreation(t *testing.T, body string) (*protocol.CredentialCreation, string) {
	t.Helper()
	m := regexp.MustCompile(`data-passkey="create" data-options="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, m, 2, body)
	var opts protocol.CredentialCreation
	require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &opts))
	return &opts, formValue(t, body, "passkey_ticket")
}

func TestUI_ProfileRegistersRenamesAndRemovesPasskeys(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	password := f.passwords[demoGeneral.Email]
	auth := webauthntest.New(testOrigin)

	resp, body := c.post("/profile/passkeys/new", url.Values{"name": {"laptop"}, "password": {"Wrong-Password-1"}}, "Accept-Language", "en")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<p class="field-error" id="passkey_password-error">The current password is wrong.`)
	assert.Regexp(t, `id="passkey_name"[^>]*value="laptop"`, body, "the name is kept")

	resp, body = c.post("/profile/passkeys/new", url.Values{"name": {"laptop"}, "password": {password}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	opts, ticket := passkeyCreation(t, body)
	assert.NotEmpty(t, opts.Response.Challenge, "the options for navigator.credentials.create")
	assert.Equal(t, demoGeneral.Email, opts.Response.User.Name)

	resp, body = c.post("/profile/passkeys", url.Values{"passkey_ticket": {ticket}, "name": {"laptop"}, "passkey_response": {`{"id":"x"}`}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an answer that does not verify")
	assert.Contains(t, body, `id="passkey_name-error"`)
	assert.Contains(t, body, `id="passkeys-empty"`)

	// The ticket was used up by the refused answer: start again.
	_, body = c.post("/profile/passkeys/new", url.Values{"name": {"laptop"}, "password": {password}})
	opts, ticket = passkeyCreation(t, body)
	att, err := auth.Register(opts)
	require.NoError(t, err)
	resp, body = c.post("/profile/passkeys", url.Values{"passkey_ticket": {ticket}, "name": {"laptop"}, "passkey_response": {string(att)}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Len(t, recoveryCodesOf(body), identity.RecoveryCodeCount, "the first second factor brings recovery codes")
	id := auth.CredentialIDs()[0]
	assert.Contains(t, body, `<tr data-passkey="`+id+`">`)
	assert.Contains(t, body, `<td>laptop</td>`)
	assert.Contains(t, body, `<dd id="mfa-passkeys">1</dd>`)

	// Rename: a bad name is shown next to its field, kept.
	resp, body = c.post("/profile/passkeys/"+id+"/rename", url.Values{"name": {"bad\x01name"}}, "Accept-Language", "en")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Regexp(t, `id="rename-0"[^>]*aria-invalid="true" aria-describedby="rename-0-error"`, body)
	assert.Contains(t, body, `<p class="field-error" id="rename-0-error">The name must have at most 200 characters`)
	resp, body = c.post("/profile/passkeys/"+id+"/rename", url.Values{"name": {"phone"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="profile-done">パスキーの名前を変更しました。`)
	assert.Contains(t, body, `<td>phone</td>`)

	// Another person's passkey: not found, untouched.
	theirs := f.registerPasskey(outsider, webauthntest.New(testOrigin))
	for _, tc := range []struct{ path, field, value string }{
		{"/rename", "name", "mine now"},
		{"/remove", "password", password},
	} {
		resp, body = c.post("/profile/passkeys/"+theirs+tc.path, url.Values{tc.field: {tc.value}})
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.path)
		checkPage(t, resp, body)
	}
	pks, err := f.ids.ListPasskeys(context.Background(), outsider.IdentityID)
	require.NoError(t, err)
	require.Len(t, pks, 1)
	assert.Equal(t, "key of "+outsider.Email, pks[0].Name)

	// Remove: the password again.
	resp, body = c.post("/profile/passkeys/"+id+"/remove", url.Values{"password": {"Wrong-Password-1"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `<p class="field-error" id="remove-passkey-0-error">現在のパスワードが正しくありません。`)
	resp, body = c.post("/profile/passkeys/"+id+"/remove", url.Values{"password": {password}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="passkeys-empty"`)
	assert.Contains(t, body, `<dd id="mfa-passkeys">0</dd>`)
}

// TestUI_QRPathDrawsTheCodesModules: the path has one unit square per dark
// module of the code skip2/go-qrcode makes, inside its size.
func TestUI_QRPathDrawsTheCodesModules(t *testing.T) {
	uri := "otpauth://totp/resellerkit:a@b.example?secret=ABCDEFGHIJKLMNOP&issuer=resellerkit"
	path, size := qrPath(uri)
	q, err := qrcode.New(uri, qrcode.Medium)
	require.NoError(t, err)
	bm := q.Bitmap()
	require.Equal(t, len(bm), size)
	dark := 0
	for _, row := range bm {
		for _, on := range row {
			if on {
				dark++
			}
		}
	}
	assert.Regexp(t, `^(M\d+ \d+h1v1h-1z)+$`, path, "nothing but unit squares")
	squares := regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`).FindAllStringSubmatch(path, -1)
	assert.Len(t, squares, dark)
	for _, m := range squares {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		assert.True(t, bm[y][x], "(%d, %d) is dark", x, y)
	}
	path, size = qrPath(strings.Repeat("x", 8000))
	assert.Empty(t, path, "too long for a QR code: none drawn")
	assert.Zero(t, size)
}

func TestUI_ProfileCreatesListsAndRevokesAPIKeys(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")

	resp, body := c.get("/profile")
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="keys-empty"`)
	assert.Regexp(t, `<option value="`+f.orgID+`">`, body, "the person's organizations to bind a key to")

	tomorrow := time.Now().In(tokyo).AddDate(0, 0, 1).Format(time.DateOnly)
	for _, tc := range []struct {
		name   string
		form   url.Values
		errors []string
	}{
		{"nothing", url.Values{}, []string{"key_name", "key_org"}},
		{"a bad date", url.Values{"name": {"ci"}, "org": {f.orgID}, "expires": {"31/12/2026"}}, []string{"key_expires"}},
		{"a past day", url.Values{"name": {"ci"}, "org": {f.orgID}, "expires": {"2020-01-01"}}, []string{"key_expires"}},
		{"another organization", url.Values{"name": {"ci"}, "org": {other}}, []string{"key_org"}},
		{"a bad name", url.Values{"name": {"ci\x01"}, "org": {f.orgID}}, []string{"key_name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"ja", "en"} {
				resp, body := c.post("/profile/api-keys", tc.form, "Accept-Language", lang)
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
				checkPage(t, resp, body)
				for _, field := range tc.errors {
					assert.Regexp(t, `id="`+field+`"[^>]*aria-invalid="true"`, body)
					assert.Contains(t, body, `<p class="field-error" id="`+field+`-error">`)
				}
				if v := tc.form.Get("expires"); v != "" {
					assert.Contains(t, body, `value="`+v+`"`, "the input is kept")
				}
				assert.Contains(t, body, `id="keys-empty"`, "no key made")
			}
		})
	}

	resp, body = c.post("/profile/api-keys", url.Values{"name": {"ci deploy"}, "org": {f.orgID}, "expires": {tomorrow}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	m := regexp.MustCompile(`<p class="mono wrap" id="api-key-secret">(rk_[a-z0-9]+)\.([^<]+)</p>`).FindStringSubmatch(body)
	require.Len(t, m, 3, body)
	keyID, secret := m[1], m[1]+"."+m[2]
	assert.Contains(t, body, `<tr data-key="`+keyID+`">`)
	assert.Contains(t, body, "Demo", "the organization's name")
	assert.Contains(t, body, time.Now().In(tokyo).AddDate(0, 0, 2).Format(time.DateOnly)+" 00:00 JST", "it expires as its last day ends")

	// The key works on the API, and its secret is never shown again.
	var accounts pageJSON[json.RawMessage]
	assert.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts", secret, nil, &accounts))
	_, body = c.get("/profile")
	assert.NotContains(t, body, m[2])
	assert.Contains(t, body, `<tr data-key="`+keyID+`">`)

	// Another person's key: not found, still working.
	theirs, theirSecret, err := f.ids.CreateAPIKey(context.Background(), f.sessionAuth(outsider), identity.NewAPIKey{OrgID: other, Name: "theirs"})
	require.NoError(t, err)
	resp, body = c.post("/profile/api-keys/"+theirs.ID+"/revoke", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+other+"/accounts", theirSecret, nil, &accounts))

	resp, body = c.post("/profile/api-keys/"+keyID+"/revoke", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="profile-done">The API key was revoked.`)
	assert.Contains(t, body, `id="keys-empty"`)
	assert.Equal(t, http.StatusUnauthorized, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts", secret, nil, nil))
}

func TestUI_ProfileListsAPIKeysPageByPage(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	a := f.sessionAuth(demoPower)
	for i := range 3 {
		_, _, err := f.ids.CreateAPIKey(context.Background(), a, identity.NewAPIKey{OrgID: f.orgID, Name: "key " + string(rune('a'+i))})
		require.NoError(t, err)
	}
	_, body := c.get("/profile?limit=2")
	assert.Equal(t, 2, strings.Count(body, `<tr data-key="`))
	m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	require.Len(t, m, 2, body)
	resp, body := c.get(html.UnescapeString(m[1]))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, strings.Count(body, `<tr data-key="`))
	assert.NotContains(t, body, `rel="next"`)
	assert.Regexp(t, `<a href="/profile\?limit=2#api-keys">`, body, "back to the first page")
}

// TestUI_ProfileFormsRefuseCrossOriginPosts: every profile form passes the
// cross-origin protection.
func TestUI_ProfileFormsRefuseCrossOriginPosts(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	for _, path := range []string{"/profile/totp", "/profile/totp/confirm", "/profile/totp/remove", "/profile/recovery-codes",
		"/profile/passkeys/new", "/profile/passkeys", "/profile/passkeys/x/rename", "/profile/passkeys/x/remove",
		"/profile/api-keys", "/profile/api-keys/x/revoke"} {
		resp, _ := c.post(path, url.Values{"password": {f.passwords[demoPower.Email]}, "name": {"x"}, "org": {f.orgID}},
			"Sec-Fetch-Site", "cross-site")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
	}
	_, body := c.get("/profile")
	assert.Contains(t, body, `id="keys-empty"`)
	assert.Contains(t, body, `<dd id="mfa-totp">未設定</dd>`)
}
