package invoicedoc

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// ErrInvalid is wrapped by the error CSV and PDF return for a document that lacks
// an item a qualified invoice must state (B-12), or for invalid Options. Nothing
// is written then.
var ErrInvalid = errors.New("invoicedoc: invalid document")

// registrationNumber is the qualified-invoice issuer number: T and 13 digits.
var registrationNumber = regexp.MustCompile(`^T[0-9]{13}$`)

// check reports the first item of B-12 that d lacks.
func check(d billing.Document) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	switch {
	case !d.Kind.Valid():
		return bad("kind %q", d.Kind)
	case d.Number == "":
		return bad("no number (the document is not issued)")
	case d.Issuer.Name == "":
		return bad("no issuer name")
	case !registrationNumber.MatchString(d.Issuer.RegistrationNumber):
		return bad("issuer registration number %q: want T and 13 digits", d.Issuer.RegistrationNumber)
	case d.Recipient == "":
		return bad("no recipient")
	case d.Period.IsZero():
		return bad("no period")
	case d.IssueDate.IsZero():
		return bad("no issue date")
	case !d.Currency.Valid():
		return bad("currency %q", d.Currency)
	}
	for i, t := range d.Taxes {
		if t.Taxable.Currency() != d.Currency || t.Tax.Currency() != d.Currency {
			return bad("tax %d is not in %s", i, d.Currency)
		}
	}
	for i, l := range d.Lines {
		if l.Amount.Currency() != d.Currency {
			return bad("line %d is not in %s", i+1, d.Currency)
		}
	}
	for _, a := range []money.Amount{d.Subtotal, d.Tax, d.Total} {
		if a.Currency() != d.Currency {
			return bad("subtotal, tax or total not in %s", d.Currency)
		}
	}
	return nil
}

// converted reports whether d's amounts were converted from another currency
// (B-10): then the document states the rate, its source and its date.
func converted(d billing.Document) bool {
	if d.CostCurrency != "" && d.CostCurrency != d.Currency {
		return true
	}
	return !d.ExchangeRate.IsZero() && !d.ExchangeRate.Equal(money.NewFromInt(1))
}

// formatAmount prints a with its currency's sign and thousands separators:
// ¥1,234,567 (yen have no decimals), $1,234.50; a negative amount as -¥1,234.
// Like money.Currency.Format it never rounds: digits beyond the minor unit, which
// no issued document has, are kept.
func formatAmount(a money.Amount) string {
	s := a.Currency().Format(a.Decimal())
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch a.Currency() {
	case money.JPY:
		b.WriteString("¥")
	case money.USD:
		b.WriteString("$")
	default:
		b.WriteString(string(a.Currency()) + " ")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// percent prints a tax rate held as a fraction: 0.1 → "10%", 0.08 → "8%".
func percent(rate money.Decimal) string {
	return rate.Mul(money.NewFromInt(100)).String() + "%"
}

// isoDate prints a document date (midnight UTC of the day) as 2026-11-10; the zero
// time as "".
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// sanitize replaces what fpdf cannot draw: runes outside the Basic Multilingual
// Plane (fpdf's UTF-8 fonts index widths by a 16-bit code and panic beyond it) and
// control characters become 〓 (geta, the Japanese typesetter's mark for a missing
// glyph) and a space.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return '〓'
		case r == '\t', r == '\r':
			return ' '
		case r < 0x20 && r != '\n', r == 0x7F:
			return -1
		}
		return r
	}, s)
}
