package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// storedContacts returns the saved contacts of a demo account.
func (f *fixture) storedContacts(t *testing.T, id string) contacts.AccountContacts {
	t.Helper()
	c, err := f.notices.GetAccountContacts(context.Background(), demoPower, f.orgID, id)
	require.NoError(t, err)
	return c
}

// setContacts saves complete contacts on a demo account.
func (f *fixture) setContacts(t *testing.T, id string) {
	t.Helper()
	_, err := f.notices.UpdateAccountContacts(context.Background(), demoPower, f.orgID, id, contacts.Update{
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"bill@demo.example.com"}},
			Technical: contacts.List{To: []string{"tech@demo.example.com"}},
			Security:  contacts.List{To: []string{"sec@demo.example.com"}},
		},
		Language: contacts.Japanese,
		Phones:   []string{"+81312345678"},
	})
	require.NoError(t, err)
}

func contactsForm(version string, phones ...string) url.Values {
	v := url.Values{"version": {version}, "language": {"en"},
		"billing_to": {"bill-to@demo.example.com\r\n\r\nbill-2@demo.example.com"}, "billing_cc": {""},
		"technical_to": {"tech-to@demo.example.com"}, "security_to": {"sec-to@demo.example.com"}, "security_cc": {"sec-cc@demo.example.com"}}
	for i, p := range phones {
		v.Set("phone"+string(rune('1'+i)), p)
	}
	return v
}

func TestUI_ContactsEditKeepsInputAndShowsErrorsThenSaves(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	before := f.storedContacts(t, "100000000001")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	detail := "/orgs/" + f.orgID + "/accounts/100000000001"
	edit := detail + "/contacts/edit"
	_, body := c.get(detail)
	assert.Contains(t, body, `href="`+edit+`"`, "the detail page links to the form")

	resp, body := c.get(edit)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-page="contacts_edit.html"`)
	assert.Contains(t, body, "bill-to@demo.example.com")
	assert.Contains(t, html.UnescapeString(body), `value="+819012345678"`)
	assert.Contains(t, body, `name="version" value="1"`)
	assert.NotRegexp(t, `\b(contacts|account|bulk)\.[a-z]`, stripAttrs(body), "no message key shown as text")

	// One invalid phone (the second input): the form again, input kept, nothing saved.
	resp, body = c.post(edit, contactsForm("1", "+81311112222", "12ab", "+819033334444"))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="phone2"[^>]*value="12ab"[^>]*aria-invalid="true"`, body)
	assert.Contains(t, body, `id="phone2-error"`)
	assert.NotContains(t, body, `id="phone1-error"`)
	assert.NotContains(t, body, `id="phone3-error"`)
	assert.Contains(t, html.UnescapeString(body), `value="+81311112222"`)
	assert.Contains(t, body, "sec-cc@demo.example.com", "the addresses typed are kept")
	assert.Equal(t, before, f.storedContacts(t, "100000000001"), "nothing saved")

	// A bad address: next to the security TO list.
	form := contactsForm("1", "+81311112222")
	form.Set("security_to", "sec-to@demo.example.com\nnot-an-address")
	resp, body = c.post(edit, form, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `id="security_to-error"`)
	assert.Contains(t, body, "not-an-address")
	assert.NotContains(t, body, `id="billing_to-error"`)
	assert.Equal(t, before, f.storedContacts(t, "100000000001"))

	// Fixed: 303 to the account page, saved.
	resp, body = c.post(edit, contactsForm("1", "+81311112222", "", "+819033334444"))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, detail, resp.Request.URL.Path)
	after := f.storedContacts(t, "100000000001")
	assert.Equal(t, []string{"+81311112222", "+819033334444"}, after.Phones)
	assert.Equal(t, contacts.English, after.Language)
	assert.Equal(t, []string{"bill-to@demo.example.com", "bill-2@demo.example.com"}, after.Recipients.Billing.To)
	assert.Equal(t, []string{"sec-cc@demo.example.com"}, after.Recipients.Security.CC)

	// A stale version is refused, nothing saved.
	resp, body = c.post(edit, contactsForm("1", "+81355556666"))
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	assert.Contains(t, body, `id="contacts-error"`)
	assert.Equal(t, after, f.storedContacts(t, "100000000001"))
}

func TestUI_ContactsEditRedirectIs303(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := c.post("/orgs/"+f.orgID+"/accounts/100000000001/contacts/edit", contactsForm("1", "+81311112222"))
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts/100000000001", resp.Header.Get("Location"))
}

func TestUI_BulkEditIsAllOrNothing(t *testing.T) {
	f := newFixture(t, "memory")
	f.setContacts(t, "100000000001")
	f.setContacts(t, "100000000002")
	one, two := f.storedContacts(t, "100000000001"), f.storedContacts(t, "100000000002")
	c := f.uiClient(t)
	_, list := c.signIn(demoPower, "")
	bulk := "/orgs/" + f.orgID + "/accounts/bulk"
	assert.Contains(t, list, `href="`+bulk+`"`, "the list links to the bulk edit")

	resp, body := c.get(bulk)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="acct-100000000001"`)
	assert.NotRegexp(t, `\b(contacts|account|bulk)\.[a-z]`, stripAttrs(body), "no message key shown as text")

	// One invalid phone: shown next to it, no account changed.
	form := url.Values{"account": {"100000000001", "100000000002"}, "phone1": {"+81311112222"}, "phone2": {"nope"}, "language": {"en"}}
	resp, body = c.post(bulk, form)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="phone2-error"`)
	assert.Regexp(t, `id="acct-100000000002"[^>]*checked`, body, "the choice is kept")
	assert.Equal(t, one, f.storedContacts(t, "100000000001"))
	assert.Equal(t, two, f.storedContacts(t, "100000000002"))

	// An account never configured in the batch: nothing changes either.
	form = url.Values{"account": {"100000000001", "100000000003"}, "phone1": {"+81311112222"}}
	resp, body = c.post(bulk, form, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `id="bulk-error"`)
	assert.Equal(t, one, f.storedContacts(t, "100000000001"))

	// Success: every chosen account changed.
	form = url.Values{"account": {"100000000001", "100000000002"}, "phone1": {"+81311112222"}, "phone3": {"+819033334444"}, "language": {"en"}}
	resp, body = c.post(bulk, form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, bulk, resp.Request.URL.Path)
	assert.Contains(t, body, `id="bulk-done"`)
	for _, id := range []string{"100000000001", "100000000002"} {
		got := f.storedContacts(t, id)
		assert.Equal(t, []string{"+81311112222", "+819033334444"}, got.Phones, id)
		assert.Equal(t, contacts.English, got.Language, id)
		assert.Equal(t, []string{"bill@demo.example.com"}, got.Recipients.Billing.To, "recipients untouched")
	}
}

func TestUI_ContactsEditNeedsContactsEdit(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	before := f.storedContacts(t, "100000000001")
	f.generalWithout(string(members.PermContactsEdit))
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	edit := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/edit"
	bulk := "/orgs/" + f.orgID + "/accounts/bulk"
	for _, path := range []string{edit, bulk} {
		resp, body := c.get(path)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		checkPage(t, resp, body)
	}
	resp, _ := c.post(edit, contactsForm("1", "+81311112222"))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = c.post(bulk, url.Values{"account": {"100000000001"}, "phone1": {"+81311112222"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, before, f.storedContacts(t, "100000000001"))
}

func TestUI_ContactsEditOfAnotherOrganizationIsRefused(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	before := f.storedContacts(t, "100000000001")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	for _, path := range []string{"/orgs/" + other + "/accounts/100000000001/contacts/edit", "/orgs/" + other + "/accounts/bulk"} {
		resp, body := c.get(path)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, body, "bill-to@")
		resp, _ = c.post(path, url.Values{"version": {"1"}, "account": {"100000000001"}, "phone1": {"+81311112222"}})
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
	}
	assert.Equal(t, before, f.storedContacts(t, "100000000001"))
}
