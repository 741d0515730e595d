package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The desk's account registration (operators only, like POST
// /v1/orgs/{org}/accounts): one or several AWS accounts, one per line, registered
// into a project of the chosen organization with members.Service.RegisterAccount
// (M-3: owned from the current UTC month). Every line is checked first (12
// digits, the name's rules, an id given twice); then all are registered in one
// database transaction, so one line the Service refuses (an id registered
// anywhere already) registers none. Each error is shown next to the field, per
// line for the accounts.

func init() {
	uiPages = append(uiPages, "desk_accounts.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /desk/accounts", u.page(u.deskAccounts))
		mux.HandleFunc("POST /desk/accounts", u.page(u.deskRegister))
	})
}

// deskRegisterMax bounds the lines of one registration.
const deskRegisterMax = 100

// deskAccountsPage is the data of the registration form.
type deskAccountsPage struct {
	OrgID     string          // "" until an organization is chosen
	Projects  []supportOption // the organization's projects
	ProjectID string          // the input
	Lines     string          // the input: "<12 digits> [name]" per line

	ProjectError string              // a message key, "" for none
	LineErrors   []deskLineError     // per line, in line order
	LinesError   string              // a message key for the whole field, "" for none
	Error        string              // a message key for the form, "" for none
	Registered   []deskRegisteredRow // after a registration
}

// deskLineError is the error of one line of the accounts field.
type deskLineError struct {
	Line  int
	Key   string // a message key
	Value string // the rejected value, truncated
}

// deskRegisteredRow is one account registered.
type deskRegisteredRow struct {
	ID, Name, Project, Link string
}

// deskAccountLine is one parsed line.
type deskAccountLine struct {
	n        int
	id, name string
}

// deskAccounts is GET /desk/accounts?org=&done=: the form, after the choice of an
// organization; done lists the accounts just registered (after the redirect).
func (u *ui) deskAccounts(_ http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	q := r.URL.Query()
	out, err := u.deskAccountsForm(r.Context(), p, v, q.Get("org"))
	if err != nil {
		return err
	}
	if out.OrgID != "" && q.Get("done") != "" {
		for _, id := range strings.Split(q.Get("done"), ",") {
			if members.ValidateAccountID("done", id) != nil {
				continue
			}
			a, err := u.s.svc.GetAccount(r.Context(), p, out.OrgID, id)
			if err != nil {
				continue // moved or gone since: not listed
			}
			out.Registered = append(out.Registered, u.deskRegisteredRow(out, a))
		}
	}
	v.Page, v.Data = "desk_accounts.html", out
	return nil
}

// deskAccountsForm fills v's organizations and the form's project choices.
func (u *ui) deskAccountsForm(ctx context.Context, p members.Principal, v *view, orgID string) (deskAccountsPage, error) {
	out := deskAccountsPage{OrgID: orgID}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return out, err
	}
	if orgID == "" {
		return out, nil
	}
	projects, _, err := u.s.svc.ListProjects(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	if err != nil {
		return out, err
	}
	for _, pr := range projects {
		out.Projects = append(out.Projects, supportOption{Value: pr.ID, Label: pr.Name + " (" + pr.ID + ")"})
	}
	if len(out.Projects) > 0 {
		out.ProjectID = out.Projects[0].Value
	}
	return out, nil
}

func (u *ui) deskRegisteredRow(out deskAccountsPage, a members.Account) deskRegisteredRow {
	row := deskRegisteredRow{ID: a.ID, Name: a.Name,
		Link: "/orgs/" + url.PathEscape(a.OrgID) + "/accounts/" + url.PathEscape(a.ID)}
	if len(a.Ownership) > 0 {
		row.Project = a.Ownership[0].ProjectID
		for _, o := range out.Projects {
			if o.Value == row.Project {
				row.Project = o.Label
			}
		}
	}
	return row
}

// parseDeskAccountLines reads the accounts field: one account a line, its id
// then, after a space, tab or comma, its name; blank lines are skipped. Each
// line's id is checked with members.ValidateAccountID and an id given twice is
// an error of its second line.
func parseDeskAccountLines(text string) ([]deskAccountLine, []deskLineError) {
	var (
		lines []deskAccountLine
		errs  []deskLineError
		seen  = map[string]int{}
	)
	for i, raw := range strings.Split(text, "\n") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		l := deskAccountLine{n: i + 1, id: raw}
		if sep := strings.IndexAny(raw, " \t,"); sep >= 0 {
			l.id, l.name = raw[:sep], strings.TrimSpace(raw[sep+1:])
		}
		switch {
		case members.ValidateAccountID("id", l.id) != nil:
			errs = append(errs, deskLineError{Line: l.n, Key: "desk.reg.error.id", Value: resellerkit.Truncate(l.id)})
		case seen[l.id] != 0:
			errs = append(errs, deskLineError{Line: l.n, Key: "desk.reg.error.twice", Value: l.id})
		default:
			seen[l.id] = l.n
		}
		lines = append(lines, l)
	}
	return lines, errs
}

// errDeskRegistration rolls the registration's transaction back: some line
// failed.
var errDeskRegistration = errors.New("desk: a line of the registration failed")

// deskRegister is POST /desk/accounts: org, project_id and the accounts, one per
// line. Registered: back to the form listing them (303). Otherwise the form again
// with the input kept and each error next to its field (400), nothing registered.
func (u *ui) deskRegister(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	orgID := r.PostFormValue("org")
	if orgID == "" {
		return &badRequestError{msg: "no organization chosen"}
	}
	out, err := u.deskAccountsForm(ctx, p, v, orgID)
	if err != nil {
		return err
	}
	out.ProjectID, out.Lines = r.PostFormValue("project_id"), r.PostFormValue("accounts")
	lines, lineErrs := parseDeskAccountLines(out.Lines)
	switch {
	case len(lines) == 0:
		out.LinesError = "desk.reg.error.none"
	case len(lines) > deskRegisterMax:
		out.LinesError = "desk.reg.error.many"
	}
	if out.ProjectID == "" {
		out.ProjectError = "desk.reg.error.project"
	}
	if len(lineErrs) == 0 && out.LinesError == "" && out.ProjectError == "" {
		var done []members.Account
		register := func(ctx context.Context) error {
			done, lineErrs = done[:0], lineErrs[:0]
			for _, l := range lines {
				a, err := u.s.svc.RegisterAccount(ctx, p, orgID, members.NewAccount{ID: l.id, ProjectID: out.ProjectID, Name: l.name})
				if err == nil {
					done = append(done, a)
					continue
				}
				key, field, ok := deskRegisterError(err)
				switch {
				case !ok:
					return err
				case field == "project_id":
					out.ProjectError = key
				default:
					lineErrs = append(lineErrs, deskLineError{Line: l.n, Key: key, Value: resellerkit.Truncate(deskLineValue(l, field))})
				}
			}
			if len(lineErrs) > 0 || out.ProjectError != "" {
				return errDeskRegistration
			}
			return nil
		}
		if u.s.db != nil {
			err = u.s.db.InTx(ctx, register)
		} else {
			err = register(ctx)
		}
		switch {
		case err == nil:
			ids := make([]string, len(done))
			for i, a := range done {
				ids[i] = a.ID
			}
			q := url.Values{"org": {orgID}, "done": {strings.Join(ids, ",")}}
			return seeOther("/desk/accounts?" + q.Encode())
		case !errors.Is(err, errDeskRegistration):
			return err
		}
	}
	out.LineErrors, out.Error = lineErrs, "desk.reg.failed"
	v.Page, v.Status, v.Data = "desk_accounts.html", http.StatusBadRequest, out
	return nil
}

// deskRegisterError maps an error of RegisterAccount to a message key and the
// field it is about; false for an error that is no input's (it fails the page).
func deskRegisterError(err error) (key, field string, ok bool) {
	switch {
	case errors.Is(err, members.ErrAlreadyExists):
		return "desk.reg.error.exists", "id", true
	case errors.Is(err, members.ErrNotFound):
		return "desk.reg.error.project", "project_id", true
	case errors.Is(err, members.ErrInvalid):
		ves := validationErrors(err)
		if len(ves) == 0 {
			break
		}
		// One account a line: the first field the Service names is the line's.
		name, _, _ := strings.Cut(ves[0].Field, "[")
		key := "desk.reg.error." + name
		if _, known := catalog[key]; !known {
			key = "desk.reg.error.invalid"
		}
		return key, name, true
	}
	return "", "", false
}

// deskLineValue is the value of a line's field, for its error.
func deskLineValue(l deskAccountLine, field string) string {
	if field == "name" {
		return l.name
	}
	return l.id
}
