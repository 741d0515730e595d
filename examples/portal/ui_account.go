package main

import (
	"errors"
	"net/http"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// The account detail page: one AWS account's name and project, its current
// charges, its notification addresses and emergency phones, its security
// settings (with a link to their form, ui_security.go, for a person with
// security.edit) and the last maintenance run's drift. Each section is shown
// only when its Service answers the person (a permission error hides the
// section, not the page).

func init() { uiPages = append(uiPages, "account.html") }

// accountDetailPage is the data of the account detail page.
type accountDetailPage struct {
	ID, Name, Project string
	ClosedFrom        string // the month it was closed from, "" while open

	Charges *detailChargesView // nil: hidden (no charges.view, or no billing)
	Notify  *detailNotifyView  // nil: hidden
	Secure  *detailSecurityView
	Drift   *detailDriftView // nil: hidden
}

// detailChargesView is the account's month-to-date charges.
type detailChargesView struct {
	Month, Currency  string
	Charges, Credits string // "0.00" without data
	Updated          string // when aggregated, "" without data
}

// detailNotifyView is the account's notification addresses (C-1 … C-3).
type detailNotifyView struct {
	Lists       []detailRecipients // billing, technical, security
	LanguageKey string             // a message key for a known language, else ""
	Language    string             // the language code
	Phones      []string           // in the order they are called
	Edit        bool               // the person may edit them (contacts.edit): the edit link is shown
}

// detailRecipients is one category's TO and CC addresses.
type detailRecipients struct {
	Key    string // the category's message key
	To, CC []string
}

// detailSecurityView is the account's security settings summary (S-1, S-2).
type detailSecurityView struct {
	ProfileKey       string   // a message key
	Controls         []string // the titles of the controls on, in the reader's language
	CostMin, CostMax string   // USD a month
	Regions          int
	Edit             string // the form's path for a person with security.edit, else ""
}

// detailDriftView is what the last maintenance run that reached the account
// found and did (S-3).
type detailDriftView struct {
	None                             bool // no run has reached the account yet
	Started, Ended, StateKey         string
	Items, Drifted, Repaired, Failed int
	Rows                             []detailDriftRow // the items with drift, a repair, a report or a failure
}

// detailDriftRow is one item of the run worth showing.
type detailDriftRow struct {
	Control, Region, ActionKey, Detail string
	Failed                             bool
}

// accountDetail is GET /orgs/{org}/accounts/{account}: one account of the
// organization, as a member (or an operator) may read it; another organization's
// person gets the Service's 403 or 404.
func (u *ui) accountDetail(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("account")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	a, err := u.s.svc.GetAccount(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	month := resellerkit.MonthOf(u.s.now())
	out := accountDetailPage{ID: a.ID, Name: a.Name}
	if !a.ClosedFrom.IsZero() {
		out.ClosedFrom = a.ClosedFrom.String()
	}
	if pid, ok := a.ProjectAt(month); ok {
		out.Project = pid
		pr, err := u.s.svc.GetProject(ctx, p, orgID, pid)
		switch {
		case err == nil && pr.Name != "":
			out.Project = pr.Name
		case err != nil && !detailHidden(err):
			return err
		}
	}
	if out.Charges, err = u.detailCharges(r, orgID, a.ID, month); err != nil {
		return err
	}
	if out.Notify, err = u.detailNotify(r, orgID, a.ID); err != nil {
		return err
	}
	if out.Secure, err = u.detailSecurity(r, v.Lang, orgID, a.ID); err != nil {
		return err
	}
	if out.Drift, err = u.detailDrift(r, v.Lang, orgID, a.ID); err != nil {
		return err
	}
	v.Page, v.Data = "account.html", out
	return nil
}

// detailHidden reports whether err only hides a section: the person lacks the
// permission (or the thing is not theirs to see).
func detailHidden(err error) bool {
	return errors.Is(err, members.ErrPermissionDenied)
}

// detailCharges returns the account's month-to-date charges, nil when the
// person may not see charges.
func (u *ui) detailCharges(r *http.Request, orgID, id string, month resellerkit.Month) (*detailChargesView, error) {
	if u.s.bill == nil {
		return nil, nil
	}
	c, err := u.s.bill.OrgCharges(r.Context(), principal(r), orgID, month)
	if err != nil {
		if detailHidden(err) {
			return nil, nil
		}
		return nil, err
	}
	var charges, credits money.Decimal
	found := false
	for i := range c.Projects {
		if ac, ok := c.Projects[i].Account(id); ok {
			found = true
			charges, credits = charges.Add(ac.ChargesUSD), credits.Add(ac.CreditsUSD)
		}
	}
	out := &detailChargesView{Month: month.String(), Currency: string(c.CostCurrency),
		Charges: formatAmount(charges), Credits: formatAmount(credits)}
	if found && !c.LastUpdated.IsZero() {
		out.Updated = c.LastUpdated.In(tokyo).Format("2006-01-02 15:04 MST")
	}
	return out, nil
}

// detailNotify returns the account's notification addresses, nil when the
// person may not see them.
func (u *ui) detailNotify(r *http.Request, orgID, id string) (*detailNotifyView, error) {
	if u.s.notices == nil {
		return nil, nil
	}
	c, err := u.s.notices.GetAccountContacts(r.Context(), principal(r), orgID, id)
	if err != nil {
		if detailHidden(err) {
			return nil, nil
		}
		return nil, err
	}
	out := &detailNotifyView{Language: string(c.Language), Phones: c.Phones,
		Edit: u.s.svc.Authorize(r.Context(), principal(r), orgID, members.PermContactsEdit) == nil}
	switch c.Language {
	case contacts.Japanese, contacts.English:
		out.LanguageKey = "account.notify.lang." + string(c.Language)
	}
	for _, cat := range contacts.Categories() {
		l := c.Recipients.For(cat)
		out.Lists = append(out.Lists, detailRecipients{Key: "account.notify." + string(cat), To: l.To, CC: l.CC})
	}
	return out, nil
}

// detailSecurity returns the account's security settings summary, nil when the
// person may not see them.
func (u *ui) detailSecurity(r *http.Request, l lang, orgID, id string) (*detailSecurityView, error) {
	if u.s.sec == nil {
		return nil, nil
	}
	st, est, err := u.s.sec.GetSettings(r.Context(), principal(r), orgID, id)
	if err != nil {
		if detailHidden(err) {
			return nil, nil
		}
		return nil, err
	}
	titles := map[security.ControlID]security.Control{}
	for _, c := range security.Catalog() {
		titles[c.ID] = c
	}
	out := &detailSecurityView{ProfileKey: "account.security.profile.basic",
		CostMin: formatAmount(est.Min), CostMax: formatAmount(est.Max), Regions: est.Regions}
	if st.Profile == security.Secure {
		out.ProfileKey = "account.security.profile.secure"
	}
	if u.s.svc.Authorize(r.Context(), principal(r), orgID, members.PermSecurityEdit) == nil {
		out.Edit = securityEditPath(orgID, id)
	}
	for _, cc := range est.Controls {
		c, ok := titles[cc.Control]
		switch {
		case !ok:
			out.Controls = append(out.Controls, string(cc.Control))
		case l == langEN:
			out.Controls = append(out.Controls, c.TitleEN)
		default:
			out.Controls = append(out.Controls, c.TitleJA)
		}
	}
	return out, nil
}

// detailDrift returns what the last maintenance run that reached the account
// found and did, nil when the person may not see it.
func (u *ui) detailDrift(r *http.Request, l lang, orgID, id string) (*detailDriftView, error) {
	if u.s.sec == nil {
		return nil, nil
	}
	run, items, err := u.s.sec.LastDrift(r.Context(), principal(r), orgID, id)
	switch {
	case errors.Is(err, security.ErrNotFound):
		return &detailDriftView{None: true}, nil
	case err != nil && detailHidden(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	out := &detailDriftView{Started: jst(run.StartedAt), Ended: jst(run.FinishedAt), StateKey: "security.run." + string(run.State),
		Items: len(items)}
	for _, it := range items {
		if it.Drift {
			out.Drifted++
		}
		switch it.Action {
		case security.ActionRepaired:
			out.Repaired++
		case security.ActionFailed:
			out.Failed++
		}
		if !it.Drift && it.Action != security.ActionFailed && it.Action != security.ActionRepaired && it.Action != security.ActionReported {
			continue
		}
		row := detailDriftRow{Control: string(it.Control), Region: it.Region, ActionKey: "security.action." + string(it.Action),
			Detail: it.Detail, Failed: it.Action == security.ActionFailed}
		if c, ok := security.Lookup(it.Control); ok {
			row.Control = securityTitle(c, l)
		}
		if row.Detail == "" {
			row.Detail = it.Observed.Detail
		}
		if it.Error != "" {
			row.Detail = resellerkit.Truncate(it.Error)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
