package main

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// uiPageLimit is how many accounts one page of the list shows (limit= may ask
// for another number, up to resellerkit.MaxPageLimit).
const uiPageLimit = 50

// tokyo is where "last updated" is shown: the portal's customers are in Japan.
var tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return l
}()

// accountsPage is the data of the accounts list.
type accountsPage struct {
	Rows        []accountRow
	ShowCharges bool   // the person has charges.view
	Currency    string // of the charges
	// The selection's actions: filing closure or owner-change applications
	// (application.submit) and the bulk edit (contacts.edit); without either, no
	// selection is offered.
	CanApply, CanBulk bool
	First, Next       string // links to the first and the next page, "" for none
}

// accountRow is one account of the list.
type accountRow struct {
	ID, Name, Project string
	ClosedFrom        string // the month it was closed from, "" while open
	Charges           string // month to date, "0.00" without data
	Updated           string // when the charges were aggregated, "" without data
}

// accounts is GET /orgs/{org}/accounts: a page of the organization's accounts with
// each one's month-to-date charges and when they were last aggregated (B-13),
// the charges only for a person with charges.view.
func (u *ui) accounts(_ http.ResponseWriter, r *http.Request, v *view) error {
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
	accts, next, err := u.s.svc.ListAccounts(ctx, p, orgID, page)
	if err != nil {
		return err
	}
	month := resellerkit.MonthOf(u.s.now())

	// Project names, when the person may see projects (project.view).
	names := map[string]string{}
	projects, _, err := u.s.svc.ListProjects(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	switch {
	case err == nil:
		for _, pr := range projects {
			names[pr.ID] = pr.Name
		}
	case !errors.Is(err, members.ErrPermissionDenied):
		return err
	}

	out := accountsPage{}
	var charges *billing.Charges
	if u.s.bill != nil {
		charges, err = u.s.bill.OrgCharges(ctx, p, orgID, month)
		switch {
		case err == nil:
			out.ShowCharges = true
			out.Currency = string(charges.CostCurrency)
		case !errors.Is(err, members.ErrPermissionDenied):
			return err
		}
	}
	byAccount := map[string]money.Decimal{}
	if charges != nil {
		for _, pc := range charges.Projects {
			for _, a := range pc.Accounts {
				byAccount[a.AccountID] = byAccount[a.AccountID].Add(a.ChargesUSD)
			}
		}
	}
	if out.CanApply, err = u.may(ctx, p, orgID, members.PermApplicationSubmit); err != nil {
		return err
	}
	if out.CanBulk, err = u.may(ctx, p, orgID, members.PermContactsEdit); err != nil {
		return err
	}
	for _, a := range accts {
		row := accountRow{ID: a.ID, Name: a.Name}
		if id, ok := a.ProjectAt(month); ok {
			row.Project = names[id]
			if row.Project == "" {
				row.Project = id
			}
		}
		if !a.ClosedFrom.IsZero() {
			row.ClosedFrom = a.ClosedFrom.String()
		}
		if out.ShowCharges {
			amount, ok := byAccount[a.ID]
			row.Charges = formatAmount(amount)
			if ok && !charges.LastUpdated.IsZero() {
				row.Updated = charges.LastUpdated.In(tokyo).Format("2006-01-02 15:04 MST")
			}
		}
		out.Rows = append(out.Rows, row)
	}
	base := "/orgs/" + url.PathEscape(orgID) + "/accounts"
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
	v.Page, v.Data = "accounts.html", out
	return nil
}

// formatAmount writes a decimal amount with 2 places and thousands separators:
// 12345.6 → "12,345.60".
func formatAmount(d money.Decimal) string {
	s := d.Round(2, money.HalfUp).StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}
