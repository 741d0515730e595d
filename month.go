package resellerkit

import (
	"fmt"
	"time"
)

// Month is one calendar month in UTC: the billing period (B-1, B-16) and the unit in
// which account ownership changes (M-3). It is comparable, so it serves as a map key,
// and its zero value means "no month" (IsZero). Build one with MonthOf, NewMonth or
// ParseMonth; its text form (String, MarshalText) is "YYYY-MM".
type Month struct {
	n int32 // year*12 + month-1, plus 1 so that the zero value is "no month"
}

// Months before MinYear are refused by ParseMonth: AWS cost data starts in 2006, so
// such a month is a typo.
const MinYear = 2000

// MonthOf returns the UTC calendar month containing t.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return NewMonth(t.Year(), t.Month())
}

// NewMonth returns the month m of year y. Months outside January..December are
// normalized as time.Date does: NewMonth(2025, 13) is 2026-01.
func NewMonth(y int, m time.Month) Month {
	n := int64(y)*12 + int64(m) - 1
	return Month{n: int32(n) + 1}
}

// ParseMonth parses "YYYY-MM" (exactly 7 characters, a month from MinYear on). The
// error names the value and the expected form.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' || !digits(s[:4]) || !digits(s[5:]) {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM, a UTC calendar month", Truncate(s))
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := int(s[5]-'0')*10 + int(s[6]-'0')
	if m < 1 || m > 12 {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM with a month 01..12", s)
	}
	if y < MinYear {
		return Month{}, fmt.Errorf("month %q: months before %d are refused (AWS cost data starts in 2006)", s, MinYear)
	}
	return NewMonth(y, time.Month(m)), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Year returns the month's year.
func (m Month) Year() int { return int(floorDiv(m.n-1, 12)) }

// Month returns the month of the year.
func (m Month) Month() time.Month { return time.Month((m.n-1)-floorDiv(m.n-1, 12)*12) + 1 }

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// IsZero reports whether m is the zero Month ("no month").
func (m Month) IsZero() bool { return m.n == 0 }

// String returns "YYYY-MM", or "" for the zero Month.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month()))
}

// Start returns the first instant of the month, in UTC (the zero time.Time for the
// zero Month).
func (m Month) Start() time.Time {
	if m.IsZero() {
		return time.Time{}
	}
	return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// End returns the first instant after the month, in UTC: a month is the half-open
// interval [Start, End).
func (m Month) End() time.Time { return m.Next().Start() }

// Contains reports whether t lies in the month.
func (m Month) Contains(t time.Time) bool { return !m.IsZero() && MonthOf(t) == m }

// AddMonths returns the month n months after m (before it for negative n).
func (m Month) AddMonths(n int) Month {
	if m.IsZero() {
		return m
	}
	return Month{n: m.n + int32(n)}
}

// Next returns the month after m.
func (m Month) Next() Month { return m.AddMonths(1) }

// Prev returns the month before m.
func (m Month) Prev() Month { return m.AddMonths(-1) }

// Compare returns -1, 0 or +1 as m is before, equal to or after o. The zero Month
// sorts before every month.
func (m Month) Compare(o Month) int {
	switch {
	case m.n < o.n:
		return -1
	case m.n > o.n:
		return 1
	}
	return 0
}

// Before reports whether m is before o.
func (m Month) Before(o Month) bool { return m.n < o.n }

// After reports whether m is after o.
func (m Month) After(o Month) bool { return m.n > o.n }

// MarshalText returns String().
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses "YYYY-MM" with ParseMonth; empty text is the zero Month.
func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Month{}
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
