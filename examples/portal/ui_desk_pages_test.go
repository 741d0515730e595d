package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
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

// The desk's account registration, invoicing and maintenance pages
// (ui_desk_accounts.go, ui_desk_invoices.go, ui_desk_maintenance.go).

func init() {
	uiSamples["desk_accounts.html"] = []any{deskAccountsPage{}, deskAccountsPage{OrgID: "o1"},
		deskAccountsPage{OrgID: "o1", Projects: []supportOption{{Value: "p1", Label: "Production (p1)"}}, ProjectID: "p1",
			Registered: []deskRegisteredRow{{ID: "100000000009", Name: "web", Project: "Production (p1)", Link: "/orgs/o1/accounts/100000000009"}, {ID: "100000000010", Link: "/orgs/o1/accounts/100000000010"}}},
		deskAccountsPage{OrgID: "o1", Projects: []supportOption{{Value: "p1", Label: "Production (p1)"}}, ProjectID: "p1",
			Lines: "12\n100000000001 web", Error: "desk.reg.failed", ProjectError: "desk.reg.error.project",
			LineErrors: []deskLineError{{Line: 1, Key: "desk.reg.error.id", Value: "12"}, {Line: 2, Key: "desk.reg.error.exists", Value: "100000000001"}}},
		deskAccountsPage{OrgID: "o1", Projects: []supportOption{{Value: "p1", Label: "P"}}, Error: "desk.reg.failed", LinesError: "desk.reg.error.none"}}
	uiSamples["desk_invoices.html"] = []any{
		deskInvoicesPage{Period: "2026-01", PrevMonth: "2025-12", NextMonth: "2026-02", Prev: "/desk/invoices?period=2025-12", Next: "/desk/invoices?period=2026-02",
			IssueFrom: "2026-02-10", NotReadyKey: "desk.issue.why.day", NotReadyArg: "2026-02-10",
			Orgs: []deskIssueOrgRow{{ID: "o1", Name: "Demo", StateKey: "desk.issue.state.notready", ToBill: 2}}},
		deskInvoicesPage{Period: "2026-01", PrevMonth: "2025-12", NextMonth: "2026-02", Prev: "/desk/invoices?period=2025-12", Next: "/desk/invoices?period=2026-02",
			IssueFrom: "2026-02-10", NotReadyKey: "desk.issue.why.data", Error: "desk.issue.notready", Truncated: true},
		deskInvoicesPage{Period: "2026-01", PrevMonth: "2025-12", NextMonth: "2026-02", Prev: "/desk/invoices?period=2025-12", Next: "/desk/invoices?period=2026-02",
			IssueFrom: "2026-02-10", Ready: true, DataUpdated: "2026-02-03 09:00 JST", Done: true, Created: 1, Existing: 1,
			Orgs: []deskIssueOrgRow{{ID: "o1", Name: "Demo", StateKey: "desk.issue.state.issued", ToBill: 2, Issued: 2},
				{ID: "o2", Name: "Other", StateKey: "desk.issue.state.nothing"}, {ID: "o3", Name: "Third", StateKey: "desk.issue.state.partly", ToBill: 2, Issued: 1}},
			Invoices: []deskIssuedRow{{ID: "d1", OrgID: "o1", Number: "T1234567890123-2026-000001", Project: "p1", Total: "12,345", Currency: "JPY",
				IssueDate: "2026-02-10", DueDate: "2026-02-28", PDFJa: "/orgs/o1/invoices/d1.pdf?lang=ja", PDFEn: "/orgs/o1/invoices/d1.pdf?lang=en", CSV: "/orgs/o1/invoices/d1.csv", Created: true}},
			Skipped:   []string{"p9"},
			Uncarried: []deskUncarriedRow{{OrgID: "o2", Project: "p7", Account: "100000000007", RefPeriod: "2025-11", Amount: "-10.00"}},
			Warnings:  []string{"account 100000000099 is in no project"}}}
	uiSamples["desk_maintenance.html"] = []any{deskMaintenancePage{}, deskMaintenancePage{OrgID: "o1", Failing: true},
		deskMaintenancePage{OrgID: "o1", First: "/desk/maintenance?org=o1", Next: "/desk/maintenance?org=o1&page_token=x", Rows: []deskMaintenanceRow{
			{ID: "100000000001", Name: "prod", Link: "/orgs/o1/accounts/100000000001#account-drift", Run: "r1", Started: "2026-01-02 09:00 JST",
				Ended: "2026-01-02 09:01 JST", StateKey: "desk.maint.state.finished", Items: 20, Drifted: 3, Repaired: 2, Reported: 1, Failed: 1,
				FirstError: "guardduty: cannot assume the role"},
			{ID: "100000000002", Link: "/orgs/o1/accounts/100000000002#account-drift", StateKey: "desk.maint.state.none"},
			{ID: "100000000003", Run: "r2", Started: "2026-01-02 09:00 JST", Link: "/orgs/o1/accounts/100000000003#account-drift", StateKey: "desk.maint.state.running"}}}}
}

// deskPages are the new desk pages, by a GET path of each.
func (f *fixture) deskPages() []string {
	org := url.QueryEscape(f.orgID)
	return []string{"/desk/accounts", "/desk/accounts?org=" + org, "/desk/invoices", "/desk/maintenance", "/desk/maintenance?org=" + org}
}

// keyBoundAuth authenticates token as p and anything else as next does.
type keyBoundAuth struct {
	next  authenticator
	token string
	p     members.Principal
}

func (a keyBoundAuth) authenticate(ctx context.Context, token string) (caller, error) {
	if token == a.token {
		return caller{p: a.p}, nil
	}
	return a.next.authenticate(ctx, token)
}

// operatorKeyClient is a client whose credential is the operator's as an API
// key bound to the demo organization gives it (I-4: a principal with OrgID
// set), which requireOperator refuses: a key leaked from a program never acts
// at the desk.
func (f *fixture) operatorKeyClient(t *testing.T) *uiClient {
	t.Helper()
	p := demoOperator
	p.MFA, p.OrgID = true, f.orgID
	require.True(t, p.Operator)
	token := "rk_operator_key_for_" + f.orgID
	f.s.auth = keyBoundAuth{next: f.s.auth, token: token, p: p}
	c := f.uiClient(t)
	u, err := url.Parse(f.srv.URL)
	require.NoError(t, err)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	return c
}

// TestUI_DeskPagesAreRefusedToCustomersAndOperatorKeys: the new desk pages and
// their posts are the 403 page, in the person's language, to a power user, a
// general user and an operator's API key bound to one organization; nothing is
// registered or issued.
func TestUI_DeskPagesAreRefusedToCustomersAndOperatorKeys(t *testing.T) {
	f := newFixture(t, "memory")
	key := f.operatorKeyClient(t)
	power, general := f.uiClient(t), f.uiClient(t)
	_, _ = power.signIn(demoPower, "")
	_, _ = general.signIn(demoGeneral, "")
	clients := map[string]*uiClient{"power user": power, "general user": general, "operator's API key": key}
	month := f.onIssueDay(t) // ready and not issued: a post that passed would issue it
	for who, c := range clients {
		for _, lang := range []string{"ja", "en"} {
			for _, path := range f.deskPages() {
				resp, body := c.get(path, "Accept-Language", lang)
				assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s: %s", who, path)
				checkPage(t, resp, body)
				assert.Contains(t, body, `<html lang="`+lang+`">`)
				assert.Contains(t, body, `data-page="error.html"`)
			}
		}
		resp, _ := c.post("/desk/accounts", url.Values{"org": {f.orgID}, "project_id": {f.project().ID}, "accounts": {"100000000077"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, who)
		resp, _ = c.post("/desk/invoices", url.Values{"period": {month.String()}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, who)
	}
	_, err := f.svc.GetAccount(context.Background(), demoOperator, f.orgID, "100000000077")
	assert.ErrorIs(t, err, members.ErrNotFound, "nothing registered")
	assert.Zero(t, f.invoiceCount(t, month), "nothing issued")
}

// TestUI_DeskRegistersAccounts: several accounts, one per line, registered into
// the chosen organization's project and listed; they appear in the organization.
func TestUI_DeskRegistersAccounts(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.deskClient(t)
	resp, body := c.get("/desk/accounts")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<label for="desk-org">`)
	assert.Contains(t, body, `href="/desk/accounts" aria-current="page"`, "the desk's sub-navigation")
	assert.Contains(t, body, `href="/desk/support" aria-current="page"`, "the menu's desk entry is current")

	resp, body = c.get("/desk/accounts?org="+url.QueryEscape(f.orgID), "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<label for="accounts">`)
	assert.Contains(t, body, `<label for="project_id">`)
	assert.NotRegexp(t, `\bdesk\.[a-z]`, stripAttrs(body), "no message key shown as text")

	project := f.project()
	resp, body = c.post("/desk/accounts", url.Values{"org": {f.orgID}, "project_id": {project.ID},
		"accounts": {"200000000001 web-stg\n\n200000000002,batch job\n200000000003"}}, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Equal(t, "/desk/accounts", resp.Request.URL.Path, "redirected after the post")
	assert.Contains(t, body, "3 accounts registered.")
	for _, id := range []string{"200000000001", "200000000002", "200000000003"} {
		assert.Contains(t, body, `data-registered="`+id+`"`)
		a, err := f.svc.GetAccount(context.Background(), demoPower, f.orgID, id)
		require.NoError(t, err, id)
		p, ok := a.ProjectAt(resellerkit.MonthOf(time.Now()))
		assert.True(t, ok)
		assert.Equal(t, project.ID, p, "owned by the chosen project from this month (M-3)")
	}
	a, err := f.svc.GetAccount(context.Background(), demoPower, f.orgID, "200000000002")
	require.NoError(t, err)
	assert.Equal(t, "batch job", a.Name, "the name after the first comma, spaces kept")
}

// TestUI_DeskRegisterWithABadIDShowsItsLineAndRegistersNothing: every line's
// error is shown next to the accounts field with its line and value, the input
// is kept, and no line is registered, not even the good ones; an id registered
// already is refused by the Service and rolls the others back.
func TestUI_DeskRegisterWithABadIDShowsItsLineAndRegistersNothing(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.deskClient(t)
	project := f.project().ID
	cases := []struct {
		name, lang, input string
		want              []string // in the error list
	}{
		{"short id and a letter", "ja", "300000000001 ok\n12345\n30000000000x", []string{
			`<li data-line="2">2行目: AWSアカウントIDは12桁の数字で入力してください。 (<span class="mono">12345</span>)</li>`,
			`<li data-line="3">3行目: AWSアカウントIDは12桁の数字で入力してください。 (<span class="mono">30000000000x</span>)</li>`}},
		{"an id twice", "en", "300000000001\n300000000001", []string{
			`<li data-line="2">Line 2: This account ID is given twice. (<span class="mono">300000000001</span>)</li>`}},
		{"an overlong name, refused by the Service", "en", "300000000001 " + strings.Repeat("n", members.MaxNameLen+1), []string{
			`<li data-line="1">Line 1: Enter a name of at most 200 characters without control characters. (<span class="mono">nnnn`}},
		{"an id registered already", "en", "300000000001 new\n100000000003 taken", []string{
			`<li data-line="2">Line 2: This account is registered already. (<span class="mono">100000000003</span>)</li>`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.post("/desk/accounts", url.Values{"org": {f.orgID}, "project_id": {project}, "accounts": {tc.input}}, "Accept-Language", tc.lang)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			checkPage(t, resp, body)
			assert.Regexp(t, `<textarea id="accounts" name="accounts"[^>]*aria-describedby="accounts-hint accounts-error" aria-invalid="true">`, body)
			for _, w := range tc.want {
				assert.Contains(t, body, w)
			}
			assert.Contains(t, html.UnescapeString(body), ">"+tc.input+"</textarea>", "the input is kept")
			_, err := f.svc.GetAccount(context.Background(), demoOperator, f.orgID, "300000000001")
			assert.ErrorIs(t, err, members.ErrNotFound, "nothing registered")
		})
	}

	resp, body := c.post("/desk/accounts", url.Values{"org": {f.orgID}, "project_id": {"no-such-project"}, "accounts": {"300000000002"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `<p class="field-error" id="project_id-error">プロジェクトを選んでください。</p>`)
	resp, body = c.post("/desk/accounts", url.Values{"org": {f.orgID}, "project_id": {project}, "accounts": {"  \n"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `<p class="field-error" id="accounts-error">登録するアカウントを1つ以上入力してください。</p>`)
}

// invoiceCount is how many invoices of period the demo organization has.
func (f *fixture) invoiceCount(t *testing.T, period resellerkit.Month) int {
	t.Helper()
	docs, _, err := f.bill.ListDocuments(context.Background(), demoOperator, f.orgID,
		billing.DocumentFilter{Period: period, Kind: billing.DocInvoice}, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	return len(docs)
}

// TestUI_DeskIssuesTheMonthOnce: a month before its issue day is not ready and
// issuing it issues nothing (409); on its issue day the button issues one
// invoice per project with charges, listed with their PDF and CSV, and a second
// click issues none (B-12, B-16).
func TestUI_DeskIssuesTheMonthOnce(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.deskClient(t)
	month := resellerkit.MonthOf(time.Now())
	page := "/desk/invoices?period=" + month.String()

	resp, body := c.get(page)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `href="/desk/invoices" aria-current="page"`)
	assert.Contains(t, body, "まだ発行できません")
	assert.NotContains(t, body, `id="desk-issue"`, "no button before the issue day")
	assert.Regexp(t, `data-org="`+regexp.QuoteMeta(f.orgID)+`">[\s\S]*?未発行 \(発行前\)`, body)
	resp, body = c.post("/desk/invoices", url.Values{"period": {month.String()}}, "Accept-Language", "en")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "cannot be issued yet. Nothing was issued.")
	assert.Zero(t, f.invoiceCount(t, month))

	// On the month's issue day (a billing Service whose clock says so, as the
	// monthly job would run then).
	issueDay := billing.Calendar{}.IssueFrom(month).Add(3 * time.Hour)
	setup := billingSetup{plans: demoPlans(time.Now()), issuer: billing.Issuer{Name: demoIssuerName, RegistrationNumber: demoIssuerRegistration}}
	later, err := newBillingService(f.b.billing, f.svc, f.notices, setup, testOrigin, func() time.Time { return issueDay })
	require.NoError(t, err)
	f.s.bill, f.s.now = later, func() time.Time { return issueDay }

	resp, body = c.get(page, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="desk-issue-ready">Ready<`)
	assert.Regexp(t, `data-org="`+regexp.QuoteMeta(f.orgID)+`">[\s\S]*?Ready to issue`, body)
	require.Contains(t, body, `id="desk-issue"`)

	// Bad or missing periods issue nothing, while the month is ready to issue.
	for _, bad := range []string{"2026-13", "next month", "2026-1"} {
		resp, _ = c.get("/desk/invoices?period=" + url.QueryEscape(bad))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
		resp, _ = c.post("/desk/invoices", url.Values{"period": {bad}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
	}
	resp, _ = c.post("/desk/invoices", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "no period: nothing issued by default")
	require.Zero(t, f.invoiceCount(t, month))

	resp, body = c.post("/desk/invoices", url.Values{"period": {month.String()}}, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	issued := f.invoiceCount(t, month)
	require.Equal(t, 2, issued, "one invoice per demo project")
	assert.Contains(t, body, "2 invoices issued now; 0 were issued already.")
	assert.Equal(t, 2, strings.Count(body, `class="created"`))
	assert.Regexp(t, `data-org="`+regexp.QuoteMeta(f.orgID)+`">[\s\S]*?Issued<`, body)
	assert.Regexp(t, `href="/orgs/`+regexp.QuoteMeta(f.orgID)+`/invoices/[^"]+\.pdf\?lang=ja"`, body)
	assert.Regexp(t, `href="/orgs/`+regexp.QuoteMeta(f.orgID)+`/invoices/[^"]+\.csv"`, body)

	resp, body = c.post("/desk/invoices", url.Values{"period": {month.String()}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "新たに 0 件発行しました。2 件は発行済みでした。")
	assert.NotContains(t, body, `class="created"`)
	assert.Equal(t, issued, f.invoiceCount(t, month), "the second click issues nothing")

	m := regexp.MustCompile(`href="(/orgs/[^"]+\.pdf\?lang=en)"`).FindStringSubmatch(body)
	require.Len(t, m, 2)
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+html.UnescapeString(m[1]), nil)
	require.NoError(t, err)
	pdf, err := c.c.Do(req)
	require.NoError(t, err)
	_ = pdf.Body.Close()
	assert.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, pdf.StatusCode, "the operator opens the PDF (503 without a font)")
}

// TestUI_DeskMaintenanceListsTheLastRunPerAccount: each account of the chosen
// organization with its last run; after a run where one account was
// unreachable, the filter shows that one only, with its error.
func TestUI_DeskMaintenanceListsTheLastRunPerAccount(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.deskClient(t)
	base := "/desk/maintenance?org=" + url.QueryEscape(f.orgID)
	resp, body := c.get(base, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<label for="failing">`)
	for _, id := range []string{"100000000001", "100000000002", "100000000003", "100000000004", "100000000005"} {
		assert.Regexp(t, `data-account="`+id+`">[\s\S]*?Finished`, body)
	}
	assert.Regexp(t, `data-account="`+securedDemoAccount+`">[\s\S]*?<td class="num">20</td>\s*<td class="num">20</td>\s*<td class="num">19</td>\s*<td class="num">1</td>\s*<td class="num failed">0`,
		body, "the seeded run: 20 items drifted, 19 repaired, root MFA reported")

	f.fleet.SetUnreachable("100000000005", true)
	_, err := f.sec.Maintain(context.Background(), []security.Target{{OrgID: f.orgID, AccountID: "100000000004"}, {OrgID: f.orgID, AccountID: "100000000005"}})
	require.NoError(t, err)
	resp, body = c.get(base+"&failing=1", "Accept-Language", "ja")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `<input id="failing" name="failing" type="checkbox" value="1" checked>`)
	assert.Contains(t, body, `data-account="100000000005" class="failing"`)
	assert.Contains(t, body, "cannot assume the role")
	for _, id := range []string{"100000000001", "100000000002", "100000000003", "100000000004"} {
		assert.NotContains(t, body, `data-account="`+id+`"`, "not failing")
	}

	resp, _ = c.get("/desk/maintenance?org=no-such-org")
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, "an organization that does not exist")
	other := f.outsiderOrg()
	resp, body = c.get("/desk/maintenance?org=" + url.QueryEscape(other))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "AWSアカウントがありません", "an organization without accounts")
}
