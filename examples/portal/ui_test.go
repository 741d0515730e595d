package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// uiClient is a browser-like client of the fixture's portal: a cookie jar, HTML
// accepted, redirects followed.
type uiClient struct {
	t *testing.T
	f *fixture
	c *http.Client
}

func (f *fixture) uiClient(t *testing.T) *uiClient {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &uiClient{t: t, f: f, c: &http.Client{Jar: jar}}
}

// get loads path and returns the final answer and its body.
func (c *uiClient) get(path string, header ...string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.f.srv.URL+path, nil)
	require.NoError(c.t, err)
	return c.do(req, header...)
}

// post submits a form to path.
func (c *uiClient) post(path string, form url.Values, header ...string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.f.srv.URL+path, strings.NewReader(form.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req, header...)
}

func (c *uiClient) do(req *http.Request, header ...string) (*http.Response, string) {
	c.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.c.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

// signIn signs p in with its password (and totp when not "").
func (c *uiClient) signIn(p members.Principal, totp string) (*http.Response, string) {
	c.t.Helper()
	resp, body := c.post("/signin", url.Values{"email": {p.Email}, "password": {c.f.passwords[p.Email]}, "next": {"/"}})
	if totp == "" {
		return resp, body
	}
	m := regexp.MustCompile(`name="pending" value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(c.t, m, 2, "the second step carries the first: %s", body)
	return c.post("/signin", url.Values{"pending": {m[1]}, "totp": {totp}})
}

// checkPage checks what every UI page must be: HTML under the strict CSP,
// nothing loaded from elsewhere, every field labelled.
func checkPage(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'self'")
	assert.Contains(t, csp, "script-src 'self'", "scripts from the portal's own files only")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	checkHTML(t, body)
}

var (
	reURLAttr = regexp.MustCompile(`(?i)\s(?:src|href|action|srcset|poster|data)\s*=\s*"([^"]*)"`)
	reField   = regexp.MustCompile(`(?i)<(input|select|textarea)\b([^>]*)>`)
	reType    = regexp.MustCompile(`(?i)\stype="([^"]*)"`)
	reID      = regexp.MustCompile(`(?i)\sid="([^"]*)"`)
	reLabel   = regexp.MustCompile(`(?i)<label\b[^>]*\sfor="([^"]*)"`)
)

// reOwnScript is the one script element a page may have: the portal's own file,
// empty (no inline code).
var reOwnScript = regexp.MustCompile(`<script src="/static/[a-z]+\.js" defer></script>`)

// checkHTML checks a page's markup: every URL is the portal's own (a path, never
// another origin), no inline script or style (only reOwnScript), and every field
// a person fills has a <label for> naming it.
func checkHTML(t *testing.T, body string) {
	t.Helper()
	for _, m := range reURLAttr.FindAllStringSubmatch(body, -1) {
		u := m[1]
		assert.True(t, strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") || strings.HasPrefix(u, "#"),
			"a URL outside the portal: %q", u)
	}
	assert.NotContains(t, strings.ToLower(reOwnScript.ReplaceAllString(body, "")), "<script")
	assert.NotContains(t, strings.ToLower(body), "<style")
	assert.NotRegexp(t, `(?i)\sstyle=`, body)
	assert.NotRegexp(t, `(?i)\son[a-z]+=`, body, "no inline event handlers")
	labels := map[string]bool{}
	for _, m := range reLabel.FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
	}
	for _, m := range reField.FindAllStringSubmatch(body, -1) {
		typ := ""
		if tm := reType.FindStringSubmatch(m[2]); tm != nil {
			typ = strings.ToLower(tm[1])
		}
		if typ == "hidden" || typ == "submit" || typ == "button" {
			continue
		}
		id := reID.FindStringSubmatch(m[2])
		if assert.NotNil(t, id, "a field without id (so no label): %s", m[0]) {
			assert.True(t, labels[id[1]], "no <label for=%q>: %s", id[1], m[0])
		}
	}
}

func TestUI_SignInShowsTheAccountsWithTheirCharges(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)

	resp, body := c.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/signin", resp.Request.URL.Path, "anonymous: sent to sign in")
	checkPage(t, resp, body)
	assert.Contains(t, body, `<html lang="ja">`)
	assert.Contains(t, body, "サインイン")

	resp, body = c.signIn(demoPower, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path)
	checkPage(t, resp, body)
	for _, id := range []string{"100000000001", "100000000002", "100000000003", "100000000004", "100000000005"} {
		assert.Contains(t, body, `data-account="`+id+`"`)
	}
	assert.Contains(t, body, `id="col-charges"`)
	assert.Contains(t, body, "現在のご利用料金 (USD)")
	assert.Contains(t, body, "Production")
	assert.Contains(t, body, "JST", "last updated, in Japan time")
	assert.Regexp(t, `class="num charges">[1-9][0-9,]*\.[0-9]{2}<`, body, "the demo data has charges")

	// English by the switch, remembered in a cookie.
	resp, body = c.post("/lang", url.Values{"lang": {"en"}, "next": {"/orgs/" + f.orgID + "/accounts"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `<html lang="en">`)
	assert.Contains(t, body, "Current charges (USD)")
	assert.Contains(t, body, "Sign out")

	resp, body = c.post("/signout", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/signin", resp.Request.URL.Path)
	assert.Contains(t, body, "You have signed out.")
	resp, _ = c.get("/orgs/" + f.orgID + "/accounts")
	assert.Equal(t, "/signin", resp.Request.URL.Path, "the session ended")
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Query().Get("next"))
}

func TestUI_SignInWithTOTP(t *testing.T) {
	f := newFixture(t, "memory")
	code := f.enrollTOTP(demoPower)
	c := f.uiClient(t)
	resp, body := c.post("/signin", url.Values{"email": {demoPower.Email}, "password": {f.passwords[demoPower.Email]}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="totp"`)
	assert.NotContains(t, body, f.passwords[demoPower.Email], "the password never travels in clear")

	m := regexp.MustCompile(`name="pending" value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, m, 2)
	resp, body = c.post("/signin", url.Values{"pending": {m[1]}, "totp": {"000000"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "コードが正しくありません")
	resp, body = c.post("/signin", url.Values{"pending": {m[1] + "x"}, "totp": {code}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a tampered first step is refused")
	assert.Contains(t, body, "もう一度サインイン")

	resp, body = c.post("/signin", url.Values{"pending": {m[1]}, "totp": {code}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `data-account="100000000001"`)
}

func TestUI_WrongPasswordKeepsTheEmail(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	resp, body := c.post("/signin", url.Values{"email": {demoPower.Email}, "password": {"wrong-password"}}, "Accept-Language", "en-US,en;q=0.9")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Contains(t, body, "The email address or password is incorrect.")
	assert.Contains(t, body, `value="`+demoPower.Email+`"`)

	resp, body = c.post("/signin", url.Values{"email": {""}, "password": {""}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `aria-describedby="email-error"`)
	assert.Contains(t, body, `aria-describedby="password-error"`)
}

func TestUI_GeneralUserWithoutChargesViewSeesNoCharges(t *testing.T) {
	f := newFixture(t, "memory")
	f.generalWithout(string(members.PermChargesView))
	c := f.uiClient(t)
	resp, body := c.signIn(demoGeneral, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `data-account="100000000001"`)
	assert.NotContains(t, body, `col-charges`)
	assert.NotContains(t, body, "現在のご利用料金")
	assert.NotContains(t, body, `class="num charges"`)
	assert.NotContains(t, body, `/charges"`, "no link to the charges page")
	assert.NotContains(t, body, `/desk/`, "no link to the operator desk")
}

// TestUI_NavigationShowsOnlyWhatThePersonMayOpen: the main menu links a page only
// when its permission holds (M-5), the desk only for operators.
func TestUI_NavigationShowsOnlyWhatThePersonMayOpen(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, body := c.signIn(demoPower, "")
	assert.Contains(t, body, `/charges"`)
	assert.Contains(t, body, `/profile"`)
	assert.NotContains(t, body, `href="/desk/support"`)

	op := f.uiClient(t)
	resp, body := op.signIn(demoOperator, f.enrollTOTP(demoOperator))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	_, body = op.get("/desk/support")
	assert.Contains(t, body, `href="/desk/support" aria-current="page"`)
}

func TestUI_AnotherOrganizationsPagesAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	for _, lang := range []string{"ja", "en"} {
		resp, body := c.get("/orgs/"+other+"/accounts", "Accept-Language", lang)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<html lang="`+lang+`">`)
		assert.NotContains(t, body, "Other K.K.")
		assert.NotContains(t, body, "data-account")
	}
	resp, body := c.get("/orgs/no-such-org/accounts", "Accept-Language", "en")
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	assert.Regexp(t, `Access denied|Page not found`, body)
}

func TestUI_PagesAndErrorPagesInBothLanguages(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	resp, body := c.get("/no-such-page")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	checkPage(t, resp, body)
	assert.Contains(t, body, "ページが見つかりません")
	resp, body = c.get("/no-such-page", "Accept-Language", "en-GB, ja;q=0.5")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "Page not found")

	// An API client still gets the API's JSON 404 outside /v1.
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+"/no-such-page", nil)
	require.NoError(t, err)
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = r.Body.Close()
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))

	// The stylesheet is embedded and served under the same policy.
	resp, body = c.get("/static/portal.css")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")
	assert.Contains(t, body, "@media")
	assert.NotContains(t, body, "http", "the stylesheet loads nothing from elsewhere")
}

func TestUI_CrossOriginPostsAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		resp, body := c.post("/signin", url.Values{"email": {demoPower.Email}, "password": {f.passwords[demoPower.Email]}}, h...)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "login CSRF (%s)", h[0])
		checkPage(t, resp, body)
		assert.Contains(t, body, "別のサイトから送信された")
	}
	_, _ = c.signIn(demoPower, "")
	resp, _ := c.post("/signout", nil, "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = c.get("/")
	assert.Equal(t, "/orgs/"+f.orgID+"/accounts", resp.Request.URL.Path, "still signed in")
}

func TestUI_Pagination(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	_, body := c.get("/orgs/" + f.orgID + "/accounts?limit=2")
	assert.Equal(t, 2, strings.Count(body, "data-account="))
	m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	require.Len(t, m, 2)
	seen := strings.Count(body, "data-account=")
	for range 5 {
		_, body = c.get(strings.ReplaceAll(m[1], "&amp;", "&"))
		seen += strings.Count(body, "data-account=")
		assert.Contains(t, body, "最初のページ")
		if m = regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body); m == nil {
			break
		}
	}
	assert.Equal(t, 5, seen)
}

func TestUI_AcceptLanguageAndLocalPath(t *testing.T) {
	for h, want := range map[string]lang{
		"": langJA, "en": langEN, "en-US,en;q=0.9": langEN, "ja,en;q=0.8": langJA, "fr, en;q=0.5": langEN,
		"en;q=0.2, ja;q=0.9": langJA, "de": langJA, "en;q=0": langJA, "EN-gb": langEN,
	} {
		assert.Equal(t, want, acceptLanguage(h), "Accept-Language: %q", h)
	}
	for next, want := range map[string]string{
		"": "/", "/orgs/x/accounts?limit=2": "/orgs/x/accounts?limit=2", "//evil.example/": "/",
		"https://evil.example/": "/", "/\\evil.example": "/", "/v1/orgs": "/", "/x/../v1/orgs": "/", "signin": "/",
	} {
		assert.Equal(t, want, localPath(next), "next=%q", next)
	}
}

// TestUI_EveryTemplateRendersInEveryLanguage renders every page, signed in and
// not, in every language: no message key is missing (translate fails on one), no
// message is empty, and every rendering passes checkHTML.
func TestUI_EveryTemplateRendersInEveryLanguage(t *testing.T) {
	for key, m := range catalog {
		assert.NotEmpty(t, m.ja, "%s: no Japanese", key)
		assert.NotEmpty(t, m.en, "%s: no English", key)
	}
	tmpl, err := parseUITemplates()
	require.NoError(t, err)
	orgs := []members.Organization{{ID: "o1", Code: "demo", Name: "Demo Trading K.K."}, {ID: "o2", Code: "other", Name: "Other", Alias: "Other"}}
	data := map[string][]any{
		"signin.html": {signInForm{}, signInForm{SignedOut: true, Next: "/x"},
			signInForm{Email: "a@b.example", Error: "signin.throttled", ErrorArg: int64(3), EmailError: "signin.error.required", PasswordError: "signin.error.required"}},
		"totp.html": {signInForm{Pending: "p"}, signInForm{Pending: "p", Error: "signin.totp.failed"}},
		"orgs.html": {nil},
		"charges.html": {chargesPage{Period: "2026-01", Prev: "/orgs/o1/charges?period=2025-12", PrevMonth: "2025-12", Currency: "USD", Total: "0.00", Estimate: "0.00"},
			chargesPage{Period: "2026-01", Prev: "/orgs/o1/charges?period=2025-12", PrevMonth: "2025-12", Next: "/orgs/o1/charges?period=2026-02", NextMonth: "2026-02",
				Currency: "USD", Updated: "2026-01-02 09:00 JST", Total: "1,234.5678", Estimate: "1,300.00",
				Projects: []chargesProjectRow{{Name: "Production", Charges: "1,234.5678", Credits: "-10.00", CustomItems: "0.00", SupportFee: "75.43", Estimate: "1,300.00"}},
				Accounts: []chargesAmountRow{{Name: "100000000001", Project: "Production", Amount: "1,234.5678"}},
				Services: []chargesAmountRow{{Name: "AmazonEC2", Amount: "1,000.00"}, {Name: "AmazonS3", Amount: "234.5678"}},
				Groups:   []chargesAmountRow{{Name: "web", Amount: "1,000.00"}, {Name: "", Amount: "234.5678"}},
				Chart:    chargesChart{Width: 680, Height: 56, LabelWidth: 180, Bars: []chargesBar{{Label: "AmazonEC2", Amount: "1,000.00", Width: 360, AmountX: 546}, {Label: "AmazonS3", Amount: "234.5678", Y: 28, Width: 84}}}}},
		"invoices.html": {invoicesPage{},
			invoicesPage{First: "/orgs/o1/invoices", Next: "/orgs/o1/invoices?page_token=x", Rows: []invoiceRow{
				{ID: "d1", Number: "T1234567890123-2026-000001", Period: "2025-12", KindKey: "invoices.kind.invoice", Total: "12,345", Currency: "JPY", IssueDate: "2026-01-05",
					PDFJa: "/orgs/o1/invoices/d1.pdf?lang=ja", PDFEn: "/orgs/o1/invoices/d1.pdf?lang=en", CSV: "/orgs/o1/invoices/d1.csv"},
				{ID: "d2", Number: "T1234567890123-2026-000002", Period: "2025-12", KindKey: "invoices.kind.credit_note", Total: "-1,000", Currency: "JPY", IssueDate: "2026-01-06",
					PDFJa: "/orgs/o1/invoices/d2.pdf?lang=ja", PDFEn: "/orgs/o1/invoices/d2.pdf?lang=en", CSV: "/orgs/o1/invoices/d2.csv"}}}},
		"accounts.html": {accountsPage{},
			accountsPage{ShowCharges: true, Currency: "USD", First: "/orgs/o1/accounts", Next: "/orgs/o1/accounts?page_token=x",
				Rows: []accountRow{{ID: "100000000001", Name: "prod", Project: "Production", Charges: "1,234.50", Updated: "2026-01-02 09:00 JST"},
					{ID: "100000000002", Name: "old", ClosedFrom: "2025-12", Charges: "0.00"}}},
			accountsPage{Rows: []accountRow{{ID: "100000000001", Name: "prod"}}}},
		"account.html": {accountDetailPage{ID: "100000000001", Name: "prod"},
			accountDetailPage{ID: "100000000002", Name: "old", Project: "Production", ClosedFrom: "2025-12",
				Charges: &detailChargesView{Month: "2026-01", Currency: "USD", Charges: "1,234.50", Credits: "-10.00", Updated: "2026-01-02 09:00 JST"},
				Notify: &detailNotifyView{LanguageKey: "account.notify.lang.en", Language: "en", Phones: []string{"+81312345678", "+819012345678"},
					Lists: []detailRecipients{{Key: "account.notify.billing", To: []string{"a@b.example", "c@b.example"}, CC: []string{"d@b.example"}},
						{Key: "account.notify.technical"}, {Key: "account.notify.security", To: []string{"s@b.example"}}}},
				Secure: &detailSecurityView{ProfileKey: "account.security.profile.secure", Controls: []string{"Amazon GuardDuty"}, CostMin: "5.00", CostMax: "15.00", Regions: 1}},
			accountDetailPage{ID: "100000000003", Charges: &detailChargesView{Month: "2026-01", Currency: "USD", Charges: "0.00", Credits: "0.00"},
				Notify: &detailNotifyView{Language: "fr"}, Secure: &detailSecurityView{ProfileKey: "account.security.profile.basic", CostMin: "0.00", CostMax: "1.00", Regions: 2}}},
	}
	data["contacts_edit.html"] = []any{contactsEditPage{AccountID: "100000000001", Version: "0", Phones: phoneInputs(nil),
		Lists:     []contactsEditList{{Cat: "billing", Key: "account.notify.billing"}, {Cat: "technical", Key: "account.notify.technical"}, {Cat: "security", Key: "account.notify.security"}},
		Languages: []contactsLangOption{{Code: "ja", Key: "account.notify.lang.ja", Selected: true}, {Code: "en", Key: "account.notify.lang.en"}, {Code: "fr"}}},
		contactsEditPage{AccountID: "100000000001", Version: "2", Language: "fr", Error: "contacts.error.invalid", ErrorArg: "x",
			Phones:    []contactsPhone{{N: 1, Value: "+81312345678"}, {N: 2, Value: "bad", Error: &contactsFieldError{Key: "contacts.error.phone", Arg: "bad"}}, {N: 3, Error: &contactsFieldError{Key: "contacts.error.phones.count"}}},
			LangError: &contactsFieldError{Key: "contacts.error.language"},
			Lists: []contactsEditList{{Cat: "billing", Key: "account.notify.billing", To: "a@b.example\nbad", ToError: &contactsFieldError{Key: "contacts.error.address", Arg: "bad"}},
				{Cat: "technical", Key: "account.notify.technical", CC: "c@b.example", CCError: &contactsFieldError{Key: "contacts.error.duplicate", Arg: "c@b.example"}},
				{Cat: "security", Key: "account.notify.security", To: "s@b.example", ToError: &contactsFieldError{Key: "contacts.error.list.count"}}}},
		contactsEditPage{AccountID: "100000000001", Error: "contacts.error.conflict"}}
	data["bulk.html"] = []any{bulkPage{Phones: phoneInputs(nil)},
		bulkPage{Done: "2", Language: "en", Accounts: []bulkAccount{{ID: "100000000001", Name: "prod", Checked: true}, {ID: "100000000002"}},
			Languages: []contactsLangOption{{Code: "ja", Key: "account.notify.lang.ja"}, {Code: "en", Key: "account.notify.lang.en", Selected: true}},
			Phones:    []contactsPhone{{N: 1, Value: "x", Error: &contactsFieldError{Key: "contacts.error.phone", Arg: "x"}}, {N: 2}, {N: 3}},
			LangError: &contactsFieldError{Key: "contacts.error.language"}, Error: "contacts.bulk.incomplete.account", ErrorArg: "100000000002"},
		bulkPage{Error: "contacts.bulk.nothing"}}
	data["support_list.html"] = []any{supportListPage{},
		supportListPage{First: "/orgs/o1/support", Next: "/orgs/o1/support?page_token=x", Rows: []supportRow{{ID: "c1", Subject: "Invoice", Account: "100000000001",
			CategoryKey: "support.category.account_billing", SeverityKey: "support.severity.normal", StateKey: "support.state.in_progress", Created: "2026-01-02 09:00 JST"}}}}
	supportForm := supportNewPage{Categories: []supportOption{{Value: "technical", Key: "support.category.technical"}},
		Severities: []supportOption{{Value: "normal", Key: "support.severity.normal"}}, Languages: []supportOption{{Value: "ja", Key: "support.language.ja"}}}
	supportBad := supportForm
	supportBad.Accounts, supportBad.AccountID, supportBad.Subject, supportBad.CC = []supportOption{{Value: "100000000001", Label: "100000000001 (prod)"}}, "100000000001", "", "bad"
	supportBad.Error, supportBad.Errors = "support.new.failed", map[string]*supportFieldError{"account_id": {Key: "support.error.account_id"},
		"category": {Key: "support.error.category"}, "severity": {Key: "support.error.severity"}, "subject": {Key: "support.error.subject"},
		"body": {Key: "support.error.body"}, "cc": {Key: "support.error.cc.address", Arg: "bad"}, "language": {Key: "support.error.language"}}
	data["support_new.html"] = []any{supportForm, supportBad}
	clocks := []supportClockView{{TitleKey: "support.sla.first_response", Target: "8", Due: "2026-01-02 17:00 JST", StateKey: "support.clock.met", Provisional: true},
		{TitleKey: "support.sla.resolution", Target: "40", StateKey: "support.clock.paused"}}
	data["support_case.html"] = []any{supportCasePage{ID: "c1", Subject: "Invoice", Account: "100000000001", CategoryKey: "support.category.technical",
		SeverityKey: "support.severity.low", StateKey: "support.state.open", Language: "support.language.ja", Lines: []string{"a", "b"}, Clocks: clocks, CanReply: true},
		supportCasePage{ID: "c1", Subject: "Invoice", Account: "100000000001", CategoryKey: "support.category.account_billing",
			SeverityKey: "support.severity.critical", StateKey: "support.state.in_progress", Language: "support.language.en", CC: []string{"a@b.example"},
			Lines: []string{"a"}, Clocks: clocks, CanReply: true, ReplyError: "support.error.reply", ReplyBody: "x",
			Replies: []supportReplyView{{SideKey: "support.side.customer", Lines: []string{"q"}}, {SideKey: "support.side.desk", Desk: true, Lines: []string{"a"}}}},
		supportCasePage{ID: "c2", Subject: "Closed", CategoryKey: "support.category.technical", SeverityKey: "support.severity.high",
			StateKey: "support.state.closed", Language: "support.language.ja", Clocks: clocks}}
	data["profile.html"] = []any{profilePage{MinLen: 10, MaxLen: 70},
		profilePage{MinLen: 10, MaxLen: 70, Revoked: "2", Changed: true, Sessions: []profileSession{{ID: "s1", UserAgent: "Firefox", SourceIP: "192.0.2.1",
			LastSeen: "2026-01-02 09:00 JST", Created: "2026-01-01 09:00 JST", Current: true}, {ID: "s2", SourceIP: "2001:db8::1"}}},
		profilePage{MinLen: 10, MaxLen: 70, Error: "profile.password.failed", CurrentError: "profile.error.current_password", NewError: "profile.error.new_password"},
		profilePage{MinLen: 10, MaxLen: 70, Error: "profile.password.failed", NewError: "profile.error.new_password.breached"}}
	data["applications.html"] = []any{applicationsPage{},
		applicationsPage{First: "/orgs/o1/applications", Next: "/orgs/o1/applications?page_token=x", Rows: []applicationRow{
			{ID: "a1", Account: "100000000001", KindKey: "applications.kind.account_closure", StateKey: "applications.state.in_review",
				OpStateKey: "applications.op.failed", OpReason: "AccessDenied", Created: "2026-01-02 09:00 JST"},
			{ID: "a2", Project: "Production", KindKey: "applications.kind.new_account", StateKey: "applications.state.rejected", Reason: "duplicate"}}}}
	appForm := applicationNewPage{Kind: "new_account", Kinds: []supportOption{{Value: "new_account", Key: "applications.kind.new_account"}},
		Projects: []supportOption{{Value: "p1", Label: "Production"}}}
	appBad := appForm
	appBad.AccountID, appBad.ProjectID, appBad.Details, appBad.Error = "12", "p1", "x", "applications.new.failed"
	appBad.Errors = map[string]*supportFieldError{"kind": {Key: "applications.error.kind"}, "account_id": {Key: "applications.error.account_id"},
		"project_id": {Key: "applications.error.project_id"}, "details": {Key: "applications.error.details"}}
	data["application_new.html"] = []any{appForm, appBad}
	data["desk_support.html"] = []any{deskSupportPage{Filters: []supportOption{{Value: "", Key: "desk.queue.filter.all"}}},
		deskSupportPage{Clock: "breached", Filters: []supportOption{{Value: "", Key: "desk.queue.filter.all"}, {Value: "breached", Key: "support.clock.breached"}},
			Rows: []deskQueueRow{{ID: "c1", OrgID: "o1", Subject: "Invoice", Account: "100000000001", SeverityKey: "support.severity.high",
				StateKey: "support.state.open", FirstKey: "support.clock.breached", FirstDue: "2026-01-02 17:00 JST", ResolutionKey: "support.clock.paused",
				Link: "/orgs/o1/support/c1", Breached: true}, {ID: "c2", Subject: "x", SeverityKey: "support.severity.low", StateKey: "support.state.in_progress",
				FirstKey: "support.clock.at_risk", ResolutionKey: "support.clock.running", Link: "/orgs/o1/support/c2", AtRisk: true}}}}
	data["desk_applications.html"] = []any{deskApplicationsPage{}, deskApplicationsPage{OrgID: "o1"},
		deskApplicationsPage{OrgID: "o1", Next: "/desk/applications?org=o1&page_token=x", Error: "desk.apps.failed", Rows: []deskApplicationRow{
			{ID: "a1", Project: "p1", Details: "name: web", KindKey: "desk.kind.new_account", StateKey: "desk.state.submitted", CanReview: true, Base: "/desk/applications/o1/a1"},
			{ID: "a2", Account: "100000000001", KindKey: "desk.kind.account_closure", StateKey: "desk.state.in_review", OpStateKey: "desk.op.failed",
				OpReason: "AccessDenied", CanAct: true, Base: "/desk/applications/o1/a2", ReasonInput: " ", ReasonError: "desk.error.reason"},
			{ID: "a3", KindKey: "desk.kind.owner_change", StateKey: "desk.state.rejected", Reason: "duplicate", OpStateKey: "desk.op.succeeded", OpAccount: "100000000002"}}}}
	for page, ds := range uiSamples {
		data[page] = append(data[page], ds...)
	}
	for _, status := range []int{400, 403, 404, 500, 503} {
		e := uiError{TitleKey: "error.500.title", BodyKey: "error.500.body"}
		if status != 500 {
			e = uiError{TitleKey: "error." + strconv.Itoa(status) + ".title", BodyKey: "error." + strconv.Itoa(status) + ".body", Detail: "error.crossorigin"}
		}
		data["error.html"] = append(data["error.html"], e)
	}
	for _, page := range uiPages {
		require.NotEmpty(t, data[page], "test data for %s", page)
		for _, l := range langs {
			for _, signed := range []bool{false, true} {
				for i, d := range data[page] {
					v := &view{Lang: l, OtherLang: langEN, Path: "/orgs/o1/accounts?limit=2&page_token=a", Page: page, Status: 200, Data: d}
					if signed {
						v.Signed, v.Email, v.Orgs, v.Org = true, "power@demo.example.com", orgs, orgs[0]
					}
					var buf bytes.Buffer
					err := tmpl[page][l].ExecuteTemplate(&buf, "layout", v)
					require.NoError(t, err, "%s in %s (data %d, signed in %v)", page, l, i, signed)
					out := buf.String()
					assert.Contains(t, out, `<html lang="`+string(l)+`">`)
					assert.NotRegexp(t, `\b(signin|accounts|error|page|orgs|lang|nav|org)\.[a-z]`, stripAttrs(out), "a message key shown as text in %s/%s", page, l)
					checkHTML(t, out)
				}
			}
		}
	}
}

// uiSamples are more pages' test data for TestUI_EveryTemplateRendersInEveryLanguage:
// a screen's test file adds its pages' in init, as its code adds them to uiPages.
var uiSamples = map[string][]any{}

// stripAttrs drops the markup, keeping the text a person reads.
func stripAttrs(html string) string { return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, " ") }
