package contacts

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPhones is the most emergency phone numbers an account keeps (C-3); it keeps at
// least one.
const MaxPhones = 3

// MaxPhoneLen is the longest phone number input accepted, in characters. Longer
// input is refused before any other work.
const MaxPhoneLen = 64

// NormalizePhone checks an emergency phone number (C-3) and returns it in E.164
// form: '+', the country code and the number, digits only ("+81312345678").
//
// It accepts:
//   - Japanese national numbers, which start with a single 0 and have 10 digits
//     (landlines, 0120, 0570…) or 11 digits (mobiles 070, 080, 090; IP phones 050;
//     0800; 020; 060): "03-1234-5678", "(03) 1234-5678", "03(1234)5678",
//     "090-1234-5678", "0312345678". They become "+81" and the number without its 0.
//   - international numbers starting with '+': "+81 3-1234-5678", "+1 415 555 2671",
//     "+44 20 7946 0958". A "(0)" right after the country code is the trunk prefix
//     and is dropped ("+81 (0)3 1234 5678", "+44 (0)20 7946 0958"). After +81 the
//     number follows the Japanese rules without its leading 0 (9 or 10 digits);
//     any other country has 8 to 15 digits after '+', country code included, and
//     a country code never starts with 0.
//
// Digits, '+' and parentheses may be full-width ("０３－１２３４－５６７８"); spaces
// (also U+3000 and no-break space), hyphens, dots and dashes (U+2010..U+2015, U+2212,
// U+FF0D, and the prolonged sound mark ー often typed for a hyphen) separate groups
// of digits and are dropped. Anything else is refused: letters, extensions ("ext",
// "x", "#", "内線"), a '+' that is not first or appears twice, empty input, and input
// longer than MaxPhoneLen characters.
//
// The error is a *resellerkit.ValidationError on field with rule C-3, wrapping
// ErrInvalid, whose reason says what is wrong.
func NormalizePhone(field, s string) (string, error) {
	bad := func(reason string) (string, error) { return "", invalid(field, s, "C-3", reason) }
	// Bound the work first: at most 4 bytes a character.
	if len(s) > 4*MaxPhoneLen || utf8.RuneCountInString(s) > MaxPhoneLen {
		return bad(fmt.Sprintf("must be at most %d characters", MaxPhoneLen))
	}
	if !utf8.ValidString(s) {
		return bad("must be valid UTF-8 text")
	}
	// Map every accepted character to ASCII: digits, '+', '(', ')' and ' ' for any
	// separator.
	var buf [MaxPhoneLen]byte // one byte a character
	m := buf[:0]
	for _, r := range s {
		c, ok := phoneChar(r)
		if !ok {
			return bad(refusedCharReason(s, r))
		}
		m = append(m, c)
	}
	t := strings.TrimSpace(string(m))
	if t == "" {
		return bad("is empty: give a phone number like 03-1234-5678 or +81 3-1234-5678")
	}
	plus := t[0] == '+'
	switch n := strings.Count(t, "+"); {
	case n > 1:
		return bad("has more than one '+'")
	case n == 1 && !plus:
		return bad("'+' may only come first, before the country code")
	}
	if plus {
		t = t[1:]
	}
	d, reason := phoneDigits(t, plus)
	if reason != "" {
		return bad(reason)
	}
	if d == "" {
		return bad("holds no digits: give a phone number like 03-1234-5678 or +81 3-1234-5678")
	}
	if !plus {
		if d[0] != '0' {
			return bad("a number without '+' is a Japanese number starting with 0: write other countries' numbers as +<country code> and the number")
		}
		if reason := japaneseReason(d[1:], false); reason != "" {
			return bad(reason)
		}
		return "+81" + d[1:], nil
	}
	switch {
	case d[0] == '0':
		return bad("a country code never starts with 0: after '+' comes the country code (81 for Japan)")
	case strings.HasPrefix(d, "81"):
		if reason := japaneseReason(d[2:], true); reason != "" {
			return bad(reason)
		}
	case len(d) < 8 || len(d) > 15:
		return bad(fmt.Sprintf("an international number has 8 to 15 digits after '+', country code included; this one has %d", len(d)))
	}
	return "+" + d, nil
}

// phoneChar maps an accepted character of a phone number to its ASCII form: a
// digit, '+', '(', ')', or ' ' for every separator.
func phoneChar(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= '０' && r <= '９': // U+FF10..U+FF19, full-width digits
		return byte(r-'０') + '0', true
	}
	switch r {
	case '+', '＋':
		return '+', true
	case '(', '（':
		return '(', true
	case ')', '）':
		return ')', true
	case ' ', '\t', '\u00a0', '\u3000', // spaces, no-break space, ideographic space
		'-', '.', '．', '－', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212',
		'ー', 'ｰ': // the prolonged sound mark (full- and half-width), typed for a hyphen
		return ' ', true
	}
	return 0, false
}

// refusedCharReason explains why r, found in the phone number s, is refused.
func refusedCharReason(s string, r rune) string {
	lower := strings.ToLower(s)
	switch {
	case strings.ContainsAny(lower, "x#,;ｘ＃") || strings.Contains(lower, "ext") || strings.Contains(s, "内線"):
		return "must be the number alone, without an extension (ext, x, #, 内線)"
	case unicode.IsLetter(r):
		return "must not contain letters: give the digits of the number"
	case unicode.IsControl(r) || !unicode.IsPrint(r):
		return "must not contain control or invisible characters"
	}
	return fmt.Sprintf("must hold only digits, spaces, hyphens, dots, parentheses and a leading '+', not %q", r)
}

// phoneDigits returns the digits of t (a phone number mapped by phoneChar, without
// its leading '+'), checking its parentheses: balanced, not nested, each around
// digits. In an international number (intl), a "(0)" right after the first group
// of digits (the country code) is the trunk prefix and is dropped. It returns a
// reason when t is refused.
func phoneDigits(t string, intl bool) (string, string) {
	d := make([]byte, 0, len(t))
	groups := 0 // runs of digits seen so far
	inParen := false
	open := 0         // index in d where the open parenthesis' digits start
	groupsAtOpen := 0 // groups before the open parenthesis
	prevDigit := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch c {
		case '(':
			if inParen {
				return "", "parentheses must not nest"
			}
			inParen, open, groupsAtOpen = true, len(d), groups
			prevDigit = false
		case ')':
			if !inParen {
				return "", "has a ')' without its '('"
			}
			inParen = false
			prevDigit = false
			inner := string(d[open:])
			switch {
			case inner == "":
				return "", "parentheses must enclose digits"
			case intl && inner == "0":
				if groupsAtOpen != 1 {
					return "", "a \"(0)\" may only follow the country code, as in +81 (0)3 1234 5678"
				}
				d = d[:open] // the trunk prefix, not dialled from abroad
				groups--
			}
		case ' ':
			prevDigit = false
		default: // a digit
			if !prevDigit {
				groups++
			}
			prevDigit = true
			d = append(d, c)
		}
	}
	if inParen {
		return "", "has a '(' without its ')'"
	}
	return string(d), ""
}

// japaneseElevenDigits are the prefixes (without the leading 0) of Japanese numbers
// with 11 digits, the longest first; all others have 10.
var japaneseElevenDigits = [...]string{"800", "20", "50", "60", "70", "80", "90"}

// japaneseReason checks a Japanese number without its leading 0 (the national
// significant number, what follows +81), and returns why it is refused or "".
// intl says whether it was written after +81, which decides how the reason counts.
func japaneseReason(nsn string, intl bool) string {
	if intl && nsn == "" {
		return "after +81 comes the Japanese number without its leading 0, as in +81 3-1234-5678"
	}
	if intl && nsn[0] == '0' {
		return "after +81 the Japanese number is written without its leading 0: +81 3-1234-5678, or +81 (0)3-1234-5678"
	}
	if !intl && strings.HasPrefix(nsn, "0") {
		return "a Japanese number starts with a single 0 (00… is a carrier or international prefix): write other countries' numbers as +<country code> and the number"
	}
	if strings.HasPrefix(nsn, "10") {
		return "no Japanese number starts with 010, Japan's international call prefix: write other countries' numbers as +<country code> and the number"
	}
	want, prefix := 9, ""
	for _, p := range japaneseElevenDigits {
		if strings.HasPrefix(nsn, p) {
			want, prefix = 10, p
			break
		}
	}
	if len(nsn) == want {
		return ""
	}
	switch {
	case intl && prefix != "":
		return fmt.Sprintf("after +81 a Japanese number has 9 or 10 digits: one starting %s has 10, this one has %d", prefix, len(nsn))
	case intl:
		return fmt.Sprintf("after +81 a Japanese number has 9 or 10 digits: a landline, 120 or 570 number has 9, this one has %d", len(nsn))
	case prefix != "":
		return fmt.Sprintf("a Japanese number has 10 or 11 digits starting with 0: one starting 0%s has 11, this one has %d", prefix, len(nsn)+1)
	}
	return fmt.Sprintf("a Japanese number has 10 or 11 digits starting with 0: a landline, 0120 or 0570 number has 10, this one has %d", len(nsn)+1)
}

// NormalizePhones checks an account's emergency phones (C-3): 1..MaxPhones numbers
// in the order they are called, each normalized by NormalizePhone, none twice
// (compared in E.164, so "03-1234-5678" and "+81 3 1234 5678" are the same number).
// It returns them in E.164, in the same order, in a new slice.
//
// field names the list in errors ("phones"): a wrong count is reported on the list
// itself, a bad or repeated number on its position ("phones[2]"), a repeat naming
// the position it repeats.
func NormalizePhones(field string, list []string) ([]string, error) {
	switch {
	case len(list) == 0:
		return nil, invalid(field, "", "C-3", "at least one emergency phone is required")
	case len(list) > MaxPhones:
		return nil, invalid(field, strings.Join(list, ", "), "C-3", fmt.Sprintf("holds at most %d emergency phones, got %d", MaxPhones, len(list)))
	}
	out := make([]string, 0, len(list))
	for i, s := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		p, err := NormalizePhone(f, s)
		if err != nil {
			return nil, err
		}
		for j, q := range out {
			if q == p {
				return nil, invalid(f, s, "C-3", fmt.Sprintf("is the same number as %s[%d] (%s)", field, j, p))
			}
		}
		out = append(out, p)
	}
	return out, nil
}
