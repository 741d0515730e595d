package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

func init() {
	uiSamples["accounts.html"] = append(uiSamples["accounts.html"], accountsPage{CanApply: true, CanBulk: true,
		Rows: []accountRow{{ID: "100000000001", Name: "prod"}, {ID: "100000000002", Name: "old", ClosedFrom: "2025-12"}}},
		accountsPage{CanBulk: true, Rows: []accountRow{{ID: "100000000001"}}})
	kinds := []supportOption{{Value: "account_closure", Key: "applications.kind.account_closure"}, {Value: "owner_change", Key: "applications.kind.owner_change"}}
	uiSamples["application_new.html"] = append(uiSamples["application_new.html"],
		applicationNewPage{Kind: "account_closure", Kinds: kinds, Selected: []applicationAccount{{ID: "100000000001", Name: "prod", Checked: true}, {ID: "100000000002", Checked: true}}},
		applicationNewPage{Kind: "owner_change", Kinds: kinds, Details: "x", Error: "applications.new.failed",
			Errors: map[string]*supportFieldError{"kind": {Key: "applications.error.kind.selection"}, "accounts": {Key: "applications.error.accounts.none"},
				"details": {Key: "applications.error.details"}},
			Selected: []applicationAccount{{ID: "100000000001", Name: "prod", Checked: true, Error: &supportFieldError{Key: "applications.error.account_id.closed"}},
				{ID: "999999999999", Error: &supportFieldError{Key: "applications.error.account_id.unknown"}}}})
}

// applicationsOf returns the demo organization's applications of kind.
func (f *fixture) applicationsOf(t *testing.T, kind members.ApplicationKind) []members.Application {
	t.Helper()
	apps, _, err := f.svc.ListApplications(context.Background(), demoPower, f.orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	return slices.DeleteFunc(apps, func(a members.Application) bool { return a.Kind != kind })
}

func TestUI_AccountsSelectionOffersApplicationsAndBulkEdit(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID
	for _, tc := range []struct{ lang, closure, owner string }{
		{"ja", "選択したアカウントの解約を申請", "選択したアカウントの名義変更を申請"},
		{"en", "Apply to close the selected accounts", "Apply to change the owner of the selected accounts"},
	} {
		resp, body := c.get(base+"/accounts", "Accept-Language", tc.lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<form method="get" action="`+base+`/applications/new" id="accounts-select">`)
		assert.Contains(t, body, `<input type="checkbox" id="select-100000000001" name="account" value="100000000001">`)
		assert.Contains(t, body, `name="kind" value="account_closure" id="select-closure">`+tc.closure+`<`)
		assert.Contains(t, body, `name="kind" value="owner_change" id="select-owner-change">`+tc.owner+`<`)
		assert.Contains(t, body, `formaction="`+base+`/accounts/bulk" id="select-bulk"`)
		assert.Contains(t, body, `id="bulk-link"`)
	}

	// What the browser sends for "bulk-edit" with two accounts ticked.
	resp, body := c.get(base + "/accounts/bulk?account=100000000002&account=100000000004")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="acct-100000000002" name="account" value="100000000002" checked`)
	assert.Contains(t, body, `id="acct-100000000004" name="account" value="100000000004" checked`)
	assert.NotContains(t, body, `value="100000000001" checked`)

	g := f.uiClient(t)
	_, body = g.signIn(demoGeneral, "")
	assert.Contains(t, body, "data-account", "the view-only user sees the accounts")
	assert.NotContains(t, body, `id="accounts-select"`, "but no selection: neither application.submit nor contacts.edit")
	assert.NotContains(t, body, `type="checkbox"`)
	assert.NotContains(t, body, `id="bulk-link"`, "no link to a page that would answer 403")
}

func TestUI_ClosureOfSelectedAccountsFilesOneApplicationEach(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	form := "/orgs/" + f.orgID + "/applications/new"
	resp, body := c.get(form + "?kind=account_closure&account=100000000001&account=100000000003")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="account-100000000001" name="account" value="100000000001" checked`)
	assert.Contains(t, body, `<span class="mono">100000000003</span> prod-logging`)
	assert.Contains(t, body, `<option value="account_closure" selected>`)
	assert.NotContains(t, body, `<option value="new_account"`, "only the kinds of a selection")
	assert.NotContains(t, body, `id="account_id"`, "the accounts are listed, not typed")
	assert.NotContains(t, body, `id="project_id"`, "a closure or owner change names no project")

	resp, body = c.post(form, url.Values{"offered": {"100000000001", "100000000003"}, "account": {"100000000001", "100000000003"},
		"kind": {"account_closure"}, "project_id": {""}, "details": {"no longer used"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/applications", resp.Request.URL.Path)
	apps := f.applicationsOf(t, members.AppAccountClosure)
	require.Len(t, apps, 2)
	got := []string{apps[0].AccountID, apps[1].AccountID}
	slices.Sort(got)
	assert.Equal(t, []string{"100000000001", "100000000003"}, got)
	assert.Equal(t, "no longer used", apps[0].Details)
}

func TestUI_SelectedAccountsAreFiledAllOrNothing(t *testing.T) {
	eachBackend(t, testSelectedAccountsAllOrNothing)
}

func testSelectedAccountsAllOrNothing(t *testing.T, f *fixture) {
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	form := "/orgs/" + f.orgID + "/applications/new"
	for _, tc := range []struct{ lang, message string }{
		{"ja", "この組織のAWSアカウントではありません。"},
		{"en", "Not an AWS account of this organization."},
	} {
		resp, body := c.post(form, url.Values{"offered": {"100000000002", "999999999999", "100000000005"},
			"account": {"100000000002", "999999999999"}, "kind": {"owner_change"}, "details": {"to Example K.K."}}, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Regexp(t, `id="account-999999999999"[^>]*checked aria-invalid="true" aria-describedby="account-999999999999-error"`, body)
		assert.Contains(t, body, `<p class="field-error" id="account-999999999999-error">`+tc.message+`</p>`)
		assert.NotContains(t, body, `id="account-100000000002-error"`)
		assert.Regexp(t, `id="account-100000000002" name="account" value="100000000002" checked`, body, "the input is kept")
		assert.Regexp(t, `id="account-100000000005" name="account" value="100000000005">`, body, "unticked stays unticked")
		assert.Contains(t, body, "to Example K.K.</textarea>")
		assert.Contains(t, body, `<option value="owner_change" selected>`)
	}
	assert.Empty(t, f.applicationsOf(t, members.AppOwnerChange), "the good account's application is not filed either")

	resp, body := c.post(form, url.Values{"offered": {"100000000002"}, "kind": {"owner_change"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `<p class="field-error" id="accounts-error">Select at least one AWS account.</p>`)

	resp, body = c.post(form, url.Values{"offered": {"100000000002"}, "account": {"100000000002"}, "kind": {"new_account"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `id="kind-error">For the selected accounts, apply for a closure or a change of owner.`)
	assert.Empty(t, f.applicationsOf(t, members.AppNewAccount))
}

func TestUI_SelectionApplicationsNeedApplicationSubmitInTheOrganization(t *testing.T) {
	f := newFixture(t, "memory")
	form := url.Values{"offered": {"100000000001"}, "account": {"100000000001"}, "kind": {"account_closure"}}
	g := f.uiClient(t)
	_, _ = g.signIn(demoGeneral, "")
	path := "/orgs/" + f.orgID + "/applications/new"
	resp, body := g.get(path + "?kind=account_closure&account=100000000001")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	checkPage(t, resp, body)
	for _, f := range []url.Values{form, {"offered": {"100000000001"}, "kind": {"account_closure"}}} {
		resp, _ := g.post(path, f)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	}

	other := f.outsiderOrg()
	p := f.uiClient(t)
	_, _ = p.signIn(demoPower, "")
	resp, body = p.get("/orgs/" + other + "/applications/new?kind=account_closure&account=100000000001")
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	assert.NotContains(t, html.UnescapeString(body), "prod-web")
	resp, _ = p.post("/orgs/"+other+"/applications/new", form)
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	assert.Empty(t, f.applicationsOf(t, members.AppAccountClosure))
}
