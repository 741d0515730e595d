package contacts

import (
	"fmt"
	"net/mail"
	"strings"
)

// MaxAddressLen is the longest email address accepted, in bytes: RFC 5321's
// 254-octet limit on a forward path (C-1).
const MaxAddressLen = 254

// MaxPerList is the most addresses a TO or a CC list holds (C-1). A TO list holds at
// least one, a CC list may be empty.
const MaxPerList = 6

// NormalizeAddress checks that s is one bare, deliverable email address: as
// net/mail parses it (no display name, no comment, no angle brackets, no
// surrounding spaces), ASCII (an internationalized domain in its xn-- form), a
// local part of at most 64 characters, a host-name domain of at least two labels
// (no IP literal, no '_'), at most MaxAddressLen bytes; and returns it lower-cased: the form the
// package stores and compares, so "Bob@Example.COM" and "bob@example.com" are one
// address (C-1). The error is a *resellerkit.ValidationError on field with rule
// C-1, wrapping ErrInvalid.
func NormalizeAddress(field, s string) (string, error) {
	if s == "" {
		return "", invalid(field, s, "C-1", "is empty: give one email address like name@example.com")
	}
	// Bound the work before parsing: nothing longer can be accepted.
	if len(s) > MaxAddressLen {
		return "", invalid(field, s, "C-1", fmt.Sprintf("must be at most %d bytes long", MaxAddressLen))
	}
	a, err := mail.ParseAddress(s)
	switch {
	case err != nil:
		return "", invalid(field, s, "C-1", "must be one email address like name@example.com")
	case a.Name != "":
		return "", invalid(field, s, "C-1", "must be the bare address, without a display name or comment")
	case a.Address != s:
		return "", invalid(field, s, "C-1", "must be the bare address like name@example.com, without spaces, quotes or angle brackets")
	case !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], "."):
		return "", invalid(field, s, "C-1", "the domain must contain a dot, as in name@example.com")
	}
	// Deliverable, not merely parsable: mail servers and SES refuse the rest at
	// send time, where one bad address would fail the whole notice.
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	switch {
	case !isASCII(s):
		return "", invalid(field, s, "C-1", "must be ASCII: write an internationalized domain in its xn-- (punycode) form")
	case len(local) > 64:
		return "", invalid(field, s, "C-1", "the part before @ must be at most 64 characters")
	case !hostname(domain):
		return "", invalid(field, s, "C-1", "the domain must be a host name like example.co.jp (letters, digits and '-' between dots)")
	}
	return strings.ToLower(s), nil
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hostname reports whether d is a DNS host name of at least two labels, each
// 1..63 letters, digits or '-' not at either end, the last not all digits (no IP
// literal).
func hostname(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := range len(l) {
			c := l[i] | 0x20
			if !(c >= 'a' && c <= 'z' || l[i] >= '0' && l[i] <= '9' || l[i] == '-') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// NormalizeList checks one category's recipients (C-1) and returns them normalized:
// TO holds 1..MaxPerList addresses and CC 0..MaxPerList, each normalized by
// NormalizeAddress, and no address appears twice in TO, twice in CC, or in both
// (compared after normalizing, so case-insensitively). Order is kept.
//
// field names the list in errors: with field "billing" a bad address is reported
// on "billing.to[2]" or "billing.cc[0]", a wrong count on "billing.to" or
// "billing.cc", and a repeated address says where it was first seen ("is already
// in billing.to[0]"). With field "" the names are "to[2]", "cc" and so on.
//
// An empty CC is returned as nil (whether given as nil or as an empty slice), so
// lists compare equal with reflect.DeepEqual whatever form came in. The returned
// slices are new; l is not modified.
func NormalizeList(field string, l List) (List, error) {
	prefix := ""
	if field != "" {
		prefix = field + "."
	}
	toField, ccField := prefix+"to", prefix+"cc"
	if len(l.To) == 0 {
		return List{}, invalid(toField, "", "C-1", "needs at least one address")
	}
	if len(l.To) > MaxPerList {
		return List{}, invalid(toField, strings.Join(l.To, ", "), "C-1", fmt.Sprintf("holds at most %d addresses, got %d", MaxPerList, len(l.To)))
	}
	if len(l.CC) > MaxPerList {
		return List{}, invalid(ccField, strings.Join(l.CC, ", "), "C-1", fmt.Sprintf("holds at most %d addresses, got %d", MaxPerList, len(l.CC)))
	}
	seen := make(map[string]string, len(l.To)+len(l.CC)) // normalized address → field it was first seen in
	norm := func(listField string, in []string) ([]string, error) {
		if len(in) == 0 {
			return nil, nil
		}
		out := make([]string, 0, len(in))
		for i, s := range in {
			f := fmt.Sprintf("%s[%d]", listField, i)
			n, err := NormalizeAddress(f, s)
			if err != nil {
				return nil, err
			}
			if first, ok := seen[n]; ok {
				return nil, invalid(f, s, "C-1", "is already in "+first)
			}
			seen[n] = f
			out = append(out, n)
		}
		return out, nil
	}
	to, err := norm(toField, l.To)
	if err != nil {
		return List{}, err
	}
	cc, err := norm(ccField, l.CC)
	if err != nil {
		return List{}, err
	}
	return List{To: to, CC: cc}, nil
}

// NormalizeRecipients checks an account's three lists with NormalizeList, in the
// order of Categories, and returns them normalized. Errors name the category, the
// list and the position: "billing.to[1]", "technical.cc", "security.to". The same
// address may appear in several categories.
func NormalizeRecipients(r Recipients) (Recipients, error) {
	var out Recipients
	for _, c := range []struct {
		cat Category
		in  List
		out *List
	}{
		{Billing, r.Billing, &out.Billing},
		{Technical, r.Technical, &out.Technical},
		{Security, r.Security, &out.Security},
	} {
		l, err := NormalizeList(string(c.cat), c.in)
		if err != nil {
			return Recipients{}, err
		}
		*c.out = l
	}
	return out, nil
}
