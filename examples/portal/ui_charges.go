package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The charges and documents pages (issue 14): month-to-date charges by project,
// account, service and CmBillingGroup with a server-rendered SVG chart
// (charges.view), and the organization's invoices and credit notes with their
// PDF and CSV (invoice.view), served by the UI on the session cookie through the
// API's own export code (documentPDF, documentCSV).

func init() {
	uiPages = append(uiPages, "charges.html", "invoices.html")
}

// chargesPage is the data of the charges page.
type chargesPage struct {
	Period, Prev, Next string // the month shown; links to the months around it ("" for none)
	PrevMonth          string // the previous month, as the link's text
	NextMonth          string
	Currency           string
	Updated            string // when the data was aggregated, in JST; "" without data
	Total, Estimate    string
	Projects           []chargesProjectRow
	Accounts           []chargesAmountRow
	Services           []chargesAmountRow
	Groups             []chargesAmountRow // Name "" is the untagged charges
	Chart              chargesChart
}

// chargesProjectRow is one project's month to date.
type chargesProjectRow struct {
	Name                                                string
	Charges, Credits, CustomItems, SupportFee, Estimate string
}

// chargesAmountRow is one account, service or billing group and its charges.
type chargesAmountRow struct {
	Name, Project, Amount string
}

// chargesChart is the services' bar chart, in SVG user units.
type chargesChart struct {
	Width, Height int
	LabelWidth    int // where the bars start
	Bars          []chargesBar
}

// chargesBar is one bar of the chart.
type chargesBar struct {
	Label, Amount   string
	Y, TextY, Width int
	AmountX         int
}

// The chart's geometry: a label column, then the bars up to chartBarMax units.
const (
	chartLabelWidth = 180
	chartBarMax     = 360
	chartRow        = 28
	chartBar        = 18
	chartMaxBars    = 15
)

// charges is GET /orgs/{org}/charges?period=YYYY-MM (charges.view): the
// organization's month-to-date charges (B-13) by project, account, service and
// CmBillingGroup, and "last updated" in Japan time.
func (u *ui) charges(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	period, err := u.s.period(r)
	if err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if u.s.bill == nil {
		return errNoEndpoint
	}
	c, err := u.s.bill.OrgCharges(ctx, p, orgID, period)
	if err != nil {
		return err
	}
	places := max(int32(2), c.CostCurrency.MinorDigits())
	out := chargesPage{Period: period.String(), Currency: string(c.CostCurrency),
		PrevMonth: period.Prev().String(), NextMonth: period.Next().String()}
	base := "/orgs/" + url.PathEscape(orgID) + "/charges?period="
	out.Prev = base + period.Prev().String()
	if current := resellerkit.MonthOf(u.s.now()); period.Before(current) {
		out.Next = base + period.Next().String()
	}
	if !c.LastUpdated.IsZero() {
		out.Updated = c.LastUpdated.In(tokyo).Format("2006-01-02 15:04 MST")
	}
	var total, estimate money.Decimal
	services, groups := map[string]money.Decimal{}, map[string]money.Decimal{}
	for _, pc := range c.Projects {
		name := cmpOr(pc.ProjectName, pc.ProjectID)
		total, estimate = total.Add(pc.Charges), estimate.Add(pc.Estimate)
		out.Projects = append(out.Projects, chargesProjectRow{Name: name,
			Charges: exactAmount(pc.Charges, places), Credits: exactAmount(pc.Credits, places),
			CustomItems: exactAmount(pc.CustomItems, places), SupportFee: exactAmount(pc.SupportFee, places),
			Estimate: exactAmount(pc.Estimate, places)})
		for _, a := range pc.Accounts {
			out.Accounts = append(out.Accounts, chargesAmountRow{Name: a.AccountID, Project: name, Amount: exactAmount(a.ChargesUSD, places)})
		}
		for _, s := range pc.Services {
			services[s.Service] = services[s.Service].Add(s.ChargesUSD)
		}
		for _, g := range pc.BillingGroups {
			groups[g.Group] = groups[g.Group].Add(g.ChargesUSD)
		}
	}
	out.Total, out.Estimate = exactAmount(total, places), exactAmount(estimate, places)
	sortedServices := byAmount(services)
	for _, k := range sortedServices {
		out.Services = append(out.Services, chargesAmountRow{Name: k, Amount: exactAmount(services[k], places)})
	}
	for _, k := range byAmount(groups) {
		out.Groups = append(out.Groups, chargesAmountRow{Name: k, Amount: exactAmount(groups[k], places)})
	}
	out.Chart = chart(sortedServices, services, places)
	v.Page, v.Data = "charges.html", out
	return nil
}

// byAmount returns m's keys, the largest amount first (then by key).
func byAmount(m map[string]money.Decimal) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := m[b].Cmp(m[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return keys
}

// chart draws the services' charges as horizontal bars, the largest first (at
// most chartMaxBars); a bar's length is its share of the largest (negative
// amounts draw none). Only the geometry is approximate: the labels are exact.
func chart(keys []string, m map[string]money.Decimal, places int32) chargesChart {
	if len(keys) > chartMaxBars {
		keys = keys[:chartMaxBars]
	}
	out := chargesChart{LabelWidth: chartLabelWidth, Width: chartLabelWidth + chartBarMax + 140, Height: max(1, len(keys)) * chartRow}
	var top float64
	if len(keys) > 0 {
		top = toFloat(m[keys[0]])
	}
	for i, k := range keys {
		w := 0
		if f := toFloat(m[k]); top > 0 && f > 0 {
			w = max(1, int(f/top*chartBarMax+0.5))
		}
		y := i * chartRow
		out.Bars = append(out.Bars, chargesBar{Label: k, Amount: exactAmount(m[k], places), Y: y + (chartRow-chartBar)/2,
			TextY: y + chartRow/2 + 5, Width: w, AmountX: chartLabelWidth + w + 6})
	}
	return out
}

func toFloat(d money.Decimal) float64 {
	f, err := strconv.ParseFloat(d.String(), 64)
	if err != nil {
		return 0
	}
	return f
}

// exactAmount writes d exactly, with at least places decimals and thousands
// separators: 12345.678901 → "12,345.678901", 5 → "5.00".
func exactAmount(d money.Decimal, places int32) string {
	s := d.StringFixed(max(places, d.Places()))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
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
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// ---- documents ----

// invoicesPage is the data of the documents page.
type invoicesPage struct {
	Rows        []invoiceRow
	First, Next string
}

// invoiceRow is one invoice or credit note.
type invoiceRow struct {
	ID, Number, Period, KindKey, Total, Currency, IssueDate string
	PDFJa, PDFEn, CSV                                       string // links
}

// invoices is GET /orgs/{org}/invoices (invoice.view): the organization's
// invoices and credit notes, a page at a time, with links to their PDF (in
// Japanese or English) and CSV.
func (u *ui) invoices(_ http.ResponseWriter, r *http.Request, v *view) error {
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
	if u.s.bill == nil {
		return errNoEndpoint
	}
	docs, next, err := u.s.bill.ListDocuments(ctx, p, orgID, billing.DocumentFilter{}, page)
	if err != nil {
		return err
	}
	base := "/orgs/" + url.PathEscape(orgID) + "/invoices"
	out := invoicesPage{}
	for _, d := range docs {
		link := base + "/" + url.PathEscape(d.ID)
		kind := "invoices.kind.invoice"
		if d.Kind == billing.DocCreditNote {
			kind = "invoices.kind.credit_note"
		}
		out.Rows = append(out.Rows, invoiceRow{ID: d.ID, Number: d.Number, Period: d.Period.String(), KindKey: kind,
			Total: exactAmount(d.Total.Decimal(), d.Total.Currency().MinorDigits()), Currency: string(d.Total.Currency()),
			IssueDate: date(d.IssueDate), PDFJa: link + ".pdf?lang=ja", PDFEn: link + ".pdf?lang=en", CSV: link + ".csv"})
	}
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
	v.Page, v.Data = "invoices.html", out
	return nil
}

// invoiceFile is GET /orgs/{org}/invoices/{id}.pdf?lang=ja|en and
// /orgs/{org}/invoices/{id}.csv (invoice.view): the API's exports, on the
// session cookie.
func (u *ui) invoiceFile(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	var export func(http.ResponseWriter, *http.Request, members.Principal) error
	id, ok := strings.CutSuffix(file, ".pdf")
	if ok {
		export = u.s.documentPDF
	} else if id, ok = strings.CutSuffix(file, ".csv"); ok {
		export = u.s.documentCSV
	}
	if !ok || id == "" {
		u.public(func(http.ResponseWriter, *http.Request, *view) error { return errNoEndpoint })(w, r)
		return
	}
	r.SetPathValue("document", id)
	u.download(w, r, export)
}

// download runs export for the signed-in person (as page does) in a slot of the
// limiter, into memory, and sends its answer; an error is the error page.
func (u *ui) download(w http.ResponseWriter, r *http.Request, export func(http.ResponseWriter, *http.Request, members.Principal) error) {
	v := u.newView(r)
	c, err := u.caller(r)
	if errors.Is(err, errUnauthenticated) {
		setUIHeaders(w)
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if err != nil {
		u.fail(w, r, v, err)
		return
	}
	u.signedIn(v, c)
	if u.s.bill == nil {
		u.fail(w, r, v, errNoEndpoint)
		return
	}
	var (
		rec   = &recordedAnswer{header: http.Header{}, status: http.StatusOK}
		exErr error
	)
	err = u.s.limit.admit(r.Context(), c.p.IdentityID, func() { exErr = export(rec, r, c.p) })
	if err == nil {
		err = exErr
	}
	if err != nil {
		u.fail(w, r, v, err)
		return
	}
	setUIHeaders(w)
	for k, vs := range rec.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// recordedAnswer keeps an export's answer in memory.
type recordedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *recordedAnswer) Header() http.Header         { return a.header }
func (a *recordedAnswer) Write(b []byte) (int, error) { return a.body.Write(b) }
func (a *recordedAnswer) WriteHeader(status int)      { a.status = status }
