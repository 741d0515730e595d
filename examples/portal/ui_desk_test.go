package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// deskClient signs the operator in (password and authenticator app: M-6).
func (f *fixture) deskClient(t *testing.T) *uiClient {
	t.Helper()
	c := f.uiClient(t)
	resp, body := c.signIn(demoOperator, f.enrollTOTP(demoOperator))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	return c
}

// newAccountApplication files a new-account application as the power user.
func (f *fixture) newAccountApplication(t *testing.T) members.Application {
	t.Helper()
	app, err := f.svc.SubmitApplication(context.Background(), demoPower, f.orgID, members.NewApplication{
		Kind: members.AppNewAccount, ProjectID: f.project().ID, Details: "name: web-prod; profile: secure"})
	require.NoError(t, err)
	return app
}

func TestUI_DeskSupportQueueShowsTheSeededCase(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.deskClient(t)
	resp, body := c.get("/desk/support")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-page="desk_support.html"`)
	assert.Contains(t, html.UnescapeString(body), demoCaseSubject)
	assert.Contains(t, body, `href="/orgs/`+f.orgID+`/support/`+f.support.caseID+`"`)
	assert.Contains(t, body, `<label for="clock">`)
	assert.NotRegexp(t, `\b(desk|support)\.[a-z]`, stripAttrs(body), "no message key shown as text")

	resp, body = c.get("/desk/support?clock=breached", "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "Support queue")
	assert.Regexp(t, `<option value="breached" selected>`, body)

	resp, _ = c.get("/desk/support?clock=nonsense")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestUI_DeskIsRefusedToACustomer(t *testing.T) {
	f := newFixture(t, "memory")
	app := f.newAccountApplication(t)
	c := f.uiClient(t)
	resp, _ := c.signIn(demoGeneral, "")
	require.NotEqual(t, "/signin", resp.Request.URL.Path, "signed in")
	for _, path := range []string{"/desk/support", "/desk/applications?org=" + f.orgID} {
		resp, body := c.get(path)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, html.UnescapeString(body), demoCaseSubject)
	}
	for _, action := range []string{"review", "complete", "reject"} {
		resp, _ := c.post("/desk/applications/"+f.orgID+"/"+app.ID+"/"+action, url.Values{"reason": {"x"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, action)
	}
	got, err := f.svc.GetApplication(context.Background(), demoOperator, f.orgID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppSubmitted, got.State, "nothing moved")
}

func TestUI_DeskReviewsAndCompletesANewAccount(t *testing.T) {
	f := newFixture(t, "memory")
	app := f.newAccountApplication(t)
	c := f.deskClient(t)
	list := "/desk/applications?org=" + url.QueryEscape(f.orgID)
	resp, body := c.get(list)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `data-application="`+app.ID+`"`)
	assert.Contains(t, body, `id="review-`+app.ID+`"`)
	assert.Contains(t, body, "申請済み")

	base := "/desk/applications/" + f.orgID + "/" + app.ID
	resp, body = c.post(base+"/review", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/desk/applications", resp.Request.URL.Path, "back to the list")
	assert.Contains(t, body, `id="complete-`+app.ID+`"`)
	assert.Contains(t, body, `<label for="reason-`+app.ID+`">`)

	resp, body = c.post(base+"/complete", nil, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="state-`+app.ID+`">Completed`)
	assert.Contains(t, body, "Succeeded", "the operation's state")
	assert.NotContains(t, body, `id="complete-`+app.ID+`"`)

	got, err := f.svc.GetApplication(context.Background(), demoOperator, f.orgID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppCompleted, got.State)
	require.NotNil(t, got.Operation)
	require.Len(t, got.Operation.AWSAccountID, 12, "the simulated Organizations created the account")
	assert.Contains(t, body, got.Operation.AWSAccountID)
}

func TestUI_DeskRejectWithoutAReasonShowsTheError(t *testing.T) {
	f := newFixture(t, "memory")
	app := f.newAccountApplication(t)
	_, err := f.svc.ReviewApplication(context.Background(), demoOperator, f.orgID, app.ID)
	require.NoError(t, err)
	c := f.deskClient(t)
	base := "/desk/applications/" + f.orgID + "/" + app.ID
	resp, body := c.post(base+"/reject", url.Values{"reason": {"   "}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Regexp(t, `id="reason-`+app.ID+`"[^>]*aria-invalid="true" aria-describedby="reason-`+app.ID+`-error"`, body)
	assert.Contains(t, body, `<p class="field-error" id="reason-`+app.ID+`-error">却下の理由を入力してください。`)
	got, err := f.svc.GetApplication(context.Background(), demoOperator, f.orgID, app.ID)
	require.NoError(t, err)
	assert.Equal(t, members.AppInReview, got.State, "not rejected")

	resp, body = c.post(base+"/reject", url.Values{"reason": {"署名がありません"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="state-`+app.ID+`">却下`)
	assert.Contains(t, body, "署名がありません")
}
