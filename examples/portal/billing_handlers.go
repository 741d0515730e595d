package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Billing endpoints (B-12 … B-16): month-to-date charges, issued invoices and
// credit notes with their PDF and CSV, charge alarms, and the operators' credit
// notes and corrections. Each calls one billing.Service method; members decides
// who may (charges.view, invoice.view, contacts.edit), except for the operators'
// endpoints, whose Service methods take no principal: the portal checks the
// operator (requireOperator, operatorOn).

// ---- query parameters ----

// oneParam returns the query parameter name ("" and false when absent); given
// twice it is invalid, as parsePage treats limit.
func oneParam(q url.Values, name string) (string, bool, error) {
	v, ok := q[name]
	if !ok {
		return "", false, nil
	}
	if len(v) > 1 {
		return "", false, resellerkit.Invalid(errInvalidQuery, name, v[1], "", "is given more than once")
	}
	return v[0], true, nil
}

// monthParam reads the month parameter name ("YYYY-MM"), def when absent.
func monthParam(q url.Values, name string, def resellerkit.Month) (resellerkit.Month, error) {
	v, ok, err := oneParam(q, name)
	if err != nil || !ok {
		return def, err
	}
	m, err := resellerkit.ParseMonth(v)
	if err != nil || m.IsZero() {
		return def, resellerkit.Invalid(errInvalidQuery, name, v, "B-13", "want a UTC month as YYYY-MM, e.g. 2026-10")
	}
	return m, nil
}

// period is the request's ?period=, by default the current UTC month by the
// server's clock.
func (s *server) period(r *http.Request) (resellerkit.Month, error) {
	return monthParam(r.URL.Query(), "period", resellerkit.MonthOf(s.now()))
}

// amount parses a decimal string of the body field field. Money travels as
// strings ("1000.00"), never as JSON numbers, which clients read as floats.
func amount(field, value, rule string) (money.Decimal, error) {
	d, err := money.Parse(value)
	if err != nil {
		return money.Decimal{}, resellerkit.Invalid(billing.ErrInvalid, field, value, rule, `want a decimal string such as "1000.00"`)
	}
	return d, nil
}

// ---- current charges (B-13) ----

type reportJSON struct {
	Payer       string            `json:"payer"`
	Period      resellerkit.Month `json:"period"`
	Version     string            `json:"version"`
	GeneratedAt time.Time         `json:"generated_at"`
}

func toReport(r billing.Report) reportJSON {
	return reportJSON{Payer: r.Payer, Period: r.Period, Version: r.Version, GeneratedAt: r.GeneratedAt}
}

type serviceChargesJSON struct {
	Service string `json:"service"` // the product code, e.g. AmazonEC2
	Charges string `json:"charges"`
}

// billingGroupJSON is one value of the CmBillingGroup tag (B-9); "" is the untagged
// charges.
type billingGroupJSON struct {
	CmBillingGroup string `json:"cm_billing_group"`
	Charges        string `json:"charges"`
	Ratio          string `json:"ratio,omitempty"` // of the account's charges, 4 decimals; absent at zero charges
}

type accountChargesJSON struct {
	AccountID     string               `json:"account_id"`
	Charges       string               `json:"charges"`
	Credits       string               `json:"credits"`
	Services      []serviceChargesJSON `json:"services"`
	BillingGroups []billingGroupJSON   `json:"billing_groups"`
}

type projectChargesJSON struct {
	OrgID         string               `json:"org_id"`
	ProjectID     string               `json:"project_id"`
	ProjectName   string               `json:"project_name"`
	Charges       string               `json:"charges"`
	Credits       string               `json:"credits"`
	CustomItems   string               `json:"custom_items"`
	SupportFee    string               `json:"support_fee"`
	Estimate      string               `json:"estimate"`
	Accounts      []accountChargesJSON `json:"accounts"`
	Services      []serviceChargesJSON `json:"services"`
	BillingGroups []billingGroupJSON   `json:"billing_groups"`
}

// chargesJSON is a month's charges: exact decimal strings in cost_currency,
// tax-exclusive; last_updated is when the data shown was aggregated (absent when
// no data of the month is stored).
type chargesJSON struct {
	Period       resellerkit.Month    `json:"period"`
	CostCurrency string               `json:"cost_currency"`
	LastUpdated  *time.Time           `json:"last_updated,omitempty"`
	Reports      []reportJSON         `json:"reports,omitempty"` // operators only: the reseller's payer accounts
	Projects     []projectChargesJSON `json:"projects"`
}

func toServices(in []billing.ServiceCharges) []serviceChargesJSON {
	return convert(in, func(sc billing.ServiceCharges) serviceChargesJSON {
		return serviceChargesJSON{Service: sc.Service, Charges: sc.ChargesUSD.String()}
	})
}

func toGroups(in []billing.BillingGroupShare) []billingGroupJSON {
	return convert(in, func(g billing.BillingGroupShare) billingGroupJSON {
		out := billingGroupJSON{CmBillingGroup: g.Group, Charges: g.ChargesUSD.String()}
		if g.Ratio != nil {
			out.Ratio = g.Ratio.StringFixed(4)
		}
		return out
	})
}

func toAccountCharges(a billing.AccountCharges) accountChargesJSON {
	groups := a.BillingGroups
	if len(groups) == 0 { // every charge untagged: one group, the whole account
		groups = []billing.BillingGroupShare{{ChargesUSD: a.ChargesUSD}}
		if !a.ChargesUSD.IsZero() {
			one := money.NewFromInt(1)
			groups[0].Ratio = &one
		}
	}
	return accountChargesJSON{AccountID: a.AccountID, Charges: a.ChargesUSD.String(), Credits: a.CreditsUSD.String(),
		Services: toServices(a.Services), BillingGroups: toGroups(groups)}
}

func toCharges(c *billing.Charges) chargesJSON {
	out := chargesJSON{Period: c.Period, CostCurrency: string(c.CostCurrency), Reports: convert(c.Reports, toReport),
		Projects: convert(c.Projects, func(p billing.ProjectCharges) projectChargesJSON {
			return projectChargesJSON{OrgID: p.OrgID, ProjectID: p.ProjectID, ProjectName: p.ProjectName,
				Charges: p.Charges.String(), Credits: p.Credits.String(), CustomItems: p.CustomItems.String(),
				SupportFee: p.SupportFee.String(), Estimate: p.Estimate.String(),
				Accounts: convert(p.Accounts, toAccountCharges), Services: toServices(p.Services), BillingGroups: toGroups(p.BillingGroups)}
		})}
	out.LastUpdated = optionalTime(c.LastUpdated)
	return out
}

// getCharges is GET /v1/orgs/{org}/charges?period=YYYY-MM (charges.view, B-13):
// the organization's projects only (M-7).
func (s *server) getCharges(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	period, err := s.period(r)
	if err != nil {
		return err
	}
	c, err := s.bill.OrgCharges(r.Context(), p, r.PathValue("org"), period)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCharges(c))
}

// getAccountCharges is GET /v1/orgs/{org}/accounts/{account}/charges?period=
// (charges.view), the page a charge-alarm notice links to: the project of
// {account} with its totals, and of its accounts only {account}. An account with
// no charges in the month (or not the organization's) has no project in the
// answer.
func (s *server) getAccountCharges(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	period, err := s.period(r)
	if err != nil {
		return err
	}
	acct := r.PathValue("account")
	c, err := s.bill.OrgCharges(r.Context(), p, r.PathValue("org"), period)
	if err != nil {
		return err
	}
	var projects []billing.ProjectCharges
	for _, pc := range c.Projects {
		if a, ok := pc.Account(acct); ok {
			pc.Accounts = []billing.AccountCharges{a}
			projects = append(projects, pc)
		}
	}
	c.Projects = projects
	return writeJSON(w, http.StatusOK, toCharges(c))
}

// operatorCharges is GET /v1/operator/billing/charges?period= (reseller
// operators): every project's charges (billing.Service.CurrentCharges), but
// those of an organization whose M-6 gate p fails (it enforces MFA and p signed
// in without), which are left out as ListOrganizations leaves the organization
// out: CurrentCharges takes no principal.
func (s *server) operatorCharges(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	if err := requireOperator(p); err != nil {
		return err
	}
	period, err := s.period(r)
	if err != nil {
		return err
	}
	c, err := s.bill.CurrentCharges(r.Context(), period)
	if err != nil {
		return err
	}
	allowed := map[string]error{}
	projects := c.Projects[:0]
	for _, pc := range c.Projects {
		err, seen := allowed[pc.OrgID]
		if !seen {
			err = s.svc.Authorize(r.Context(), p, pc.OrgID, "")
			allowed[pc.OrgID] = err
		}
		switch {
		case err == nil:
			projects = append(projects, pc)
		case !errors.Is(err, members.ErrPermissionDenied):
			return err
		}
	}
	c.Projects = projects
	return writeJSON(w, http.StatusOK, toCharges(c))
}

// ---- documents (B-12) ----

type issuerJSON struct {
	Name               string `json:"name"`
	RegistrationNumber string `json:"registration_number"`
}

type documentLineJSON struct {
	Kind        string            `json:"kind"`
	AccountID   string            `json:"account_id,omitempty"`
	Service     string            `json:"service,omitempty"`
	ServiceName string            `json:"service_name,omitempty"`
	Description string            `json:"description,omitempty"`
	RefPeriod   resellerkit.Month `json:"ref_period,omitzero"` // the month a late credit belongs to (B-16)
	TaxRate     string            `json:"tax_rate"`
	AmountCost  string            `json:"amount_cost,omitempty"` // exact, in cost_currency
	Amount      string            `json:"amount"`                // in currency, rounded (B-10)
}

type taxJSON struct {
	Rate     string `json:"rate"`
	Taxable  string `json:"taxable"`
	Tax      string `json:"tax"`
	Rounding string `json:"rounding"`
}

// documentJSON is an issued invoice or credit note. Amounts are decimal strings in
// currency (whole yen for JPY); dates are Japanese calendar days (YYYY-MM-DD).
// Lists leave lines and taxes out: GET the document for them.
type documentJSON struct {
	ID                 string             `json:"id"`
	Kind               string             `json:"kind"`
	Number             string             `json:"number"`
	Replaces           string             `json:"replaces,omitempty"`
	RefersTo           string             `json:"refers_to,omitempty"`
	OrgID              string             `json:"org_id"`
	ProjectID          string             `json:"project_id"`
	Period             resellerkit.Month  `json:"period"`
	Issuer             issuerJSON         `json:"issuer"`
	Recipient          string             `json:"recipient"`
	IssueDate          string             `json:"issue_date"`
	DueDate            string             `json:"due_date,omitempty"`
	Description        string             `json:"description,omitempty"`
	Currency           string             `json:"currency"`
	CostCurrency       string             `json:"cost_currency"`
	ExchangeRate       string             `json:"exchange_rate"`
	ExchangeRateSource string             `json:"exchange_rate_source,omitempty"`
	ExchangeRateDate   string             `json:"exchange_rate_date,omitempty"`
	Sources            []reportJSON       `json:"sources"`
	Lines              []documentLineJSON `json:"lines,omitempty"`
	Taxes              []taxJSON          `json:"taxes,omitempty"`
	Subtotal           string             `json:"subtotal"`
	Tax                string             `json:"tax"`
	Total              string             `json:"total"`
	IssuedAt           time.Time          `json:"issued_at"`
}

// date writes a document date (midnight UTC of a Japanese calendar day), "" for
// none.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func toDocumentSummary(d billing.Document) documentJSON {
	return documentJSON{ID: d.ID, Kind: string(d.Kind), Number: d.Number, Replaces: d.Replaces, RefersTo: d.RefersTo,
		OrgID: d.OrgID, ProjectID: d.ProjectID, Period: d.Period,
		Issuer:    issuerJSON{Name: d.Issuer.Name, RegistrationNumber: d.Issuer.RegistrationNumber},
		Recipient: d.Recipient, IssueDate: date(d.IssueDate), DueDate: date(d.DueDate), Description: d.Description,
		Currency: string(d.Currency), CostCurrency: string(d.CostCurrency), ExchangeRate: d.ExchangeRate.String(),
		ExchangeRateSource: d.ExchangeRateSource, ExchangeRateDate: date(d.ExchangeRateDate),
		Sources:  convert(d.Sources, toReport),
		Subtotal: d.Subtotal.String(), Tax: d.Tax.String(), Total: d.Total.String(), IssuedAt: d.IssuedAt}
}

func toDocument(d billing.Document) documentJSON {
	out := toDocumentSummary(d)
	out.Lines = convert(d.Lines, func(l billing.DocumentLine) documentLineJSON {
		j := documentLineJSON{Kind: string(l.Kind), AccountID: l.AccountID, Service: l.Service, ServiceName: l.ServiceName,
			Description: l.Description, RefPeriod: l.RefPeriod, TaxRate: l.TaxRate.String(), Amount: l.Amount.String()}
		if l.Kind != billing.LineReturn { // a credit note's lines are in the document's currency only
			j.AmountCost = l.AmountCost.String()
		}
		return j
	})
	out.Taxes = convert(d.Taxes, func(t billing.TaxAmount) taxJSON {
		return taxJSON{Rate: t.Rate.String(), Taxable: t.Taxable.String(), Tax: t.Tax.String(), Rounding: t.Rounding.String()}
	})
	return out
}

// listDocuments is GET /v1/orgs/{org}/documents?period=&kind=&project_id=&limit=&page_token=
// (invoice.view): the organization's invoices and credit notes in issue order.
func (s *server) listDocuments(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		return err
	}
	var f billing.DocumentFilter
	if f.Period, err = monthParam(q, "period", resellerkit.Month{}); err != nil {
		return err
	}
	kind, _, err := oneParam(q, "kind")
	if err != nil {
		return err
	}
	if f.Kind = billing.DocumentKind(kind); kind != "" && !f.Kind.Valid() {
		return resellerkit.Invalid(errInvalidQuery, "kind", kind, "B-12", "want invoice or credit_note")
	}
	if f.ProjectID, _, err = oneParam(q, "project_id"); err != nil {
		return err
	}
	var (
		docs []billing.Document
		next string
	)
	err = s.snapshot(r.Context(), func(ctx context.Context) error {
		docs, next, err = s.bill.ListDocuments(ctx, p, r.PathValue("org"), f, page)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[documentJSON]{Items: convert(docs, toDocumentSummary), NextPageToken: next})
}

// getDocument is GET /v1/orgs/{org}/documents/{document} (invoice.view).
func (s *server) getDocument(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toDocument)(s.bill.GetDocument(r.Context(), p, r.PathValue("org"), r.PathValue("document")))
}

// documentCSV is GET /v1/orgs/{org}/documents/{document}/csv?bom=1 (invoice.view):
// RFC 4180 UTF-8, with the byte order mark Excel needs when bom=1.
func (s *server) documentCSV(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	bom, _, err := oneParam(r.URL.Query(), "bom")
	if err != nil {
		return err
	}
	if bom != "" && bom != "0" && bom != "1" {
		return resellerkit.Invalid(errInvalidQuery, "bom", bom, "", "want 1 (a UTF-8 byte order mark for Excel) or 0")
	}
	d, err := s.bill.GetDocument(r.Context(), p, r.PathValue("org"), r.PathValue("document"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := invoicedoc.CSVWithOptions(&buf, d, invoicedoc.CSVOptions{BOM: bom == "1"}); err != nil {
		return err
	}
	return writeDownload(w, "text/csv; charset=utf-8", d.Number+".csv", buf.Bytes())
}

// documentPDF is GET /v1/orgs/{org}/documents/{document}/pdf?lang=ja|en
// (invoice.view): the qualified invoice or credit note as a PDF, in Japanese by
// default. Without the IPAex Gothic font on the server it is 503 pdf_unavailable.
func (s *server) documentPDF(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	lang, _, err := oneParam(r.URL.Query(), "lang")
	if err != nil {
		return err
	}
	if lang != "" && lang != "ja" && lang != "en" {
		return resellerkit.Invalid(errInvalidQuery, "lang", lang, "C-2", "want ja or en")
	}
	org := r.PathValue("org")
	d, err := s.bill.GetDocument(r.Context(), p, org, r.PathValue("document"))
	if err != nil {
		return err
	}
	opt := invoicedoc.Options{Language: lang}
	if ref := cmpOr(d.Replaces, d.RefersTo); ref != "" {
		orig, err := s.bill.GetDocument(r.Context(), p, org, ref)
		if err != nil {
			return fmt.Errorf("the document %s refers to: %w", ref, err)
		}
		opt.Reference = orig.Number
	}
	if opt.Font, err = s.fonts.get(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := invoicedoc.PDF(&buf, d, opt); err != nil {
		return err
	}
	return writeDownload(w, "application/pdf", d.Number+".pdf", buf.Bytes())
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// writeDownload answers 200 with body as an attachment named name.
func writeDownload(w http.ResponseWriter, contentType, name string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store") // an invoice is the customer's business
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// errNoInvoiceFont: the server has no font to print Japanese with (see fontCache).
var errNoInvoiceFont = errors.New("PDF export is unavailable: the server has no IPAex Gothic font (install fonts-ipaexfont, or set " +
	invoicedoc.FontEnv + " to a TrueType font); the CSV export works without it")

// fontCache holds the PDF font, read once from where find says it is
// (invoicedoc.FindFont). A failure is not kept: installing the font later makes
// PDFs work without a restart.
type fontCache struct {
	find func() (string, error)
	mu   sync.Mutex
	font []byte
}

func newFontCache(find func() (string, error)) *fontCache { return &fontCache{find: find} }

func (c *fontCache) get() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.font != nil {
		return c.font, nil
	}
	path, err := c.find()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoInvoiceFont, err)
	}
	font, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoInvoiceFont, err)
	}
	c.font = font
	return font, nil
}

// ---- charge alarms (B-15) ----

type alarmJSON struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	AccountID string    `json:"account_id"`
	OnTag     bool      `json:"on_tag"`
	TagValue  string    `json:"tag_value"`
	Threshold string    `json:"threshold"`
	Currency  string    `json:"currency"` // the cost currency the threshold is in
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

func (s *server) toAlarm(a billing.Alarm) alarmJSON {
	return alarmJSON{ID: a.ID, OrgID: a.OrgID, AccountID: a.AccountID, OnTag: a.OnTag, TagValue: a.TagValue,
		Threshold: a.Threshold.StringFixed(max(s.bill.CostCurrency().MinorDigits(), a.Threshold.Places())), Currency: string(s.bill.CostCurrency()), Name: a.Name,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version}
}

type firingJSON struct {
	AlarmID  string            `json:"alarm_id"`
	Period   resellerkit.Month `json:"period"`
	Amount   string            `json:"amount"`
	FiredAt  time.Time         `json:"fired_at"`
	NoticeID string            `json:"notice_id,omitempty"`
}

func toFiring(f billing.AlarmFiring) firingJSON {
	return firingJSON{AlarmID: f.AlarmID, Period: f.Period, Amount: f.Amount.String(), FiredAt: f.FiredAt, NoticeID: f.NoticeID}
}

// alarmInput is a charge alarm's settings; version only on update.
type alarmInput struct {
	Threshold string `json:"threshold"` // a decimal string in the cost currency
	OnTag     bool   `json:"on_tag"`
	TagValue  string `json:"tag_value"`
	Name      string `json:"name"`
	Version   int64  `json:"version"`
}

func (in alarmInput) spec() (billing.AlarmSpec, error) {
	th, err := amount("threshold", in.Threshold, "B-15")
	return billing.AlarmSpec{OnTag: in.OnTag, TagValue: in.TagValue, Threshold: th, Name: in.Name}, err
}

// listAlarms is GET /v1/orgs/{org}/accounts/{account}/alarms and GET
// /v1/orgs/{org}/alarms (charges.view): the alarms of the account, or of every
// account of the organization.
func (s *server) listAlarms(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	as, err := s.bill.ListAlarms(r.Context(), p, r.PathValue("org"), r.PathValue("account"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[alarmJSON]{Items: convert(as, s.toAlarm)})
}

// createAlarm is POST /v1/orgs/{org}/accounts/{account}/alarms (contacts.edit):
// {threshold, on_tag?, tag_value?, name?}; a fourth alarm on the account is 409
// limit_reached.
func (s *server) createAlarm(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in alarmInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Version != 0 {
		return resellerkit.Invalid(billing.ErrInvalid, "version", strconv.FormatInt(in.Version, 10), "B-15", "a new alarm has no version")
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	a, err := s.bill.CreateAlarm(r.Context(), p, r.PathValue("org"), r.PathValue("account"), spec)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, s.toAlarm(a))
}

// updateAlarm is PUT /v1/orgs/{org}/alarms/{alarm} (contacts.edit): every setting
// and the version read.
func (s *server) updateAlarm(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in alarmInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Version < 1 { // billing would take 0 for a stale version: name the missing field instead
		return resellerkit.Invalid(billing.ErrInvalid, "version", strconv.FormatInt(in.Version, 10), "B-15", "required: send the version of the alarm you read")
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	return writeResult(w, s.toAlarm)(s.bill.UpdateAlarm(r.Context(), p, r.PathValue("org"), r.PathValue("alarm"), spec, in.Version))
}

// deleteAlarm is DELETE /v1/orgs/{org}/alarms/{alarm} (contacts.edit).
func (s *server) deleteAlarm(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	if err := s.bill.DeleteAlarm(r.Context(), p, r.PathValue("org"), r.PathValue("alarm")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// listFirings is GET /v1/orgs/{org}/alarms/{alarm}/firings (charges.view): when
// the alarm fired, newest month first.
func (s *server) listFirings(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	org, id := r.PathValue("org"), r.PathValue("alarm")
	fs, err := s.bill.ListFirings(r.Context(), p, org, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[firingJSON]{Items: convert(fs, toFiring)})
}

// ---- operators: credit notes and corrections (B-12) ----

// requireOperator admits the reseller's operators acting for the whole reseller:
// not through an API key bound to one organization (I-4).
func requireOperator(p members.Principal) error {
	if !p.Operator || p.OrgID != "" {
		return fmt.Errorf("%w: only reseller operators may do this", members.ErrPermissionDenied)
	}
	return nil
}

// operatorOn checks that p is an operator (requireOperator) who may act on the
// organization of invoice invoiceID: members' checks for that organization (the
// M-6 MFA gate among them). The billing.Service methods of operators take no
// principal: the document's organization is read with Service.Document.
func (s *server) operatorOn(ctx context.Context, p members.Principal, invoiceID string) error {
	if err := requireOperator(p); err != nil {
		return err
	}
	if invoiceID == "" {
		return resellerkit.Invalid(billing.ErrInvalid, "invoice_id", "", "B-12", "required")
	}
	d, err := s.bill.Document(ctx, invoiceID)
	if err != nil {
		return fmt.Errorf("invoice_id %q: %w", resellerkit.Truncate(invoiceID), err)
	}
	return s.svc.Authorize(ctx, p, d.OrgID, members.PermOperator)
}

type returnLineInput struct {
	AccountID   string `json:"account_id"`
	Description string `json:"description"`
	Amount      string `json:"amount"` // a decimal string in the invoice's currency (whole yen for JPY)
}

type creditNoteInput struct {
	Key       string            `json:"key"` // idempotency: a retried request issues one note
	InvoiceID string            `json:"invoice_id"`
	Reason    string            `json:"reason"`
	Lines     []returnLineInput `json:"lines"`
}

// issueCreditNote is POST /v1/operator/billing/credit-notes (reseller operators):
// a qualified credit note returning money on an invoice. 201 with the note; the
// same key again answers the note it issued.
func (s *server) issueCreditNote(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in creditNoteInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.operatorOn(r.Context(), p, in.InvoiceID); err != nil {
		return err
	}
	lines := make([]billing.ReturnLine, 0, len(in.Lines))
	for i, l := range in.Lines {
		a, err := amount(fmt.Sprintf("lines[%d].amount", i), l.Amount, "B-12")
		if err != nil {
			return err
		}
		lines = append(lines, billing.ReturnLine{AccountID: l.AccountID, Description: l.Description, Amount: a})
	}
	d, err := s.bill.IssueCreditNote(r.Context(), in.Key, in.InvoiceID, in.Reason, lines)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toDocument(d))
}

type correctionInput struct {
	Key       string `json:"key"`
	InvoiceID string `json:"invoice_id"`
}

// correctInvoice is POST /v1/operator/billing/corrections (reseller operators): a
// corrected invoice, recomputed from the stored data now, with a new number,
// replacing invoice_id (which stays as issued). 201; the same key again answers
// the correction it issued.
func (s *server) correctInvoice(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in correctionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.operatorOn(r.Context(), p, in.InvoiceID); err != nil {
		return err
	}
	d, err := s.bill.CorrectInvoice(r.Context(), in.Key, in.InvoiceID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toDocument(d))
}
