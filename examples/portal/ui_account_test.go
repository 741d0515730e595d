package main

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// setDetailContacts saves the contacts of the demo account 100000000001.
func (f *fixture) setDetailContacts(t *testing.T) {
	t.Helper()
	_, err := f.notices.UpdateAccountContacts(context.Background(), demoPower, f.orgID, "100000000001", contacts.Update{
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"bill-to@demo.example.com"}, CC: []string{"bill-cc@demo.example.com"}},
			Technical: contacts.List{To: []string{"tech-to@demo.example.com"}},
			Security:  contacts.List{To: []string{"sec-to@demo.example.com"}, CC: []string{"sec-cc@demo.example.com"}},
		},
		Language: contacts.English,
		Phones:   []string{"+81312345678", "+819012345678"},
	})
	require.NoError(t, err)
}

func TestUI_AccountDetailShowsEverySection(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	c := f.uiClient(t)
	_, list := c.signIn(demoPower, "")
	link := "/orgs/" + f.orgID + "/accounts/100000000001"
	assert.Contains(t, list, `href="`+link+`"`, "the list links each account to its detail")

	resp, body := c.get(link)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-page="account.html"`)
	assert.Contains(t, body, "AWSアカウント詳細")
	assert.Contains(t, body, "100000000001")
	assert.Contains(t, body, "Production")
	assert.Contains(t, body, `id="account-charges"`)
	assert.Regexp(t, `class="num charges">[1-9][0-9,]*\.[0-9]{2}<`, body, "the demo account has charges")
	assert.Contains(t, body, "JST", "last updated, in Japan time")
	assert.Contains(t, body, `id="account-notify"`)
	for _, a := range []string{"bill-to@", "bill-cc@", "tech-to@", "sec-to@", "sec-cc@"} {
		assert.Contains(t, body, a)
	}
	assert.Contains(t, body, `class="notify-lang">英語<`)
	text := html.UnescapeString(body)
	first, second := strings.Index(text, "<li class=\"mono\">+81312345678<"), strings.Index(text, "<li class=\"mono\">+819012345678<")
	assert.True(t, first > 0 && second > first, "the phones in the order they are called")
	assert.Contains(t, body, `id="account-security"`)
	assert.Contains(t, body, `class="profile">ベーシック<`)
	assert.Contains(t, body, "CloudTrail")
	assert.Regexp(t, `class="cost">\$[0-9.,]+ 〜 \$[0-9.,]+ `, body)
	assert.NotRegexp(t, `\baccount\.[a-z]`, stripAttrs(body), "no message key shown as text")

	resp, body = c.get(link, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "AWS account details")
	assert.Contains(t, body, `class="notify-lang">English<`)
	assert.Contains(t, body, "CloudTrail multi-region trail")

	resp, _ = c.get("/orgs/" + f.orgID + "/accounts/999999999999")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestUI_AccountDetailWithoutChargesViewHasNoCharges(t *testing.T) {
	f := newFixture(t, "memory")
	f.generalWithout(string(members.PermChargesView))
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	resp, body := c.get("/orgs/" + f.orgID + "/accounts/100000000001")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "100000000001")
	assert.NotContains(t, body, `id="account-charges"`)
	assert.NotContains(t, body, "現在のご利用料金")
	assert.NotContains(t, body, `class="num charges"`)
	assert.Contains(t, body, `id="account-notify"`, "the other sections stay")
}

func TestUI_AccountDetailOfAnotherOrganizationIsRefused(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	other := f.outsiderOrg()
	c := f.uiClient(t)
	resp, _ := c.signIn(demoGeneral, "")
	require.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path, "signed in")
	// Organization B's URL, with A's account in it or one of B's own.
	for _, path := range []string{"/orgs/" + other + "/accounts/100000000001", "/orgs/" + other + "/accounts/100000000009"} {
		for _, lang := range []string{"ja", "en"} {
			resp, body := c.get(path, "Accept-Language", lang)
			assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
			checkPage(t, resp, body)
			assert.Contains(t, body, `<html lang="`+lang+`">`)
			assert.NotContains(t, body, "bill-to@")
			assert.NotContains(t, html.UnescapeString(body), "+81312345678")
			assert.False(t, regexp.MustCompile(`id="account-(charges|notify|security)"`).MatchString(body))
		}
	}
}
