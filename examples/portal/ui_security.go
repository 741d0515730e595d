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
	"github.com/seeda33a2f4f/resellerkit/security"
)

// The security settings form of an account (S-1, S-2; security.edit): the
// profile, and for each control a customer may choose (initial and maintained
// ones) whether it follows the profile or is turned on or off; managed controls
// are always on. "Preview" shows the estimated monthly cost of the input without
// saving (security.EstimateCost, the Service's own estimate); "save" calls
// security.Service.UpdateSettings with the version read, which records who
// changed what; the changes recorded are listed. A ValidationError is shown next
// to its field with the input kept; a stale version shows the settings as they
// are now. The page is the 403 page without security.edit.

func init() {
	uiPages = append(uiPages, "security_edit.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /orgs/{org}/accounts/{account}/security/edit", u.page(u.securityEdit))
		mux.HandleFunc("POST /orgs/{org}/accounts/{account}/security/edit", u.page(u.securityEdit))
	})
}

// securityChangesShown is how many recorded changes the form lists.
const securityChangesShown = 10

// securityEditPage is the data of the form.
type securityEditPage struct {
	AccountID, AccountName string
	Profile                string          // the input
	Profiles               []supportOption // basic, secure
	Controls               []securityControlRow
	Version                string // the version read
	Regions                []string

	Estimate  securityEstimateView // of the input when Previewed, else of the saved settings
	Saved     securityEstimateView // of the saved settings
	Previewed bool                 // the estimate is the input's, not saved
	Done      bool                 // saved (after the redirect)
	UpdatedAt string               // when the saved settings were saved, "" for the defaults

	Errors map[string]*supportFieldError // by field: profile, choice.<control>
	Error  string                        // a message key for the form, "" for none

	Changes []securityChangeRow
}

// securityControlRow is one control of the catalogue in the form.
type securityControlRow struct {
	ID, Title, ClassKey string
	Managed             bool   // always on: no choice
	PerRegion           bool   // its cost is per region
	Choice              string // the input: "" (the profile's), "on" or "off"
	ProfileOn           bool   // on in the input's profile
	On                  bool   // on with the input
	CostMin, CostMax    string // per account (per region when PerRegion), USD a month
}

// securityEstimateView is an estimate as the page shows it.
type securityEstimateView struct {
	Min, Max string // USD a month
	Regions  int
	Lines    []securityCostLine
}

// securityCostLine is one control's part of an estimate.
type securityCostLine struct {
	Title, Min, Max string
}

// securityChangeRow is one recorded change.
type securityChangeRow struct {
	At, By  string
	Summary []string // what changed, in the reader's language
}

// securityEditPath is the form of an account.
func securityEditPath(orgID, accountID string) string {
	return "/orgs/" + url.PathEscape(orgID) + "/accounts/" + url.PathEscape(accountID) + "/security/edit"
}

// securityTitle is c's title in l.
func securityTitle(c security.Control, l lang) string {
	if l == langEN {
		return c.TitleEN
	}
	return c.TitleJA
}

// securityEstimate is e as the page shows it.
func securityEstimate(e security.Estimate, l lang) securityEstimateView {
	out := securityEstimateView{Min: formatAmount(e.Min), Max: formatAmount(e.Max), Regions: e.Regions}
	for _, cc := range e.Controls {
		title := string(cc.Control)
		if c, ok := security.Lookup(cc.Control); ok {
			title = securityTitle(c, l)
		}
		out.Lines = append(out.Lines, securityCostLine{Title: title, Min: formatAmount(cc.Min), Max: formatAmount(cc.Max)})
	}
	return out
}

// securityEdit is GET and POST /orgs/{org}/accounts/{account}/security/edit.
// A post's action is "preview" (the page again with the input's estimate,
// nothing saved) or "save" (saved: back to the form with a notice, 303).
func (u *ui) securityEdit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("account")
	if u.s.sec == nil {
		return errNoEndpoint
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	// The form is for whoever may save it: the Service checks again on save.
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermSecurityEdit); err != nil {
		return err
	}
	a, err := u.s.svc.GetAccount(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	saved, est, err := u.s.sec.GetSettings(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	v.Page = "security_edit.html"
	if r.Method == http.MethodGet {
		out := u.securityForm(a, saved, saved, est, v.Lang)
		out.Done = r.URL.Query().Get("saved") != ""
		if out.Changes, err = u.securityChanges(ctx, p, orgID, id, v.Lang); err != nil {
			return err
		}
		v.Data = out
		return nil
	}

	input, errs := securityFormInput(r.PostForm, orgID, id)
	version, verr := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if verr != nil || version < 0 {
		return &badRequestError{msg: "version: want the version read"}
	}
	status := http.StatusOK
	out := u.securityForm(a, saved, input, est, v.Lang)
	// The form carries the version the person read, whatever the answer (but a
	// conflict's, which shows the settings as they are now): carrying the saved
	// one would let the next save overwrite a change the person never saw.
	out.Version = strconv.FormatInt(version, 10)
	switch {
	case len(errs) > 0:
		status, out.Error = http.StatusBadRequest, "security.edit.failed"
	case r.PostFormValue("action") == "save":
		_, _, err := u.s.sec.UpdateSettings(ctx, p, orgID, id, security.SettingsUpdate{Profile: input.Profile, Choices: input.Choices, Version: version})
		switch {
		case err == nil:
			return seeOther(securityEditPath(orgID, id) + "?saved=1")
		case errors.Is(err, security.ErrConflict):
			// Someone saved meanwhile: the settings as they are now, to decide again.
			now, nowEst, gerr := u.s.sec.GetSettings(ctx, p, orgID, id)
			if gerr != nil {
				return gerr
			}
			out = u.securityForm(a, now, now, nowEst, v.Lang)
			status, out.Error = http.StatusConflict, "security.edit.conflict"
		case errors.Is(err, security.ErrInvalid):
			out.Errors = securityFieldErrors(err)
			if len(out.Errors) == 0 {
				return err
			}
			status, out.Error = http.StatusBadRequest, "security.edit.failed"
		default:
			return err
		}
	default: // preview
		out.Previewed = true
		out.Estimate = securityEstimate(security.EstimateCost(input, len(u.s.sec.Regions())), v.Lang)
	}
	if len(errs) > 0 {
		out.Errors = errs
	}
	if out.Changes, err = u.securityChanges(ctx, p, orgID, id, v.Lang); err != nil {
		return err
	}
	v.Status, v.Data = status, out
	return nil
}

// securityForm is the form of account a whose saved settings are saved (with
// their estimate est), showing input.
func (u *ui) securityForm(a members.Account, saved, input security.Settings, est security.Estimate, l lang) securityEditPage {
	out := securityEditPage{AccountID: a.ID, AccountName: a.Name, Profile: string(input.Profile),
		Profiles: []supportOption{{Value: string(security.Basic), Key: "account.security.profile.basic"},
			{Value: string(security.Secure), Key: "account.security.profile.secure"}},
		Version: strconv.FormatInt(saved.Version, 10), Regions: u.s.sec.Regions(),
		Estimate: securityEstimate(est, l), Saved: securityEstimate(est, l), UpdatedAt: jst(saved.UpdatedAt)}
	profileOnly := security.Settings{Profile: input.Profile}
	for _, c := range security.Catalog() {
		row := securityControlRow{ID: string(c.ID), Title: securityTitle(c, l), ClassKey: "security.class." + string(c.Class),
			Managed: c.Class == security.Managed, PerRegion: c.PerRegion, ProfileOn: profileOnly.On(c), On: input.On(c),
			CostMin: formatAmount(c.CostMin), CostMax: formatAmount(c.CostMax)}
		if on, ok := input.Choices[c.ID]; ok && !row.Managed {
			row.Choice = "off"
			if on {
				row.Choice = "on"
			}
		}
		out.Controls = append(out.Controls, row)
	}
	return out
}

// securityFormInput reads the form: profile, and choice.<control> = "", "on" or
// "off" for each control chosen. Errors by field: a profile or a choice that is
// not one, and what Settings.Validate says (a managed control turned off).
func securityFormInput(form url.Values, orgID, accountID string) (security.Settings, map[string]*supportFieldError) {
	s := security.Settings{OrgID: orgID, AccountID: accountID, Profile: security.Profile(form.Get("profile")),
		Choices: map[security.ControlID]bool{}}
	errs := map[string]*supportFieldError{}
	for name, vals := range form {
		id, ok := strings.CutPrefix(name, "choice.")
		if !ok {
			continue
		}
		switch vals[0] {
		case "":
		case "on":
			s.Choices[security.ControlID(id)] = true
		case "off":
			s.Choices[security.ControlID(id)] = false
		default:
			errs[name] = &supportFieldError{Key: "security.error.choice"}
		}
	}
	for k, fe := range securityFieldErrors(s.Validate()) {
		if _, ok := errs[k]; !ok {
			errs[k] = fe
		}
	}
	return s, errs
}

// securityFieldErrors maps the ValidationErrors of security.Service (fields
// "profile" and "choices.<control>") to the form's fields.
func securityFieldErrors(err error) map[string]*supportFieldError {
	out := map[string]*supportFieldError{}
	for _, ve := range validationErrors(err) {
		switch {
		case ve.Field == "profile":
			out["profile"] = &supportFieldError{Key: "security.error.profile"}
		case strings.HasPrefix(ve.Field, "choices."):
			key := "security.error.control"
			if errors.Is(err, security.ErrManaged) && ve.Value == "false" {
				key = "security.error.managed"
			}
			out["choice."+strings.TrimPrefix(ve.Field, "choices.")] = &supportFieldError{Key: key, Arg: ve.Value}
		}
	}
	return out
}

// securityChanges returns the account's latest recorded changes, each as who
// (an email when the person may know it) and what changed: the profile and the
// controls whose state changed.
func (u *ui) securityChanges(ctx context.Context, p members.Principal, orgID, id string, l lang) ([]securityChangeRow, error) {
	changes, _, err := u.s.sec.ListChanges(ctx, p, orgID, id, resellerkit.Page{Limit: securityChangesShown})
	if err != nil {
		return nil, err
	}
	var out []securityChangeRow
	who := map[string]string{p.IdentityID: p.Email}
	for _, ch := range changes {
		by, ok := who[ch.By]
		if !ok {
			// A member's email, when the person may read members (user.view);
			// else the identity id the change recorded.
			by = ch.By
			if m, err := u.s.svc.GetMember(ctx, p, orgID, ch.By); err == nil && m.Email != "" {
				by = m.Email
			}
			who[ch.By] = by
		}
		row := securityChangeRow{At: jst(ch.At), By: by}
		if ch.Before.Profile != ch.After.Profile {
			row.Summary = append(row.Summary, translateOr(l, "security.change.profile",
				translateOr(l, "account.security.profile."+string(ch.Before.Profile)), translateOr(l, "account.security.profile."+string(ch.After.Profile))))
		}
		for _, c := range security.Catalog() {
			before, after := ch.Before.On(c), ch.After.On(c)
			switch {
			case before == after:
			case after:
				row.Summary = append(row.Summary, translateOr(l, "security.change.on", securityTitle(c, l)))
			default:
				row.Summary = append(row.Summary, translateOr(l, "security.change.off", securityTitle(c, l)))
			}
		}
		if len(row.Summary) == 0 {
			row.Summary = []string{translateOr(l, "security.change.none")}
		}
		out = append(out, row)
	}
	return out, nil
}

// translateOr is key's message in l with args, or key itself when the catalog
// has none (a profile an older version saved, say).
func translateOr(l lang, key string, args ...any) string {
	s, err := translate(l, key, args...)
	if err != nil {
		return key
	}
	return s
}
