package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The projects pages (M-2): the organization's projects with how many open
// accounts each holds now, a form creating one and a form editing one with the
// version read (optimistic concurrency: a stale version shows a conflict, nothing
// is saved). Reading needs project.view, changing org.edit; members.Service
// decides both. A ValidationError shows the form again with the input kept and
// the error next to the field it names.

func init() {
	uiPages = append(uiPages, "projects.html", "project_form.html")
	// The pager of the projects, members, invitations and notices lists, and the
	// permission checkboxes of the member and invitation forms.
	uiPartials = append(uiPartials, "list_parts.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /orgs/{org}/projects", u.page(u.projects))
		mux.HandleFunc("GET /orgs/{org}/projects/new", u.page(u.projectNew))
		mux.HandleFunc("POST /orgs/{org}/projects/new", u.page(u.projectNew))
		mux.HandleFunc("GET /orgs/{org}/projects/{project}", u.page(u.projectEdit))
		mux.HandleFunc("POST /orgs/{org}/projects/{project}", u.page(u.projectEdit))
	})
	uiNav = append(uiNav, navItem{Order: 40, Key: "nav.projects", Path: "projects", InOrg: true, Need: members.PermProjectView,
		Pages: []string{"projects.html", "project_form.html"}})
}

// projectsPage is the data of the projects list.
type projectsPage struct {
	Rows        []projectRow
	ShowCount   bool   // the person may list accounts (account.view)
	CanCreate   bool   // the person has org.edit
	Saved       string // the project just created or saved, "" for none
	First, Next string // links to the first and the next page, "" for none
}

// projectRow is one project of the list.
type projectRow struct {
	ID, Name, Plan    string
	PaymentKey        string // a message key
	Currency          string
	InvoiceTo         []string
	Accounts, Updated string // open accounts now; when last changed, in JST
}

// projectFormPage is the data of the form creating or editing a project.
type projectFormPage struct {
	ID      string // "" when creating
	Version string
	CanEdit bool // false: the project is shown, not editable (no org.edit)

	Name, Plan, PaymentMethod, Currency, InvoiceTo, InvoiceCC string // the input
	Billing                                                   members.BillingSettings
	Created, Updated                                          string

	PaymentMethods, Currencies []supportOption
	Errors                     map[string]*supportFieldError // by field: name, plan, payment_method, currency, invoice_to, invoice_cc
	Error                      string                        // a message key for the whole form, "" for none
}

// projectsBase is the path of the organization's project pages.
func projectsBase(orgID string) string { return "/orgs/" + url.PathEscape(orgID) + "/projects" }

// projects is GET /orgs/{org}/projects: a page of the organization's projects with
// their open accounts now (when the person may list accounts).
func (u *ui) projects(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	page, err := listPage(r)
	if err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	list, next, err := u.s.svc.ListProjects(ctx, p, orgID, page)
	if err != nil {
		return err
	}
	out := projectsPage{}
	saved := r.URL.Query().Get("saved")
	counts, err := u.openAccountsByProject(ctx, p, orgID)
	switch {
	case err == nil:
		out.ShowCount = true
	case !errors.Is(err, members.ErrPermissionDenied):
		return err
	}
	if out.CanCreate, err = u.may(ctx, p, orgID, members.PermOrgEdit); err != nil {
		return err
	}
	for _, pr := range list {
		if pr.ID == saved {
			out.Saved = pr.Name // only a project of this page is named back
		}
		out.Rows = append(out.Rows, projectRow{ID: pr.ID, Name: pr.Name, Plan: pr.Plan,
			PaymentKey: "projects.payment." + string(pr.PaymentMethod), Currency: string(pr.Currency), InvoiceTo: pr.InvoiceTo,
			Accounts: strconv.Itoa(counts[pr.ID]), Updated: jst(pr.UpdatedAt)})
	}
	out.First, out.Next = pageLinks(projectsBase(orgID), r, page, next)
	v.Page, v.Data = "projects.html", out
	return nil
}

// listPage returns the page a list's request asks for, uiPageLimit items
// unless limit= says otherwise.
func listPage(r *http.Request) (resellerkit.Page, error) {
	page, err := parsePage(r.URL.Query())
	if err == nil && page.Limit == 0 {
		page.Limit = uiPageLimit
	}
	return page, err
}

// pageLinks returns the links to the first page (when this is not it) and to the
// next (when there is one) of the list at base, keeping limit= when asked.
func pageLinks(base string, r *http.Request, page resellerkit.Page, next string, keep ...string) (first, nextLink string) {
	q := url.Values{}
	if r.URL.Query().Has(paramLimit) {
		q.Set(paramLimit, strconv.Itoa(page.Limit))
	}
	for _, k := range keep {
		if val := r.URL.Query().Get(k); val != "" {
			q.Set(k, val)
		}
	}
	if page.Token != "" {
		first = base
		if len(q) > 0 {
			first += "?" + q.Encode()
		}
	}
	if next != "" {
		q.Set(paramPageToken, next)
		nextLink = base + "?" + q.Encode()
	}
	return first, nextLink
}

// openAccountsByProject counts the organization's open accounts by the project
// owning them this month; ErrPermissionDenied without account.view.
func (u *ui) openAccountsByProject(ctx context.Context, p members.Principal, orgID string) (map[string]int, error) {
	accts, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Account, string, error) {
		return u.s.svc.ListAccounts(ctx, p, orgID, pg)
	})
	if err != nil {
		return nil, err
	}
	month := resellerkit.MonthOf(u.s.now())
	out := map[string]int{}
	for _, a := range accts {
		if !a.ClosedFrom.IsZero() {
			continue
		}
		if id, ok := a.ProjectAt(month); ok {
			out[id]++
		}
	}
	return out, nil
}

// projectChoices fills the form's selects.
func projectChoices(f *projectFormPage) {
	f.PaymentMethods = []supportOption{{Value: string(members.PaymentBankTransfer), Key: "projects.payment.bank_transfer"},
		{Value: string(members.PaymentCard), Key: "projects.payment.card"}}
	f.Currencies = []supportOption{{Value: string(money.JPY), Label: string(money.JPY)}, {Value: string(money.USD), Label: string(money.USD)}}
}

// projectValues fills f's fields with pr's values.
func projectValues(f *projectFormPage, pr members.Project) {
	f.Name, f.Plan, f.PaymentMethod, f.Currency = pr.Name, pr.Plan, string(pr.PaymentMethod), string(pr.Currency)
	f.InvoiceTo, f.InvoiceCC = strings.Join(pr.InvoiceTo, "\n"), strings.Join(pr.InvoiceCC, "\n")
}

// projectFromForm reads the posted project fields into f and returns the project
// they describe (its billing settings from keep, which the form does not edit).
func projectFromForm(r *http.Request, f *projectFormPage, keep members.BillingSettings) members.Project {
	f.Name, f.Plan = r.PostFormValue("name"), r.PostFormValue("plan")
	f.PaymentMethod, f.Currency = r.PostFormValue("payment_method"), r.PostFormValue("currency")
	f.InvoiceTo, f.InvoiceCC = r.PostFormValue("invoice_to"), r.PostFormValue("invoice_cc")
	f.Billing = keep
	return members.Project{Name: f.Name, Plan: f.Plan, PaymentMethod: members.PaymentMethod(f.PaymentMethod),
		Currency: money.Currency(f.Currency), InvoiceTo: splitLines(f.InvoiceTo), InvoiceCC: splitLines(f.InvoiceCC), Billing: keep}
}

// listedTwice reports whether the address at field (as "invoice_cc[2]") of the
// posted form f, rejected by members, is a valid address (members'
// NormalizeEmail accepts it): the list's rule it breaks is then being listed
// twice or in CC and TO both (M-2), not the address's form. The error's text is
// never read.
func listedTwice(f *projectFormPage, name, field string) bool {
	list := splitLines(f.InvoiceTo)
	if name == "invoice_cc" {
		list = splitLines(f.InvoiceCC)
	}
	i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(field, name+"["), "]"))
	if err != nil || i < 0 || i >= len(list) {
		return false
	}
	_, err = members.NormalizeEmail(field, "M-2", list[i])
	return err == nil
}

// placeProjectError puts err's validation errors next to their fields; false when
// err is no validation error of a field of the form.
func placeProjectError(f *projectFormPage, err error) bool {
	f.Errors = map[string]*supportFieldError{}
	for _, ve := range validationErrors(err) {
		name, _, indexed := strings.Cut(ve.Field, "[")
		switch name {
		case "name", "plan", "payment_method", "currency":
			f.Errors[name] = &supportFieldError{Key: "projects.error." + name}
		case "invoice_to", "invoice_cc":
			fe := &supportFieldError{Key: "projects.error." + name + ".count"}
			switch {
			case indexed && ve.Rule == "M-2" && listedTwice(f, name, ve.Field):
				fe = &supportFieldError{Key: "projects.error.duplicate", Arg: ve.Value}
			case indexed:
				fe = &supportFieldError{Key: "projects.error.address", Arg: ve.Value}
			}
			f.Errors[name] = fe
		}
	}
	return len(f.Errors) > 0
}

// projectNew is GET and POST /orgs/{org}/projects/new: the form creating a
// project, for a person with org.edit; created, the person returns to the list.
func (u *ui) projectNew(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermOrgEdit); err != nil {
		return err
	}
	f := projectFormPage{CanEdit: true, PaymentMethod: string(members.PaymentBankTransfer), Currency: string(money.JPY)}
	projectChoices(&f)
	v.Page = "project_form.html"
	if r.Method != http.MethodPost {
		v.Data = f
		return nil
	}
	pr, err := u.s.svc.CreateProject(ctx, p, orgID, projectFromForm(r, &f, members.BillingSettings{}))
	if err == nil {
		return seeOther(projectsBase(orgID) + "?saved=" + url.QueryEscape(pr.ID))
	}
	if !placeProjectError(&f, err) {
		return err
	}
	f.Error = "projects.form.failed"
	v.Status, v.Data = http.StatusBadRequest, f
	return nil
}

// projectEdit is GET and POST /orgs/{org}/projects/{project}: the project (project.view),
// editable by a person with org.edit. The post carries the version read: a
// project changed since shows the conflict message with the project as it is
// now and its version, to change again.
func (u *ui) projectEdit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("project")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	cur, err := u.s.svc.GetProject(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	f := projectFormPage{ID: cur.ID, Version: strconv.FormatInt(cur.Version, 10), Billing: cur.Billing,
		Created: jst(cur.CreatedAt), Updated: jst(cur.UpdatedAt)}
	projectChoices(&f)
	switch err := u.s.svc.Authorize(ctx, p, orgID, members.PermOrgEdit); {
	case err == nil:
		f.CanEdit = true
	case r.Method == http.MethodPost || !errors.Is(err, members.ErrPermissionDenied):
		return err
	}
	v.Page = "project_form.html"
	if r.Method != http.MethodPost {
		projectValues(&f, cur)
		v.Data = f
		return nil
	}
	f.Version = r.PostFormValue("version")
	version, err := strconv.ParseInt(f.Version, 10, 64)
	if err != nil {
		return &badRequestError{msg: "bad version"}
	}
	in := projectFromForm(r, &f, cur.Billing)
	in.ID, in.Version = id, version
	_, err = u.s.svc.UpdateProject(ctx, p, orgID, in)
	switch {
	case err == nil:
		return seeOther(projectsBase(orgID) + "?saved=" + url.QueryEscape(id))
	case errors.Is(err, members.ErrConflict):
		// Someone changed the project meanwhile: the project as it is now, with
		// its version, to decide again (the stale version would only conflict again).
		now, gerr := u.s.svc.GetProject(ctx, p, orgID, id)
		if gerr != nil {
			return gerr
		}
		f = projectFormPage{ID: now.ID, Version: strconv.FormatInt(now.Version, 10), Billing: now.Billing,
			Created: jst(now.CreatedAt), Updated: jst(now.UpdatedAt), CanEdit: true}
		projectChoices(&f)
		projectValues(&f, now)
		f.Error = "projects.error.conflict"
		v.Status = http.StatusConflict
	case placeProjectError(&f, err):
		f.Error = "projects.form.failed"
		v.Status = http.StatusBadRequest
	default:
		return err
	}
	v.Data = f
	return nil
}
