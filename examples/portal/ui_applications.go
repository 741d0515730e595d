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

	Errors map[string]*supportFieldError // by field: kind, account_id, project_id, details
	Error  string                        // a message key for the whole form, "" for none
}

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
			row.OpStateKey, row.OpReason = "applications.op."+string(op.State), op.Reason
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
	v.Page, v.Data = "application_new.html", out
	return nil
}

// applicationSubmit is POST /orgs/{org}/applications/new: the application is
// filed and the person sent to the list; bad input shows the form again with the
// input kept and each error next to its field (400).
func (u *ui) applicationSubmit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	in := members.NewApplication{Kind: members.ApplicationKind(r.PostFormValue("kind")),
		AccountID: strings.TrimSpace(r.PostFormValue("account_id")), ProjectID: r.PostFormValue("project_id"),
		Details: r.PostFormValue("details")}
	_, err := u.s.svc.SubmitApplication(ctx, p, orgID, in)
	if err == nil {
		return seeOther(applicationsBase(orgID))
	}
	fields := map[string]*supportFieldError{}
	switch {
	case errors.Is(err, members.ErrNotFound) && strings.HasPrefix(err.Error(), "account_id "):
		fields["account_id"] = &supportFieldError{Key: "applications.error.account_id.unknown"}
	case errors.Is(err, members.ErrNotFound) && strings.HasPrefix(err.Error(), "project_id "):
		fields["project_id"] = &supportFieldError{Key: "applications.error.project_id"}
	case errors.Is(err, members.ErrInvalid):
		for _, ve := range validationErrors(err) {
			key := "applications.error." + ve.Field
			if _, known := catalog[key]; !known {
				key = "applications.error.invalid"
			}
			fields[ve.Field] = &supportFieldError{Key: key}
		}
		if len(fields) == 0 {
			return err
		}
	default:
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
