// Package money holds exact decimal amounts for the billing engine (DESIGN.md rule 5).
//
// Decimal is an arbitrary-precision decimal (github.com/shopspring/decimal behind our
// own API, so the implementation can change). Addition, subtraction, multiplication
// and MulPercent are exact; the only operations that discard digits are Round,
// Currency.Round, Quo and Allocate, and each takes an explicit RoundingMode or a
// documented rule. No float64 ever holds or sums money. Decimals encode to JSON as
// strings ("0.0000008"), never as JSON numbers.
//
// Currency (the constants JPY and USD; ParseCurrency accepts nothing else) knows the
// minor unit of the invoice currencies (JPY: whole yen, USD: cents, B-10), and
// Currency.Format / Amount print an invoice-currency amount with exactly the
// currency's minor digits ("882.50", "0.00", "2445") — padding, never rounding, so
// exact amounts (the *_usd figures) keep their own String form. An Amount keeps its
// currency: it does not embed its Decimal, and Amount.Add refuses two currencies
// (ErrCurrencyMismatch), so yen never silently add to dollars. Allocate splits an
// amount into parts that always sum to the whole by the largest-remainder method (used
// for B-9 ratios and for per-total conversion).
//
// The fast path: AWS cost data carries at most 10 fractional digits (DOMAIN.md §2), so
// ParseUnits reads decimal text into an int64 count of 1e-10 units without allocating,
// and Sum adds such counts into a 128-bit integer. Text the fast path refuses
// (exponents, more than 8 integer digits, a non-zero 11th fractional digit) goes to the
// exact big-decimal path inside the same Sum, so a Sum is always exact.
//
// Choices where DOMAIN.md is silent: Parse accepts an optional sign, an optional
// fraction and an optional exponent (CUR files sometimes hold "6.5E-7") and nothing
// else (no spaces, no thousands separators, no NaN); the exponent is bounded to ±1000.
// There are no exported variables but the error sentinels (whose messages start
// "money: "): the zero Decimal is 0, and constants are built with New or MustParse.
package money
