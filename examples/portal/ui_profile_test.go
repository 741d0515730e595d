package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUI_ProfileShowsTheSessions(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.uiClient(t)
	_, _ = other.signIn(demoGeneral, "")
	c := f.uiClient(t)
	_, accounts := c.signIn(demoGeneral, "")
	assert.Contains(t, accounts, `href="/profile"`, "the navigation links to the profile")

	resp, body := c.get("/profile")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-page="profile.html"`)
	assert.Contains(t, body, `<dd id="profile-email">`+demoGeneral.Email+`</dd>`)
	assert.Equal(t, 2, strings.Count(body, `data-session="`), "both sessions")
	assert.Contains(t, body, "(このセッション)")
	assert.Contains(t, body, "JST")
	assert.Regexp(t, `id="current_password"[^>]*autocomplete="current-password"`, body)
	assert.Regexp(t, `id="new_password"[^>]*autocomplete="new-password"`, body)
	assert.NotRegexp(t, `\b(profile|nav)\.[a-z]`, stripAttrs(body), "no message key shown as text")

	resp, body = c.get("/profile", "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Signed-in sessions")

	resp, body = c.post("/profile/sessions/revoke-others", url.Values{})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, 1, strings.Count(body, `data-session="`), "only this session is left")
	assert.Contains(t, body, `id="sessions-revoked"`)
	resp, _ = other.get("/profile")
	assert.Equal(t, "/signin", resp.Request.URL.Path, "the other session ended")
}

func TestUI_ProfileWrongCurrentPasswordChangesNothing(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	resp, body := c.post("/profile/password", url.Values{"current_password": {"Wrong-Password-1"}, "new_password": {"Brand-New-Pass-2"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="current_password"[^>]*aria-invalid="true" aria-describedby="current_password-error"`, body)
	assert.Contains(t, body, `<p class="field-error" id="current_password-error">現在のパスワードが正しくありません。`)
	assert.NotContains(t, body, "Wrong-Password-1", "a password is never written back")
	assert.NotContains(t, body, "Brand-New-Pass-2", "a password is never written back")

	fresh := f.uiClient(t)
	resp, _ = fresh.signIn(demoGeneral, "")
	assert.NotEqual(t, "/signin", resp.Request.URL.Path, "the old password still signs in")
}

func TestUI_ProfileShortNewPasswordShowsTheRule(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	current := f.passwords[demoGeneral.Email]
	resp, body := c.post("/profile/password", url.Values{"current_password": {current}, "new_password": {"Ab1!"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="new_password"[^>]*aria-describedby="new_password-hint new_password-error" aria-invalid="true"`, body)
	assert.Regexp(t, `<p class="field-error" id="new_password-error">The new password must have 10 to 70 characters`, body)
	assert.NotContains(t, body, current)
	assert.NotContains(t, body, `value="Ab1!"`)

	fresh := f.uiClient(t)
	resp, _ = fresh.signIn(demoGeneral, "")
	assert.NotEqual(t, "/signin", resp.Request.URL.Path, "the password is unchanged")

	resp, body = c.post("/profile/password", url.Values{"current_password": {current}, "new_password": {"Brand-New-Pass-2"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="password-changed"`)
}

func TestUI_ApplicationSubmittedAppearsInTheList(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, accounts := c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/applications"
	assert.Contains(t, accounts, `href="`+base+`"`, "the navigation links to applications")

	resp, body := c.get(base + "/new")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	m := regexp.MustCompile(`<option value="([^"]+)">Development</option>`).FindStringSubmatch(body)
	require.Len(t, m, 2, "the organization's projects to choose from: %s", body)

	resp, body = c.post(base+"/new", url.Values{"kind": {"new_account"}, "project_id": {m[1]}, "details": {"検証用アカウント"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, base, resp.Request.URL.Path)
	checkPage(t, resp, body)
	assert.Contains(t, body, "検証用アカウント")
	assert.Contains(t, body, "新規アカウント発行")
	assert.Contains(t, body, "申請済み")
	assert.Contains(t, body, "Development")
	assert.NotRegexp(t, `\bapplications\.[a-z]`, stripAttrs(body), "no message key shown as text")
}

func TestUI_ApplicationWithAnInvalidAccountIDShowsTheError(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/applications"
	resp, body := c.post(base+"/new", url.Values{"kind": {"account_closure"}, "account_id": {"12ab"}, "details": {"<閉鎖>"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="account_id"[^>]*value="12ab" aria-describedby="account_id-hint account_id-error" aria-invalid="true"`, body)
	assert.Contains(t, body, `<p class="field-error" id="account_id-error">`)
	assert.Contains(t, html.UnescapeString(body), "<閉鎖>", "the input is kept")
	assert.Regexp(t, `<option value="account_closure" selected>`, body)

	resp, body = c.post(base+"/new", url.Values{"kind": {"account_closure"}, "account_id": {"999999999999"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `id="account_id-error">この組織のAWSアカウントではありません。`)

	resp, body = c.get(base)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, `data-application="`, "nothing filed")
}

func TestUI_ApplicationsOfAnotherOrganizationAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	base := "/orgs/" + other + "/applications"
	for _, path := range []string{base, base + "/new"} {
		resp, body := c.get(path)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
		checkPage(t, resp, body)
	}
	resp, _ := c.post(base+"/new", url.Values{"kind": {"project_creation"}, "details": {"x"}})
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
}
