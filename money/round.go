package money

import (
	"fmt"
	"math/big"
)

// RoundingMode selects how Round discards digits.
type RoundingMode int

// The rounding modes. The zero value is HalfUp.
const (
	HalfUp   RoundingMode = iota // to nearest, ties away from zero (2.5 → 3, −2.5 → −3)
	HalfEven                     // to nearest, ties to the even digit (2.5 → 2, 3.5 → 4)
	Floor                        // toward −∞ (2.9 → 2, −2.1 → −3)
	Ceil                         // toward +∞ (2.1 → 3, −2.9 → −2)
	Down                         // toward zero, truncation (2.9 → 2, −2.9 → −2)
)

var modeNames = [...]string{HalfUp: "half_up", HalfEven: "half_even", Floor: "floor", Ceil: "ceil", Down: "down"}

// String returns the mode's configuration name: "half_up", "half_even", "floor",
// "ceil" or "down".
func (m RoundingMode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("RoundingMode(%d)", int(m))
	}
	return modeNames[m]
}

// Valid reports whether m is one of the modes above.
func (m RoundingMode) Valid() bool { return m >= 0 && int(m) < len(modeNames) }

// ParseRoundingMode parses a mode name as returned by String.
func ParseRoundingMode(s string) (RoundingMode, error) {
	for i, n := range modeNames {
		if n == s {
			return RoundingMode(i), nil
		}
	}
	return 0, fmt.Errorf("money: rounding mode %q: want half_up, half_even, floor, ceil or down", truncate(s))
}

// MarshalText encodes the mode's name.
func (m RoundingMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes a mode name with ParseRoundingMode.
func (m *RoundingMode) UnmarshalText(b []byte) error {
	v, err := ParseRoundingMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Round returns d rounded to places fractional digits (negative places round to tens,
// hundreds, …) with mode. A d that already has no more digits is returned unchanged.
func (d Decimal) Round(places int32, mode RoundingMode) Decimal {
	switch mode {
	case HalfUp:
		return Decimal{d.d.Round(places)}
	case HalfEven:
		return Decimal{d.d.RoundBank(places)}
	case Floor:
		return Decimal{d.d.RoundFloor(places)}
	case Ceil:
		return Decimal{d.d.RoundCeil(places)}
	case Down:
		return Decimal{d.d.RoundDown(places)}
	}
	panic(fmt.Sprintf("money: unknown rounding mode %d", int(mode)))
}

// roundRat rounds an exact rational to places fractional digits with mode.
func roundRat(r *big.Rat, places int32, mode RoundingMode) Decimal {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(places))), nil)
	num := new(big.Int).Set(r.Num())
	den := new(big.Int).Set(r.Denom())
	if places >= 0 {
		num.Mul(num, scale)
	} else {
		den.Mul(den, scale)
	}
	q, m := new(big.Int).DivMod(num, den, new(big.Int)) // floor division, m ≥ 0
	if m.Sign() != 0 {
		twice := new(big.Int).Lsh(m, 1)
		half := twice.Cmp(den) // sign of (fraction − 1/2)
		up := false
		switch mode {
		case Floor:
		case Ceil:
			up = true
		case Down:
			up = num.Sign() < 0
		case HalfUp:
			up = half > 0 || (half == 0 && num.Sign() >= 0)
		case HalfEven:
			up = half > 0 || (half == 0 && q.Bit(0) == 1)
		default:
			panic(fmt.Sprintf("money: unknown rounding mode %d", int(mode)))
		}
		if up {
			q.Add(q, big.NewInt(1))
		}
	}
	return NewFromBigInt(q, -places)
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
