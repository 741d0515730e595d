package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const documentColumns = `id, key, kind, number, series, year, seq, replaces, refers_to, org_id, project_id, period,
	issuer_name, issuer_registration_number, recipient, issue_date, due_date, description, currency, cost_currency,
	exchange_rate, exchange_rate_source, exchange_rate_date, sources, lines, taxes, subtotal, subtotal_currency, tax,
	tax_currency, total, total_currency, issued_at`

// amountDest reads an amount's two columns, its decimal and its currency.
type amountDest struct {
	d   money.Decimal
	cur money.Currency
}

func (a *amountDest) amount() money.Amount { return a.cur.Amount(a.d) }

func scanDocument(r sqldb.Row) (billing.Document, error) {
	var (
		d                     billing.Document
		sources, lines, taxes string
		subtotal, tax, total  amountDest
	)
	err := r.Scan(&d.ID, &d.Key, &d.Kind, &d.Number, &d.Series, &d.Year, &d.Seq, &d.Replaces, &d.RefersTo,
		&d.OrgID, &d.ProjectID, sqldb.ScanMonth(&d.Period), &d.Issuer.Name, &d.Issuer.RegistrationNumber,
		&d.Recipient, sqldb.ScanTime(&d.IssueDate), sqldb.ScanTime(&d.DueDate), &d.Description, &d.Currency,
		&d.CostCurrency, scanDecimal(&d.ExchangeRate), &d.ExchangeRateSource, sqldb.ScanTime(&d.ExchangeRateDate),
		&sources, &lines, &taxes, scanDecimal(&subtotal.d), &subtotal.cur, scanDecimal(&tax.d), &tax.cur,
		scanDecimal(&total.d), &total.cur, sqldb.ScanTime(&d.IssuedAt))
	if err != nil {
		return d, err
	}
	d.Subtotal, d.Tax, d.Total = subtotal.amount(), tax.amount(), total.amount()
	if d.Sources, err = decodeSources(sources); err != nil {
		return d, err
	}
	if d.Lines, err = decodeLines(lines); err != nil {
		return d, err
	}
	d.Taxes, err = decodeTaxes(taxes)
	return d, err
}

// jsonLine is a DocumentLine in the lines column: decimals as exact text
// (decimalText), an amount as its decimal and currency, a month as "YYYY-MM" (""
// for none).
type jsonLine struct {
	Kind           billing.LineKind `json:"kind"`
	AccountID      string           `json:"account_id"`
	Service        string           `json:"service"`
	ServiceName    string           `json:"service_name"`
	Description    string           `json:"description"`
	RefPeriod      string           `json:"ref_period"`
	TaxRate        string           `json:"tax_rate"`
	AmountCost     string           `json:"amount_cost"`
	Amount         string           `json:"amount"`
	AmountCurrency money.Currency   `json:"amount_currency"`
}

// jsonSource is a Report in the sources column: the month as "YYYY-MM", the time
// in UTC at microsecond precision.
type jsonSource struct {
	Payer       string    `json:"payer"`
	Period      string    `json:"period"`
	Version     string    `json:"version"`
	GeneratedAt time.Time `json:"generated_at"`
}

func encodeSources(rs []billing.Report) string {
	js := make([]jsonSource, len(rs))
	for i, r := range rs {
		js[i] = jsonSource{Payer: r.Payer, Period: r.Period.String(), Version: r.Version, GeneratedAt: instant(r.GeneratedAt)}
	}
	return mustJSON(js)
}

func decodeSources(s string) ([]billing.Report, error) {
	var js []jsonSource
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, fmt.Errorf("sqlstore: document sources: %w", err)
	}
	if len(js) == 0 {
		return nil, nil
	}
	rs := make([]billing.Report, len(js))
	for i, j := range js {
		rs[i] = billing.Report{Payer: j.Payer, Version: j.Version, GeneratedAt: j.GeneratedAt.UTC()}
		if err := rs[i].Period.UnmarshalText([]byte(j.Period)); err != nil {
			return nil, fmt.Errorf("sqlstore: document source %d: %w", i+1, err)
		}
	}
	return rs, nil
}

// jsonTax is a TaxAmount in the taxes column.
type jsonTax struct {
	Rate            string             `json:"rate"`
	Taxable         string             `json:"taxable"`
	TaxableCurrency money.Currency     `json:"taxable_currency"`
	Tax             string             `json:"tax"`
	TaxCurrency     money.Currency     `json:"tax_currency"`
	Rounding        money.RoundingMode `json:"rounding"` // as its number: every value round-trips
}

func encodeLines(ls []billing.DocumentLine) string {
	js := make([]jsonLine, len(ls))
	for i, l := range ls {
		js[i] = jsonLine{Kind: l.Kind, AccountID: l.AccountID, Service: l.Service, ServiceName: l.ServiceName,
			Description: l.Description, RefPeriod: l.RefPeriod.String(), TaxRate: decimalText(l.TaxRate),
			AmountCost: decimalText(l.AmountCost), Amount: decimalText(l.Amount.Decimal()),
			AmountCurrency: l.Amount.Currency()}
	}
	return mustJSON(js)
}

func decodeLines(s string) ([]billing.DocumentLine, error) {
	var js []jsonLine
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, fmt.Errorf("sqlstore: document lines: %w", err)
	}
	if len(js) == 0 {
		return nil, nil
	}
	ls := make([]billing.DocumentLine, len(js))
	for i, j := range js {
		l := billing.DocumentLine{Kind: j.Kind, AccountID: j.AccountID, Service: j.Service, ServiceName: j.ServiceName,
			Description: j.Description}
		var (
			amount money.Decimal
			err    error
		)
		if err = l.RefPeriod.UnmarshalText([]byte(j.RefPeriod)); err == nil {
			if l.TaxRate, err = parseDecimal(j.TaxRate); err == nil {
				if l.AmountCost, err = parseDecimal(j.AmountCost); err == nil {
					amount, err = parseDecimal(j.Amount)
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("sqlstore: document line %d: %w", i+1, err)
		}
		l.Amount = j.AmountCurrency.Amount(amount)
		ls[i] = l
	}
	return ls, nil
}

func encodeTaxes(ts []billing.TaxAmount) string {
	js := make([]jsonTax, len(ts))
	for i, t := range ts {
		js[i] = jsonTax{Rate: decimalText(t.Rate), Taxable: decimalText(t.Taxable.Decimal()),
			TaxableCurrency: t.Taxable.Currency(), Tax: decimalText(t.Tax.Decimal()), TaxCurrency: t.Tax.Currency(),
			Rounding: t.Rounding}
	}
	return mustJSON(js)
}

func decodeTaxes(s string) ([]billing.TaxAmount, error) {
	var js []jsonTax
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, fmt.Errorf("sqlstore: document taxes: %w", err)
	}
	if len(js) == 0 {
		return nil, nil
	}
	ts := make([]billing.TaxAmount, len(js))
	for i, j := range js {
		var (
			taxable, tax money.Decimal
			err          error
		)
		if ts[i].Rate, err = parseDecimal(j.Rate); err == nil {
			if taxable, err = parseDecimal(j.Taxable); err == nil {
				tax, err = parseDecimal(j.Tax)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("sqlstore: document tax %d: %w", i+1, err)
		}
		ts[i].Taxable, ts[i].Tax, ts[i].Rounding = j.TaxableCurrency.Amount(taxable), j.TaxCurrency.Amount(tax), j.Rounding
	}
	return ts, nil
}

// mustJSON encodes v, a value of this file's JSON types, which always encode.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// formatNumber returns a document's number: Series-YYYY-NNNNNN, e.g.
// "T1234567890123-2026-000042" (more digits when Seq has more).
func formatNumber(series string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%06d", series, year, seq)
}

// IssueDocument implements billing.Store in one transaction (sqldb.DB.InTx, in a
// savepoint when ctx carries one): a document with d.Key is returned as it is;
// an id taken under another key is ErrAlreadyExists; otherwise one upsert of the
// counter of (d.Series, d.Year) returns the next Seq (INSERT … ON CONFLICT DO
// UPDATE … RETURNING), and the document is inserted with it. The counter row is
// written only by a transaction that also inserts a document, so numbers have no
// gap: a transaction that fails or loses a race (PostgreSQL's SERIALIZABLE makes
// the second of two concurrent issuers of one series fail and retry) rolls its
// number back with it. d.Year, when zero, is the year of d.IssueDate.
//
// Calls made without a transaction in ctx are retried beyond sqldb's bound while
// they lose races to other issuers (every issuer of a series updates one row), so
// a burst of concurrent issues succeeds; inside a caller's transaction, the
// caller's InTx retries.
func (s *Store) IssueDocument(ctx context.Context, d billing.Document) (billing.Document, bool, error) {
	if d.Year == 0 && !d.IssueDate.IsZero() {
		d.Year = d.IssueDate.UTC().Year()
	}
	var (
		out     billing.Document
		created bool
	)
	issue := func(ctx context.Context) error {
		q := s.q(ctx)
		existing, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM billing_documents
			WHERE key = $1`, d.Key))
		switch {
		case err == nil:
			out, created = existing, false
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var taken int
		switch err := q.QueryRowContext(ctx, `SELECT 1 FROM billing_documents WHERE id = $1`, d.ID).Scan(&taken); {
		case err == nil:
			return fmt.Errorf("%w: document %q: the id is used by another key", billing.ErrAlreadyExists,
				resellerkit.Truncate(d.ID))
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var seq int64
		if err := q.QueryRowContext(ctx, `INSERT INTO billing_document_counters (series, year, last_seq)
			VALUES ($1, $2, 1)
			ON CONFLICT (series, year) DO UPDATE SET last_seq = billing_document_counters.last_seq + 1
			RETURNING last_seq`, d.Series, d.Year).Scan(&seq); err != nil {
			return err
		}
		d.Seq, d.Number = seq, formatNumber(d.Series, d.Year, seq)
		if _, err := q.ExecContext(ctx, `INSERT INTO billing_documents (`+documentColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
				$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)`,
			d.ID, d.Key, string(d.Kind), d.Number, d.Series, d.Year, d.Seq, d.Replaces, d.RefersTo, d.OrgID,
			d.ProjectID, monthKey(d.Period), d.Issuer.Name, d.Issuer.RegistrationNumber, d.Recipient,
			sqldb.TimeArg(d.IssueDate), sqldb.TimeArg(d.DueDate), d.Description, string(d.Currency),
			string(d.CostCurrency), decimalText(d.ExchangeRate), d.ExchangeRateSource, sqldb.TimeArg(d.ExchangeRateDate),
			encodeSources(d.Sources), encodeLines(d.Lines), encodeTaxes(d.Taxes),
			decimalText(d.Subtotal.Decimal()), string(d.Subtotal.Currency()),
			decimalText(d.Tax.Decimal()), string(d.Tax.Currency()),
			decimalText(d.Total.Decimal()), string(d.Total.Currency()), sqldb.TimeArg(d.IssuedAt)); err != nil {
			return err
		}
		// What was stored, as every later read returns it.
		out, err = scanDocument(q.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM billing_documents
			WHERE id = $1`, d.ID))
		created = true
		return err
	}
	err := s.db.InTx(ctx, issue)
	for attempt := 1; err != nil && errors.Is(err, sqldb.ErrSerialization) && !s.db.InTransaction(ctx) &&
		ctx.Err() == nil && attempt < maxIssueRounds; attempt++ {
		err = s.db.InTx(ctx, issue)
	}
	if err != nil {
		return billing.Document{}, false, mapErr(err, "document", d.ID)
	}
	return out, created, nil
}

// maxIssueRounds bounds how many times IssueDocument runs sqldb.DB.InTx (each with
// sqldb's own retries) while it loses races to concurrent issuers.
const maxIssueRounds = 16

// GetDocument implements billing.Store.
func (s *Store) GetDocument(ctx context.Context, orgID, id string) (billing.Document, error) {
	var (
		d   billing.Document
		err error
	)
	if orgID == "" {
		d, err = scanDocument(s.q(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+` FROM billing_documents
			WHERE id = $1`, id))
	} else {
		d, err = scanDocument(s.q(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+` FROM billing_documents
			WHERE id = $1 AND org_id = $2`, id, orgID))
	}
	if err != nil {
		return billing.Document{}, mapErr(err, "document", id)
	}
	return d, nil
}

// DocumentByKey implements billing.Store.
func (s *Store) DocumentByKey(ctx context.Context, key string) (billing.Document, error) {
	d, err := scanDocument(s.q(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+` FROM billing_documents
		WHERE key = $1`, key))
	if err != nil {
		return billing.Document{}, mapErr(err, "document with key", key)
	}
	return d, nil
}

// documentKey is a document's position in ListDocuments, as a page token holds
// it: series, year and seq separated by NUL bytes (which no PostgreSQL text
// holds).
func documentKey(d billing.Document) string {
	return d.Series + "\x00" + strconv.Itoa(d.Year) + "\x00" + strconv.FormatInt(d.Seq, 10)
}

// parseDocumentKey is the inverse of documentKey; anything else wraps
// resellerkit.ErrPageToken.
func parseDocumentKey(k string) (series string, year int, seq int64, err error) {
	rest, seqText, ok1 := cutLast(k)
	series, yearText, ok2 := cutLast(rest)
	year, yerr := strconv.Atoi(yearText)
	seq, serr := strconv.ParseInt(seqText, 10, 64)
	if !ok1 || !ok2 || yerr != nil || serr != nil || strings.IndexByte(series, 0) >= 0 {
		return "", 0, 0, fmt.Errorf("%w: not a position in a list of documents", resellerkit.ErrPageToken)
	}
	return series, year, seq, nil
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, 0)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// ListDocuments implements billing.Store by keyset: the documents after the
// token's (series, year, seq), in that order (series in byte order), served on
// both databases by an index of the unfiltered list, of an organization's, or of
// a project's (Kind and Period filter the rows the index yields).
func (s *Store) ListDocuments(ctx context.Context, f billing.DocumentFilter, pg resellerkit.Page) ([]billing.Document, string, error) {
	after, err := pg.After()
	if err != nil {
		return nil, "", err
	}
	var (
		where []string
		args  []any
	)
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.OrgID != "" {
		arg("org_id = $%d", f.OrgID)
	}
	if f.ProjectID != "" {
		arg("project_id = $%d", f.ProjectID)
	}
	if !f.Period.IsZero() {
		arg("period = $%d", monthKey(f.Period))
	}
	if f.Kind != "" {
		arg("kind = $%d", string(f.Kind))
	}
	if after != "" {
		series, year, seq, err := parseDocumentKey(after)
		if err != nil {
			return nil, "", err
		}
		args = append(args, series, year, seq)
		n := len(args)
		where = append(where, fmt.Sprintf("(series%s, year, seq) > ($%d, $%d, $%d)", s.c, n-2, n-1, n))
	}
	query := `SELECT ` + documentColumns + ` FROM billing_documents`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	size := pg.Size()
	args = append(args, size+1)
	query += fmt.Sprintf(` ORDER BY series%s, year, seq LIMIT $%d`, s.c, len(args))
	l, err := sqldb.Collect(ctx, s.q(ctx), scanDocument, query, args...)
	if err != nil {
		return nil, "", mapErr(err, "documents", "")
	}
	if len(l) <= size {
		return l, "", nil
	}
	return l[:size], resellerkit.NextToken(documentKey(l[size-1])), nil
}
