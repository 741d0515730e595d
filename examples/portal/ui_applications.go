package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The customer application pages (application.submit): the organization's
// applications with their state and, once started, their AWS operation's state
// and reason; and a form filing one. members.Service decides who may; a
// ValidationError shows the form again with the input kept and each error next to
// its field.

func init() {
	uiPages = append(uiPages, "applications.html", "application_new.html")
}

// applicationKinds are the kinds the form offers, in its order.
var applicationKinds = []members.ApplicationKind{members.AppNewAccount, members.AppAccountClosure,
	members.AppOwnerChange, members.AppAccountTransferIn, members.AppProjectCreation}

// applicationsPage is the data of the applications list.
type applicationsPage struct {
	Rows        []applicationRow
	Already     int    // selected accounts whose open application of the kind was filed before: not filed again
	First, Next string // links to the first and the next page, "" for none
}

// applicationRow is one application of the list.
type applicationRow struct {
	ID, Account, Project, Details string
	KindKey, StateKey             string // message keys
	OpStateKey, OpReason, Reason  string // OpStateKey "" before the operation starts
	Created                       string // in JST
}

// applicationNewPage is the data of the form filing an application.
type applicationNewPage struct {
	Kinds    []supportOption
	Projects []supportOption // the organization's projects

	Kind, AccountID, ProjectID, Details string // the input

	// Selected are the accounts chosen on the accounts list (closure or owner
	// change): one application each, filed together or not at all. Empty: the
	// form asks for one account ID.
	Selected []applicationAccount

	Errors map[string]*supportFieldError // by field: kind, account_id, project_id, details
	Error  string                        // a message key for the whole form, "" for none
}

// applicationAccount is one selected account of the form, with its error.
type applicationAccount struct {
	ID, Name string
	Checked  bool
	Error    *supportFieldError
}

// selectionKinds are the kinds filed for accounts chosen on the accounts list:
// those whose application names one existing account of the organization.
var selectionKinds = []members.ApplicationKind{members.AppAccountClosure, members.AppOwnerChange}

// applicationsBase is the path of the organization's application pages.
func applicationsBase(orgID string) string {
	return "/orgs/" + url.PathEscape(orgID) + "/applications"
}

// applications is GET /orgs/{org}/applications: a page of the organization's
// applications.
func (u *ui) applications(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	if page.Limit == 0 {
		page.Limit = uiPageLimit
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	apps, next, err := u.s.svc.ListApplications(ctx, p, orgID, page)
	if err != nil {
		return err
	}
	projects := u.projectNames(ctx, p, orgID)
	out := applicationsPage{}
	if n, err := strconv.Atoi(r.URL.Query().Get("already")); err == nil && n > 0 && n <= resellerkit.MaxPageLimit {
		out.Already = n
	}
	for _, a := range apps {
		row := applicationRow{ID: a.ID, Account: a.AccountID, Project: a.ProjectID, Details: a.Details,
			KindKey: "applications.kind." + string(a.Kind), StateKey: "applications.state." + string(a.State),
			Reason: a.Reason, Created: jst(a.CreatedAt)}
		if name, ok := projects[a.ProjectID]; ok {
			row.Project = name
		}
		if _, ok := catalog[row.KindKey]; !ok {
			row.KindKey = "applications.kind.other"
		}
		if _, ok := catalog[row.StateKey]; !ok {
			row.StateKey = "applications.state.other"
		}
		if op := a.Operation; op != nil {
			row.OpStateKey = "applications.op." + string(op.State)
			if op.State == members.OpWaiting { // what it waits for; a failure's reason is the desk's (applicationFor)
				row.OpReason = op.Reason
			}
			if _, ok := catalog[row.OpStateKey]; !ok {
				row.OpStateKey = "applications.op.other"
			}
		}
		out.Rows = append(out.Rows, row)
	}
	base := applicationsBase(orgID)
	q := url.Values{}
	if r.URL.Query().Has(paramLimit) {
		q.Set(paramLimit, strconv.Itoa(page.Limit))
	}
	if page.Token != "" {
		out.First = base
		if len(q) > 0 {
			out.First += "?" + q.Encode()
		}
	}
	if next != "" {
		q.Set(paramPageToken, next)
		out.Next = base + "?" + q.Encode()
	}
	v.Page, v.Data = "applications.html", out
	return nil
}

// projectNames returns the organization's project names by id, none when the
// person may not list them.
func (u *ui) projectNames(ctx context.Context, p members.Principal, orgID string) map[string]string {
	out := map[string]string{}
	projects, _, err := u.s.svc.ListProjects(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	if err != nil {
		return out
	}
	for _, pr := range projects {
		out[pr.ID] = pr.Name
	}
	return out
}

// applicationForm returns the form's choices: the kinds and the organization's
// projects (none when the person may not list them).
func (u *ui) applicationForm(ctx context.Context, p members.Principal, orgID string) (applicationNewPage, error) {
	out := applicationNewPage{Kind: string(members.AppNewAccount)}
	for _, k := range applicationKinds {
		out.Kinds = append(out.Kinds, supportOption{Value: string(k), Key: "applications.kind." + string(k)})
	}
	projects, _, err := u.s.svc.ListProjects(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	switch {
	case err == nil:
		for _, pr := range projects {
			out.Projects = append(out.Projects, supportOption{Value: pr.ID, Label: pr.Name})
		}
	case !errors.Is(err, members.ErrPermissionDenied):
		return out, err
	}
	return out, nil
}

// applicationNew is GET /orgs/{org}/applications/new: the form, to a person who
// may file applications (application.submit).
func (u *ui) applicationNew(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	// The Service decides who may: a page of one application asks it.
	if _, _, err := u.s.svc.ListApplications(ctx, p, orgID, resellerkit.Page{Limit: 1}); err != nil {
		return err
	}
	out, err := u.applicationForm(ctx, p, orgID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if k := members.ApplicationKind(q.Get("kind")); slices.Contains(applicationKinds, k) {
		out.Kind = string(k)
	}
	if ids := uniqueIDs(q["account"]); len(ids) > 0 {
		if out.Selected, err = u.selectedAccounts(ctx, p, orgID, ids); err != nil {
			return err
		}
		out.forSelection()
	}
	v.Page, v.Data = "application_new.html", out
	return nil
}

// uniqueIDs returns ids trimmed, without blanks or repeats, in their order, at
// most resellerkit.MaxPageLimit of them.
func uniqueIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) && len(out) < resellerkit.MaxPageLimit {
			out = append(out, id)
		}
	}
	return out
}

// selectedAccounts returns the chosen accounts, checked, with the names the
// person may read (an id that is no account of the organization stays, unnamed:
// filing says so next to it).
func (u *ui) selectedAccounts(ctx context.Context, p members.Principal, orgID string, ids []string) ([]applicationAccount, error) {
	names := map[string]string{}
	accts, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Account, string, error) {
		return u.s.svc.ListAccounts(ctx, p, orgID, pg)
	})
	switch {
	case err == nil:
		for _, a := range accts {
			names[a.ID] = a.Name
		}
	case !errors.Is(err, members.ErrPermissionDenied):
		return nil, err
	}
	out := make([]applicationAccount, 0, len(ids))
	if len(ids) == 0 {
		return nil, nil
	}
	for _, id := range ids {
		out = append(out, applicationAccount{ID: id, Name: names[id], Checked: true})
	}
	return out, nil
}

// forSelection restricts the form's kinds to those filed for chosen accounts
// when it has some.
func (f *applicationNewPage) forSelection() {
	if len(f.Selected) == 0 {
		return
	}
	f.Kinds = slices.DeleteFunc(f.Kinds, func(o supportOption) bool {
		return !slices.Contains(selectionKinds, members.ApplicationKind(o.Value))
	})
	if !slices.Contains(selectionKinds, members.ApplicationKind(f.Kind)) {
		f.Kind = string(selectionKinds[0])
	}
}

// openApplications returns the accounts of orgID with an open application
// (submitted or in review, M-11) of kind.
func (u *ui) openApplications(ctx context.Context, p members.Principal, orgID string, kind members.ApplicationKind) (map[string]bool, error) {
	apps, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Application, string, error) {
		return u.s.svc.ListApplications(ctx, p, orgID, pg)
	})
	if err != nil {
		return nil, err
	}
	open := map[string]bool{}
	for _, a := range apps {
		if a.Kind == kind && a.AccountID != "" && (a.State == members.AppSubmitted || a.State == members.AppInReview) {
			open[a.AccountID] = true
		}
	}
	return open, nil
}

// errNotFiled rolls back the applications of a selection when one of them fails.
var errNotFiled = errors.New("portal: an application of the selection failed")

// submitSelection files one application of kind per selected account in one
// transaction: all of them or none. The form comes back with each account's
// error next to it, the kind's or the details' next to theirs. An account with
// an open application of the kind already (the same form posted twice, or
// someone else's) gets no second one: the list says how many were filed
// before.
func (u *ui) submitSelection(r *http.Request, v *view, ids []string) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	kind := members.ApplicationKind(r.PostFormValue("kind"))
	details, project := r.PostFormValue("details"), r.PostFormValue("project_id")
	fields := map[string]*supportFieldError{}
	perAccount := map[string]*supportFieldError{}
	if !slices.Contains(selectionKinds, kind) {
		fields["kind"] = &supportFieldError{Key: "applications.error.kind.selection"}
	} else {
		already := 0
		err := u.s.inTx(ctx, func(ctx context.Context) error {
			clear(perAccount)
			clear(fields)
			already = 0
			open, err := u.openApplications(ctx, p, orgID, kind)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if open[id] {
					already++
					continue
				}
				in := members.NewApplication{Kind: kind, AccountID: id, ProjectID: project, Details: details}
				_, err := u.s.svc.SubmitApplication(ctx, p, orgID, in)
				if err == nil {
					continue
				}
				if !applicationFieldErrors(err, in, fields, perAccount, id) {
					return err
				}
			}
			if len(fields)+len(perAccount) > 0 {
				return errNotFiled
			}
			return nil
		})
		switch {
		case err == nil && already > 0:
			return seeOther(applicationsBase(orgID) + "?already=" + strconv.Itoa(already))
		case err == nil:
			return seeOther(applicationsBase(orgID))
		case !errors.Is(err, errNotFiled):
			return err
		}
	}
	out, err := u.applicationForm(ctx, p, orgID)
	if err != nil {
		return err
	}
	all := uniqueIDs(r.PostForm["offered"])
	if out.Selected, err = u.selectedAccounts(ctx, p, orgID, all); err != nil {
		return err
	}
	for i := range out.Selected {
		out.Selected[i].Checked = slices.Contains(ids, out.Selected[i].ID)
		out.Selected[i].Error = perAccount[out.Selected[i].ID]
	}
	out.Kind, out.ProjectID, out.Details = string(kind), project, details
	out.forSelection()
	out.Errors, out.Error = fields, "applications.new.failed"
	v.Page, v.Status, v.Data = "application_new.html", http.StatusBadRequest, out
	return nil
}

// selectionWithout answers a selection form posted with every account unticked:
// the form again, asking for one.
func (u *ui) selectionWithout(r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	out, err := u.applicationForm(ctx, p, orgID)
	if err != nil {
		return err
	}
	if out.Selected, err = u.selectedAccounts(ctx, p, orgID, uniqueIDs(r.PostForm["offered"])); err != nil {
		return err
	}
	for i := range out.Selected {
		out.Selected[i].Checked = false
	}
	out.Kind, out.ProjectID, out.Details = r.PostFormValue("kind"), r.PostFormValue("project_id"), r.PostFormValue("details")
	out.forSelection()
	out.Errors = map[string]*supportFieldError{"accounts": {Key: "applications.error.accounts.none"}}
	out.Error = "applications.new.failed"
	v.Page, v.Status, v.Data = "application_new.html", http.StatusBadRequest, out
	return nil
}

// applicationFieldErrors puts err, the answer to filing in for account (or ""
// for the form's one account), next to its field: the account's in perAccount
// when account is not "", else in fields. False when err is no error of a
// field.
//
// Which field an error is of follows from the kind (M-11, members'
// applicationFields), never from the error's text: only a closure and a change
// of owner look their account up, and they take no project, so a missing
// account or project is the account's for those kinds and, for the others,
// the project's when one was named; an M-11 error of the account of those
// kinds is the account already closed (the others' is an account the kind
// does not take).
func applicationFieldErrors(err error, in members.NewApplication, fields, perAccount map[string]*supportFieldError, account string) bool {
	put := func(field string, fe *supportFieldError) {
		if field == "account_id" && account != "" {
			perAccount[account] = fe
			return
		}
		fields[field] = fe
	}
	looksUpAccount := in.Kind == members.AppAccountClosure || in.Kind == members.AppOwnerChange
	switch {
	case errors.Is(err, members.ErrNotFound) && looksUpAccount:
		put("account_id", &supportFieldError{Key: "applications.error.account_id.unknown"})
	case errors.Is(err, members.ErrNotFound) && in.ProjectID != "":
		put("project_id", &supportFieldError{Key: "applications.error.project_id"})
	case errors.Is(err, members.ErrAlreadyExists) && in.AccountID != "":
		// M-11: an open application of a conflicting kind names the account.
		put("account_id", &supportFieldError{Key: "applications.error.account_id.open"})
	case errors.Is(err, members.ErrInvalid):
		found := false
		for _, ve := range validationErrors(err) {
			key := "applications.error." + ve.Field
			if ve.Field == "account_id" && ve.Rule == "M-11" && looksUpAccount {
				key = "applications.error.account_id.closed"
			}
			if _, known := catalog[key]; !known {
				key = "applications.error.invalid"
			}
			put(ve.Field, &supportFieldError{Key: key})
			found = true
		}
		return found
	default:
		return false
	}
	return true
}

// applicationSubmit is POST /orgs/{org}/applications/new: the application is
// filed and the person sent to the list; bad input shows the form again with the
// input kept and each error next to its field (400).
func (u *ui) applicationSubmit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if _, multi := r.PostForm["offered"]; multi {
		// The Service decides who may file; ask it before any form is answered.
		if err := u.s.svc.Authorize(ctx, p, orgID, members.PermApplicationSubmit); err != nil {
			return err
		}
		ids := uniqueIDs(r.PostForm["account"])
		if len(ids) == 0 {
			return u.selectionWithout(r, v)
		}
		return u.submitSelection(r, v, ids)
	}
	in := members.NewApplication{Kind: members.ApplicationKind(r.PostFormValue("kind")),
		AccountID: strings.TrimSpace(r.PostFormValue("account_id")), ProjectID: r.PostFormValue("project_id"),
		Details: r.PostFormValue("details")}
	_, err := u.s.svc.SubmitApplication(ctx, p, orgID, in)
	if err == nil {
		return seeOther(applicationsBase(orgID))
	}
	fields := map[string]*supportFieldError{}
	if !applicationFieldErrors(err, in, fields, nil, "") || len(fields) == 0 {
		return err
	}
	out, ferr := u.applicationForm(ctx, p, orgID)
	if ferr != nil {
		return ferr
	}
	out.Kind, out.AccountID, out.ProjectID, out.Details = string(in.Kind), in.AccountID, in.ProjectID, in.Details
	out.Errors, out.Error = fields, "applications.new.failed"
	v.Page, v.Status, v.Data = "application_new.html", http.StatusBadRequest, out
	return nil
}
