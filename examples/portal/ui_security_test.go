package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// The security settings form (ui_security.go) and the account detail's last
// maintenance drift (ui_account.go).

func init() {
	controls := []securityControlRow{
		{ID: "cloudtrail-multi-region", Title: "CloudTrail", ClassKey: "security.class.managed", Managed: true, On: true, CostMin: "0.00", CostMax: "2.00"},
		{ID: "guardduty", Title: "GuardDuty", ClassKey: "security.class.maintained", PerRegion: true, Choice: "on", On: true, CostMin: "1.00", CostMax: "5.00"},
		{ID: "imdsv2-default", Title: "IMDSv2", ClassKey: "security.class.initial", PerRegion: true, ProfileOn: true, On: true, CostMin: "0.00", CostMax: "0.00"},
	}
	est := securityEstimateView{Min: "2.00", Max: "12.00", Regions: 2, Lines: []securityCostLine{{Title: "GuardDuty", Min: "2.00", Max: "10.00"}}}
	uiSamples["security_edit.html"] = []any{
		securityEditPage{AccountID: "100000000001", Profile: "basic", Version: "0", Regions: []string{"ap-northeast-1"}, Controls: controls,
			Profiles: []supportOption{{Value: "basic", Key: "account.security.profile.basic"}, {Value: "secure", Key: "account.security.profile.secure"}}},
		securityEditPage{AccountID: "100000000002", AccountName: "prod-db", Profile: "secure", Version: "3", Regions: []string{"ap-northeast-1", "us-east-1"},
			Controls: controls, Estimate: est, Saved: est, Previewed: true, Done: true, UpdatedAt: "2026-01-02 09:00 JST",
			Profiles: []supportOption{{Value: "basic", Key: "account.security.profile.basic"}, {Value: "secure", Key: "account.security.profile.secure"}},
			Changes:  []securityChangeRow{{At: "2026-01-02 09:00 JST", By: "demo-power", Summary: []string{"Profile: Basic → Secure", "GuardDuty turned on"}}}},
		securityEditPage{AccountID: "100000000003", Profile: "x", Version: "1", Controls: controls, Error: "security.edit.failed",
			Errors: map[string]*supportFieldError{"profile": {Key: "security.error.profile"}, "choice.guardduty": {Key: "security.error.choice"},
				"choice.cloudtrail-multi-region": {Key: "security.error.managed"}}},
		securityEditPage{AccountID: "100000000003", Profile: "basic", Version: "2", Error: "security.edit.conflict"}}
	uiSamples["account.html"] = append(uiSamples["account.html"],
		accountDetailPage{ID: "100000000001", Name: "prod", Secure: &detailSecurityView{ProfileKey: "account.security.profile.basic", CostMin: "0.00", CostMax: "1.00",
			Regions: 2, Edit: "/orgs/o1/accounts/100000000001/security/edit"}, Drift: &detailDriftView{None: true}},
		accountDetailPage{ID: "100000000002", Drift: &detailDriftView{Started: "2026-01-02 09:00 JST", Ended: "2026-01-02 09:01 JST", StateKey: "security.run.finished",
			Items: 20, Drifted: 2, Repaired: 1, Failed: 1, Rows: []detailDriftRow{
				{Control: "GuardDuty", Region: "us-east-1", ActionKey: "security.action.repaired", Detail: "CreateDetector"},
				{Control: "Root MFA", ActionKey: "security.action.failed", Detail: "cannot assume the role", Failed: true}}}},
		accountDetailPage{ID: "100000000003", Drift: &detailDriftView{StateKey: "security.run.running", Started: "2026-01-02 09:00 JST", Items: 3}})
}

// securityEditOf is the form's path for an account of the demo organization.
func (f *fixture) securityEditOf(account string) string {
	return "/orgs/" + url.PathEscape(f.orgID) + "/accounts/" + account + "/security/edit"
}

// TestUI_SecurityEditPreviewsTheCostThenSaves (S-2): the power user opens the
// form from the account detail, previews the secure profile's estimated monthly
// cost (nothing saved), then saves; the change is recorded and listed, and the
// account detail shows the new profile.
func TestUI_SecurityEditPreviewsTheCostThenSaves(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	const acct = "100000000001"
	resp, body := c.get("/orgs/" + url.PathEscape(f.orgID) + "/accounts/" + acct)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `href="`+f.securityEditOf(acct)+`" id="security-edit-link"`)

	for _, lang := range []string{"ja", "en"} {
		resp, body = c.get(f.securityEditOf(acct), "Accept-Language", lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<html lang="`+lang+`">`)
		assert.Contains(t, body, `<input type="radio" id="profile-basic" name="profile" value="basic" checked>`)
		assert.Contains(t, body, `<label for="choice-guardduty">`)
		assert.Contains(t, body, `name="version" value="0"`)
		assert.NotContains(t, body, `id="choice-cloudtrail-multi-region"`, "a managed control has no choice")
		assert.NotRegexp(t, `\bsecurity\.[a-z]`, stripAttrs(body), "no message key shown as text")
	}

	secure := security.DefaultSettings(f.orgID, acct)
	secure.Profile = security.Secure
	want := security.EstimateCost(secure, len(demoSecurityRegions))
	wantText := "$" + formatAmount(want.Min) + " to $" + formatAmount(want.Max) + " (USD, 2 regions)"
	form := url.Values{"version": {"0"}, "profile": {"secure"}, "action": {"preview"}}
	resp, body = c.post(f.securityEditOf(acct), form, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "Estimated monthly cost of this input (not saved)")
	assert.Contains(t, body, `id="security-cost">`+wantText)
	assert.Contains(t, body, `<input type="radio" id="profile-secure" name="profile" value="secure" checked>`, "the input is kept")
	st, _, err := f.sec.GetSettings(context.Background(), demoPower, f.orgID, acct)
	require.NoError(t, err)
	assert.Equal(t, security.Basic, st.Profile, "a preview saves nothing")
	assert.Zero(t, st.Version)

	form.Set("action", "save")
	form.Set("choice."+string(security.ConfigRecording), "off")
	resp, body = c.post(f.securityEditOf(acct), form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, f.securityEditOf(acct), resp.Request.URL.Path, "redirected after the save")
	assert.Contains(t, body, `id="security-saved">セキュリティ設定を保存しました。`)
	assert.Contains(t, body, "プロファイル: ベーシック → セキュア")
	assert.Contains(t, body, "GuardDuty を有効化")
	assert.Contains(t, body, "変更者: "+demoPower.Email)
	assert.Contains(t, body, `<option value="off" selected>`)
	st, _, err = f.sec.GetSettings(context.Background(), demoPower, f.orgID, acct)
	require.NoError(t, err)
	assert.Equal(t, security.Secure, st.Profile)
	assert.Equal(t, map[security.ControlID]bool{security.ConfigRecording: false}, st.Choices)
	assert.Equal(t, int64(1), st.Version)
	assert.Equal(t, demoPower.IdentityID, st.UpdatedBy)

	_, body = c.get("/orgs/" + url.PathEscape(f.orgID) + "/accounts/" + acct)
	assert.Contains(t, body, `<dd class="profile">セキュア</dd>`)

	resp, _ = c.get(f.securityEditOf("999999999999"))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "an account the organization does not have")
}

// TestUI_SecurityEditShowsEachErrorNextToItsField: a profile that is none, a
// choice that is none and a managed control turned off (a forged post) are each
// shown next to their field, the input kept, nothing saved; a stale version
// shows the settings as they are now (409).
func TestUI_SecurityEditShowsEachErrorNextToItsField(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	const acct = "100000000001"
	resp, body := c.post(f.securityEditOf(acct), url.Values{"version": {"0"}, "profile": {"gold"}, "action": {"save"},
		"choice.guardduty": {"maybe"}, "choice." + string(security.CloudTrail): {"off"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "Some fields need attention. Nothing was saved.")
	assert.Contains(t, body, `<fieldset class="field" aria-describedby="profile-error">`)
	assert.Contains(t, body, `<p class="field-error" id="profile-error">Choose basic or secure.</p>`)
	assert.Regexp(t, `<select id="choice-guardduty" name="choice.guardduty" aria-invalid="true" aria-describedby="choice-guardduty-error">`, body)
	assert.Contains(t, body, `<p class="field-error" id="choice-guardduty-error">Choose as the profile, on or off.</p>`)
	assert.Contains(t, body, `<p class="field-error" id="choice-`+string(security.CloudTrail)+`-error">A managed control cannot be turned off.</p>`)
	st, _, err := f.sec.GetSettings(context.Background(), demoPower, f.orgID, acct)
	require.NoError(t, err)
	assert.Zero(t, st.Version, "nothing saved")

	// Someone saves first: the form read version 0 is stale.
	_, _, err = f.sec.UpdateSettings(context.Background(), demoPower, f.orgID, acct, security.SettingsUpdate{Profile: security.Secure})
	require.NoError(t, err)
	resp, body = c.post(f.securityEditOf(acct), url.Values{"version": {"0"}, "profile": {"basic"}, "action": {"save"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "他の方が先に設定を変更しました")
	assert.Contains(t, body, `name="version" value="1"`)
	assert.Contains(t, body, `<input type="radio" id="profile-secure" name="profile" value="secure" checked>`, "the settings as they are now")
}

// TestUI_SecurityEditIsRefusedWithoutSecurityEdit (M-5): the general user
// (view-only) sees the settings on the detail page but no link to the form, and
// gets the 403 page for the form and its post, in both languages; nothing is
// saved. Another organization's URL is the 403 or 404 page to a power user.
func TestUI_SecurityEditIsRefusedWithoutSecurityEdit(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	const acct = "100000000001"
	resp, body := c.get("/orgs/" + url.PathEscape(f.orgID) + "/accounts/" + acct)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="account-security"`)
	assert.NotContains(t, body, "/security/edit")
	for _, lang := range []string{"ja", "en"} {
		resp, body = c.get(f.securityEditOf(acct), "Accept-Language", lang)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<html lang="`+lang+`">`)
		for _, action := range []string{"preview", "save"} {
			resp, _ = c.post(f.securityEditOf(acct), url.Values{"version": {"0"}, "profile": {"secure"}, "action": {action}}, "Accept-Language", lang)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, action)
		}
	}
	st, _, err := f.sec.GetSettings(context.Background(), demoPower, f.orgID, acct)
	require.NoError(t, err)
	assert.Zero(t, st.Version, "nothing saved")

	resp, _ = c.get(f.securityEditOf("999999999999"))
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, "no such account (and no security.edit)")

	// The demo organization's power user, for another organization's URL.
	other := "/orgs/" + url.PathEscape(f.outsiderOrg()) + "/accounts/" + acct + "/security/edit"
	p := f.uiClient(t)
	_, _ = p.signIn(demoPower, "")
	resp, body = p.get(other)
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	assert.Contains(t, body, `data-page="error.html"`)
	resp, _ = p.post(other, url.Values{"version": {"0"}, "profile": {"secure"}, "action": {"save"}})
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
}

// TestUI_AccountDetailShowsTheLastMaintenanceDrift (S-3): the seeded run's
// drift and repairs of the secured account, a later run's failure of an
// unreachable account, and an account no run has reached.
func TestUI_AccountDetailShowsTheLastMaintenanceDrift(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	detail := func(acct, lang string) string {
		t.Helper()
		resp, body := c.get("/orgs/"+url.PathEscape(f.orgID)+"/accounts/"+acct, "Accept-Language", lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		return body
	}
	body := detail(securedDemoAccount, "en")
	assert.Contains(t, body, `id="account-drift"`)
	assert.Contains(t, body, `<dd class="drift-totals">20 items: 20 drifted, 19 repaired, 0 failed</dd>`)
	assert.Contains(t, body, "Amazon GuardDuty")
	assert.Contains(t, body, "CreateDetector", "what the repair did")
	assert.Contains(t, body, ">Reported<", "root MFA: report only")

	f.fleet.SetUnreachable("100000000005", true)
	_, err := f.sec.Maintain(context.Background(), []security.Target{{OrgID: f.orgID, AccountID: "100000000005"}})
	require.NoError(t, err)
	body = detail("100000000005", "ja")
	assert.Contains(t, body, `<tr class="failing">`)
	assert.Contains(t, body, "失敗")
	assert.Contains(t, body, "cannot assume the role")

	_, err = f.svc.RegisterAccount(context.Background(), demoOperator, f.orgID, members.NewAccount{ID: "400000000001", ProjectID: f.project().ID})
	require.NoError(t, err)
	body = detail("400000000001", "ja")
	assert.Contains(t, body, "このアカウントはまだ定期メンテナンスされていません。")
}
