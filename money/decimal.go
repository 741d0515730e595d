package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// ErrSyntax is wrapped by every error returned for text that is not a decimal number.
var ErrSyntax = errors.New("money: not a decimal number")

// ErrRange is wrapped by every error returned for decimal text that is well formed
// but outside the range Parse accepts: a magnitude of 1e15 or more, or more than
// MaxScale fractional digits as written.
var ErrRange = errors.New("money: out of range")

// MaxScale is the most fractional digits, counted as written ("1.50" has 2, "1.5E-7"
// has 8), that Parse accepts. AWS cost data carries at most 10 (DOMAIN.md §2).
const MaxScale = 30

// maxMagnitude is the exclusive bound on |value| that Parse accepts: 1e15, far above
// any single cost, rate or invoice amount, far below what would let hostile input
// ("1e400") blow up sums and output.
var maxMagnitude = decimal.New(1, 15)

// maxExponent bounds the exponent accepted in scientific notation ("1e-7"), so that a
// hostile input cannot make the parser allocate a huge coefficient.
const maxExponent = 1000

// Decimal is an exact, arbitrary-precision decimal number. Its zero value is 0 (there
// is no exported Zero variable: write money.Decimal{}). Every operation is exact
// except Round and the explicit rounding helpers; no binary floating point is ever
// involved.
type Decimal struct {
	d decimal.Decimal
}

// New returns value × 10^exp.
func New(value int64, exp int32) Decimal { return Decimal{decimal.New(value, exp)} }

// NewFromInt returns the Decimal equal to v.
func NewFromInt(v int64) Decimal { return Decimal{decimal.NewFromInt(v)} }

// NewFromBigInt returns value × 10^exp.
func NewFromBigInt(value *big.Int, exp int32) Decimal {
	return Decimal{decimal.NewFromBigInt(value, exp)}
}

// Parse parses decimal text: an optional sign, digits with an optional fractional
// part, and an optional exponent ("-12.5", "0.00000080000", "6.5E-7"). Anything else,
// including the empty string, spaces, "NaN" and thousands separators, is an error
// wrapping ErrSyntax that quotes the input. A well-formed number whose magnitude is
// 1e15 or more ("1e400") or that is written with more than MaxScale fractional digits
// is an error wrapping ErrRange that quotes the input and states the bound.
func Parse(s string) (Decimal, error) {
	if !validSyntax(s) {
		return Decimal{}, fmt.Errorf("%q: %w", truncate(s), ErrSyntax)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("%q: %w", truncate(s), ErrSyntax)
	}
	if -d.Exponent() > MaxScale {
		return Decimal{}, fmt.Errorf("%q: %w: more than %d fractional digits", truncate(s), ErrRange, MaxScale)
	}
	if d.Abs().Cmp(maxMagnitude) >= 0 {
		return Decimal{}, fmt.Errorf("%q: %w: magnitude must be below 1e15", truncate(s), ErrRange)
	}
	return Decimal{d}, nil
}

// ParseBytes is Parse for a byte slice.
func ParseBytes(b []byte) (Decimal, error) { return Parse(string(b)) }

// MustParse is Parse for constants known to be valid; it panics on a syntax error.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic("money.MustParse: " + err.Error())
	}
	return d
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// validSyntax reports whether s matches [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)? with a
// bounded exponent.
func validSyntax(s string) bool {
	i, n := 0, len(s)
	if i < n && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < n && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp, expDigits := 0, 0
		for i < n && s[i] >= '0' && s[i] <= '9' {
			if exp <= maxExponent {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
			expDigits++
		}
		if expDigits == 0 || exp > maxExponent {
			return false
		}
	}
	return i == n
}

// Add returns d + e.
func (d Decimal) Add(e Decimal) Decimal { return Decimal{d.d.Add(e.d)} }

// Sub returns d − e.
func (d Decimal) Sub(e Decimal) Decimal { return Decimal{d.d.Sub(e.d)} }

// Mul returns d × e, exactly.
func (d Decimal) Mul(e Decimal) Decimal { return Decimal{d.d.Mul(e.d)} }

// MulPercent returns d × p / 100, exactly (p is a percentage such as 12.5).
func (d Decimal) MulPercent(p Decimal) Decimal { return Decimal{d.d.Mul(p.d).Shift(-2)} }

// Neg returns −d.
func (d Decimal) Neg() Decimal { return Decimal{d.d.Neg()} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal { return Decimal{d.d.Abs()} }

// Cmp returns -1, 0 or +1 as d is less than, equal to or greater than e.
func (d Decimal) Cmp(e Decimal) int { return d.d.Cmp(e.d) }

// Equal reports whether d and e are the same number (1.50 equals 1.5).
func (d Decimal) Equal(e Decimal) bool { return d.d.Equal(e.d) }

// Sign returns -1, 0 or +1 as d is negative, zero or positive.
func (d Decimal) Sign() int { return d.d.Sign() }

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.d.IsZero() }

// Places returns the number of significant fractional digits of d: 0 for 12 and 12.0,
// 2 for 12.50 and 12.05.
func (d Decimal) Places() int32 {
	if d.d.IsZero() {
		return 0
	}
	n := d.d.Exponent()
	if n >= 0 {
		return 0
	}
	c := d.d.Coefficient()
	ten := big.NewInt(10)
	m := new(big.Int)
	for n < 0 {
		q, r := new(big.Int).QuoRem(c, ten, m)
		if r.Sign() != 0 {
			break
		}
		c = q
		n++
	}
	return -n
}

// Scale returns the number of fractional digits of d as written, trailing zeros
// included: 2 for 12.50, 3 for 12.500 and 1e-3, 0 for 12 and 1.2e3. Arithmetic
// results have the scale the exact operation produces.
func (d Decimal) Scale() int32 {
	if e := d.d.Exponent(); e < 0 {
		return -e
	}
	return 0
}

// Max returns the larger of d and e.
func Max(d, e Decimal) Decimal {
	if d.Cmp(e) >= 0 {
		return d
	}
	return e
}

// Min returns the smaller of d and e.
func Min(d, e Decimal) Decimal {
	if d.Cmp(e) <= 0 {
		return d
	}
	return e
}

// String returns the exact value in plain notation with no trailing fractional zeros
// and no exponent: "0.0000008", "-12.5", "70500".
func (d Decimal) String() string {
	exp := d.d.Exponent()
	if exp >= 0 {
		return d.d.StringFixed(0)
	}
	s := d.d.StringFixed(-exp)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// StringFixed returns d with exactly places fractional digits, rounding half away
// from zero if d has more ("1.5" with 2 places is "1.50").
func (d Decimal) StringFixed(places int32) string {
	return d.Round(places, HalfUp).d.StringFixed(places)
}

// Rat returns d as an exact rational number.
func (d Decimal) Rat() *big.Rat { return d.d.Rat() }

// Quo returns d / e rounded to places fractional digits with mode. It panics if e is 0.
func (d Decimal) Quo(e Decimal, places int32, mode RoundingMode) Decimal {
	if e.IsZero() {
		panic("money: division by zero")
	}
	r := new(big.Rat).Quo(d.Rat(), e.Rat())
	return roundRat(r, places, mode)
}

// MarshalJSON encodes d as a JSON string holding String().
func (d Decimal) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes a JSON string (or, leniently, a JSON number, read as exact
// decimal text) with Parse.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return fmt.Errorf("null: %w", ErrSyntax)
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText encodes d as String().
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes text with Parse.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseBytes(b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
