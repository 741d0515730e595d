package identity

import (
	"net/mail"
	"strings"
)

// MaxEmailLen is the longest address accepted: RFC 5321's 254-octet path limit.
const MaxEmailLen = 254

// NormalizeEmail checks that s is one bare email address (no display name, no
// surrounding spaces, a dot in the domain, at most MaxEmailLen bytes) and returns it
// lower-cased: the form identities are keyed by (I-1). It is the same form
// members stores in memberships and invitations, so the two compare equal.
func NormalizeEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > MaxEmailLen ||
		!strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		return "", invalid("email", s, "I-1", "must be one email address like name@example.com, at most 254 characters")
	}
	return strings.ToLower(s), nil
}

// Warning is advice about accepted input: the input is stored, but the person
// should reconsider it.
type Warning struct {
	Field   string
	Rule    string
	Message string
}

// roleLocalParts are local parts that name a role or a team, not a person.
var roleLocalParts = map[string]bool{
	"admin": true, "administrator": true, "all": true, "billing": true, "contact": true, "help": true,
	"hostmaster": true, "info": true, "mail": true, "no-reply": true, "noreply": true, "office": true,
	"postmaster": true, "root": true, "sales": true, "security": true, "staff": true, "support": true,
	"system": true, "team": true, "webmaster": true, "abuse": true, "aws": true, "cloud": true, "infra": true,
}

// EmailWarnings returns a warning when email looks like a role or mailing-list
// address (info@, admin@, ml-…, …-ml@, list-…): an identity is one person, and
// whoever reads a shared mailbox could reset the password (I-1). Such addresses are
// allowed; the warning is for the person to reconsider.
func EmailWarnings(email string) []Warning {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	if base, _, ok := strings.Cut(local, "+"); ok {
		local = base
	}
	if roleLocalParts[local] || strings.HasPrefix(local, "ml-") || strings.HasPrefix(local, "ml.") ||
		strings.HasSuffix(local, "-ml") || strings.HasPrefix(local, "list-") || strings.HasSuffix(local, "-all") {
		return []Warning{{Field: "email", Rule: "I-1", Message: "looks like a shared or mailing-list address; an identity is one person, and everyone reading that mailbox could reset its password"}}
	}
	return nil
}
