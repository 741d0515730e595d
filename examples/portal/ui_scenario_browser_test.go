package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The browser scenario of issue 14 (item 4): a person works through the portal in
// a real browser, as they would, and what the pages say is checked against the
// Services' stores.

// signInAs fills the sign-in form (and the code step when totp is not "") and
// waits for the first page after it, whatever it is (browserSignIn waits for an
// accounts list, which an organization without accounts has not).
func signInAs(t *testing.T, ctx context.Context, base string, p members.Principal, password, totp string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#signin-submit`)),
	)
	if totp != "" {
		do(t, ctx,
			chromedp.WaitVisible(chromedp.CSS(`#totp`)),
			chromedp.SendKeys(chromedp.CSS(`#totp`), totp),
			chromedp.Click(chromedp.CSS(`#totp-submit`)),
		)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(
		`main[data-status="200"]:not([data-page="signin.html"]):not([data-page="totp.html"])`)))
}

// do runs actions within 30 seconds; when they fail, it says where the browser
// is and what the page shows, and stops the test.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(sctx, actions...)
	if err == nil {
		return
	}
	page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + ((document.querySelector("main") || {}).outerHTML || document.body.innerText).slice(0, 3000)`))
	t.Fatalf("%v; the browser is on %s", err, page)
}

// clickToNewPage clicks sel and waits for the page that answers (sel's form's
// answer may be the same template as the page it was on).
func clickToNewPage(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.before = "click"`),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitReady(chromedp.CSS(`html:not([data-before]) main[data-page]`)),
	)
}

// open navigates to path and waits for its page (any status).
func open(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS(`main[data-page]`)))
}

// location is the page's path and query.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.pathname + location.search`)
}

// phonesOf reads an account's emergency phones from the contacts Service.
func (f *fixture) phonesOf(t *testing.T, account string) []string {
	t.Helper()
	c, err := f.notices.GetAccountContacts(context.Background(), demoPower, f.orgID, account)
	require.NoError(t, err)
	return c.Phones
}

// TestBrowser_PowerUserScenario is issue 14's scenario: sign in with TOTP, switch
// organization, open the accounts list, bulk-edit phones with one invalid number
// (the error is shown next to it and nothing changed), fix it and save, send a test
// mail that arrives at an SMTP server, open a support case, open an invoice PDF.
func TestBrowser_PowerUserScenario(t *testing.T) {
	ctx := newBrowserFor(t, 3*time.Minute)
	f := newFixture(t, "memory")
	bg := context.Background()
	second, err := f.svc.CreateOrganization(bg, demoPower, members.NewOrganization{Code: "second", Name: "Second Demo K.K."})
	require.NoError(t, err)
	code := f.enrollTOTP(demoPower)
	org := "/orgs/" + f.orgID

	// Sign in with the authenticator app's code.
	signInAs(t, ctx, f.srv.URL, demoPower, f.passwords[demoPower.Email], code)
	assert.Equal(t, "accounts.html", attr(t, ctx, "main", "data-page"), "sign-in lands on an accounts list")

	// Switch organization with the header's switcher: to the second, then back.
	for _, to := range []string{second.ID, f.orgID} {
		do(t, ctx, chromedp.SetValue(chromedp.CSS(`#org-switch`), to))
		clickToNewPage(t, ctx, `.org-switch button`)
		assert.Equal(t, "accounts.html", attr(t, ctx, "main", "data-page"))
		assert.Equal(t, "/orgs/"+to+"/accounts", location(t, ctx))
		assert.Equal(t, to, eval[string](t, ctx, `document.querySelector("#org-switch").value`), "the switcher shows the organization")
	}
	body := text(t, ctx, "main")
	assert.NotContains(t, body, "Second Demo K.K.")
	table := text(t, ctx, "#accounts")
	for _, id := range []string{"100000000001", "100000000002", "100000000005"} {
		assert.Contains(t, table, id, "the demo organization's accounts")
	}

	// Bulk edit: two accounts (with contacts: M-10 edits only those), two phones of
	// which the second is no phone number.
	f.setContacts(t, "100000000001")
	f.setContacts(t, "100000000002")
	before1, before2 := f.phonesOf(t, "100000000001"), f.phonesOf(t, "100000000002")
	open(t, ctx, f.srv.URL, org+"/accounts/bulk")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#acct-100000000001`)),
		chromedp.Click(chromedp.CSS(`#acct-100000000002`)),
		chromedp.SendKeys(chromedp.CSS(`#phone1`), "03-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(`#phone2`), "090-1234-OOPS"),
		chromedp.Click(chromedp.CSS(`#bulk-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#phone2-error`)),
	)
	assert.Equal(t, "true", attr(t, ctx, "#phone2", "aria-invalid"), "the invalid number is marked")
	assert.Equal(t, "phone2-error", attr(t, ctx, "#phone2", "aria-describedby"), "and its error tied to it")
	assert.Contains(t, text(t, ctx, "#phone2-error"), "090-1234-OOPS", "the error names the value")
	assert.Zero(t, eval[int](t, ctx, `document.querySelectorAll("#phone1-error").length`), "no error on the valid one")
	assert.Equal(t, "090-1234-OOPS", eval[string](t, ctx, `document.querySelector("#phone2").value`), "the input is kept")
	assert.True(t, eval[bool](t, ctx, `document.querySelector("#acct-100000000001").checked && document.querySelector("#acct-100000000002").checked`),
		"the selection is kept")
	assert.Equal(t, before1, f.phonesOf(t, "100000000001"), "nothing changed (M-10: all or nothing)")
	assert.Equal(t, before2, f.phonesOf(t, "100000000002"), "nothing changed (M-10: all or nothing)")
	screenshot(t, ctx, "bulk-error-ja")

	// Fixed and saved.
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#phone2`), "090-1234-5678"),
		chromedp.Click(chromedp.CSS(`#bulk-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-done`)),
	)
	for _, id := range []string{"100000000001", "100000000002"} {
		assert.Equal(t, []string{"+81312345678", "+819012345678"}, f.phonesOf(t, id), "account %s", id)
	}

	// A test mail to the billing addresses as typed in the contacts form; the
	// portal's outbox delivers it through SMTP (contacts/smtpmail, as -mail smtp
	// does) to an in-process server, where it arrives.
	mailServer := smtptest.NewServer(t)
	open(t, ctx, f.srv.URL, org+"/accounts/100000000003/contacts/edit")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#billing_to`), "keiri@demo.example.com"),
		chromedp.Click(chromedp.CSS(`#test-billing`)),
		chromedp.WaitVisible(chromedp.CSS(`#test-mail-queued`)),
	)
	assert.Contains(t, text(t, ctx, "#test-mail-queued"), "keiri@demo.example.com")
	transport, err := smtpmail.New(smtpmail.Config{Addr: mailServer.Addr, From: "noreply@reseller.example", TLS: smtpmail.TLSNone})
	require.NoError(t, err)
	_, err = contacts.NewDispatcher(f.b.contacts, transport).RunOnce(bg)
	require.NoError(t, err)
	var arrived []smtptest.Message
	for _, m := range mailServer.Messages() {
		if strings.Contains(strings.Join(m.Rcpts, ","), "keiri@demo.example.com") {
			arrived = append(arrived, m)
		}
	}
	require.Len(t, arrived, 1, "the test mail arrived, once")
	assert.Equal(t, []string{"keiri@demo.example.com"}, arrived[0].Rcpts)
	assert.Contains(t, string(arrived[0].Data), "100000000003", "it names the account")

	// A support case, opened through the form.
	cases := f.supportCount(t)
	open(t, ctx, f.srv.URL, org+"/support/new")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#subject`), "EC2 が起動しません"),
		chromedp.SendKeys(chromedp.CSS(`#body`), "本番アカウントで t3.micro が起動しません。確認をお願いします。"),
		chromedp.Click(chromedp.CSS(`#support-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`main[data-page="support_case.html"]`)),
	)
	assert.Contains(t, text(t, ctx, "main"), "EC2 が起動しません")
	assert.Equal(t, cases+1, f.supportCount(t), "the case is stored")

	// An invoice PDF, from its link on the invoices page, fetched with the session.
	open(t, ctx, f.srv.URL, org+"/invoices")
	screenshot(t, ctx, "invoices-scenario-ja")
	href := eval[string](t, ctx, `[...document.querySelectorAll("a[download]")].map(a => a.getAttribute("href")).find(h => /\.pdf(\?|$)/.test(h)) || ""`)
	require.NotEmpty(t, href, "an invoice PDF link")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`fetch(`+jsString(href)+`).then(async r => [String(r.status),
		r.headers.get("content-type") || "", new TextDecoder("latin1").decode(new Uint8Array(await r.arrayBuffer()).slice(0, 5))])`,
		chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, []string{"200", "application/pdf", "%PDF-"}, got, "the PDF of %s", href)
}

// TestBrowser_GeneralUserWithoutChargesViewSeesNoChargesAnywhere (M-5): without
// charges.view, no page a general user reaches shows charges, the menu has no
// charges link, and the charges page by URL is refused.
func TestBrowser_GeneralUserWithoutChargesViewSeesNoChargesAnywhere(t *testing.T) {
	ctx := newBrowserFor(t, 2*time.Minute)
	f := newFixture(t, "memory")
	f.generalWithout(string(members.PermChargesView))
	signInAs(t, ctx, f.srv.URL, demoGeneral, f.passwords[demoGeneral.Email], "")
	org := "/orgs/" + f.orgID

	pages := []string{"/", "/orgs", "/profile", org + "/accounts"}
	pages = append(pages, eval[[]string](t, ctx, `[...document.querySelectorAll("nav.main-nav a")].map(a => a.getAttribute("href"))`)...)
	for _, id := range []string{"100000000001", "100000000002", "100000000003", "100000000004", "100000000005"} {
		pages = append(pages, org+"/accounts/"+id)
	}
	for _, p := range pages {
		open(t, ctx, f.srv.URL, p)
		where := location(t, ctx)
		assert.Equal(t, "200", attr(t, ctx, "main", "data-status"), "%s", where)
		assert.Zero(t, eval[int](t, ctx, `document.querySelectorAll(
			'#col-charges, td.charges, .charges, #col-updated, #account-charges, main[data-page="charges.html"], a[href$="/charges"]').length`),
			"charges shown on %s", where)
		body := text(t, ctx, "body")
		for _, word := range []string{"ご利用料金", "Current charges", "利用料金"} {
			assert.NotContains(t, body, word, "on %s", where)
		}
	}
	open(t, ctx, f.srv.URL, org+"/charges")
	assert.Equal(t, "403", attr(t, ctx, "main", "data-status"), "the charges page by URL")
}

// TestBrowser_OrganizationsCannotReachEachOthersPagesByURL: a person of organization
// A typing organization B's URLs gets the 403 or 404 page, showing nothing of B,
// and B's person gets the same for A's.
func TestBrowser_OrganizationsCannotReachEachOthersPagesByURL(t *testing.T) {
	f := newFixture(t, "memory")
	// B, through the Service (f.outsiderOrg's token would enroll an authenticator app).
	b, err := f.svc.CreateOrganization(context.Background(), outsider, members.NewOrganization{Code: "other", Name: "Other K.K."})
	require.NoError(t, err)
	other := b.ID
	pages := func(org string) []string {
		o := "/orgs/" + org
		return []string{o + "/accounts", o + "/accounts/100000000001", o + "/accounts/100000000001/contacts/edit",
			o + "/accounts/100000000001/security/edit", o + "/accounts/bulk", o + "/charges", o + "/invoices",
			o + "/support", o + "/support/new", o + "/support/" + f.support.caseID, o + "/applications", o + "/applications/new",
			o + "/projects", o + "/members", o + "/invitations", o + "/notices", "/switch?org=" + org}
	}
	for _, tc := range []struct {
		name        string
		p           members.Principal
		target      string
		mustNotShow []string
	}{
		{"A's power user on B's pages", demoPower, other, []string{"Other K.K."}},
		{"B's power user on A's pages", outsider, f.orgID, []string{"100000000001", "Production", "Demo Trading K.K."}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			ctx := newBrowserFor(t, 2*time.Minute)
			signInAs(t, ctx, f.srv.URL, tc.p, f.passwords[tc.p.Email], "")
			for _, p := range pages(tc.target) {
				open(t, ctx, f.srv.URL, p)
				assert.Contains(t, []string{"403", "404"}, attr(t, ctx, "main", "data-status"), "%s", p)
				assert.Equal(t, "error.html", attr(t, ctx, "main", "data-page"), "%s", p)
				body := text(t, ctx, "body")
				for _, s := range tc.mustNotShow {
					assert.NotContains(t, body, s, "%s", p)
				}
			}
			screenshot(t, ctx, "refused-"+tc.p.IdentityID)
		})
	}
}
