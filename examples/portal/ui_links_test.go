package main

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// TestUI_NoticeLinksOpenThePageTheyName: the links billing, security and
// support put in notices are under the portal's origin and open, in a browser,
// the web UI page that shows what they name — after sign-in when there is no
// session — never the JSON API or a 404. The seeded notices' own links are
// followed, and one link of each kind.
func TestUI_NoticeLinksOpenThePageTheyName(t *testing.T) {
	f := newFixture(t, "memory")
	org, acct := "/orgs/"+f.orgID, "100000000001"
	c := f.uiClient(t)

	resp, _ := c.get(org + "/documents/any")
	assert.Equal(t, "/signin", resp.Request.URL.Path, "no session: sign in first")
	assert.Equal(t, org+"/invoices", resp.Request.URL.Query().Get("next"), "then the page the link names")

	resp, body := c.signIn(demoPower, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)

	notices, err := resellerkit.All(func(pg resellerkit.Page) ([]contacts.Notice, string, error) {
		return f.b.contacts.ListNotices(context.Background(), f.orgID, "", pg)
	})
	require.NoError(t, err)
	link := regexp.MustCompile(regexp.QuoteMeta(testOrigin) + `(/\S+)`)
	seen := map[contacts.Kind]bool{}
	for _, n := range notices {
		for _, m := range link.FindAllStringSubmatch(n.Text, -1) {
			seen[n.Kind] = true
			resp, body := c.get(m[1])
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", m[1], body)
			assert.NotContains(t, resp.Request.URL.Path, "/v1/", "%s opens a page, not the API", m[1])
			checkPage(t, resp, body)
		}
	}
	assert.True(t, seen[contacts.KindInvoiceIssued], "the seeded invoices' notices have links")

	for _, tc := range []struct{ link, page string }{
		{org + "/documents/any", org + "/invoices"},
		{org + "/accounts/" + acct + "/charges", org + "/accounts/" + acct},
		{org + "/accounts/" + acct + "/security/alerts", org + "/accounts/" + acct},
		{org + "/support/cases/" + f.support.caseID, org + "/support/" + f.support.caseID},
	} {
		resp, body := c.get(tc.link)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", tc.link, body)
		assert.Equal(t, tc.page, resp.Request.URL.Path, tc.link)
		checkPage(t, resp, body)
	}
}

// TestNoticeLinksSendProgramsToTheAPI: a program following a notice's link — an
// API key in Authorization, or JSON accepted and not HTML — is sent (307) to the
// same path under /v1 and gets the resource as JSON, not the sign-in page.
func TestNoticeLinksSendProgramsToTheAPI(t *testing.T) {
	f := newFixture(t, "memory")
	org, acct := "/orgs/"+f.orgID, "100000000001"
	tok := f.token(demoPower)
	for _, path := range []string{
		org + "/documents/" + f.billing.invoices[0].ID,
		org + "/accounts/" + acct + "/charges",
		org + "/accounts/" + acct + "/security/alerts",
		org + "/support/cases/" + f.support.caseID,
	} {
		for _, h := range []map[string]string{
			{"Authorization": "Bearer " + tok},
			{"Accept": "application/json", "Authorization": "Bearer " + tok},
		} {
			req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
			require.NoError(t, err)
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode, path)
			assert.Equal(t, "/v1"+path, resp.Request.URL.Path, path)
			assert.Contains(t, resp.Header.Get("Content-Type"), "application/json", path)
		}
	}
}
