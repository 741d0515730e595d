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
	"github.com/seeda33a2f4f/resellerkit/members"
)

func init() {
	form := projectFormPage{CanEdit: true, PaymentMethod: "card", Currency: "JPY"}
	projectChoices(&form)
	bad := form
	bad.ID, bad.Version, bad.Name, bad.InvoiceTo, bad.Error = "p1", "3", "", "bad", "projects.form.failed"
	bad.Errors = map[string]*supportFieldError{"name": {Key: "projects.error.name"}, "plan": {Key: "projects.error.plan"},
		"payment_method": {Key: "projects.error.payment_method"}, "currency": {Key: "projects.error.currency"},
		"invoice_to": {Key: "projects.error.address", Arg: "bad"}, "invoice_cc": {Key: "projects.error.invoice_cc.count"}}
	view := form
	view.ID, view.CanEdit, view.Name, view.Billing = "p1", false, "Production", members.BillingSettings{PricingPlan: "standard"}
	uiSamples["projects.html"] = []any{projectsPage{}, projectsPage{ShowCount: true, CanCreate: true, Saved: "Production",
		First: "/orgs/o1/projects", Next: "/orgs/o1/projects?page_token=x",
		Rows: []projectRow{{ID: "p1", Name: "Production", Plan: "standard", PaymentKey: "projects.payment.bank_transfer", Currency: "JPY",
			InvoiceTo: []string{"a@b.example", "c@b.example"}, Accounts: "3", Updated: "2026-01-02 09:00 JST"}}}}
	uiSamples["project_form.html"] = []any{form, bad, view, projectFormPage{ID: "p1", CanEdit: true, Error: "projects.error.conflict"}}
}

// generalWith sets the general user's permissions to exactly perms (M-5).
func (f *fixture) generalWith(t *testing.T, perms ...members.Permission) {
	t.Helper()
	ctx := context.Background()
	m, err := f.svc.GetMember(ctx, demoPower, f.orgID, demoGeneral.IdentityID)
	require.NoError(t, err)
	_, err = f.svc.ChangeMember(ctx, demoPower, f.orgID, demoGeneral.IdentityID, members.MemberGeneral, perms, m.Version)
	require.NoError(t, err)
}

// projectByName returns the demo organization's project called name.
func (f *fixture) projectByName(t *testing.T, name string) members.Project {
	t.Helper()
	ps, _, err := f.svc.ListProjects(context.Background(), demoPower, f.orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no project %q", name)
	return members.Project{}
}

func TestUI_ProjectsListWithAccountCountsInBothLanguages(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, accounts := c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/projects"
	assert.Contains(t, accounts, `href="`+base+`"`, "the navigation links to the projects")
	prod := f.projectByName(t, "Production")
	for _, tc := range []struct{ lang, title, payment string }{{"ja", "プロジェクト一覧", "銀行振込"}, {"en", "Projects", "Bank transfer"}} {
		resp, body := c.get(base, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `<html lang="`+tc.lang+`">`)
		assert.Contains(t, body, tc.title)
		assert.Contains(t, body, tc.payment)
		assert.Regexp(t, `data-project="`+prod.ID+`">[\s\S]*?<td class="num accounts-count">3</td>`, body, "Production holds 3 demo accounts")
		assert.Contains(t, body, `href="`+base+`/new"`)
		assert.NotRegexp(t, `\bprojects\.[a-z]`, stripAttrs(body), "no message key shown as text")
	}
}

func TestUI_ProjectCreateShowsFieldErrorsWithTheInputKept(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/projects"
	resp, body := c.get(base + "/new")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)

	for _, tc := range []struct {
		lang, field, message string
		form                 url.Values
	}{
		{"ja", "name", "プロジェクト名を入力してください", url.Values{"name": {" "}, "plan": {"gold"}, "payment_method": {"card"}, "currency": {"USD"}, "invoice_to": {"a@demo.example.com"}}},
		{"en", "invoice_to", "Not a valid email address: not-an-address", url.Values{"name": {"Staging"}, "plan": {"gold"}, "payment_method": {"card"}, "currency": {"USD"}, "invoice_to": {"a@demo.example.com\r\nnot-an-address"}}},
		{"en", "invoice_cc", "This address is listed twice: a@demo.example.com", url.Values{"name": {"Staging"}, "payment_method": {"card"}, "currency": {"USD"}, "invoice_to": {"a@demo.example.com"}, "invoice_cc": {"a@demo.example.com"}}},
		{"ja", "currency", "JPY か USD", url.Values{"name": {"Staging"}, "payment_method": {"card"}, "currency": {"EUR"}, "invoice_to": {"a@demo.example.com"}}},
	} {
		resp, body := c.post(base+"/new", tc.form, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Regexp(t, `id="`+tc.field+`"[^>]*aria-invalid="true"`, body, tc.field)
		assert.Regexp(t, `<p class="field-error" id="`+tc.field+`-error">[^<]*`+regexp.QuoteMeta(html.EscapeString(tc.message)), body)
		assert.Contains(t, html.UnescapeString(body), tc.form.Get("invoice_to")+"</textarea>", "the input is kept")
		assert.Contains(t, body, `value="`+html.EscapeString(tc.form.Get("name"))+`"`)
	}
	ps, _, err := f.svc.ListProjects(context.Background(), demoPower, f.orgID, resellerkit.Page{Limit: 10})
	require.NoError(t, err)
	assert.Len(t, ps, 2, "nothing created")

	resp, body = c.post(base+"/new", url.Values{"name": {"Staging"}, "plan": {"gold"}, "payment_method": {"card"}, "currency": {"USD"},
		"invoice_to": {"Stage@Demo.example.com"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, base, resp.Request.URL.Path)
	assert.Contains(t, body, `id="projects-saved"`)
	assert.Contains(t, body, "Staging")
	p := f.projectByName(t, "Staging")
	assert.Equal(t, []string{"stage@demo.example.com"}, p.InvoiceTo)
	assert.Equal(t, members.PaymentCard, p.PaymentMethod)
}

func TestUI_ProjectRenameWithAStaleVersionShowsTheConflict(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	prod := f.projectByName(t, "Production")
	path := "/orgs/" + f.orgID + "/projects/" + prod.ID
	resp, body := c.get(path, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	version := strconv.FormatInt(prod.Version, 10)
	assert.Contains(t, body, `name="version" value="`+version+`"`)
	assert.Contains(t, body, `value="Production"`)
	assert.Contains(t, body, "billing@demo.example.com</textarea>")

	// Someone else renames it first.
	in := prod
	in.Name = "Production (JP)"
	_, err := f.svc.UpdateProject(context.Background(), demoPower, f.orgID, in)
	require.NoError(t, err)

	form := url.Values{"version": {version}, "name": {"Prod"}, "plan": {"standard"}, "payment_method": {"bank_transfer"}, "currency": {"JPY"},
		"invoice_to": {"billing@demo.example.com"}, "invoice_cc": {"cfo@demo.example.com"}}
	resp, body = c.post(path, form, "Accept-Language", "en")
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `id="project-error"`)
	assert.Contains(t, body, "Someone else changed this project")
	assert.Contains(t, body, `value="Production (JP)"`, "the project as it is now")
	assert.Contains(t, body, `name="version" value="`+strconv.FormatInt(prod.Version+1, 10)+`"`, "with its version")
	assert.Equal(t, "Production (JP)", f.projectByName(t, "Production (JP)").Name, "nothing saved")

	form.Set("version", strconv.FormatInt(prod.Version+1, 10))
	resp, body = c.post(path, form, "Accept-Language", "en")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "Project “Prod” saved.")
	got := f.projectByName(t, "Prod")
	assert.Equal(t, prod.Version+2, got.Version)
	assert.Equal(t, prod.Billing, got.Billing, "the billing settings are kept")
}

func TestUI_ProjectsNeedProjectViewAndChangesNeedOrgEdit(t *testing.T) {
	f := newFixture(t, "memory")
	prod := f.projectByName(t, "Production")
	base := "/orgs/" + f.orgID + "/projects"
	c := f.uiClient(t)
	_, accounts := c.signIn(demoGeneral, "")
	assert.Contains(t, accounts, `href="`+base+`"`, "view-only sees the projects link")

	resp, body := c.get(base)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, `href="`+base+`/new"`, "no create link without org.edit")
	resp, body = c.get(base + "/" + prod.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="project-view"`)
	assert.NotContains(t, body, `<form method="post" action="`+base)
	for _, path := range []string{base + "/new", base + "/" + prod.ID} {
		resp, _ := c.post(path, url.Values{"version": {"1"}, "name": {"X"}, "payment_method": {"card"}, "currency": {"JPY"}, "invoice_to": {"a@demo.example.com"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
	}
	resp, _ = c.get(base + "/new")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "Production", f.projectByName(t, "Production").Name)

	f.generalWith(t, members.PermSupportInquire)
	_, body = c.get("/orgs/" + f.orgID + "/support")
	assert.NotContains(t, body, `href="`+base+`"`, "no projects link without project.view")
	for _, path := range []string{base, base + "/" + prod.ID} {
		resp, body := c.get(path)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		checkPage(t, resp, body)
		assert.NotContains(t, body, "billing@demo.example.com")
	}
}

func TestUI_ProjectsOfAnotherOrganizationAreRefused(t *testing.T) {
	f := newFixture(t, "memory")
	other := f.outsiderOrg()
	theirs, err := f.svc.CreateProject(context.Background(), outsider, other, members.Project{Name: "Their project",
		PaymentMethod: members.PaymentCard, Currency: "USD", InvoiceTo: []string{"secret@other.example.com"}})
	require.NoError(t, err)
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	for _, path := range []string{"/orgs/" + other + "/projects", "/orgs/" + other + "/projects/" + theirs.ID,
		"/orgs/" + other + "/projects/new", "/orgs/" + f.orgID + "/projects/" + theirs.ID} {
		for _, lang := range []string{"ja", "en"} {
			resp, body := c.get(path, "Accept-Language", lang)
			assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
			checkPage(t, resp, body)
			assert.Contains(t, body, `<html lang="`+lang+`">`)
			assert.NotContains(t, body, "secret@other.example.com", path)
		}
	}
	for _, path := range []string{"/orgs/" + other + "/projects/" + theirs.ID, "/orgs/" + f.orgID + "/projects/" + theirs.ID} {
		resp, _ := c.post(path, url.Values{"version": {"1"}, "name": {"Mine"}, "payment_method": {"card"},
			"currency": {"JPY"}, "invoice_to": {"a@demo.example.com"}})
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
	}
	got, err := f.svc.GetProject(context.Background(), outsider, other, theirs.ID)
	require.NoError(t, err)
	assert.Equal(t, "Their project", got.Name)
}

func TestUI_ProjectsPaginate(t *testing.T) {
	f := newFixture(t, "memory")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/projects"
	reRow := regexp.MustCompile(`data-project="([^"]+)"`)
	_, body := c.get(base + "?limit=1")
	first := reRow.FindAllStringSubmatch(body, -1)
	require.Len(t, first, 1)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	require.Len(t, next, 2, "a link to the next page")
	assert.NotContains(t, body, `>最初のページ<`)
	_, body = c.get(html.UnescapeString(next[1]))
	second := reRow.FindAllStringSubmatch(body, -1)
	require.Len(t, second, 1)
	assert.NotEqual(t, first[0][1], second[0][1])
	assert.Contains(t, body, `href="`+base+`?limit=1"`, "a link to the first page")
}
