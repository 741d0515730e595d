package money

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "0", want: "0"},
		{in: "-12.50", want: "-12.5"},
		{in: "+3", want: "3"},
		{in: ".5", want: "0.5"},
		{in: "5.", want: "5"},
		{in: "0.00000080000", want: "0.0000008"},
		{in: "6.5E-7", want: "0.00000065"},
		{in: "1e3", want: "1000"},
		{in: "-0.0", want: "0"},
		{in: "999999999999999.999999999999999999999999999999", want: "999999999999999.999999999999999999999999999999"},
		{in: "-999999999999999", want: "-999999999999999"},
		{in: "1.5E-7", want: "0.00000015"},
		{in: "0.000000000000000000000000000001", want: "0.000000000000000000000000000001"},
		{in: "", bad: true},
		{in: " 1", bad: true},
		{in: "1,000", bad: true},
		{in: "NaN", bad: true},
		{in: "Inf", bad: true},
		{in: "1e", bad: true},
		{in: "1e99999", bad: true},
		{in: "--1", bad: true},
		{in: ".", bad: true},
		{in: "1.2.3", bad: true},
		{in: "\u22121", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := Parse(tc.in)
			if tc.bad {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrSyntax)
				assert.Contains(t, err.Error(), strconv.Quote(tc.in))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.String())
		})
	}
}

// TestB1_ParseRange: well-formed numbers out of the accepted range (|x| ≥ 1e15, more
// than MaxScale fractional digits as written) are errors wrapping ErrRange that quote
// the input and state the bound; exponent forms within range stay accepted.
func TestB1_ParseRange(t *testing.T) {
	for _, tc := range []struct{ in, rule string }{
		{"1e400", "below 1e15"},
		{"1e15", "below 1e15"},
		{"-1000000000000000", "below 1e15"},
		{"1E+15", "below 1e15"},
		{"123456789012345678901234567890.123456789012345", "below 1e15"},
		{"0.0000000000000000000000000000001", "more than 30 fractional digits"},
		{"1e-31", "more than 30 fractional digits"},
		{"1.0000000000000000000000000000000", "more than 30 fractional digits"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRange)
			assert.NotErrorIs(t, err, ErrSyntax)
			assert.Contains(t, err.Error(), strconv.Quote(tc.in))
			assert.Contains(t, err.Error(), tc.rule)
		})
	}
}

// TestB5_ScaleAsWritten: Scale counts fractional digits as written, unlike Places.
func TestB5_ScaleAsWritten(t *testing.T) {
	for in, want := range map[string]int32{"12": 0, "12.5": 1, "12.50": 2, "12.500": 3, "1e-3": 3, "1.2e3": 0, "1200e-2": 2} {
		assert.Equal(t, want, MustParse(in).Scale(), in)
	}
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("0.1"), MustParse("0.2")
	assert.Equal(t, "0.3", a.Add(b).String())
	assert.Equal(t, "-0.1", a.Sub(b).String())
	assert.Equal(t, "0.02", a.Mul(b).String())
	assert.Equal(t, "-0.1", a.Neg().String())
	assert.Equal(t, -1, a.Cmp(b))
	assert.True(t, MustParse("1.50").Equal(MustParse("1.5")))
	assert.True(t, Decimal{}.IsZero())
	assert.Equal(t, "87.5", NewFromInt(100).MulPercent(MustParse("87.5")).String())
	assert.Equal(t, "0.0000001", MustParse("0.00001").MulPercent(MustParse("1")).String())
	assert.Equal(t, int32(0), MustParse("12.000").Places())
	assert.Equal(t, int32(2), MustParse("12.05").Places())
	assert.Equal(t, int32(1), MustParse("12.50").Places())
	assert.Equal(t, "0.3333", NewFromInt(1).Quo(NewFromInt(3), 4, HalfUp).String())
	assert.Equal(t, "0.6667", NewFromInt(2).Quo(NewFromInt(3), 4, HalfUp).String())
	assert.Equal(t, "-0.6667", NewFromInt(-2).Quo(NewFromInt(3), 4, HalfUp).String())
}

func TestRound(t *testing.T) {
	modes := []RoundingMode{HalfUp, HalfEven, Floor, Ceil, Down}
	for _, tc := range []struct {
		in   string
		want [5]string // per mode above, to 0 places
	}{
		{"2.5", [5]string{"3", "2", "2", "3", "2"}},
		{"3.5", [5]string{"4", "4", "3", "4", "3"}},
		{"-2.5", [5]string{"-3", "-2", "-3", "-2", "-2"}},
		{"2.4", [5]string{"2", "2", "2", "3", "2"}},
		{"-2.6", [5]string{"-3", "-3", "-3", "-2", "-2"}},
		{"7", [5]string{"7", "7", "7", "7", "7"}},
	} {
		for i, m := range modes {
			t.Run(tc.in+"/"+m.String(), func(t *testing.T) {
				d := MustParse(tc.in)
				assert.Equal(t, tc.want[i], d.Round(0, m).String())
				// Quo by 1 goes through the rational rounding and must agree.
				assert.Equal(t, tc.want[i], d.Quo(NewFromInt(1), 0, m).String())
			})
		}
	}
	assert.Equal(t, "1.24", MustParse("1.235").Round(2, HalfUp).String())
	assert.Equal(t, "1200", MustParse("1249").Round(-2, HalfUp).String())
}

func TestRoundingModeText(t *testing.T) {
	for _, m := range []RoundingMode{HalfUp, HalfEven, Floor, Ceil, Down} {
		got, err := ParseRoundingMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := ParseRoundingMode("nearest")
	require.ErrorContains(t, err, `"nearest"`)
}

func TestCurrency(t *testing.T) {
	c, err := ParseCurrency("JPY")
	require.NoError(t, err)
	assert.Equal(t, "1869", c.Round(MustParse("1868.5"), HalfUp).String())
	assert.Equal(t, "12.35", USD.Round(MustParse("12.345"), HalfUp).String())
	_, err = ParseCurrency("EUR")
	require.ErrorContains(t, err, `"EUR"`)
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A Decimal }{MustParse("0.00000080000")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":"0.0000008"}`, string(b))
	var v struct{ A, B Decimal }
	require.NoError(t, json.Unmarshal([]byte(`{"A":"12.5","B":3.10}`), &v))
	assert.Equal(t, "12.5", v.A.String())
	assert.Equal(t, "3.1", v.B.String())
	err = json.Unmarshal([]byte(`{"A":"12,5"}`), &v)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrSyntax))
}

func TestAllocate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   string
		weights []string
		places  int32
		want    []string
	}{
		{"thirds", "100", []string{"1", "1", "1"}, 0, []string{"34", "33", "33"}},
		{"cents", "0.05", []string{"1", "1", "1"}, 2, []string{"0.02", "0.02", "0.01"}},
		{"ratios", "1", []string{"2", "1"}, 4, []string{"0.6667", "0.3333"}},
		{"mixed signs", "10", []string{"3", "-1"}, 0, []string{"15", "-5"}},
		{"negative total", "-10", []string{"1", "2"}, 0, []string{"-3", "-7"}},
		{"one", "7", []string{"5"}, 0, []string{"7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := make([]Decimal, len(tc.weights))
			for i, w := range tc.weights {
				ws[i] = MustParse(w)
			}
			got, err := Allocate(MustParse(tc.total), ws, tc.places)
			require.NoError(t, err)
			var sum Decimal
			gs := make([]string, len(got))
			for i, g := range got {
				gs[i] = g.String()
				sum = sum.Add(g)
			}
			assert.Equal(t, tc.want, gs)
			assert.True(t, sum.Equal(MustParse(tc.total)))
		})
	}
	_, err := Allocate(MustParse("1.5"), []Decimal{NewFromInt(1)}, 0)
	require.ErrorIs(t, err, ErrAllocate)
	_, err = Allocate(MustParse("1"), []Decimal{NewFromInt(1), NewFromInt(-1)}, 0)
	require.ErrorIs(t, err, ErrAllocate)
	_, err = Allocate(MustParse("1"), nil, 0)
	require.ErrorIs(t, err, ErrAllocate)
}

func TestAllocate_Property(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		n := 1 + r.IntN(8)
		ws := make([]Decimal, n)
		for i := range ws {
			ws[i] = New(r.Int64N(2_000_000)-500_000, -int32(r.IntN(6)))
		}
		total := New(r.Int64N(10_000_000)-5_000_000, -2)
		got, err := Allocate(total, ws, 2)
		if errors.Is(err, ErrAllocate) {
			continue
		}
		require.NoError(t, err)
		var sum Decimal
		for _, g := range got {
			sum = sum.Add(g)
			assert.LessOrEqual(t, g.Places(), int32(2))
		}
		require.True(t, sum.Equal(total), "sum %s total %s", sum, total)
	}
}

func TestParseUnits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0.00000080000", 8000, true},
		{"0.0000000001", 1, true},
		{"-0.0000000001", -1, true},
		{"12", 120_000_000_000, true},
		{"+1.5", 15_000_000_000, true},
		{".5", 5_000_000_000, true},
		{"5.", 50_000_000_000, true},
		{"99999999.9999999999", 999_999_999_999_999_999, true},
		{"0.00000000010000000", 1, true},
		{"0.00000000001", 0, false}, // 11th digit non-zero
		{"123456789", 0, false},     // 9 integer digits
		{"1e-7", 0, false},          // exponent
		{"", 0, false},
		{"-", 0, false},
		{".", 0, false},
		{"1.2.3", 0, false},
		{"1a", 0, false},
		{"NULL", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseUnits([]byte(tc.in))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	allocs := testing.AllocsPerRun(100, func() { _, _ = ParseUnits([]byte("0.00001605990")) })
	assert.Zero(t, allocs)
}

func TestSum(t *testing.T) {
	var s Sum
	require.NoError(t, s.AddBytes([]byte("0.0000000001")))
	require.NoError(t, s.AddBytes([]byte("1e-11"))) // slow path
	require.NoError(t, s.AddBytes([]byte("-3")))
	err := s.AddBytes([]byte("3,0"))
	require.ErrorIs(t, err, ErrSyntax)
	assert.Equal(t, "-2.99999999989", s.Decimal().String())

	// Beyond int64: the 128-bit accumulator carries.
	var big1 Sum
	for range 4 {
		big1.AddUnits(math.MaxInt64)
	}
	want := new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(4))
	assert.Equal(t, NewFromBigInt(want, -10).String(), big1.Decimal().String())
	for range 8 {
		big1.AddUnits(math.MinInt64)
	}
	want.Add(want, new(big.Int).Mul(big.NewInt(math.MinInt64), big.NewInt(8)))
	assert.Equal(t, NewFromBigInt(want, -10).String(), big1.Decimal().String())

	var a, b Sum
	a.AddUnits(math.MaxInt64)
	b.AddUnits(math.MaxInt64)
	b.AddDecimal(MustParse("0.5"))
	a.Merge(&b)
	want = new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(2))
	assert.Equal(t, NewFromBigInt(want, -10).Add(MustParse("0.5")).String(), a.Decimal().String())
	assert.False(t, a.IsZero())

	var z Sum
	z.AddUnits(-5)
	assert.Equal(t, "-0.0000000005", z.Decimal().String())
	allocs := testing.AllocsPerRun(100, func() { _ = z.AddBytes([]byte("0.00001605990")) })
	assert.Zero(t, allocs)
}

// FuzzParseUnits checks the fast path against shopspring/decimal: whenever it accepts
// text, the exact parser reads the same value; plain text with ≤ 10 significant
// fractional digits and ≤ 8 integer digits is always accepted.
func FuzzParseUnits(f *testing.F) {
	for _, s := range []string{"0.00000080000", "-12.5", "1e-7", "", ".", "99999999.9999999999", "0.00000000001", "+.5", "5.", "0.0000008000000000000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := ParseUnits([]byte(s))
		d, err := Parse(s)
		if ok {
			require.NoError(t, err, "fast path accepted %q, exact parser refused", s)
			require.True(t, New(u, -UnitPlaces).Equal(d), "%q: fast %d, exact %s", s, u, d)
			ref, err := decimal.NewFromString(s)
			require.NoError(t, err)
			require.True(t, ref.Equal(decimal.New(u, -UnitPlaces)))
			return
		}
		if err == nil && fastSyntax(s) && d.Places() <= UnitPlaces && d.Abs().Cmp(NewFromInt(1e8)) < 0 && intDigits(s) <= maxIntDigits {
			t.Fatalf("fast path refused %q (= %s) although it fits", s, d)
		}
	})
}

// FuzzParse checks that Parse never panics and agrees with shopspring whenever it accepts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "-0.5", "6.5E-7", "1e1001", "abc", "1_000", "0x10",
		"1e400", "1E+3", "1e15", "999999999999999.99", "1e-30", "1e-31", "0.0000000000000000000000000000001", "+5", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			require.True(t, errors.Is(err, ErrSyntax) || errors.Is(err, ErrRange), "%v", err)
			if errors.Is(err, ErrRange) {
				ref, rerr := decimal.NewFromString(s)
				require.NoError(t, rerr, "a range error is for well-formed text")
				require.True(t, ref.Abs().Cmp(decimal.New(1, 15)) >= 0 || -ref.Exponent() > MaxScale, "%q refused as out of range", s)
			}
			return
		}
		require.Less(t, d.Abs().Cmp(NewFromInt(1e15)), 0, "accepted magnitude ≥ 1e15")
		require.LessOrEqual(t, d.Scale(), int32(MaxScale))
		ref, rerr := decimal.NewFromString(s)
		require.NoError(t, rerr)
		require.True(t, ref.Equal(d.d))
		back, err := Parse(d.String())
		require.NoError(t, err)
		require.True(t, back.Equal(d))
	})
}

func fastSyntax(s string) bool {
	for _, c := range []byte(s) {
		if c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

func intDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' || c == '-' {
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return n
}

// TestB10_CurrencyFormat: invoice-currency amounts print with exactly the currency's
// minor digits ("882.50", "0.00", "2445"), and never hide a digit of an amount that
// was not rounded.
func TestB10_CurrencyFormat(t *testing.T) {
	for _, tc := range []struct {
		cur  Currency
		in   string
		want string
	}{
		{USD, "882.5", "882.50"},
		{USD, "0", "0.00"},
		{USD, "-3", "-3.00"},
		{USD, "12.34", "12.34"},
		{USD, "0.001", "0.001"}, // not rounded by Format: exact
		{JPY, "2445", "2445"},
		{JPY, "-757", "-757"},
		{JPY, "0", "0"},
		{JPY, "1.5", "1.5"},
	} {
		t.Run(string(tc.cur)+"/"+tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.cur.Format(MustParse(tc.in)))
			a := tc.cur.Amount(MustParse(tc.in))
			assert.Equal(t, tc.want, a.String())
			b, err := json.Marshal(a)
			require.NoError(t, err)
			assert.Equal(t, strconv.Quote(tc.want), string(b))
			assert.True(t, a.Decimal().Equal(MustParse(tc.in)))
			assert.Equal(t, tc.cur, a.Currency())
		})
	}
}

// TestB10_AmountsOfTwoCurrenciesDoNotAdd: a yen amount plus a dollar amount is an
// error wrapping ErrCurrencyMismatch, never a number that lost its currency; amounts
// of one currency add exactly.
func TestB10_AmountsOfTwoCurrenciesDoNotAdd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    Amount
		want    string
		wantErr bool
	}{
		{"JPY + USD", JPY.Amount(MustParse("1000")), USD.Amount(MustParse("5.25")), "", true},
		{"USD + JPY", USD.Amount(MustParse("5.25")), JPY.Amount(MustParse("1000")), "", true},
		{"zero JPY + USD", JPY.Amount(Decimal{}), USD.Amount(MustParse("1")), "", true},
		{"JPY + JPY", JPY.Amount(MustParse("1000")), JPY.Amount(MustParse("-757")), "243", false},
		{"USD + USD", USD.Amount(MustParse("882.5")), USD.Amount(MustParse("0.01")), "882.51", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := tc.a.Add(tc.b)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrCurrencyMismatch)
				assert.Contains(t, err.Error(), string(tc.a.Currency()))
				assert.Contains(t, err.Error(), string(tc.b.Currency()))
				assert.Equal(t, Amount{}, sum)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, sum.String())
			assert.Equal(t, tc.a.Currency(), sum.Currency())
			assert.True(t, sum.Equal(tc.a.Currency().Amount(MustParse(tc.want))))
		})
	}
	assert.False(t, JPY.Amount(MustParse("1")).Equal(USD.Amount(MustParse("1"))), "same number, other currency")
}
