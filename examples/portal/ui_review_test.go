package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// Tests of the fixes of the web UI's cold review (issue 14).

// onIssueDay moves the billing Service's and the portal's clocks to the issue
// day of the current month, which the seed has not issued (sign clients in
// before: their session cookies are set by the portal's clock): a post issuing it
// would issue, so a test that nothing was issued guards a refusal.
func (f *fixture) onIssueDay(t *testing.T) resellerkit.Month {
	t.Helper()
	month := resellerkit.MonthOf(time.Now())
	issueDay := billing.Calendar{}.IssueFrom(month).Add(3 * time.Hour)
	setup := billingSetup{plans: demoPlans(time.Now()), issuer: billing.Issuer{Name: demoIssuerName, RegistrationNumber: demoIssuerRegistration}}
	later, err := newBillingService(f.b.billing, f.svc, f.notices, setup, testOrigin, func() time.Time { return issueDay })
	require.NoError(t, err)
	f.s.bill, f.s.now = later, func() time.Time { return issueDay }
	require.Zero(t, f.invoiceCount(t, month), "the month is not issued yet")
	return month
}

// operatorWithoutMFA is a client whose session is the operator's, signed in
// without MFA.
func (f *fixture) operatorWithoutMFA(t *testing.T) *uiClient {
	t.Helper()
	p := demoOperator
	p.MFA = false
	token := "rk_operator_session_without_mfa"
	f.s.auth = keyBoundAuth{next: f.s.auth, token: token, p: p}
	c := f.uiClient(t)
	u, err := url.Parse(f.srv.URL)
	require.NoError(t, err)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	return c
}

// TestM6_DeskIssuingNeedsAnOperatorSignedInWithMFA: the Service issues for
// every organization, those enforcing MFA among them, so an operator signed in
// without MFA issues nothing: the 403 page says why, in both languages.
func TestM6_DeskIssuingNeedsAnOperatorSignedInWithMFA(t *testing.T) {
	f := newFixture(t, "memory")
	var org orgJSON
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID, f.token(demoPower), nil, &org))
	require.Equal(t, http.StatusOK, f.do("PATCH", "/v1/orgs/"+f.orgID, f.token(demoPower), map[string]any{"enforce_mfa": true, "version": org.Version}, &org))
	require.True(t, org.EnforceMFA)
	c, withMFA := f.operatorWithoutMFA(t), f.deskClient(t) // signed in before the clock moves
	month := f.onIssueDay(t)
	for lang, why := range map[string]string{"ja": "2段階認証でサインインしていないため", "en": "This needs two-step verification"} {
		resp, body := c.post("/desk/invoices", url.Values{"period": {month.String()}}, "Accept-Language", lang)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `data-page="error.html"`)
		assert.Contains(t, body, why)
	}
	assert.Zero(t, f.invoiceCount(t, month), "nothing issued")

	// Signed in with MFA, the same operator issues the month.
	resp, body := withMFA.post("/desk/invoices", url.Values{"period": {month.String()}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, 2, f.invoiceCount(t, month), body)
}

// TestUI_SecurityEditKeepsTheVersionReadOnFieldErrors: a form read before
// someone else saved, posted with a field error, comes back carrying the
// version read (not the one saved since), so saving it then is the conflict,
// never an overwrite of the change the person did not see.
func TestUI_SecurityEditKeepsTheVersionReadOnFieldErrors(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	const acct = "100000000001"
	_, _, err := f.sec.UpdateSettings(context.Background(), demoPower, f.orgID, acct, security.SettingsUpdate{Profile: security.Secure})
	require.NoError(t, err)
	for _, action := range []string{"save", "preview"} {
		resp, body := c.post(f.securityEditOf(acct), url.Values{"version": {"0"}, "profile": {"gold"}, "action": {action}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		assert.Contains(t, body, `name="version" value="0"`, action)
		assert.NotContains(t, body, `name="version" value="1"`, action)
	}
	resp, body := c.post(f.securityEditOf(acct), url.Values{"version": {"0"}, "profile": {"basic"}, "action": {"save"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	assert.Contains(t, body, "Someone else changed the settings meanwhile.")
	st, _, err := f.sec.GetSettings(context.Background(), demoPower, f.orgID, acct)
	require.NoError(t, err)
	assert.Equal(t, security.Secure, st.Profile, "the other change stays")
}
