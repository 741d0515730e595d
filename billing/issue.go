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
	// Invoices are the month's invoices, in project order: new ones and those a
	// run before issued (Created false).
	Invoices []IssuedInvoice
	// Skipped lists the projects with nothing to bill (no line): no invoice.
	Skipped []string
	// Uncarried lists late credits (B-16) of projects that have no invoice this
	// month (their accounts moved away, or they bill nothing): nothing carries
	// them, so an operator settles them, e.g. with a credit note. They are
	// reported again by every issue until one does.
	Uncarried []UncarriedCredit
	// Warnings are the computation's (unassigned accounts, unknown line item
	// types, …).
	Warnings []string
}

// IssuedInvoice is one invoice of an Issued.
type IssuedInvoice struct {
	Document
	Created bool // issued by this run, not found issued
}

// UncarriedCredit is a late credit no invoice of the month carries.
type UncarriedCredit struct {
	OrgID     string
	ProjectID string
	LateCredit
}

// ErrNotReady: the month cannot be issued yet (before the calendar's issue day,
// or no cost data stored): retry later, it is not a bug.
var ErrNotReady = errors.New("billing: not ready to issue")

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
		return out, fmt.Errorf("%w: the invoices of %s can be issued from %s (Japan time), once AWS has fixed the month (B-16)",
			ErrNotReady, period, from.Format(time.DateOnly))
	}
	reports, err := s.store.CostReports(ctx, period)
	if err != nil {
		return out, err
	}
	if len(reports) == 0 {
		return out, fmt.Errorf("%w: no cost data is stored for %s: ingest its report first (B-14)", ErrNotReady, period)
	}
	projects, err := s.projects.ProjectsFor(ctx, period)
	if err != nil {
		return out, err
	}
	late, uncarried, err := s.lateCredits(ctx, period, projects)
	if err != nil {
		return out, err
	}
	out.Uncarried = uncarried
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
		stored, created, err := s.issue(ctx, d, p, nil)
		if err != nil {
			return out, fmt.Errorf("billing: invoice of project %s for %s: %w", p.ID, period, err)
		}
		out.Invoices = append(out.Invoices, IssuedInvoice{Document: stored, Created: created})
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

// issue stores d (numbered by the store) and writes its notice in one transaction,
// after check (when set) passed in that transaction; for a key already issued it
// returns the stored document and writes the notice again, which its idempotency
// key makes a no-op. The notice commits with the document when the Notifier's
// store shares the transaction (one database); otherwise it is written right
// after, and a re-run writes it if a crash came between.
func (s *Service) issue(ctx context.Context, d Document, p *Project, check func(ctx context.Context) error) (Document, bool, error) {
	var (
		stored  Document
		created bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if existing, err := s.store.DocumentByKey(ctx, d.Key); err == nil {
			stored, created = existing, false // issued before: no check, no renumbering
			return s.notifyIssued(ctx, &stored, p)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if check != nil {
			if err := check(ctx); err != nil {
				return err
			}
		}
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

// lateCredits computes the credits of the months before period that their issued
// invoices did not bill (B-16), per project: for each month of the look-back
// window whose cost data was restated since an invoice of it was issued (its
// Sources differ from the stored versions), that month's credits per account now
// minus those its current invoice billed minus those later invoices carried
// already. Those of projects invoiced in period are returned by project id; the
// others (the project has no invoice this month) are uncarried.
func (s *Service) lateCredits(ctx context.Context, period resellerkit.Month, projects []Project) (map[string][]LateCredit, []UncarriedCredit, error) {
	billedNow := map[string]bool{}
	for _, p := range projects {
		billedNow[p.ID] = true
	}
	// Every invoice of the window and of the months up to period, by project.
	byProject := map[string][]Document{}
	var order []string
	for m := period.AddMonths(-s.lookback); m.Before(period); m = m.Next() {
		docs, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
			return s.store.ListDocuments(ctx, DocumentFilter{Period: m, Kind: DocInvoice}, pg)
		})
		if err != nil {
			return nil, nil, err
		}
		for _, d := range docs {
			if _, ok := byProject[d.ProjectID]; !ok {
				order = append(order, d.ProjectID)
			}
			byProject[d.ProjectID] = append(byProject[d.ProjectID], d)
		}
	}
	late := map[string][]LateCredit{}
	var uncarried []UncarriedCredit
	months := map[resellerkit.Month]*computed{}
	current := map[resellerkit.Month][]Report{}
	for _, pid := range order {
		docs := byProject[pid]
		for ref := period.AddMonths(-s.lookback); ref.Before(period); ref = ref.Next() {
			cur := currentInvoice(docs, ref)
			if cur == nil {
				continue
			}
			reports, ok := current[ref]
			if !ok {
				stored, err := s.store.CostReports(ctx, ref)
				if err != nil {
					return nil, nil, err
				}
				for _, r := range stored {
					reports = append(reports, r.Report)
				}
				current[ref] = reports
			}
			if sameReports(cur.Sources, reports) {
				continue // not restated since: its credits are those it billed
			}
			m := months[ref]
			if m == nil {
				var err error
				if m, err = s.compute(ctx, ref, s.charges, nil, nil); err != nil {
					return nil, nil, fmt.Errorf("billing: credits of %s: %w", ref, err)
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
				if d.Period.After(ref) && isCurrent(docs, &d) {
					for _, l := range d.Lines {
						if l.Kind == LineLateCredits && l.RefPeriod == ref {
							billed[l.AccountID] = billed[l.AccountID].Add(l.AmountCost)
						}
					}
				}
			}
			now := map[string]money.Decimal{}
			for _, inv := range m.result.Invoices {
				if inv.ProjectID == pid {
					for _, a := range inv.Accounts {
						now[a.AccountID] = a.CreditsUSD
					}
				}
			}
			for _, acct := range sortedKeys(now, billed) {
				diff := now[acct].Sub(billed[acct])
				if diff.IsZero() {
					continue
				}
				lc := LateCredit{AccountID: acct, RefPeriod: ref, AmountUSD: diff}
				if billedNow[pid] {
					late[pid] = append(late[pid], lc)
				} else {
					uncarried = append(uncarried, UncarriedCredit{OrgID: cur.OrgID, ProjectID: pid, LateCredit: lc})
				}
			}
		}
	}
	return late, uncarried, nil
}

// sameReports reports whether an invoice's sources are the stored versions.
func sameReports(a, b []Report) bool {
	return slices.EqualFunc(a, b, func(x, y Report) bool {
		return x.Payer == y.Payer && x.Period == y.Period && x.Version == y.Version && x.GeneratedAt.Equal(y.GeneratedAt)
	})
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

// correctionOf returns the number of the invoice of docs that replaces d.
func correctionOf(docs []Document, d *Document) string {
	if i := slices.IndexFunc(docs, func(o Document) bool { return o.Replaces == d.ID }); i >= 0 {
		return docs[i].Number
	}
	return "a later invoice"
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
// two notes. Only the month's current invoice (the latest correction) takes a
// note, and the notes of the month — those on the invoices it corrected too, which
// stand — return at most its subtotal: a note beyond what is outstanding is
// refused, naming the notes issued. A line names an account on a line of the
// invoice, or none (a return on the invoice as a whole): never another project's
// or organization's account (M-7). An operator's action: it takes no principal
// (the portal checks the operator).
func (s *Service) IssueCreditNote(ctx context.Context, key, invoiceID, reason string, lines []ReturnLine) (Document, error) {
	if key == "" || len(key) > 200 {
		return Document{}, resellerkit.Invalid(ErrInvalid, "key", key, "B-12", "an idempotency key of 1..200 characters is required")
	}
	if utf8.RuneCountInString(reason) > 500 || strings.TrimSpace(reason) == "" {
		return Document{}, resellerkit.Invalid(ErrInvalid, "reason", reason, "B-12", "want the reason of the return, 1..500 characters")
	}
	key = scopedKey("credit_note", invoiceID, key)
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
	accounts := map[string]bool{"": true} // "": a return on the invoice as a whole
	for _, l := range orig.Lines {
		accounts[l.AccountID] = true
	}
	var sum money.Decimal
	var errs []error
	for i, l := range lines {
		if !accounts[l.AccountID] {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("lines[%d].account_id", i), l.AccountID, "B-12",
				fmt.Sprintf("want an account on a line of invoice %s, or none for the invoice as a whole", orig.Number)))
		}
		if l.Amount.Sign() <= 0 || l.Amount.Places() > cur.MinorDigits() {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("lines[%d].amount", i), l.Amount.String(), "B-12",
				fmt.Sprintf("want an amount above zero in %s with at most %d decimals", cur, cur.MinorDigits())))
		}
		if problem := lineDescriptionProblem(l.Description); problem != "" {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("lines[%d].description", i), l.Description, "B-12", problem))
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
		invoices, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
			return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: orig.ProjectID, Period: orig.Period, Kind: DocInvoice}, pg)
		})
		if err != nil {
			return err
		}
		if !isCurrent(invoices, &orig) {
			return resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12",
				fmt.Sprintf("invoice %s was corrected by %s: return money on the correction", orig.Number, correctionOf(invoices, &orig)))
		}
		// Every note of the month counts, those on the invoices orig corrected
		// too: they stand after a correction (CorrectInvoice).
		notes, err := s.monthNotes(ctx, orig.ProjectID, orig.Period, key)
		if err != nil {
			return err
		}
		returned, numbers, err := returnedBy(notes, cur, invoiceID)
		if err != nil {
			return err
		}
		if all := returned.Add(sum); all.Cmp(orig.Subtotal.Decimal()) > 0 {
			already := ""
			if len(numbers) > 0 {
				already = fmt.Sprintf(" (credit notes %s returned %s already)", strings.Join(numbers, ", "), returned)
			}
			return resellerkit.Invalid(ErrInvalid, "lines", sum.String(), "B-12",
				fmt.Sprintf("the notes on %s would return %s, more than invoice %s bills (%s)%s: at most %s is outstanding",
					orig.Period, all, orig.Number, orig.Subtotal.Decimal(), already, orig.Subtotal.Decimal().Sub(returned)))
		}
		stored, _, err = s.store.IssueDocument(ctx, d)
		return err
	})
	return stored, err
}

// monthNotes returns the credit notes issued on the invoices of projectID's
// month, whichever of them (the original or a correction) each refers to,
// leaving out the one issued with key.
func (s *Service) monthNotes(ctx context.Context, projectID string, period resellerkit.Month, key string) ([]Document, error) {
	notes, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
		return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: projectID, Period: period, Kind: DocCreditNote}, pg)
	})
	return slices.DeleteFunc(notes, func(n Document) bool { return n.Key == key }), err
}

// returnedBy returns what notes returned in all, before tax, in cur, and their
// numbers. A note in another currency cannot be added up: an error naming it.
func returnedBy(notes []Document, cur money.Currency, invoiceID string) (money.Decimal, []string, error) {
	var sum money.Decimal
	var numbers []string
	for _, n := range notes {
		if n.Currency != cur {
			return sum, nil, resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12",
				fmt.Sprintf("credit note %s of the month is in %s, not %s: what it returned cannot be counted against this invoice", n.Number, n.Currency, cur))
		}
		sum = sum.Add(n.Subtotal.Decimal())
		numbers = append(numbers, n.Number)
	}
	return sum, numbers, nil
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
// replacing the original (Replaces), which stays as it was. The correction keeps
// the late credits the original carried from earlier months (they were billed
// once, there). A month whose credits a later invoice already carried cannot be
// corrected (its credits would count twice): return money with a credit note
// instead. The credit notes issued on the month stand (the customer has them and
// deducted their tax): the correction does not include them, they count against
// it (later notes return at most its subtotal less theirs), and a correction that
// would bill less than they returned is refused, naming them. Only the latest
// invoice of a month can be corrected, also under concurrency (both checked in
// the issuing transaction). The due date stays the original's, or when that has
// passed, as many days after the new issue date as the original gave. key makes
// it idempotent. An operator's action.
func (s *Service) CorrectInvoice(ctx context.Context, key, invoiceID string) (Document, error) {
	if key == "" || len(key) > 200 {
		return Document{}, resellerkit.Invalid(ErrInvalid, "key", key, "B-12", "an idempotency key of 1..200 characters is required")
	}
	key = scopedKey("correction", invoiceID, key)
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
	// check runs in the issuing transaction: the original is still the month's
	// current invoice and no later invoice carried the month's credits.
	check := func(ctx context.Context) error {
		docs, err := resellerkit.All(func(pg resellerkit.Page) ([]Document, string, error) {
			return s.store.ListDocuments(ctx, DocumentFilter{ProjectID: orig.ProjectID, Kind: DocInvoice}, pg)
		})
		if err != nil {
			return err
		}
		if !isCurrent(docs, &orig) {
			return resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12", "this invoice was already corrected: correct the latest one")
		}
		for _, d := range docs {
			if d.Period.After(orig.Period) && isCurrent(docs, &d) && slices.ContainsFunc(d.Lines, func(l DocumentLine) bool {
				return l.Kind == LineLateCredits && l.RefPeriod == orig.Period
			}) {
				return resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-16",
					fmt.Sprintf("invoice %s carried credits of %s already: return money with a credit note instead", d.Number, orig.Period))
			}
		}
		return nil
	}
	if err := check(ctx); err != nil {
		return Document{}, err
	}
	var carried []LateCredit
	for _, l := range orig.Lines {
		if l.Kind == LineLateCredits {
			carried = append(carried, LateCredit{AccountID: l.AccountID, RefPeriod: l.RefPeriod, AmountUSD: l.AmountCost})
		}
	}
	m, err := s.compute(ctx, orig.Period, s.projects, nil, map[string][]LateCredit{orig.ProjectID: carried})
	if err != nil {
		return Document{}, err
	}
	i := slices.IndexFunc(m.result.Invoices, func(inv Invoice) bool { return inv.ProjectID == orig.ProjectID })
	if i < 0 {
		return Document{}, fmt.Errorf("billing: project %s has no invoice in %s any more: %w", orig.ProjectID, orig.Period, ErrNotFound)
	}
	inv := &m.result.Invoices[i]
	p, _ := projectOf(m.projects, inv.ProjectID)
	now := s.clock()
	today := dateOf(now)
	d := s.document(p, inv, orig.Period, m.reports, today, now)
	d.Key, d.Replaces, d.DueDate = key, orig.ID, orig.DueDate
	if d.DueDate.Before(today) {
		d.DueDate = today.Add(orig.DueDate.Sub(orig.IssueDate))
	}
	// The month's credit notes stand (the customer has them, and deducted their
	// tax): the correction must bill at least what they returned. Checked in the
	// issuing transaction, so a note issued meanwhile counts.
	notesCheck := func(ctx context.Context) error {
		notes, err := s.monthNotes(ctx, orig.ProjectID, orig.Period, "")
		if err != nil {
			return err
		}
		returned, numbers, err := returnedBy(notes, d.Currency, invoiceID)
		if err != nil {
			return err
		}
		if len(notes) > 0 && returned.Cmp(d.Subtotal.Decimal()) > 0 {
			return resellerkit.Invalid(ErrInvalid, "invoice_id", invoiceID, "B-12",
				fmt.Sprintf("credit notes %s returned %s on %s already, more than the correction would bill (%s): the notes stand, so the customer would get back more than the month bills",
					strings.Join(numbers, ", "), returned, orig.Period, d.Subtotal.Decimal()))
		}
		return nil
	}
	stored, _, err := s.issue(ctx, d, p, func(ctx context.Context) error {
		if err := check(ctx); err != nil {
			return err
		}
		return notesCheck(ctx)
	})
	return stored, err
}

// scopedKey makes the idempotency key of a document about another one: kind, the
// other's id and the caller's key, length-prefixed so no two triples give one key.
func scopedKey(kind, id, key string) string {
	return fmt.Sprintf("%s/%d:%s/%s", kind, len(id), id, key)
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
//
// The month is priced with the settings its ProjectSource gives now: a pricing
// plan, support fee or custom item changed after issue is a finding that is not
// Restated, rightly so (the configuration no longer reproduces the invoice; keep
// past months' settings, e.g. as new plan names, to keep past months auditable).
// A Restated finding is expected after a restatement: its new credits are carried
// to the next invoice (Issued.Uncarried when none can take them); a restated
// charge is not, and needs a correction or a credit note.
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
