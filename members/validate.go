package members

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// Limits of the validation rules. DOMAIN.md fixes the recipient counts (M-2); the
// others are this package's choices, written down in doc.go.
const (
	MaxInvoiceTo  = 6   // M-2: TO 1..6
	MaxInvoiceCC  = 6   // M-2: CC 0..6
	MaxNameLen    = 200 // characters of a name, alias, plan or label
	MaxLabels     = 20  // labels per account
	MinOrgCodeLen = 2
	MaxOrgCodeLen = 32
	// MaxBulkAccounts is the most accounts one bulk edit changes (M-10): a batch is
	// one transaction, and a bounded one keeps the database and the request small.
	MaxBulkAccounts = 1000
)

// ValidateAccountID checks that id is an AWS account id: exactly 12 ASCII digits
// (M-3). Leading zeros are significant. field names the input in the error (the
// request's own field name, e.g. "id" or "account_ids[3]").
func ValidateAccountID(field, id string) error {
	if len(id) != 12 || strings.IndexFunc(id, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return invalid(field, id, "M-3", "must be exactly 12 digits")
	}
	return nil
}

// MaxEmailLen is the longest address accepted: RFC 5321's 254-octet path limit,
// the same as identity's and contacts'.
const MaxEmailLen = 254

// NormalizeEmail checks that s is one bare email address (no display name, no
// surrounding spaces) as net/mail parses it and returns it lower-cased, the form the
// package stores and compares. field and rule name the input in the error.
func NormalizeEmail(field, rule, s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > MaxEmailLen || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		return "", invalid(field, s, rule, "must be one email address like name@example.com, at most 254 characters")
	}
	return strings.ToLower(s), nil
}

// ValidateOrgCode checks an organization code (M-1): 2..32 characters of lower-case
// ASCII letters, digits and '-', starting with a letter or digit.
func ValidateOrgCode(code string) error {
	ok := len(code) >= MinOrgCodeLen && len(code) <= MaxOrgCodeLen && code[0] != '-'
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if !ok {
		return invalid("code", code, "M-1", fmt.Sprintf("must be %d..%d of a-z, 0-9 and '-', not starting with '-'", MinOrgCodeLen, MaxOrgCodeLen))
	}
	return nil
}

// validateText checks a free-text field: valid UTF-8 without control characters, at
// most MaxNameLen characters, and not blank when required.
func validateText(field, rule, s string, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return invalid(field, s, rule, "is required")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return invalid(field, s, rule, "must be valid text without control characters")
	case utf8.RuneCountInString(s) > MaxNameLen:
		return invalid(field, s, rule, fmt.Sprintf("must be at most %d characters", MaxNameLen))
	}
	return nil
}

// normalizeEmails validates a recipient list of min..max addresses without
// duplicates and returns it lower-cased.
func normalizeEmails(field, rule string, list []string, minN, maxN int) ([]string, error) {
	if len(list) < minN || len(list) > maxN {
		return nil, invalid(field, strings.Join(list, ","), rule, fmt.Sprintf("needs %d..%d addresses, got %d", minN, maxN, len(list)))
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		n, err := NormalizeEmail(fmt.Sprintf("%s[%d]", field, i), rule, e)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, n) {
			return nil, invalid(fmt.Sprintf("%s[%d]", field, i), e, rule, "is listed twice")
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ValidateProject checks a project's customer-editable fields (M-2) and returns it
// with emails lower-cased: a name, a known payment method and currency, 1..6 TO and
// 0..6 CC recipients, each a valid address listed once.
func ValidateProject(p Project) (Project, error) {
	if err := validateText("name", "M-2", p.Name, true); err != nil {
		return p, err
	}
	if err := validateText("plan", "M-2", p.Plan, false); err != nil {
		return p, err
	}
	if p.PaymentMethod != PaymentBankTransfer && p.PaymentMethod != PaymentCard {
		return p, invalid("payment_method", string(p.PaymentMethod), "M-2", `must be "bank_transfer" or "card"`)
	}
	if !p.Currency.Valid() {
		return p, invalid("currency", string(p.Currency), "M-2", `must be "JPY" or "USD"`)
	}
	to, err := normalizeEmails("invoice_to", "M-2", p.InvoiceTo, 1, MaxInvoiceTo)
	if err != nil {
		return p, err
	}
	cc, err := normalizeEmails("invoice_cc", "M-2", p.InvoiceCC, 0, MaxInvoiceCC)
	if err != nil {
		return p, err
	}
	for i, c := range cc {
		if slices.Contains(to, c) {
			return p, invalid(fmt.Sprintf("invoice_cc[%d]", i), p.InvoiceCC[i], "M-2", "is already a TO recipient")
		}
	}
	// An ordered list, not a map: the same bad input must always name the same field.
	for _, f := range []struct{ field, value string }{
		{"billing.pricing_plan", p.Billing.PricingPlan},
		{"billing.support_fee_rule", p.Billing.SupportFeeRule},
		{"billing.exchange_rate_policy", p.Billing.ExchangeRatePolicy},
	} {
		if err := validateText(f.field, "M-2", f.value, false); err != nil {
			return p, err
		}
	}
	p = p.Clone()
	p.InvoiceTo, p.InvoiceCC = to, cc
	return p, nil
}

// validateLabels checks account labels: at most MaxLabels, each non-blank text listed
// once.
func validateLabels(labels []string) ([]string, error) {
	if len(labels) > MaxLabels {
		return nil, invalid("labels", strings.Join(labels, ","), "M-10", fmt.Sprintf("at most %d labels", MaxLabels))
	}
	seen := make(map[string]bool, len(labels))
	for i, l := range labels {
		if err := validateText(fmt.Sprintf("labels[%d]", i), "M-10", l, true); err != nil {
			return nil, err
		}
		if seen[l] {
			return nil, invalid(fmt.Sprintf("labels[%d]", i), l, "M-10", "is listed twice")
		}
		seen[l] = true
	}
	if len(labels) == 0 {
		return nil, nil
	}
	return slices.Clone(labels), nil
}

// checkAccountIDs validates the account list of a bulk edit (M-10): 1 to
// MaxBulkAccounts ids, each 12 digits and listed once. It runs in time linear in the
// list.
func checkAccountIDs(ids []string) error {
	switch {
	case len(ids) == 0:
		return invalid("account_ids", "", "M-10", "lists no account")
	case len(ids) > MaxBulkAccounts:
		return invalid("account_ids", fmt.Sprintf("%d accounts", len(ids)), "M-10",
			fmt.Sprintf("at most %d accounts per bulk edit; split the batch", MaxBulkAccounts))
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("account_ids[%d]", i)
		if err := ValidateAccountID(field, id); err != nil {
			return err
		}
		if seen[id] {
			return invalid(field, id, "M-10", "is listed twice")
		}
		seen[id] = true
	}
	return nil
}

// checkPage rejects a page token no list returned, naming the request field.
func checkPage(page resellerkit.Page) error {
	if _, err := page.After(); err != nil {
		return invalid("page_token", page.Token, "", "is not a token a previous page returned")
	}
	return nil
}
