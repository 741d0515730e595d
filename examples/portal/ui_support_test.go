package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// supportCount returns how many cases the organization has.
func (f *fixture) supportCount(t *testing.T) int {
	t.Helper()
	cases, _, err := f.sup.List(context.Background(), demoPower, f.orgID, support.CaseFilter{}, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	return len(cases)
}

func TestUI_SupportListShowsTheSeededCase(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, accounts := c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/support"
	assert.Contains(t, accounts, `href="`+base+`"`, "the navigation links to support")

	resp, body := c.get(base)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-page="support_list.html"`)
	assert.Contains(t, html.UnescapeString(body), demoCaseSubject)
	assert.Contains(t, body, `href="`+base+"/"+f.support.caseID+`"`)
	assert.Contains(t, body, demoCaseAccount)
	assert.Contains(t, body, "アカウント・請求に関するお問い合わせ")
	assert.Contains(t, body, "対応中")
	assert.Contains(t, body, "JST")
	assert.NotRegexp(t, `\bsupport\.[a-z]`, stripAttrs(body), "no message key shown as text")

	resp, body = c.get(base, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Support cases")
	assert.Contains(t, body, "Account and billing")
	assert.Contains(t, body, "In progress")

	resp, body = c.get(base + "/" + f.support.caseID)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="support-sla"`)
	assert.Regexp(t, `class="due">[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} JST`, body, "due times in Japan time")
	assert.Contains(t, body, "サポート窓口", "the desk's seeded answer")
	assert.NotRegexp(t, `\bsupport\.[a-z]`, stripAttrs(body), "no message key shown as text")
}

func TestUI_SupportOpenWithAnEmptySubjectShowsTheError(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/support"
	resp, body := c.get(base + "/new")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<option value="`+demoCaseAccount+`"`, "the organization's accounts to choose from")

	before := f.supportCount(t)
	resp, body = c.post(base+"/new", url.Values{"account_id": {demoCaseAccount}, "category": {"technical"}, "severity": {"high"},
		"subject": {"  "}, "body": {"EC2 が起動しません"}, "cc": {"a@demo.example.com\r\nnot an address"}, "language": {"en"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Equal(t, before, f.supportCount(t), "nothing stored")
	assert.Regexp(t, `id="subject"[^>]*aria-invalid="true" aria-describedby="subject-error"`, body)
	assert.Contains(t, body, `<p class="field-error" id="subject-error">件名を入力してください`)
	assert.Contains(t, body, `id="cc-error"`)
	assert.Contains(t, body, "not an address")
	assert.Contains(t, body, "EC2 が起動しません</textarea>", "the input is kept")
	assert.Contains(t, body, "a@demo.example.com\r\nnot an address</textarea>", "the CC is kept")
	assert.Regexp(t, `<option value="high" selected>`, body)
	assert.Regexp(t, `<option value="en" selected>`, body)
	assert.NotContains(t, body, `id="body-error"`)
}

func TestUI_SupportOpenAndReply(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/support"
	resp, body := c.post(base+"/new", url.Values{"account_id": {demoCaseAccount}, "category": {"technical"}, "severity": {"urgent"},
		"subject": {"EC2 instance unreachable"}, "body": {"The instance i-0123 stopped answering.\nPlease help."},
		"cc": {"ops@demo.example.com\r\n\r\nlead@demo.example.com"}, "language": {"ja"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	path := resp.Request.URL.Path
	require.True(t, strings.HasPrefix(path, base+"/") && path != base+"/new", "sent to the case: %s", path)
	id := strings.TrimPrefix(path, base+"/")
	assert.Contains(t, body, `data-page="support_case.html"`)
	assert.Contains(t, body, "EC2 instance unreachable")
	assert.Contains(t, body, "The instance i-0123 stopped answering.<br>Please help.")
	assert.Contains(t, body, "ops@demo.example.com<br>lead@demo.example.com")
	assert.Contains(t, body, `id="support-state">受付<`)
	assert.Contains(t, body, "JST")

	_, list := c.get(base)
	assert.Contains(t, list, `href="`+base+"/"+id+`"`, "listed")
	assert.Less(t, strings.Index(list, "EC2 instance unreachable"), strings.Index(html.UnescapeString(list), demoCaseSubject), "newest first")

	resp, body = c.post(base+"/"+id+"/replies", url.Values{"body": {""}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `id="reply-error"`)

	resp, body = c.post(base+"/"+id+"/replies", url.Values{"body": {"追加の情報です。"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, base+"/"+id, resp.Request.URL.Path, "back to the case")
	assert.Contains(t, body, "追加の情報です。")
	assert.Contains(t, body, "お客様")
}

func TestUI_SupportWithoutSupportInquireIsRefused(t *testing.T) {
	f := newFixture(t, "memory")
	f.generalWithout(string(members.PermSupportInquire))
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	base := "/orgs/" + f.orgID + "/support"
	for _, path := range []string{base, base + "/new", base + "/" + f.support.caseID} {
		resp, body := c.get(path)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, html.UnescapeString(body), demoCaseSubject)
	}
	before := f.supportCount(t)
	resp, _ := c.post(base+"/new", url.Values{"account_id": {demoCaseAccount}, "category": {"technical"}, "subject": {"x"}, "body": {"y"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = c.post(base+"/"+f.support.caseID+"/replies", url.Values{"body": {"y"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, before, f.supportCount(t), "nothing stored")
}

func TestUI_SupportOfAnotherOrganizationIsRefused(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	for _, path := range []string{"/orgs/" + other + "/support", "/orgs/" + other + "/support/new",
		"/orgs/" + other + "/support/" + f.support.caseID} {
		resp, body := c.get(path)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, html.UnescapeString(body), demoCaseSubject)
	}
	resp, _ := c.post("/orgs/"+other+"/support/"+f.support.caseID+"/replies", url.Values{"body": {"y"}})
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
}
