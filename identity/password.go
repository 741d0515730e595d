package identity

import (
	"strings"
	"unicode/utf8"
)

// MinPasswordLen is the fewest characters a password may have (I-2).
const MinPasswordLen = 10

// MaxPasswordLen is the most characters a password may have (I-2).
const MaxPasswordLen = 70

// PasswordSymbols lists the symbols a password may contain, besides ASCII letters and
// digits (I-2); a password needs at least one of them.
const PasswordSymbols = "!@#$%^&*()_+-=[]{}|'"

// The reasons PasswordProblems reports, in its fixed order.
const (
	problemTooShort   = "must be at least 10 characters long"
	problemTooLong    = "must be at most 70 characters long"
	problemLower      = "must contain a lowercase letter (a-z)"
	problemUpper      = "must contain an uppercase letter (A-Z)"
	problemDigit      = "must contain a digit (0-9)"
	problemSymbol     = "must contain a symbol from " + PasswordSymbols
	problemDisallowed = "contains a character other than ASCII letters, digits and " + PasswordSymbols
)

// PasswordProblems returns every rule of I-2 that pw breaks, as short English
// phrases in a fixed order: length, lowercase, uppercase, digit, symbol, disallowed
// character. It returns nil when pw is acceptable. Length is counted in characters
// (runes; each byte of invalid UTF-8 counts as one). No phrase quotes any part of
// pw: a refused password is never echoed.
func PasswordProblems(pw string) []string {
	var lower, upper, digit, symbol, other bool
	n := 0
	for _, r := range pw {
		n++
		switch {
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		case '0' <= r && r <= '9':
			digit = true
		case r < utf8.RuneSelf && strings.IndexByte(PasswordSymbols, byte(r)) >= 0:
			symbol = true
		default:
			other = true
		}
	}
	var p []string
	switch {
	case n < MinPasswordLen:
		p = append(p, problemTooShort)
	case n > MaxPasswordLen:
		p = append(p, problemTooLong)
	}
	if !lower {
		p = append(p, problemLower)
	}
	if !upper {
		p = append(p, problemUpper)
	}
	if !digit {
		p = append(p, problemDigit)
	}
	if !symbol {
		p = append(p, problemSymbol)
	}
	if other {
		p = append(p, problemDisallowed)
	}
	return p
}

// CheckPassword returns nil when pw satisfies I-2, or one *resellerkit.ValidationError
// (wrapping ErrInvalid, Field "password", Rule "I-2", an empty Value) whose Reason
// names every rule pw breaks, joined with "; ", in the order of PasswordProblems.
func CheckPassword(pw string) error {
	p := PasswordProblems(pw)
	if p == nil {
		return nil
	}
	return invalid("password", "", "I-2", strings.Join(p, "; "))
}
