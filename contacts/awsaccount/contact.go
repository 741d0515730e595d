package awsaccount

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// Contact is one alternate contact as AWS keeps it. AWS requires all four fields
// (AWS Account Management API reference, AlternateContact).
type Contact struct {
	Name         string // 1..64 characters
	Title        string // 1..50 characters
	EmailAddress string // 1..254 characters, AWS's address pattern
	PhoneNumber  string // 1..25 characters of digits, spaces, "+", "-", "(" and ")"
}

// The limits of the AWS Account Management API on an alternate contact's fields.
const (
	MaxNameLen  = 64
	MaxTitleLen = 50
	MaxEmailLen = 254
	MaxPhoneLen = 25
)

// AWS's own patterns (Java regular expressions, where \w is ASCII as in Go's RE2).
var (
	emailPattern = regexp.MustCompile(`^\s*[\w+=.#|!&-]+@[\w.-]+\.\w+\s*$`)
	phonePattern = regexp.MustCompile(`^[\s0-9()+-]+$`)
)

// Validate checks c against the limits AWS applies to an alternate contact of type
// t, so a bad value fails here, naming its field, rather than in a call. It returns
// nil or the errors.Join of one *resellerkit.ValidationError per bad field (rule
// C-6, field "<TYPE>.<Field>", e.g. "BILLING.PhoneNumber"), each wrapping
// contacts.ErrInvalid.
func (c Contact) Validate(t types.AlternateContactType) error {
	var errs []error
	check := func(field, value string, limit int, pattern *regexp.Regexp, what, required string) {
		name := string(t) + "." + field
		switch n := awsLen(value); {
		case n == 0:
			errs = append(errs, resellerkit.Invalid(contacts.ErrInvalid, name, value, "C-6", required))
		case n > limit:
			errs = append(errs, resellerkit.Invalid(contacts.ErrInvalid, name, value, "C-6",
				fmt.Sprintf("at most %d characters in AWS (got %d)", limit, n)))
		case !utf8.ValidString(value):
			errs = append(errs, resellerkit.Invalid(contacts.ErrInvalid, name, value, "C-6", "must be valid UTF-8"))
		case pattern != nil && !pattern.MatchString(value):
			errs = append(errs, resellerkit.Invalid(contacts.ErrInvalid, name, value, "C-6", what))
		}
	}
	phoneRequired := "required by AWS: configure the desk phone (WithDeskPhone); emergency phones are for security incidents only (C-3)"
	if t == types.AlternateContactTypeSecurity {
		phoneRequired = "required by AWS: the account has no emergency phone (C-3)"
	}
	check("Name", c.Name, MaxNameLen, nil, "", "required by AWS")
	check("Title", c.Title, MaxTitleLen, nil, "", "required by AWS")
	check("EmailAddress", c.EmailAddress, MaxEmailLen, emailPattern,
		"must match AWS's address pattern (ASCII letters, digits and +=.#|!&-_ before the @)",
		"required by AWS: the category has no TO address (C-1)")
	check("PhoneNumber", c.PhoneNumber, MaxPhoneLen, phonePattern, `may hold only digits, spaces and "+-()"`, phoneRequired)
	return errors.Join(errs...)
}

// awsLen counts characters the way AWS's (Java) length constraints do: in UTF-16
// code units, so a character outside the Basic Multilingual Plane counts twice.
func awsLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// diff reports whether AWS's contact already says what we want: email addresses
// compared case-insensitively, name, title and phone exactly. It returns the names
// of the fields that differ.
func diff(have, want Contact) []string {
	var d []string
	if have.Name != want.Name {
		d = append(d, "Name")
	}
	if have.Title != want.Title {
		d = append(d, "Title")
	}
	if !strings.EqualFold(strings.TrimSpace(have.EmailAddress), strings.TrimSpace(want.EmailAddress)) {
		d = append(d, "EmailAddress")
	}
	if have.PhoneNumber != want.PhoneNumber {
		d = append(d, "PhoneNumber")
	}
	return d
}

// NameTitle is the Name and Title written to one type of alternate contact.
type NameTitle struct {
	Name  string
	Title string
}

// DefaultNames are the names and titles the default mapping writes: roles, not
// people, in English. The addresses are usually team lists (AWS's help page says an
// alternate contact need not be a person), AWS writes to these contacts in English,
// and the page asks that no sensitive information be put in the name or title,
// since AWS may quote them in its mail. Change them with WithNameTitle.
func DefaultNames() map[types.AlternateContactType]NameTitle {
	return map[types.AlternateContactType]NameTitle{
		types.AlternateContactTypeBilling:    {Name: "Billing team", Title: "Billing contact"},
		types.AlternateContactTypeOperations: {Name: "Operations team", Title: "Operations contact"},
		types.AlternateContactTypeSecurity:   {Name: "Security team", Title: "Security contact"},
	}
}

// defaultMapping is the mapping of the package documentation: BILLING from the
// billing TO[0], OPERATIONS from the technical TO[0], SECURITY from the security
// TO[0]; SECURITY's phone is the first emergency phone, the others' the desk phone.
// Missing values are left empty, so Validate names them per type.
func (s *Syncer) defaultMapping(c contacts.AccountContacts) (map[types.AlternateContactType]Contact, error) {
	first := func(l []string) string {
		if len(l) == 0 {
			return ""
		}
		return l[0]
	}
	mk := func(t types.AlternateContactType, email, phone string) Contact {
		nt := s.names[t]
		return Contact{Name: nt.Name, Title: nt.Title, EmailAddress: email, PhoneNumber: phone}
	}
	return map[types.AlternateContactType]Contact{
		types.AlternateContactTypeBilling:    mk(types.AlternateContactTypeBilling, first(c.Recipients.Billing.To), s.deskPhone),
		types.AlternateContactTypeOperations: mk(types.AlternateContactTypeOperations, first(c.Recipients.Technical.To), s.deskPhone),
		types.AlternateContactTypeSecurity:   mk(types.AlternateContactTypeSecurity, first(c.Recipients.Security.To), first(c.Phones)),
	}, nil
}
