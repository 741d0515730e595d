package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

func init() {
	perms := permChoices([]string{"project.view", "charges.view"})
	uiSamples["members.html"] = []any{membersPage{}, membersPage{Done: "members.removed"}, membersPage{CanManage: true, ShowInvites: true, InvitationsURL: "/orgs/o1/invitations",
		Done: "members.changed", DoneArg: "a@b.example", First: "/orgs/o1/members", Next: "/orgs/o1/members?page_token=x",
		Rows: []memberRow{{ID: "i1", Email: "power@b.example", TypeKey: "members.type.power", Self: true},
			{ID: "i2", Email: "a@b.example", TypeKey: "members.type.general", Permissions: []string{"members.perm.project.view", "members.perm.account.view"}},
			{ID: "i3", Email: "c@b.example", TypeKey: "members.type.general"}}}}
	uiSamples["member_edit.html"] = []any{memberEditPage{ID: "i2", Email: "a@b.example", Version: "1", Type: "general", Types: memberTypes(), Permissions: perms},
		memberEditPage{ID: "i2", Email: "a@b.example", Version: "1", Type: "general", Types: memberTypes(), Permissions: perms, Self: true,
			Error: "members.form.failed", Errors: map[string]*membersFieldError{"type": {Key: "members.error.lastpower.demote"},
				"permissions": {Key: "members.error.prerequisite", Arg: "members.perm.charges.view", Arg2: "members.perm.project.view"}}},
		memberEditPage{ID: "i2", Email: "a@b.example", Version: "1", Type: "power", Types: memberTypes(), Permissions: perms,
			Error: "members.error.lastpower.remove", Errors: map[string]*membersFieldError{"permissions": {Key: "members.error.permission", Arg: "x"}}}}
	uiSamples["invitations.html"] = []any{invitationsPage{}, invitationsPage{CanInvite: true, Types: memberTypes(), Permissions: perms, Type: "general",
		Done: "members.invited", DoneArg: "n@b.example", Email: "bad", Error: "members.form.failed",
		Errors: map[string]*membersFieldError{"email": {Key: "members.error.email", Arg: "bad"}, "type": {Key: "members.error.type"}},
		Rows: []invitationRow{{ID: "v1", Email: "n@b.example", TypeKey: "members.type.general", StateKey: "members.invitation.pending", Pending: true,
			Permissions: []string{"members.perm.project.view"}, Created: "2026-01-02 09:00 JST", Expires: "2026-01-09 09:00 JST"},
			{ID: "v2", Email: "p@b.example", TypeKey: "members.type.power", StateKey: "members.invitation.revoked"}}},
		invitationsPage{Done: "members.revoked", Problem: "members.revoke.late"}, invitationsPage{Done: "members.invited.generic"}}
	uiSamples["orgs.html"] = []any{orgsPage{}, orgsPage{Error: "members.mine.expired", Rejected: true, Invitations: []myInvitationRow{
		{OrgID: "o3", OrgName: "Demo", ID: "v1", TypeKey: "members.type.general", Permissions: []string{"members.perm.project.view"}, Expires: "2026-01-09 09:00 JST"},
		{OrgID: "o4", ID: "v2", TypeKey: "members.type.power"}}}}
}

// membership returns the demo organization's membership of id.
func (f *fixture) membership(t *testing.T, id string) members.Membership {
	t.Helper()
	m, err := f.svc.GetMember(context.Background(), demoPower, f.orgID, id)
	require.NoError(t, err)
	return m
}

// invitationOf returns the demo organization's invitations of email.
func (f *fixture) invitationsOf(t *testing.T, email string) []members.Invitation {
	t.Helper()
	invs, _, err := f.svc.ListInvitations(context.Background(), demoPower, f.orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	var out []members.Invitation
	for _, inv := range invs {
		if inv.Email == email {
			out = append(out, inv)
		}
	}
	return out
}

func TestUI_MembersListShowsTypesAndTranslatedPermissions(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, accounts := c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/members"
	assert.Contains(t, accounts, `href="`+base+`"`, "the navigation links to the members")
	for _, tc := range []struct{ lang, power, general, perm string }{
		{"ja", "パワーユーザー", "一般ユーザー", "プロジェクトの閲覧, AWSアカウントの閲覧, 利用料金の閲覧, 請求書の閲覧"},
		{"en", "Power user", "General user", "View projects, View AWS accounts, View charges, View invoices"},
	} {
		resp, body := c.get(base, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Regexp(t, `data-member="`+demoPower.IdentityID+`">[\s\S]*?<td class="type">`+tc.power, body)
		assert.Regexp(t, `data-member="`+demoGeneral.IdentityID+`">[\s\S]*?<td class="type">`+tc.general+`</td>\s*<td class="perms">`+tc.perm+`</td>`, body)
		assert.Contains(t, body, `href="`+base+"/"+demoGeneral.IdentityID+`"`, "a power user may change a member")
		assert.Contains(t, body, `href="/orgs/`+f.orgID+`/invitations"`)
		assert.NotRegexp(t, `\bmembers\.[a-z]`, stripAttrs(body), "no message key shown as text")
	}
}

func TestUI_MemberChangeShowsTheMissingPrerequisiteWithTheInputKept(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	path := "/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID
	before := f.membership(t, demoGeneral.IdentityID)
	resp, body := c.get(path)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="perm-charges.view" name="permission" value="charges.view" checked`, body)
	assert.Contains(t, body, `<label for="perm-org.edit">組織・プロジェクトの編集</label>`)

	form := url.Values{"version": {"1"}, "type": {"general"}, "permission": {"charges.view", "support.inquire"}}
	for _, tc := range []struct{ lang, message string }{
		{"ja", "「利用料金の閲覧」には「プロジェクトの閲覧」の権限も必要です。"},
		{"en", "“View charges” needs “View projects” as well."},
	} {
		resp, body = c.post(path, form, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<p class="field-error" id="permissions-error">`+html.EscapeString(tc.message)+`</p>`)
		assert.Contains(t, body, `aria-describedby="permissions-error"`)
		assert.Regexp(t, `value="charges.view" checked`, body, "the input is kept")
		assert.Regexp(t, `value="support.inquire" checked`, body)
		assert.NotRegexp(t, `value="project.view" checked`, body)
	}
	assert.Equal(t, before, f.membership(t, demoGeneral.IdentityID), "nothing changed")

	form.Set("permission", "project.view")
	form.Add("permission", "support.inquire")
	resp, body = c.post(path, form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/members", resp.Request.URL.Path)
	assert.Contains(t, body, `id="members-done">general@demo.example.com の権限を変更しました。`)
	_, body = c.get("/orgs/" + f.orgID + "/members?changed=Your+account+is+locked")
	assert.NotContains(t, body, "Your account is locked", "no text of the query is echoed")
	assert.Equal(t, []members.Permission{members.PermProjectView, members.PermSupportInquire}, f.membership(t, demoGeneral.IdentityID).Permissions)

	resp, body = c.post(path, form, "Accept-Language", "en")
	require.Equal(t, http.StatusConflict, resp.StatusCode, "version 1 is stale now")
	assert.Contains(t, body, "Someone else changed this member")
}

func TestUI_TheLastPowerUserIsNeitherRemovedNorDemoted(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	self := "/orgs/" + f.orgID + "/members/" + demoPower.IdentityID
	resp, body := c.post(self+"/remove", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="member-error"`)
	assert.Contains(t, body, "The last power user cannot be removed.")
	resp, body = c.post(self+"/remove", nil, "Accept-Language", "ja")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "最後のパワーユーザーは削除できません。")

	v := f.membership(t, demoPower.IdentityID).Version
	resp, body = c.post(self, url.Values{"version": {strconv.FormatInt(v, 10)}, "type": {"general"}, "permission": {"project.view"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `<p class="field-error" id="type-error">The last power user cannot become a general user.`)
	assert.Equal(t, members.MemberPower, f.membership(t, demoPower.IdentityID).Type)

	resp, body = c.post("/orgs/"+f.orgID+"/members/"+demoGeneral.IdentityID+"/remove", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "The member was removed from the organization.")
	assert.NotContains(t, body, `data-member="`+demoGeneral.IdentityID+`"`)
	_, err := f.svc.GetMember(context.Background(), demoPower, f.orgID, demoGeneral.IdentityID)
	assert.ErrorIs(t, err, members.ErrNotFound)
}

func TestUI_InviteShowsErrorsThenRevokes(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/invitations"
	resp, body := c.get(base)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="invite-submit"`)

	for _, tc := range []struct {
		name, field, message string
		form                 url.Values
	}{
		{"bad address", "email", "Not a valid email address: not an address", url.Values{"email": {"not an address"}, "type": {"general"}, "permission": {"project.view"}}},
		{"member already", "email", "general@demo.example.com is already a member", url.Values{"email": {"general@demo.example.com"}, "type": {"general"}}},
		{"prerequisite", "permissions", "“View invitations” needs “View members” as well.", url.Values{"email": {"new@demo.example.com"}, "type": {"general"}, "permission": {"invitation.view"}}},
		{"type", "type", "Choose a type.", url.Values{"email": {"new@demo.example.com"}, "type": {"owner"}}},
	} {
		resp, body := c.post(base, tc.form, "Accept-Language", "en")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, tc.name)
		checkPage(t, resp, body)
		assert.Contains(t, body, `id="`+tc.field+`-error">`+html.EscapeString(tc.message), tc.name)
		assert.Contains(t, body, `value="`+html.EscapeString(tc.form.Get("email"))+`"`, "%s: the input is kept", tc.name)
	}
	assert.Empty(t, f.invitationsOf(t, "new@demo.example.com"), "nothing invited")

	resp, body = c.post(base, url.Values{"email": {"New@Demo.example.com"}, "type": {"general"}, "permission": {"project.view", "account.view"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="invitations-done">new@demo.example.com を招待しました。`)
	invs := f.invitationsOf(t, "new@demo.example.com")
	require.Len(t, invs, 1)
	assert.Equal(t, []members.Permission{members.PermAccountView, members.PermProjectView}, invs[0].Permissions)
	assert.Regexp(t, `data-invitation="`+invs[0].ID+`">[\s\S]*?<td class="state">承諾待ち</td>`, body)
	notices, _, err := f.notices.ListNotices(context.Background(), demoPower, f.orgID, "", resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	mailed := false
	for _, n := range notices {
		mailed = mailed || n.Kind == contacts.KindInvitation && n.To[0] == "new@demo.example.com"
	}
	assert.True(t, mailed, "the invitation's mail is in the outbox")

	resp, body = c.post(base+"/"+invs[0].ID+"/revoke", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "The invitation was revoked.")
	assert.Regexp(t, `data-invitation="`+invs[0].ID+`">[\s\S]*?<td class="state">Revoked</td>`, body)
	assert.Equal(t, members.InvitationRevoked, f.invitationsOf(t, "new@demo.example.com")[0].State)

	resp, body = c.post(base+"/"+invs[0].ID+"/revoke", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="invitations-problem"`, "revoking twice says it was no longer pending")
	assert.NotContains(t, body, "The invitation was revoked.")
}

func TestUI_AMemberWithAnInvitationWaitingLandsOnTheOrganizationsPage(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	inv, err := f.svc.Invite(context.Background(), outsider, other, members.NewInvitation{Email: demoGeneral.Email, Type: members.MemberPower})
	require.NoError(t, err)
	c := f.uiClient(t)
	resp, body := c.signIn(demoGeneral, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `data-page="orgs.html"`, "not straight to the first organization's accounts")
	assert.Contains(t, body, `data-invitation="`+inv.ID+`"`)
	assert.Contains(t, body, `href="/orgs/`+f.orgID+`/accounts"`, "the organizations are listed too")

	resp, body = c.post("/invitations/"+other+"/"+inv.ID+"/reject", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	resp, body = c.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path, "nothing waits: the accounts again")
	assert.Contains(t, body, "data-account")
}

func TestUI_TheInviteeAcceptsOrRejectsOnTheOrganizationsPage(t *testing.T) {
	f := newFixture(t, "memory")
	ctx := context.Background()
	inv, err := f.svc.Invite(ctx, demoPower, f.orgID, members.NewInvitation{Email: outsider.Email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView, members.PermAccountView}})
	require.NoError(t, err)
	c := f.uiClient(t)
	resp, body := c.signIn(outsider, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `data-page="orgs.html"`, "a person with an invitation waiting lands on the organizations page")
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-invitation="`+inv.ID+`"`)
	assert.Contains(t, body, "あなたへの招待")
	assert.Contains(t, body, "組織 Demo への招待", "the invitee sees the inviting organization's name, not its id")
	assert.NotContains(t, body, "組織 "+f.orgID+" への招待")
	assert.Contains(t, body, "プロジェクトの閲覧, AWSアカウントの閲覧")
	reject := "/invitations/" + f.orgID + "/" + inv.ID + "/reject"
	assert.Contains(t, body, `action="`+reject+`"`)

	resp, body = c.post(reject, nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "You declined the invitation.")
	assert.NotContains(t, body, `data-invitation="`+inv.ID+`"`)
	resp, body = c.post("/invitations/"+f.orgID+"/"+inv.ID+"/accept", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, "This invitation was already answered or revoked.")

	inv2, err := f.svc.Invite(ctx, demoPower, f.orgID, members.NewInvitation{Email: outsider.Email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView, members.PermAccountView}})
	require.NoError(t, err)
	_, body = c.get("/orgs", "Accept-Language", "en")
	assert.Contains(t, body, "Invitations for you")
	resp, body = c.post("/invitations/"+f.orgID+"/"+inv2.ID+"/accept", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path, "the new member opens the organization")
	assert.Contains(t, body, "data-account")
	assert.Equal(t, members.MemberGeneral, f.membership(t, outsider.IdentityID).Type)

	// Someone else's invitation is not the person's to answer.
	inv3, err := f.svc.Invite(ctx, demoPower, f.orgID, members.NewInvitation{Email: "third@demo.example.com", Type: members.MemberGeneral})
	require.NoError(t, err)
	resp, _ = c.post("/invitations/"+f.orgID+"/"+inv3.ID+"/accept", nil)
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	assert.Equal(t, members.InvitationPending, f.invitationsOf(t, "third@demo.example.com")[0].State)
}

func TestUI_MembersNeedUserViewAndChangesNeedAPowerUser(t *testing.T) {
	f := newFixture(t, "memory")
	base := "/orgs/" + f.orgID
	c := f.uiClient(t)
	_, accounts := c.signIn(demoGeneral, "")
	assert.NotContains(t, accounts, `href="`+base+`/members"`, "view-only has no user.view: no members link")
	assert.NotContains(t, accounts, `href="`+base+`/notices"`, "nor a notices link")
	for _, path := range []string{base + "/members", base + "/invitations", base + "/members/" + demoPower.IdentityID, base + "/notices"} {
		resp, body := c.get(path)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, body, "power@demo.example.com</", path)
	}

	f.generalWith(t, members.PermProjectView, members.PermAccountView, members.PermUserView, members.PermInvitationView)
	_, accounts = c.get(base + "/accounts")
	assert.Contains(t, accounts, `href="`+base+`/members"`)
	resp, body := c.get(base + "/members")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "power@demo.example.com")
	assert.NotContains(t, body, `href="`+base+`/members/`, "no change links for a general user")
	resp, body = c.get(base + "/invitations")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, `id="invite-submit"`)

	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{base + "/members/" + demoPower.IdentityID, url.Values{"version": {"1"}, "type": {"general"}}},
		{base + "/members/" + demoPower.IdentityID + "/remove", nil},
		{base + "/invitations", url.Values{"email": {"x@demo.example.com"}, "type": {"power"}}},
	} {
		resp, _ := c.post(tc.path, tc.form)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, tc.path)
	}
	assert.Equal(t, members.MemberPower, f.membership(t, demoPower.IdentityID).Type)
	assert.Empty(t, f.invitationsOf(t, "x@demo.example.com"))
}

func TestUI_MembersOfAnotherOrganizationAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	ob := "/orgs/" + other
	for _, path := range []string{ob + "/members", ob + "/members/" + outsider.IdentityID, ob + "/invitations", ob + "/notices"} {
		resp, body := c.get(path, "Accept-Language", "en")
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, body, outsider.Email, path)
	}
	for _, path := range []string{ob + "/members/" + outsider.IdentityID + "/remove", ob + "/invitations"} {
		resp, _ := c.post(path, url.Values{"email": {"spy@demo.example.com"}, "type": {"power"}})
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
	}
	m, err := f.svc.GetMember(context.Background(), outsider, other, outsider.IdentityID)
	require.NoError(t, err)
	assert.Equal(t, members.MemberPower, m.Type, "still a member")
	// A member of A is no member of B by A's URL either.
	resp, _ := c.get("/orgs/" + f.orgID + "/members/" + outsider.IdentityID)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestUI_MembersPaginate(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/members"
	reRow := regexp.MustCompile(`data-member="([^"]+)"`)
	_, body := c.get(base + "?limit=1")
	first := reRow.FindAllStringSubmatch(body, -1)
	require.Len(t, first, 1)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	require.Len(t, next, 2)
	_, body = c.get(html.UnescapeString(next[1]))
	second := reRow.FindAllStringSubmatch(body, -1)
	require.Len(t, second, 1)
	assert.NotEqual(t, first[0][1], second[0][1])
	assert.Contains(t, body, `href="`+base+`?limit=1"`)
}
