package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
)

// Currency is an ISO 4217 currency code. The invoice currencies (M-2, B-10) are the
// constants JPY and USD; ParseCurrency and UnmarshalText accept nothing else, so a
// Currency that came through them is always one of these.
type Currency string

// The currencies invoices and cost data are in (M-2, B-10).
const (
	JPY Currency = "JPY" // Japanese yen: no minor unit
	USD Currency = "USD" // US dollar: cents
)

// ErrCurrency is wrapped by the error for a currency code that is not supported.
var ErrCurrency = errors.New("money: unsupported currency")

// ParseCurrency returns the Currency of a supported ISO 4217 code ("JPY" or "USD").
func ParseCurrency(code string) (Currency, error) {
	c := Currency(code)
	if !c.Valid() {
		return "", fmt.Errorf("%w %q: want JPY or USD", ErrCurrency, truncate(code))
	}
	return c, nil
}

// Valid reports whether c is a supported currency.
func (c Currency) Valid() bool { return c == JPY || c == USD }

// MinorDigits returns the fractional digits of the currency's smallest unit: 0 for
// JPY, 2 for USD (and for any unsupported code).
func (c Currency) MinorDigits() int32 {
	if c == JPY {
		return 0
	}
	return 2
}

// String returns the currency code.
func (c Currency) String() string { return string(c) }

// MarshalText returns the currency code.
func (c Currency) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText parses a currency code with ParseCurrency.
func (c *Currency) UnmarshalText(b []byte) error {
	v, err := ParseCurrency(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Round rounds d to a whole minor unit of c (a whole yen, a cent) with mode.
func (c Currency) Round(d Decimal, mode RoundingMode) Decimal { return d.Round(c.MinorDigits(), mode) }

// Format returns d with exactly the currency's minor digits: "882.50" and "0.00" in
// USD, "2445" in JPY. It pads and never rounds: an amount with more fractional digits
// than the minor unit (one that no rule has rounded yet) keeps all of them, so no
// digit of money is ever hidden. Round first to print a rounded amount.
func (c Currency) Format(d Decimal) string {
	places := max(d.Places(), c.MinorDigits())
	s := d.d.StringFixed(places)
	if d.IsZero() && len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return s
}

// Amount returns d as an Amount of c.
func (c Currency) Amount(d Decimal) Amount { return Amount{d: d, cur: c} }

// ErrCurrencyMismatch is wrapped by the error of an operation on two Amounts of
// different currencies: a yen amount and a dollar amount never add up.
var ErrCurrencyMismatch = errors.New("money: currency mismatch")

// Amount is an exact decimal in a currency, typically already rounded to its minor
// unit (B-10): an invoice's subtotal, tax, total and line amounts. Build one with
// Currency.Amount. It does not embed a Decimal, so an amount cannot silently lose its
// currency in arithmetic: Add refuses two currencies, and Decimal returns the number
// for arithmetic the caller does knowingly. Its text and JSON forms have exactly the
// currency's minor digits (Currency.Format); they carry the number only, as invoices
// print it next to their currency.
type Amount struct {
	d   Decimal
	cur Currency
}

// Decimal returns the amount's number.
func (a Amount) Decimal() Decimal { return a.d }

// Currency returns the amount's currency.
func (a Amount) Currency() Currency { return a.cur }

// IsZero reports whether the amount is 0 (in any currency).
func (a Amount) IsZero() bool { return a.d.IsZero() }

// Add returns a + b. Amounts of different currencies are an error wrapping
// ErrCurrencyMismatch, and the zero Amount.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, fmt.Errorf("%w: %s %s + %s %s", ErrCurrencyMismatch, a.cur, a, b.cur, b)
	}
	return Amount{d: a.d.Add(b.d), cur: a.cur}, nil
}

// Equal reports whether a and b have the same currency and the same value (1.50 USD
// equals 1.5 USD).
func (a Amount) Equal(b Amount) bool { return a.cur == b.cur && a.d.Equal(b.d) }

// String returns the amount formatted with Currency.Format.
func (a Amount) String() string { return a.cur.Format(a.d) }

// MarshalJSON encodes the amount as a JSON string holding String(): "882.50".
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// MarshalText encodes the amount as String().
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// ErrAllocate is wrapped by the errors Allocate returns.
var ErrAllocate = errors.New("money: cannot allocate")

// Allocate splits total into len(weights) parts proportional to weights, each with at
// most places fractional digits, such that the parts always sum exactly to total
// (largest-remainder method): every part is first rounded toward −∞, then the units
// left over go one each to the parts with the largest discarded remainders (ties to
// the earlier part). Weights may have mixed signs but must not sum to zero, and total
// must itself have at most places fractional digits.
func Allocate(total Decimal, weights []Decimal, places int32) ([]Decimal, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("%w: no weights", ErrAllocate)
	}
	if !total.Round(places, Down).Equal(total) {
		return nil, fmt.Errorf("%w: total %s has more than %d fractional digits", ErrAllocate, total, places)
	}
	var sum Decimal
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if sum.IsZero() {
		return nil, fmt.Errorf("%w: weights sum to zero", ErrAllocate)
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(places))), nil)
	toUnits := func(r *big.Rat) *big.Rat {
		if places >= 0 {
			return r.Mul(r, new(big.Rat).SetInt(scale))
		}
		return r.Quo(r, new(big.Rat).SetInt(scale))
	}
	totalUnits := toUnits(total.Rat()).Num() // an integer, checked above
	sumRat := sum.Rat()
	type part struct {
		i     int
		floor *big.Int
		rem   *big.Rat
	}
	parts := make([]part, len(weights))
	assigned := new(big.Int)
	for i, w := range weights {
		share := toUnits(new(big.Rat).Quo(new(big.Rat).Mul(total.Rat(), w.Rat()), sumRat))
		fl, _ := new(big.Int).DivMod(share.Num(), share.Denom(), new(big.Int))
		rem := new(big.Rat).Sub(share, new(big.Rat).SetInt(fl))
		parts[i] = part{i: i, floor: fl, rem: rem}
		assigned.Add(assigned, fl)
	}
	left := new(big.Int).Sub(totalUnits, assigned).Int64() // 0 ≤ left < len(weights)
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return parts[order[a]].rem.Cmp(parts[order[b]].rem) > 0 })
	for k := int64(0); k < left; k++ {
		p := &parts[order[k]]
		p.floor.Add(p.floor, big.NewInt(1))
	}
	out := make([]Decimal, len(parts))
	for i, p := range parts {
		out[i] = NewFromBigInt(p.floor, -places)
	}
	return out, nil
}
