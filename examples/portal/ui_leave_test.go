package main

import (
	"context"
	"html"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// leavePath is the page and form with which the person leaves orgID.
func leavePath(orgID string) string { return "/orgs/" + orgID + "/leave" }

// orgName is the demo organization's display name.
func (f *fixture) orgName(t *testing.T) string {
	t.Helper()
	org, err := f.svc.GetOrganization(context.Background(), demoPower, f.orgID)
	require.NoError(t, err)
	return org.DisplayName()
}

// isMember reports whether id is a member of orgID, as its power user p reads it.
func (f *fixture) isMember(t *testing.T, p members.Principal, orgID, id string) bool {
	t.Helper()
	_, err := f.svc.GetMember(context.Background(), p, orgID, id)
	if err != nil {
		require.ErrorIs(t, err, members.ErrNotFound)
		return false
	}
	return true
}

func TestUI_M9_AGeneralMemberLeavesTheOrganization(t *testing.T) {
	for _, tc := range []struct{ lang, link, confirm, submit, done string }{
		{"ja", "脱退する", "から脱退しますか?", "この組織から脱退する", "組織から脱退しました。"},
		{"en", "Leave", "You will no longer see its AWS accounts", "Leave this organization", "You left the organization."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := newFixture(t, "memory")
			name := html.EscapeString(f.orgName(t))
			c := f.uiClient(t)
			_, _ = c.signIn(demoGeneral, "")

			resp, body := c.get("/orgs", "Accept-Language", tc.lang)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			checkPage(t, resp, body)
			assert.Regexp(t, `<a href="`+leavePath(f.orgID)+`" class="leave" aria-label="[^"]*`+name+`[^"]*">`+tc.link+`</a>`, body,
				"next to the organization, a link to leave it, named after it")

			// The link only asks: nothing changes until the form is sent.
			resp, body = c.get(leavePath(f.orgID), "Accept-Language", tc.lang)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			checkPage(t, resp, body)
			assert.Contains(t, body, `<form method="post" action="`+leavePath(f.orgID)+`"`)
			assert.Contains(t, body, name, "the page names the organization")
			assert.Contains(t, body, tc.confirm)
			assert.Contains(t, body, `id="leave-submit">`+tc.submit+`</button>`)
			assert.True(t, f.isMember(t, demoPower, f.orgID, demoGeneral.IdentityID), "still a member after the confirmation page")

			resp, body = c.post(leavePath(f.orgID), nil, "Accept-Language", tc.lang)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			checkPage(t, resp, body)
			assert.Equal(t, "/orgs", resp.Request.URL.Path, "redirected to the organizations")
			assert.Contains(t, body, `<p class="notice" role="status" id="org-left">`+tc.done+`</p>`)
			assert.NotContains(t, body, `data-org="`+f.orgID+`"`, "the organization is no longer listed")
			assert.NotContains(t, body, `href="/orgs/`+f.orgID+`/`)
			assert.False(t, f.isMember(t, demoPower, f.orgID, demoGeneral.IdentityID), "the membership is gone")

			resp, _ = c.get("/orgs/"+f.orgID+"/accounts", "Accept-Language", tc.lang)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the organization is closed to the person now")
		})
	}
}

func TestUI_M9_TheLastPowerUserCannotLeave(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	before := f.membership(t, demoPower.IdentityID)
	for _, tc := range []struct{ lang, message string }{
		{"ja", "あなたはこの組織の最後のパワーユーザーのため、脱退できません。先に別のユーザーをパワーユーザーにしてください。"},
		{"en", "You are the last power user of this organization, so you cannot leave it. Make someone else a power user first."},
	} {
		resp, body := c.post(leavePath(f.orgID), nil, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Equal(t, leavePath(f.orgID), resp.Request.URL.Path, "the page again, not a redirect")
		assert.Contains(t, body, `<p class="error" role="alert" id="leave-error">`+tc.message+`</p>`)
		assert.Contains(t, body, html.EscapeString(f.orgName(t)), "the page still names the organization")
	}
	assert.Equal(t, before, f.membership(t, demoPower.IdentityID), "still a power user, nothing changed")
}

func TestUI_LeavingNeedsAPostFromThePortalItself(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		resp, body := c.post(leavePath(f.orgID), nil, h...)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "CSRF (%s)", h[0])
		checkPage(t, resp, body)
		assert.Contains(t, body, "別のサイトから送信された")
	}
	assert.True(t, f.isMember(t, demoPower, f.orgID, demoGeneral.IdentityID), "still a member")
}

func TestUI_M7_LeavingAnotherOrganizationIsRefusedLikeAnUnknownOne(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	unknown, _ := c.get(leavePath("no-such-org"), "Accept-Language", "en")
	require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, unknown.StatusCode)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var (
			resp *http.Response
			body string
		)
		if method == http.MethodGet {
			resp, body = c.get(leavePath(other), "Accept-Language", "en")
		} else {
			resp, body = c.post(leavePath(other), nil, "Accept-Language", "en")
		}
		assert.Equal(t, unknown.StatusCode, resp.StatusCode, "%s: as for an organization that does not exist", method)
		checkPage(t, resp, body)
		assert.NotContains(t, body, "Other K.K.", method)
		assert.NotContains(t, body, `id="leave-submit"`, method)
	}
	assert.True(t, f.isMember(t, outsider, other, outsider.IdentityID), "the other organization's member stays")
	assert.True(t, f.isMember(t, demoPower, f.orgID, demoGeneral.IdentityID), "and the person stays in its own")
}

func TestUI_AnOperatorIsNoMemberAndHasNothingToLeave(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoOperator, f.enrollTOTP(demoOperator))
	resp, body := c.get("/orgs")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `href="/orgs/`+f.orgID+`/accounts"`, "an operator opens every organization")
	assert.NotContains(t, body, `/leave"`, "but leaves none")
	resp, body = c.get(leavePath(f.orgID))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	checkPage(t, resp, body)
	resp, body = c.post(leavePath(f.orgID), nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	checkPage(t, resp, body)
	assert.True(t, f.isMember(t, demoPower, f.orgID, demoPower.IdentityID))
}
