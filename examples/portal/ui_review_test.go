package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
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
	resp, body := c.get("/desk/invoices?period="+month.String(), "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.NotContains(t, body, `id="desk-issue"`, "no button the operator may not use")
	assert.Contains(t, body, `id="desk-issue-mfa">This needs two-step verification`)
	for lang, why := range map[string]string{"ja": "2段階認証でサインインしていないため", "en": "This needs two-step verification"} {
		resp, body := c.post("/desk/invoices", url.Values{"period": {month.String()}}, "Accept-Language", lang)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `data-page="error.html"`)
		assert.Contains(t, body, why)
	}
	assert.Zero(t, f.invoiceCount(t, month), "nothing issued")

	// Signed in with MFA, the same operator issues the month.
	resp, body = withMFA.post("/desk/invoices", url.Values{"period": {month.String()}})
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

// TestUI_StaleVersionShowsTheValuesAsTheyAreNow: a member or project changed
// by someone else since the form was read is the conflict (409) with the values
// as they are now and their version, in both languages, so posting the form as
// it comes back saves instead of looping on the same message.
func TestUI_StaleVersionShowsTheValuesAsTheyAreNow(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// meanwhile changes the thing as someone else and returns its path, the
		// stale form and a fragment of the value it has now.
		meanwhile func(t *testing.T, f *fixture) (path string, stale url.Values, now string)
		message   map[string]string
	}{
		{"member", func(t *testing.T, f *fixture) (string, url.Values, string) {
			m, err := f.svc.GetMember(ctx, demoPower, f.orgID, demoGeneral.IdentityID)
			require.NoError(t, err)
			stale := url.Values{"version": {strconv.FormatInt(m.Version, 10)}, "type": {"general"}, "permission": {"project.view"}}
			_, err = f.svc.ChangeMember(ctx, demoPower, f.orgID, demoGeneral.IdentityID, members.MemberGeneral,
				[]members.Permission{members.PermProjectView, members.PermChargesView}, m.Version)
			require.NoError(t, err)
			return "/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID, stale, `value="charges.view" checked`
		}, map[string]string{"ja": "このユーザーは他の人が先に変更しました。現在の内容を表示しています。", "en": "Someone else changed this member in the meantime. It is shown as it is now"}},
		{"project", func(t *testing.T, f *fixture) (string, url.Values, string) {
			pr, err := f.svc.GetProject(ctx, demoPower, f.orgID, f.project().ID)
			require.NoError(t, err)
			stale := url.Values{"version": {strconv.FormatInt(pr.Version, 10)}, "name": {"Mine"}, "plan": {pr.Plan},
				"payment_method": {string(pr.PaymentMethod)}, "currency": {string(pr.Currency)}, "invoice_to": {strings.Join(pr.InvoiceTo, "\n")}}
			pr.Name = "Theirs"
			_, err = f.svc.UpdateProject(ctx, demoPower, f.orgID, pr)
			require.NoError(t, err)
			return "/orgs/" + f.orgID + "/projects/" + pr.ID, stale, `value="Theirs"`
		}, map[string]string{"ja": "このプロジェクトは他の人が先に変更しました。現在の内容を表示しています。", "en": "Someone else changed this project in the meantime. It is shown as it is now"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"ja", "en"} {
				f := newFixture(t, "memory")
				c := f.uiClient(t)
				_, _ = c.signIn(demoPower, "")
				path, stale, now := tc.meanwhile(t, f)
				resp, body := c.post(path, stale, "Accept-Language", lang)
				require.Equal(t, http.StatusConflict, resp.StatusCode, body)
				checkPage(t, resp, body)
				assert.Contains(t, body, tc.message[lang])
				assert.Contains(t, body, now, "the value as it is now")
				m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
				require.Len(t, m, 2)
				assert.NotEqual(t, stale.Get("version"), m[1], "the version as it is now")

				// The person posts the form as it came back, with their change again.
				again := url.Values{}
				for k, v := range stale {
					again[k] = v
				}
				again.Set("version", m[1])
				resp, body = c.post(path, again)
				assert.Equal(t, http.StatusOK, resp.StatusCode, "saved, then the list: %s", body)
				assert.NotContains(t, body, tc.message["ja"])
			}
		})
	}
}

// firstSubmitButton returns the attributes of the first submit button of the
// form whose action is action in page (the button Enter in a field of the form
// presses: HTML's implicit submission), nil for none. The page is read with
// encoding/xml in its HTML mode.
func firstSubmitButton(t *testing.T, page, action string) map[string]string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	in := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		require.NoError(t, err)
		switch x := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range x.Attr {
				attrs[a.Name.Local] = a.Value
			}
			switch {
			case x.Name.Local == "form":
				in = attrs["action"] == action
			case in && x.Name.Local == "button" && (attrs["type"] == "" || attrs["type"] == "submit"),
				in && x.Name.Local == "input" && (attrs["type"] == "submit" || attrs["type"] == "image"):
				return attrs
			}
		case xml.EndElement:
			if x.Name.Local == "form" {
				in = false
			}
		}
	}
}

// TestUI_EnterInTheContactsFormSaves: the contacts form's first submit button,
// which Enter in any field presses, saves: it posts to the form's action, not
// to the test mail's, and is out of the tab order and hidden from assistive
// technology (the visible Save button stays where it is).
func TestUI_EnterInTheContactsFormSaves(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	edit := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/edit"
	for lang, save := range map[string]string{"ja": catalog["contacts.edit.submit"].ja, "en": catalog["contacts.edit.submit"].en} {
		resp, body := c.get(edit, "Accept-Language", lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `formaction="`+strings.TrimSuffix(edit, "/edit")+`/test-mail"`, "the form has test mail buttons")
		first := firstSubmitButton(t, body, edit)
		require.NotNil(t, first, "the form has a submit button")
		assert.Empty(t, first["formaction"], "Enter posts to the form's action (saves): %v", first)
		assert.Empty(t, first["name"], "and sends no test mail category")
		assert.Equal(t, "-1", first["tabindex"])
		assert.Equal(t, "true", first["aria-hidden"])
		assert.Contains(t, body, `id="contacts-default-submit">`+save+`</button>`)
		assert.Contains(t, body, `class="primary" id="contacts-submit">`+save+`</button>`, "the visible Save button")
	}
}

// TestUI_LanguageSwitchAfterAPostReturnsToAPage: the language switch of a page
// answering a post returns to the page that sent the post (its same-origin
// Referer), else to the post's path when a page answers GET there, else to
// "/": never to a path that has no page (the 404 page). A Referer of another
// site is not followed.
func TestUI_LanguageSwitchAfterAPostReturnsToAPage(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	project := "/orgs/" + f.orgID + "/projects/" + f.project().ID
	badProject := url.Values{"version": {"1"}, "name": {""}, "payment_method": {"card"}, "currency": {"JPY"}, "invoice_to": {"a@demo.example.com"}}
	next := regexp.MustCompile(`name="next" value="([^"]*)"`)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		referer    string
		want       string
	}{
		{"post-only path, referer", "/profile/password", url.Values{}, f.srv.URL + "/profile?x=1", "/profile?x=1"},
		{"post-only path, no referer", "/profile/password", url.Values{}, "", "/"},
		{"post-only path, another site's referer", "/profile/password", url.Values{}, "https://evil.example.com/profile", "/"},
		{"post-only path, referer of the API", "/profile/password", url.Values{}, f.srv.URL + "/v1/me", "/"},
		{"path with a page, no referer", project, badProject, "", project},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := []string{"Accept-Language", "en"}
			if tc.referer != "" {
				header = append(header, "Referer", tc.referer)
			}
			resp, body := c.post(tc.path, tc.form, header...)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			m := next.FindStringSubmatch(body)
			require.Len(t, m, 2, body)
			assert.Equal(t, tc.want, html.UnescapeString(m[1]))

			resp, body = c.post("/lang", url.Values{"lang": {"ja"}, "next": {html.UnescapeString(m[1])}})
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the switch lands on a page: %s", body)
			assert.Contains(t, body, `<html lang="ja">`)
		})
	}
}

// TestUI_FieldErrorsArePlacedByFieldRuleAndKindNotByText (DESIGN.md rule 2:
// never match error strings): the applications' and projects' forms place an
// error by its ValidationError's field and rule, the kind filed and the input,
// whatever the error's text says.
func TestUI_FieldErrorsArePlacedByFieldRuleAndKindNotByText(t *testing.T) {
	reworded := func(field, value, rule string) error {
		return fmt.Errorf("wrapped: %w", resellerkit.Invalid(members.ErrInvalid, field, value, rule, "reworded reason"))
	}
	for _, tc := range []struct {
		name  string
		err   error
		in    members.NewApplication
		field string
		key   string
	}{
		{"a closure's missing account", fmt.Errorf("lookup: %w", members.ErrNotFound),
			members.NewApplication{Kind: members.AppAccountClosure, AccountID: "100000000001"}, "account_id", "applications.error.account_id.unknown"},
		{"a change of owner's missing account", fmt.Errorf("lookup: %w", members.ErrNotFound),
			members.NewApplication{Kind: members.AppOwnerChange, AccountID: "100000000001"}, "account_id", "applications.error.account_id.unknown"},
		{"a new account's missing project", fmt.Errorf("lookup: %w", members.ErrNotFound),
			members.NewApplication{Kind: members.AppNewAccount, ProjectID: "p9"}, "project_id", "applications.error.project_id"},
		{"a transfer-in's missing project", fmt.Errorf("account_id: %w", members.ErrNotFound),
			members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "100000000001", ProjectID: "p9"}, "project_id", "applications.error.project_id"},
		{"a closure of a closed account", reworded("account_id", "100000000001", "M-11"),
			members.NewApplication{Kind: members.AppAccountClosure, AccountID: "100000000001"}, "account_id", "applications.error.account_id.closed"},
		{"an account a new account does not take", reworded("account_id", "100000000001", "M-11"),
			members.NewApplication{Kind: members.AppNewAccount, AccountID: "100000000001", ProjectID: "p1"}, "account_id", "applications.error.account_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields := map[string]*supportFieldError{}
			require.True(t, applicationFieldErrors(tc.err, tc.in, fields, nil, ""))
			require.Contains(t, fields, tc.field)
			assert.Equal(t, tc.key, fields[tc.field].Key)
		})
	}
	t.Run("an organization's missing page is no field's", func(t *testing.T) {
		assert.False(t, applicationFieldErrors(members.ErrNotFound, members.NewApplication{Kind: members.AppProjectCreation, Details: "x"},
			map[string]*supportFieldError{}, nil, ""))
	})

	for _, tc := range []struct {
		name, to, cc string
		err          error
		field, key   string
	}{
		{"listed twice", "a@demo.example.com\na@demo.example.com", "", reworded("invoice_to[1]", "a@demo.example.com", "M-2"), "invoice_to", "projects.error.duplicate"},
		{"in CC and TO", "a@demo.example.com", "a@demo.example.com", reworded("invoice_cc[0]", "a@demo.example.com", "M-2"), "invoice_cc", "projects.error.duplicate"},
		{"not an address", "a@demo.example.com\nnot an address", "", reworded("invoice_to[1]", "not an address", "M-2"), "invoice_to", "projects.error.address"},
		{"too many", "a@demo.example.com", "", reworded("invoice_to", "a@demo.example.com", "M-2"), "invoice_to", "projects.error.invoice_to.count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := projectFormPage{InvoiceTo: tc.to, InvoiceCC: tc.cc}
			require.True(t, placeProjectError(&f, tc.err))
			require.Contains(t, f.Errors, tc.field)
			assert.Equal(t, tc.key, f.Errors[tc.field].Key)
		})
	}
}

func init() {
	uiSamples["applications.html"] = append(uiSamples["applications.html"], applicationsPage{Already: 2})
	uiSamples["desk_invoices.html"] = append(uiSamples["desk_invoices.html"], deskInvoicesPage{Period: "2026-01", PrevMonth: "2025-12", NextMonth: "2026-02", Prev: "/desk/invoices?period=2025-12", Next: "/desk/invoices?period=2026-02", IssueFrom: "2026-02-10", Ready: true, NeedMFA: true})
}

// TestUI_SelectionPostedTwiceFilesEachApplicationOnce: the selection form
// posted again (a double click, a reload) files no second application for an
// account whose application of the kind is still open: the list says so, in
// both languages, and is no error. An account whose application was cancelled is
// filed; a conflicting kind (a change of owner while the closure is open) is
// refused next to the account (M-11).
func TestUI_SelectionPostedTwiceFilesEachApplicationOnce(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	form := "/orgs/" + f.orgID + "/applications/new"
	post := url.Values{"offered": {"100000000001", "100000000003"}, "account": {"100000000001", "100000000003"},
		"kind": {"account_closure"}, "details": {"no longer used"}}
	resp, body := c.post(form, post)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Len(t, f.applicationsOf(t, members.AppAccountClosure), 2)
	assert.NotContains(t, body, `id="applications-already"`)

	for lang, message := range map[string]string{"ja": "選択したAWSアカウントのうち 2 件には、同じ種類の申請が既に受付中のため", "en": "2 of the selected AWS accounts already had an open application of this kind: it was not filed again."} {
		resp, body = c.post(form, post, "Accept-Language", lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Equal(t, "/orgs/"+f.orgID+"/applications", resp.Request.URL.Path, "the list, no error")
		assert.Contains(t, body, message)
		assert.Len(t, f.applicationsOf(t, members.AppAccountClosure), 2, "filed once")
	}

	// The applicant cancels one: posting again files that account's anew.
	apps := f.applicationsOf(t, members.AppAccountClosure)
	_, err := f.svc.CancelApplication(context.Background(), demoPower, f.orgID, apps[0].ID)
	require.NoError(t, err)
	resp, body = c.post(form, post, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "1 of the selected AWS accounts already had an open application")
	assert.Len(t, f.applicationsOf(t, members.AppAccountClosure), 3)

	// A change of owner of accounts whose closure is open is refused next to each
	// account (M-11: AWS would be asked for both), and nothing is filed; once the
	// closures are cancelled, it is filed.
	post.Set("kind", "owner_change")
	resp, body = c.post(form, post, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Equal(t, 2, strings.Count(body, "This AWS account has an open closure or change of owner"), body)
	assert.Empty(t, f.applicationsOf(t, members.AppOwnerChange), "nothing filed")
	for _, a := range f.applicationsOf(t, members.AppAccountClosure) {
		if a.State == members.AppSubmitted {
			_, err := f.svc.CancelApplication(context.Background(), demoPower, f.orgID, a.ID)
			require.NoError(t, err)
		}
	}
	resp, body = c.post(form, post)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.NotContains(t, body, `id="applications-already"`)
	assert.Len(t, f.applicationsOf(t, members.AppOwnerChange), 2, "filed once the closures are cancelled")
}
