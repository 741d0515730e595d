package billing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// JST is Japan Standard Time (UTC+9, no daylight saving): the calendar of issue
// and due dates. A fixed zone, so no time-zone database is needed.
var JST = time.FixedZone("JST", 9*60*60)

// DueRule says when an invoice is due (B-16).
type DueRule string

// The due-date rules.
const (
	// DueEndOfNextMonth: the last day of the month after the billing month (a
	// 2026-10 invoice is due 2026-11-30), the default.
	DueEndOfNextMonth DueRule = "end_of_next_month"
	// DueDaysAfterIssue: Calendar.DueDays days after the issue date.
	DueDaysAfterIssue DueRule = "days_after_issue"
)

// Calendar is the reseller's monthly calendar (B-16): AWS closes a month at its last
// midnight UTC and fixes its amounts on the 3rd–7th of the next month; the
// reseller issues its invoices from IssueDay of the next month (Japan time).
type Calendar struct {
	IssueDay int     // 1..28; 0 means 10
	Due      DueRule // empty means DueEndOfNextMonth
	DueDays  int     // with DueDaysAfterIssue: 1..365
}

func (c Calendar) validate() error {
	var errs []error
	if c.IssueDay < 0 || c.IssueDay > 28 {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "calendar.issue_day", fmt.Sprint(c.IssueDay), "B-16", "want a day of 1..28 (0: the 10th)"))
	}
	switch c.Due {
	case "", DueEndOfNextMonth:
		if c.DueDays != 0 {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, "calendar.due_days", fmt.Sprint(c.DueDays), "B-16", "only with days_after_issue"))
		}
	case DueDaysAfterIssue:
		if c.DueDays < 1 || c.DueDays > 365 {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, "calendar.due_days", fmt.Sprint(c.DueDays), "B-16", "want 1..365 days"))
		}
	default:
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "calendar.due", string(c.Due), "B-16", "want end_of_next_month or days_after_issue"))
	}
	return errors.Join(errs...)
}

// IssueFrom returns the first day invoices of period may be issued (a date:
// midnight UTC of the Japanese calendar day).
func (c Calendar) IssueFrom(period resellerkit.Month) time.Time {
	n := period.Next()
	return time.Date(n.Year(), n.Month(), cmp.Or(c.IssueDay, 10), 0, 0, 0, 0, time.UTC)
}

// DueDate returns the due date of an invoice of period issued on issue (dates).
func (c Calendar) DueDate(period resellerkit.Month, issue time.Time) time.Time {
	if c.Due == DueDaysAfterIssue {
		return issue.AddDate(0, 0, c.DueDays)
	}
	return period.Next().End().AddDate(0, 0, -1)
}

// dateOf returns the Japanese calendar date of t, as midnight UTC of that day.
func dateOf(t time.Time) time.Time {
	y, m, d := t.In(JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Issued is what Service.IssueInvoices did.
type Issued struct {
	Period resellerkit.Month
	// Documents are the month's invoices, in project order: new ones and those a
	// run before issued (told apart by Created).
	Documents []Document
	Created   []bool
	// Skipped lists the projects with nothing to bill (no line): no invoice.
	Skipped []string
	// Warnings are the computation's (unassigned accounts, unknown line item
	// types, …).
	Warnings []string
}

// IssueInvoices issues the invoices of period (B-12, B-16): one per project with
// something to bill, computed from the stored data with the projects' settings of
// that month (M-3), each numbered in the issuer's series of the issue year with no
// gap, frozen and stored with the invoice-issued notice in one transaction.
//
// It refuses to run before the Calendar's issue day (the month is not final) and
// for a month without stored cost data. Re-running it is safe: an invoice already
// issued is returned as it is (never recomputed, never renumbered) and its notice
// is not sent again, so a crash at any point is repaired by running it again.
// Credits of months already invoiced that arrived since (a restated report) are
// carried to the new invoices as late-credit lines (B-16), never written into the
// issued ones.
func (s *Service) IssueInvoices(ctx context.Context, period resellerkit.Month) (Issued, error) {
	out := Issued{Period: period}
	if period.IsZero() {
		return out, resellerkit.Invalid(ErrInvalid, "period", "", "B-12", "required")
	}
	now := s.clock()
	today := dateOf(now)
	if from := s.calendar.IssueFrom(period); today.Before(from) {
		return out, resellerkit.Invalid(ErrInvalid, "period", period.String(), "B-16",
			fmt.Sprintf("the invoices of %s can be issued from %s (Japan time), once AWS has fixed the month", period, from.Format(time.DateOnly)))
	}
	reports, err := s.store.CostReports(ctx, period)
	if err != nil {
		return out, err
	}
	if len(reports) == 0 {
		return out, resellerkit.Invalid(ErrInvalid, "period", period.String(), "B-14", "no cost data is stored for this month: ingest its report first")
	}
	projects, err := s.projects.ProjectsFor(ctx, period)
	if err != nil {
		return out, err
	}
	late, err := s.lateCredits(ctx, period, projects)
	if err != nil {
		return out, err
	}
	m, err := s.compute(ctx, period, staticSource(projects), nil, late)
	if err != nil {
		return out, err
	}
	out.Warnings = m.result.Warnings
	for i := range m.result.Invoices {
		inv := &m.result.Invoices[i]
		p, _ := projectOf(m.projects, inv.ProjectID)
		if len(inv.Lines) == 0 {
			out.Skipped = append(out.Skipped, inv.ProjectID)
			continue
		}
		d := s.document(p, inv, period, m.reports, today, now)
		d.Key = invoiceKey(p.ID, period)
		stored, created, err := s.issue(ctx, d, p)
		if err != nil {
			return out, fmt.Errorf("billing: invoice of project %s for %s: %w", p.ID, period, err)
		}
		out.Documents = append(out.Documents, stored)
		out.Created = append(out.Created, created)
		if s.onIssued != nil {
			s.onIssued(stored, created)
		}
	}
	return out, nil
}

// invoiceKey is the idempotency key of a project's invoice of a month.
func invoiceKey(projectID string, period resellerkit.Month) string {
	return "invoice/" + projectID + "/" + period.String()
}

// staticSource is a ProjectSource of projects already read.
type staticSource []Project

func (s staticSource) ProjectsFor(context.Context, resellerkit.Month) ([]Project, error) {
	out := make([]Project, len(s))
	for i := range s {
		out[i] = s[i]
		out[i].LateCredits = slices.Clone(s[i].LateCredits)
	}
	return out, nil
}

// document freezes a computed invoice into a Document (without Key).
func (s *Service) document(p *Project, inv *Invoice, period resellerkit.Month, reports []CostData, today, now time.Time) Document {
	rate, _ := s.tax.resolve()
	d := Document{
		ID: s.newID(), Kind: DocInvoice, Series: s.issuer.RegistrationNumber, Year: today.Year(),
		OrgID: p.OrgID, ProjectID: p.ID, Period: period, Issuer: s.issuer, Recipient: cmp.Or(p.Recipient, p.Name, p.ID),
		IssueDate: today, DueDate: s.calendar.DueDate(period, today),
		Currency: inv.Currency, CostCurrency: s.costCurrency, ExchangeRate: inv.ExchangeRate, ExchangeRateSource: inv.ExchangeRateSource,
		Taxes: slices.Clone(inv.TaxBreakdown), Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total, IssuedAt: now,
	}
	if !inv.ExchangeRate.Equal(money.NewFromInt(1)) {
		d.ExchangeRateDate = period.End().AddDate(0, 0, -1) // the rate of the month (B-10): its last day
	}
	for _, r := range reports {
		d.Sources = append(d.Sources, r.Report)
	}
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, DocumentLine{Kind: l.Kind, AccountID: l.AccountID, Service: l.Service, ServiceName: l.ServiceName,
			Description: l.Description, RefPeriod: l.RefPeriod, TaxRate: rate, AmountCost: l.AmountUSD, Amount: l.Amount})
	}
	return d
}

// issue stores d (numbered by the store) and writes its notice in one transaction;
// for a key already issued it returns the stored document and writes the notice
// again, which its idempotency key makes a no-op.
func (s *Service) issue(ctx context.Context, d Document, p *Project) (Document, bool, error) {
	var (
		stored  Document
		created bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if stored, created, err = s.store.IssueDocument(ctx, d); err != nil {
			return err
		}
		return s.notifyIssued(ctx, &stored, p)
	})
	return stored, created, err
}

// notifyIssued writes the invoice-issued notice of d to the project's invoice
// recipients, if there are any.
func (s *Service) notifyIssued(ctx context.Context, d *Document, p *Project) error {
	if s.notifier == nil || p == nil || len(p.InvoiceTo) == 0 {
		return nil
	}
	data := contacts.InvoiceIssuedData{OrgName: p.Recipient, ProjectName: p.Name, Period: d.Period,
		Total: formatAmount(d.Total), DueDate: d.DueDate, URL: s.urls.document(d)}
	_, err := s.notifier.Notify(ctx, contacts.NewNotice{Key: "invoice_issued:" + d.ID, Kind: contacts.KindInvoiceIssued,
		OrgID: d.OrgID, Language: s.language, To: p.InvoiceTo, CC: p.InvoiceCC, Data: data})
	return err
}

// formatAmount writes an amount for people: "¥1,234,567" or "USD 1,234.56".
func formatAmount(a money.Amount) string {
	s := a.Currency().Format(a.Decimal())
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if a.Currency() == money.JPY {
		return sign + "¥" + b.String()
	}
	return sign + string(a.Currency()) + " " + b.String()
}

// lateCredits computes, per project, the credits of the months before period that
// its issued invoices did not bill (B-16): for each such month with an issued
// invoice, that month's credits per account now (from the stored data) minus those
// the invoice billed minus those carried to later invoices already.
func (s *Service) lateCredits(ctx context.Context, period resellerkit.Month, projects []Project) (map[string][]LateCredit, error) {
	out := map[string][]LateCredit{}
	months := map[resellerkit.Month]*computed{}
	for _, p := range projects {
		docs, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
			return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: p.ID, Kind: DocInvoice}, pg)
		})
		if err != nil {
			return nil, err
		}
		if p.OrgID != "" {
			docs = slices.DeleteFunc(docs, func(d Document) bool { return d.OrgID != p.OrgID })
		}
		for ref := period.AddMonths(-s.lookback); ref.Before(period); ref = ref.Next() {
			cur := currentInvoice(docs, ref)
			if cur == nil {
				continue
			}
			m := months[ref]
			if m == nil {
				if m, err = s.compute(ctx, ref, s.charges, nil, nil); err != nil {
					return nil, fmt.Errorf("billing: credits of %s: %w", ref, err)
				}
				months[ref] = m
			}
			billed := map[string]money.Decimal{}
			for _, l := range cur.Lines {
				if l.Kind == LineCredits {
					billed[l.AccountID] = billed[l.AccountID].Add(l.AmountCost)
				}
			}
			for _, d := range docs {
				if d.Period.After(ref) && d.Period.Before(period) && isCurrent(docs, &d) {
					for _, l := range d.Lines {
						if l.Kind == LineLateCredits && l.RefPeriod == ref {
							billed[l.AccountID] = billed[l.AccountID].Add(l.AmountCost)
						}
					}
				}
			}
			now := map[string]money.Decimal{}
			for _, inv := range m.result.Invoices {
				if inv.ProjectID == p.ID {
					for _, a := range inv.Accounts {
						now[a.AccountID] = a.CreditsUSD
					}
				}
			}
			for _, acct := range sortedKeys(now, billed) {
				if diff := now[acct].Sub(billed[acct]); !diff.IsZero() {
					out[p.ID] = append(out[p.ID], LateCredit{AccountID: acct, RefPeriod: ref, AmountUSD: diff})
				}
			}
		}
	}
	return out, nil
}

// currentInvoice returns the invoice of month ref that no other replaces (the
// latest correction), or nil.
func currentInvoice(docs []Document, ref resellerkit.Month) *Document {
	var cur *Document
	for i := range docs {
		if d := &docs[i]; d.Period == ref && isCurrent(docs, d) {
			cur = d
		}
	}
	return cur
}

// isCurrent reports whether no document of docs replaces d.
func isCurrent(docs []Document, d *Document) bool {
	return !slices.ContainsFunc(docs, func(o Document) bool { return o.Replaces == d.ID })
}

func sortedKeys(a, b map[string]money.Decimal) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// ReturnLine is one line of a credit note: an amount returned, in the invoice's
// currency, before tax (B-11 applies per rate on the note's total).
type ReturnLine struct {
	AccountID   string
	Description string
	Amount      money.Decimal // positive: the amount returned; whole yen for JPY
}

// IssueCreditNote issues a qualified credit note (適格返還請求書, B-12) returning
// lines on the invoice invoiceID: numbered in the issuer's series like an invoice,
// referencing it, its tax computed once per rate on the returned amounts with the
// invoice's rate and rounding. key makes it idempotent (a retried request issues
// one note); it is scoped by the invoice, so the same key on two invoices issues
// two notes. The returns of all notes on an invoice cannot exceed its subtotal. An
// operator's action: it takes no principal (the portal checks the operator).
func (s *Service) IssueCreditNote(ctx context.Context, key, invoiceID, reason string, lines []ReturnLine) (Document, error) {
	if key == "" || len(key) > 200 {
		return Document{}, resellerkit.Invalid(ErrInvalid, "key", key, "B-12", "an idempotency key of 1..200 characters is required")
	}
	if utf8.RuneCountInString(reason) > 500 || strings.TrimSpace(reason) == "" {
		return Document{}, resellerkit.Invalid(ErrInvalid, "reason", reason, "B-12", "want the reason of the return, 1..500 characters")
	}
	key = "credit_note/" + invoiceID + "/" + key // scoped by the invoice: no two invoices' notes share a key
	if d, err := s.store.DocumentByKey(ctx, key); err == nil {
		return d, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Document{}, err
	}
	orig, err := s.store.GetDocument(ctx, "", invoiceID)
	if err != nil {
		return Document{}, err
	}
	if orig.Kind != DocInvoice {
		return Document{}, resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12", "a credit note returns money on an invoice, not on a credit note")
	}
	cur := orig.Currency
	if len(lines) == 0 {
		return Document{}, resellerkit.Invalid(ErrInvalid, "lines", "", "B-12", "at least one line is required")
	}
	var sum money.Decimal
	var errs []error
	for i, l := range lines {
		if l.Amount.Sign() <= 0 || l.Amount.Places() > cur.MinorDigits() {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("lines[%d].amount", i), l.Amount.String(), "B-12",
				fmt.Sprintf("want an amount above zero in %s with at most %d decimals", cur, cur.MinorDigits())))
		}
		if strings.TrimSpace(l.Description) == "" || utf8.RuneCountInString(l.Description) > 200 {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("lines[%d].description", i), l.Description, "B-12", "want 1..200 characters"))
		}
		sum = sum.Add(l.Amount)
	}
	if err := errors.Join(errs...); err != nil {
		return Document{}, err
	}
	rate, mode := orig.taxRate()
	now := s.clock()
	today := dateOf(now)
	d := Document{
		ID: s.newID(), Key: key, Kind: DocCreditNote, Series: s.issuer.RegistrationNumber, Year: today.Year(), RefersTo: orig.ID,
		OrgID: orig.OrgID, ProjectID: orig.ProjectID, Period: orig.Period, Issuer: s.issuer, Recipient: orig.Recipient,
		IssueDate: today, Description: reason, Currency: cur, CostCurrency: orig.CostCurrency,
		ExchangeRate: orig.ExchangeRate, ExchangeRateSource: orig.ExchangeRateSource, ExchangeRateDate: orig.ExchangeRateDate, IssuedAt: now,
	}
	for _, l := range lines {
		d.Lines = append(d.Lines, DocumentLine{Kind: LineReturn, AccountID: l.AccountID, Description: l.Description, TaxRate: rate, Amount: cur.Amount(l.Amount)})
	}
	tax := cur.Round(sum.Mul(rate), mode)
	d.Subtotal, d.Tax, d.Total = cur.Amount(sum), cur.Amount(tax), cur.Amount(sum.Add(tax))
	d.Taxes = []TaxAmount{{Rate: rate, Taxable: d.Subtotal, Tax: d.Tax, Rounding: mode}}
	var stored Document
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		notes, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
			return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: orig.ProjectID, Kind: DocCreditNote}, pg)
		})
		if err != nil {
			return err
		}
		returned := sum
		for _, n := range notes {
			if n.RefersTo == orig.ID && n.Key != key {
				returned = returned.Add(n.Subtotal.Decimal())
			}
		}
		if returned.Cmp(orig.Subtotal.Decimal()) > 0 {
			return resellerkit.Invalid(ErrInvalid, "lines", sum.String(), "B-12",
				fmt.Sprintf("the notes on invoice %s would return %s, more than its subtotal %s", orig.Number, returned, orig.Subtotal.Decimal()))
		}
		stored, _, err = s.store.IssueDocument(ctx, d)
		return err
	})
	return stored, err
}

// taxRate returns the rate and rounding of an invoice's (first) tax rate.
func (d *Document) taxRate() (money.Decimal, money.RoundingMode) {
	if len(d.Taxes) > 0 {
		return d.Taxes[0].Rate, d.Taxes[0].Rounding
	}
	return DefaultTaxRate(), money.Floor
}

// CorrectInvoice issues a corrected invoice (B-12) for the month and project of
// invoiceID: recomputed from the stored data and settings now, with a new number,
// replacing the original (Replaces), which stays as it was. key makes it
// idempotent. An operator's action.
func (s *Service) CorrectInvoice(ctx context.Context, key, invoiceID string) (Document, error) {
	if key == "" || len(key) > 200 {
		return Document{}, resellerkit.Invalid(ErrInvalid, "key", key, "B-12", "an idempotency key of 1..200 characters is required")
	}
	key = "correction/" + invoiceID + "/" + key
	if d, err := s.store.DocumentByKey(ctx, key); err == nil {
		return d, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Document{}, err
	}
	orig, err := s.store.GetDocument(ctx, "", invoiceID)
	if err != nil {
		return Document{}, err
	}
	if orig.Kind != DocInvoice {
		return Document{}, resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12", "only an invoice can be corrected")
	}
	docs, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
		return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: orig.ProjectID, Period: orig.Period, Kind: DocInvoice}, pg)
	})
	if err != nil {
		return Document{}, err
	}
	if !isCurrent(docs, &orig) {
		return Document{}, resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12", "this invoice was already corrected: correct the latest one")
	}
	m, err := s.compute(ctx, orig.Period, s.projects, nil, nil)
	if err != nil {
		return Document{}, err
	}
	for i := range m.result.Invoices {
		inv := &m.result.Invoices[i]
		if inv.ProjectID != orig.ProjectID {
			continue
		}
		p, _ := projectOf(m.projects, inv.ProjectID)
		// Late credits already carried stay carried: the correction bills the
		// month as its invoice did, from the data and settings of now.
		now := s.clock()
		d := s.document(p, inv, orig.Period, m.reports, dateOf(now), now)
		d.Key, d.Replaces = key, orig.ID
		stored, _, err := s.issue(ctx, d, p)
		return stored, err
	}
	return Document{}, fmt.Errorf("billing: project %s has no invoice in %s any more: %w", orig.ProjectID, orig.Period, ErrNotFound)
}

// Document returns any organization's document by id: a system read for the
// reseller's operators (the portal checks the operator and the document's
// organization) and jobs. ErrNotFound.
func (s *Service) Document(ctx context.Context, id string) (Document, error) {
	return s.store.GetDocument(ctx, "", id)
}

// ListDocuments returns a page of orgID's invoices and credit notes f selects (its
// OrgID is forced to orgID), in issue order, to p with invoice.view (M-5, M-7).
func (s *Service) ListDocuments(ctx context.Context, p members.Principal, orgID string, f DocumentFilter, page resellerkit.Page) ([]Document, string, error) {
	if err := s.authorize(ctx, p, orgID, members.PermInvoiceView); err != nil {
		return nil, "", err
	}
	f.OrgID = orgID
	return s.store.ListDocuments(ctx, f, page)
}

// GetDocument returns one of orgID's documents to p with invoice.view;
// ErrNotFound for another organization's.
func (s *Service) GetDocument(ctx context.Context, p members.Principal, orgID, id string) (Document, error) {
	if err := s.authorize(ctx, p, orgID, members.PermInvoiceView); err != nil {
		return Document{}, err
	}
	if orgID == "" {
		return Document{}, fmt.Errorf("billing: document %s: %w", id, ErrNotFound)
	}
	return s.store.GetDocument(ctx, orgID, id)
}

// AuditFinding is one difference the audit found between an issued invoice and
// its month recomputed now.
type AuditFinding struct {
	Document Document
	// Restated reports that the month's cost data changed since the invoice was
	// issued (another report version): a difference is then expected, and its
	// credits are carried by the next invoice (B-16). Without a restatement any
	// difference is an error in the issued figures or in the stored data.
	Restated bool
	// IssuedTotal and Recomputed are the invoice's total and the month's
	// recomputed one; Missing reports that the project has no invoice any more.
	IssuedTotal money.Amount
	Recomputed  money.Amount
	Missing     bool
}

// Audit is the result of Service.Audit.
type Audit struct {
	Period   resellerkit.Month
	Checked  int // current invoices compared
	Findings []AuditFinding
}

// OK reports whether every invoice matched, or differed only because its month was
// restated after it was issued.
func (a *Audit) OK() bool {
	return !slices.ContainsFunc(a.Findings, func(f AuditFinding) bool { return !f.Restated })
}

// Audit recomputes period from the stored data and compares every current invoice
// of the month (the latest correction) with it, to the last yen: subtotal, tax per
// rate and total, each with the exchange rate the invoice recorded and the late
// credits it carried. A system operation the monthly job runs after issuing.
func (s *Service) Audit(ctx context.Context, period resellerkit.Month) (Audit, error) {
	out := Audit{Period: period}
	docs, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
		return s.store.ListDocuments(ctx, DocumentFilter{Period: period, Kind: DocInvoice}, pg)
	})
	if err != nil || len(docs) == 0 {
		return out, err
	}
	projects, err := s.projects.ProjectsFor(ctx, period)
	if err != nil {
		return out, err
	}
	late := map[string][]LateCredit{}
	for _, d := range docs {
		if !isCurrent(docs, &d) {
			continue
		}
		for _, l := range d.Lines {
			if l.Kind == LineLateCredits {
				late[d.ProjectID] = append(late[d.ProjectID], LateCredit{AccountID: l.AccountID, RefPeriod: l.RefPeriod, AmountUSD: l.AmountCost})
			}
		}
		if p, ok := projectOf(projects, d.ProjectID); ok && d.Currency != s.costCurrency {
			rate := d.ExchangeRate
			p.ExchangeRate = &rate // the rate the invoice recorded (B-10)
		}
	}
	m, err := s.compute(ctx, period, staticSource(projects), nil, late)
	if err != nil {
		return out, err
	}
	current := map[Report]bool{}
	for _, r := range m.reports {
		current[r.Report] = true
	}
	for _, d := range docs {
		if !isCurrent(docs, &d) {
			continue
		}
		out.Checked++
		restated := len(d.Sources) != len(m.reports) || slices.ContainsFunc(d.Sources, func(r Report) bool { return !current[r] })
		i := slices.IndexFunc(m.result.Invoices, func(inv Invoice) bool { return inv.ProjectID == d.ProjectID })
		if i < 0 {
			out.Findings = append(out.Findings, AuditFinding{Document: d, Restated: restated, IssuedTotal: d.Total, Missing: true})
			continue
		}
		inv := &m.result.Invoices[i]
		if !inv.Total.Equal(d.Total) || !inv.Subtotal.Equal(d.Subtotal) || !inv.Tax.Equal(d.Tax) || !sameTaxes(inv.TaxBreakdown, d.Taxes) {
			out.Findings = append(out.Findings, AuditFinding{Document: d, Restated: restated, IssuedTotal: d.Total, Recomputed: inv.Total})
		}
	}
	return out, nil
}

func sameTaxes(a, b []TaxAmount) bool {
	return slices.EqualFunc(a, b, func(x, y TaxAmount) bool {
		return x.Rate.Equal(y.Rate) && x.Taxable.Equal(y.Taxable) && x.Tax.Equal(y.Tax)
	})
}
