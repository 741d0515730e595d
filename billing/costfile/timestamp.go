package costfile

import (
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// fallbackLayouts are tried, in order, for timestamps that are not in one of the two
// fixed B-1 forms. Go's parser accepts fractional seconds after the seconds field
// even when the layout has none.
var fallbackLayouts = []string{
	time.RFC3339Nano,                      // 2026-10-01T00:00:00.123+09:00
	"2006-01-02 15:04:05.999999999Z07:00", // the same with a space
	"2006-01-02T15:04:05.999999999",       // no zone: UTC
	"2006-01-02 15:04:05.999999999",
}

// parsePeriod returns the UTC month of a usage-start timestamp (B-1). The two forms
// of B-1, "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DD HH:MM:SS" (UTC), take an
// allocation-free fast path; RFC 3339 with fractions or offsets is converted to UTC.
func parsePeriod(b []byte) (resellerkit.Month, error) {
	if (len(b) == 19 || (len(b) == 20 && b[19] == 'Z')) && (b[10] == 'T' || b[10] == ' ') &&
		b[4] == '-' && b[7] == '-' && b[13] == ':' && b[16] == ':' {
		y, ok1 := digits(b[0:4])
		mo, ok2 := digits(b[5:7])
		d, ok3 := digits(b[8:10])
		h, ok4 := digits(b[11:13])
		mi, ok5 := digits(b[14:16])
		s, ok6 := digits(b[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && y >= 1 && mo >= 1 && mo <= 12 &&
			d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && s < 60 {
			return resellerkit.NewMonth(y, time.Month(mo)), nil
		}
		return resellerkit.Month{}, timestampError(b)
	}
	t, err := parseTime(b)
	if err != nil {
		return resellerkit.Month{}, err
	}
	return resellerkit.MonthOf(t), nil
}

// parseTime parses any accepted timestamp form into a UTC time.
func parseTime(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, timestampError(b)
	}
	s := string(b)
	for _, l := range fallbackLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, timestampError(b)
}

// timestampError is the error of a malformed or empty timestamp, wrapping
// ErrTimestamp: `"2026-13-01" is not a timestamp: want …`.
func timestampError(b []byte) error {
	if len(b) == 0 {
		return newValueError(b, ErrTimestamp, ", but a usage start is required (B-1)")
	}
	return newValueError(b, ErrTimestamp, " is not a timestamp: want YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD HH:MM:SS or RFC 3339 (B-1)")
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
