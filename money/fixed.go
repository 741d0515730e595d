package money

import (
	"math/big"
	"math/bits"
)

// UnitPlaces is the number of fractional digits of the fixed-point fast path: one unit
// is 1e-10 (of a dollar, for CUR costs), the finest precision AWS cost data carries.
const UnitPlaces = 10

// maxIntDigits bounds the integer digits the fast path accepts: 8 integer digits plus
// 10 fractional ones always fit an int64, so the loop needs no overflow checks.
const maxIntDigits = 8

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}

// ParseUnits parses plain decimal text ([+-]?digits[.digits]) into a count of 1e-10
// units without allocating. It returns ok=false, and the caller must fall back to the
// exact Parse, when the text has an exponent or any other syntax, more than 8 integer
// digits, a non-zero fractional digit beyond the 10th, or more than MaxScale fractional
// digits (which Parse refuses as out of range). Zeros beyond the 10th fractional digit
// are accepted ("0.00000080000" is 8000 units).
func ParseUnits(b []byte) (units int64, ok bool) {
	i, n := 0, len(b)
	neg := false
	if n > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var u uint64
	intDigits := 0
	for ; i < n; i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		u = u*10 + uint64(c)
		intDigits++
	}
	if intDigits > maxIntDigits {
		return 0, false
	}
	frac, fracDigits := 0, 0
	if i < n && b[i] == '.' {
		for i++; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				return 0, false
			}
			fracDigits++
			if frac < UnitPlaces {
				u = u*10 + uint64(c)
				frac++
			} else if c != 0 {
				return 0, false
			}
		}
	}
	if i != n || intDigits+fracDigits == 0 || fracDigits > MaxScale {
		return 0, false
	}
	u *= pow10[UnitPlaces-frac]
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// Sum accumulates decimal amounts exactly. Amounts the fast path can read are added as
// 1e-10 units to a 128-bit two's-complement integer (no allocation, cannot overflow in
// fewer than 2^64 additions); any other amount is added to an exact big-decimal
// remainder. Its zero value is an empty sum. A Sum is not safe for concurrent use.
type Sum struct {
	lo   uint64
	hi   int64
	slow Decimal
}

// AddUnits adds v units of 1e-10.
func (s *Sum) AddUnits(v int64) {
	lo, carry := bits.Add64(s.lo, uint64(v), 0)
	s.lo = lo
	s.hi += int64(carry) + (v >> 63)
}

// AddBytes parses decimal text and adds it: the fast path when ParseUnits accepts it,
// otherwise the exact Parse. A syntax error (wrapping ErrSyntax) leaves s unchanged.
func (s *Sum) AddBytes(b []byte) error {
	if v, ok := ParseUnits(b); ok {
		s.AddUnits(v)
		return nil
	}
	d, err := ParseBytes(b)
	if err != nil {
		return err
	}
	s.AddDecimal(d)
	return nil
}

// AddDecimal adds d exactly.
func (s *Sum) AddDecimal(d Decimal) { s.slow = s.slow.Add(d) }

// Merge adds every amount of o to s.
func (s *Sum) Merge(o *Sum) {
	lo, carry := bits.Add64(s.lo, o.lo, 0)
	s.lo = lo
	s.hi += o.hi + int64(carry)
	if !o.slow.IsZero() {
		s.slow = s.slow.Add(o.slow)
	}
}

// Decimal returns the exact total.
func (s *Sum) Decimal() Decimal {
	var fast Decimal
	if s.hi == 0 && s.lo < 1<<63 {
		fast = New(int64(s.lo), -UnitPlaces)
	} else if s.hi == -1 && s.lo >= 1<<63 {
		fast = New(int64(s.lo), -UnitPlaces)
	} else {
		b := new(big.Int).Lsh(big.NewInt(s.hi), 64)
		b.Add(b, new(big.Int).SetUint64(s.lo))
		fast = NewFromBigInt(b, -UnitPlaces)
	}
	if s.slow.IsZero() {
		return fast
	}
	return fast.Add(s.slow)
}

// IsZero reports whether the total is 0.
func (s *Sum) IsZero() bool { return s.Decimal().IsZero() }
