package invoicedoc

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// CSVHeader is the header row CSV writes, one name per column. A CSV file holds
// one document: every row repeats its number, issue date and period, so the files
// of many documents concatenate (header rows aside) into one table.
//
// The columns: number, issue_date (YYYY-MM-DD), period (YYYY-MM, the billed month),
// kind, account_id, service (product code), service_name, description, ref_period
// (YYYY-MM, the month a late credit belongs to), tax_rate (a fraction: 0.1 is
// 10%), amount_cost (the exact amount in the cost currency, every digit),
// cost_currency, amount (rounded, in the document's currency, with its minor digits
// and no separators: 185493, 882.50) and currency.
//
// A text cell that a spreadsheet would take for a formula — number, account_id,
// service, service_name or description starting with =, +, -, @, a tab or a
// carriage return — is written with an apostrophe before it ('=SUM(…)), which
// Excel shows as text and does not run (CSV injection): service names come from
// the cost data, where an AWS Marketplace seller names its product, and
// descriptions from custom items and credit notes. The number columns (tax_rate,
// amount_cost, amount) are written as they are, minus sign included.
func CSVHeader() []string {
	return []string{
		"number", "issue_date", "period", "kind", "account_id", "service", "service_name",
		"description", "ref_period", "tax_rate", "amount_cost", "cost_currency", "amount", "currency",
	}
}

// The kinds of the rows after the lines (the kind column of the lines is their
// billing.LineKind).
const (
	// RowTaxable is the taxable amount of one tax rate (billing.TaxAmount.Taxable).
	RowTaxable = "taxable"
	// RowTax is the consumption tax of one tax rate (billing.TaxAmount.Tax).
	RowTax = "tax"
	// RowTotal is the document's total, tax included.
	RowTotal = "total"
)

// CSVOptions change how CSVWithOptions writes.
type CSVOptions struct {
	// BOM writes the UTF-8 byte order mark (EF BB BF) first. Excel in Japan reads
	// a CSV file without it as Shift_JIS and garbles every Japanese character;
	// with it, Excel opens the file correctly. Programs that read CSV
	// (encoding/csv among them) see the BOM as part of the first header name, so
	// it is off by default.
	BOM bool
}

// CSV writes d as UTF-8 CSV (RFC 4180, CRLF line ends, via encoding/csv) without a
// byte order mark: the CSVHeader row; one row per line, in order; then for each tax
// rate, in d.Taxes order, a RowTaxable row and a RowTax row (their tax_rate says the
// rate, their amount is the rate's taxable amount and its tax); then one RowTotal
// row. Summing the amount of the line rows gives the subtotal; the amounts of the
// rows after them are stated, never recomputed. For Excel, use CSVWithOptions with
// BOM. A document lacking an item of B-12 is an error wrapping ErrInvalid, and
// nothing is written.
func CSV(w io.Writer, d billing.Document) error {
	return CSVWithOptions(w, d, CSVOptions{})
}

// CSVWithOptions is CSV with options: CSVOptions{BOM: true} for Excel.
func CSVWithOptions(w io.Writer, d billing.Document, opt CSVOptions) error {
	if err := check(d); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if opt.BOM {
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	head := []string{text(d.Number), isoDate(d.IssueDate), d.Period.String()}
	row := func(kind, account, service, serviceName, description, refPeriod, rate, cost, costCurrency, amount string) []string {
		return append(append([]string(nil), head...), kind, text(account), text(service), text(serviceName),
			text(description), refPeriod, rate, cost, costCurrency, amount, string(d.Currency))
	}
	if err := cw.Write(CSVHeader()); err != nil {
		return err
	}
	for _, l := range d.Lines {
		err := cw.Write(row(string(l.Kind), l.AccountID, l.Service, l.ServiceName, l.Description,
			l.RefPeriod.String(), l.TaxRate.String(), l.AmountCost.String(), string(d.CostCurrency),
			l.Amount.String()))
		if err != nil {
			return err
		}
	}
	for _, t := range d.Taxes {
		if err := cw.Write(row(RowTaxable, "", "", "", "", "", t.Rate.String(), "", "", t.Taxable.String())); err != nil {
			return err
		}
		if err := cw.Write(row(RowTax, "", "", "", "", "", t.Rate.String(), "", "", t.Tax.String())); err != nil {
			return err
		}
	}
	if err := cw.Write(row(RowTotal, "", "", "", "", "", "", "", "", d.Total.String())); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// text returns a text cell as CSV writes it: with an apostrophe before it when it
// starts with a character that makes a spreadsheet read it as a formula (see
// CSVHeader).
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
