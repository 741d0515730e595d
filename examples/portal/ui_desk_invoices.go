package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The desk's monthly invoicing (operators only): for a month, whether its
// invoices can be issued (billing's calendar: from the 10th of the next month,
// Japan time, B-16; and cost data stored, B-14), per organization what is to bill
// and what is issued, and a button issuing the month with billing.Service's
// IssueInvoices — the monthly job's call (examples/billing-job), idempotent: a
// second click finds the invoices issued and issues none. It issues for every
// organization, so only an operator signed in with MFA may (M-6). The result lists the
// issued invoices with their PDF and CSV, the projects skipped, the late credits
// no invoice carries (Uncarried, for an operator to settle) and the computation's
// warnings.

func init() {
	uiPages = append(uiPages, "desk_invoices.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /desk/invoices", u.page(u.deskInvoices))
		mux.HandleFunc("POST /desk/invoices", u.page(u.deskIssue))
	})
}

// deskCalendar is the portal's billing calendar: billing's default (doc.go).
var deskCalendar = billing.Calendar{}

// deskInvoicesPage is the data of the monthly invoicing page.
type deskInvoicesPage struct {
	Period, Prev, Next   string // the month, and links to the months around it
	PrevMonth, NextMonth string
	IssueFrom            string // the first issue day, a date in Japan
	Ready                bool   // the month can be issued now
	NeedMFA              bool   // the operator did not sign in with MFA: may not issue (M-6)
	NotReadyKey          string // why not: a message key, "" when ready
	NotReadyArg          string
	DataUpdated          string // when its cost data was aggregated, "" without data

	Orgs      []deskIssueOrgRow
	Truncated bool // more organizations than listed
	Invoices  []deskIssuedRow

	// After an issue.
	Done      bool
	Created   int
	Existing  int
	Skipped   []string
	Uncarried []deskUncarriedRow
	Warnings  []string
	Error     string // a message key for the page, "" for none
	ErrorArg  string
}

// deskIssueOrgRow is one organization's state for the month.
type deskIssueOrgRow struct {
	ID, Name       string
	ToBill, Issued int    // projects with charges this month; invoices issued
	StateKey       string // desk.issue.state.*
}

// deskIssuedRow is one issued invoice with its files.
type deskIssuedRow struct {
	ID, OrgID, Org, Number, Project, Total, Currency, IssueDate, DueDate string
	PDFJa, PDFEn, CSV                                                    string
	Created                                                              bool // issued by this click
}

// deskUncarriedRow is a late credit no invoice of the month carries.
type deskUncarriedRow struct {
	OrgID, Project, Account, RefPeriod, Amount string
}

// deskInvoicesPath is the page of period.
func deskInvoicesPath(period resellerkit.Month) string {
	return "/desk/invoices?" + url.Values{"period": {period.String()}}.Encode()
}

// deskToday is the Japanese calendar date of now, as billing's calendar dates
// are (midnight UTC of the day).
func deskToday(now time.Time) time.Time {
	y, m, d := now.In(billing.JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// deskPeriod reads a period (YYYY-MM): when absent, the month an operator
// issues next (the one the demo seed issues: demoInvoiceMonth).
func (u *ui) deskPeriod(value string) (resellerkit.Month, error) {
	if value == "" {
		return demoInvoiceMonth(u.s.now(), deskCalendar), nil
	}
	m, err := resellerkit.ParseMonth(value)
	if err != nil || m.IsZero() {
		return m, &badRequestError{msg: "period: want a month as YYYY-MM"}
	}
	return m, nil
}

// deskInvoices is GET /desk/invoices?period=YYYY-MM.
func (u *ui) deskInvoices(_ http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	if u.s.bill == nil {
		return errNoEndpoint
	}
	period, err := u.deskPeriod(r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	out, err := u.deskInvoicesData(r.Context(), p, v, period, nil)
	if err != nil {
		return err
	}
	v.Page, v.Data = "desk_invoices.html", out
	return nil
}

// deskIssue is POST /desk/invoices (period): the month's invoices issued, and
// the page again with what was issued now and what was issued before. A month
// not ready is the page with why (409); nothing is issued.
func (u *ui) deskIssue(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	if u.s.bill == nil {
		return errNoEndpoint
	}
	if r.PostFormValue("period") == "" { // never a default month to issue
		return &badRequestError{msg: "period: required"}
	}
	period, err := u.deskPeriod(r.PostFormValue("period"))
	if err != nil {
		return err
	}
	// The Service takes no principal and issues for every organization, those
	// that enforce MFA among them (M-6): only an operator signed in with MFA
	// passes that gate for all of them, so only such an operator issues.
	if !p.MFA {
		return fmt.Errorf("%w: issuing invoices needs an operator signed in with MFA", members.ErrMFARequired)
	}
	if err := u.loadOrgs(ctx, p, v, ""); err != nil {
		return err
	}
	issued, err := u.s.bill.IssueInvoices(ctx, period)
	status := http.StatusOK
	switch {
	case errors.Is(err, billing.ErrNotReady):
		status = http.StatusConflict
	case err != nil:
		return err
	}
	var res *billing.Issued
	if err == nil {
		res = &issued
	}
	out, derr := u.deskInvoicesData(ctx, p, v, period, res)
	if derr != nil {
		return derr
	}
	if status == http.StatusConflict {
		out.Error = "desk.issue.notready"
		if out.NotReadyKey == "" { // the Service knows better than the page: say so plainly
			out.NotReadyKey = "desk.issue.why.data"
		}
	}
	v.Page, v.Status, v.Data = "desk_invoices.html", status, out
	return nil
}

// deskInvoicesData is the page of period: its readiness, each organization's
// state and the issued invoices; res, when not nil, is what an issue just did.
func (u *ui) deskInvoicesData(ctx context.Context, p members.Principal, v *view, period resellerkit.Month, res *billing.Issued) (deskInvoicesPage, error) {
	now := u.s.now()
	from := deskCalendar.IssueFrom(period)
	out := deskInvoicesPage{Period: period.String(), PrevMonth: period.Prev().String(), NextMonth: period.Next().String(),
		IssueFrom: from.Format(time.DateOnly), NeedMFA: !p.MFA}
	out.Prev, out.Next = deskInvoicesPath(period.Prev()), deskInvoicesPath(period.Next())
	if len(v.Orgs) == 0 {
		if err := u.loadOrgs(ctx, p, v, ""); err != nil {
			return out, err
		}
	}
	out.Truncated = len(v.Orgs) >= uiSwitcherLimit
	charges, err := u.s.bill.CurrentCharges(ctx, period)
	if err != nil {
		return out, err
	}
	toBill, projectNames := map[string]int{}, map[string]string{}
	for _, pc := range charges.Projects {
		projectNames[pc.ProjectID] = pc.ProjectName
		if len(pc.Accounts) > 0 || !pc.Estimate.IsZero() {
			toBill[pc.OrgID]++
		}
	}
	switch {
	case deskToday(now).Before(from):
		out.NotReadyKey, out.NotReadyArg = "desk.issue.why.day", out.IssueFrom
	case len(charges.Reports) == 0:
		out.NotReadyKey = "desk.issue.why.data"
	default:
		out.Ready = true
	}
	out.DataUpdated = jst(charges.LastUpdated)
	created := map[string]bool{}
	if res != nil {
		out.Done, out.Skipped, out.Warnings = true, res.Skipped, res.Warnings
		for _, inv := range res.Invoices {
			created[inv.ID] = inv.Created
			if inv.Created {
				out.Created++
			} else {
				out.Existing++
			}
		}
		for _, c := range res.Uncarried {
			out.Uncarried = append(out.Uncarried, deskUncarriedRow{OrgID: c.OrgID, Project: c.ProjectID, Account: c.AccountID,
				RefPeriod: c.RefPeriod.String(), Amount: exactAmount(c.AmountUSD, 2)})
		}
	}
	for _, o := range v.Orgs {
		docs, err := u.deskMonthInvoices(ctx, p, o.ID, period)
		if err != nil {
			return out, err
		}
		row := deskIssueOrgRow{ID: o.ID, Name: o.DisplayName(), ToBill: toBill[o.ID], Issued: len(docs)}
		switch {
		case row.ToBill == 0 && row.Issued == 0:
			row.StateKey = "desk.issue.state.nothing"
		case row.Issued >= row.ToBill:
			row.StateKey = "desk.issue.state.issued"
		case !out.Ready:
			row.StateKey = "desk.issue.state.notready"
		case row.Issued > 0:
			row.StateKey = "desk.issue.state.partly"
		default:
			row.StateKey = "desk.issue.state.ready"
		}
		out.Orgs = append(out.Orgs, row)
		for _, d := range docs {
			link := "/orgs/" + url.PathEscape(d.OrgID) + "/invoices/" + url.PathEscape(d.ID)
			project := d.ProjectID
			if name := projectNames[d.ProjectID]; name != "" {
				project = name
			}
			out.Invoices = append(out.Invoices, deskIssuedRow{ID: d.ID, OrgID: d.OrgID, Org: row.Name, Number: d.Number, Project: project,
				Total: exactAmount(d.Total.Decimal(), d.Total.Currency().MinorDigits()), Currency: string(d.Total.Currency()),
				IssueDate: date(d.IssueDate), DueDate: date(d.DueDate),
				PDFJa: link + ".pdf?lang=ja", PDFEn: link + ".pdf?lang=en", CSV: link + ".csv", Created: created[d.ID]})
		}
	}
	slices.SortStableFunc(out.Invoices, func(a, b deskIssuedRow) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// deskMonthInvoices returns the invoices of orgID for period (not its credit
// notes), as the operator reads them.
func (u *ui) deskMonthInvoices(ctx context.Context, p members.Principal, orgID string, period resellerkit.Month) ([]billing.Document, error) {
	var (
		out  []billing.Document
		page = resellerkit.Page{Limit: resellerkit.MaxPageLimit}
	)
	for {
		docs, next, err := u.s.bill.ListDocuments(ctx, p, orgID, billing.DocumentFilter{Period: period, Kind: billing.DocInvoice}, page)
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
		if next == "" {
			return out, nil
		}
		page.Token = next
	}
}
