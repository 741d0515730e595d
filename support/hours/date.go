package hours

import (
	"fmt"
	"time"
)

// Date is a civil date (a day on a wall calendar), with no time of day and no time
// zone: holidays are dates, and the same holiday begins at a different instant in
// each zone. The zero Date is not valid.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t read in t's own location: convert t with
// t.In(loc) first to get the date somewhere else.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Valid reports whether d is a real date of the proleptic Gregorian calendar (month
// 1 to 12, a day that exists in that month and year).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String returns d as YYYY-MM-DD, e.g. "2026-09-22".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return dateOfDays(d.days() + int64(n)) }

// Compare returns -1 when d is before e, +1 when it is after and 0 when they are
// the same date.
func (d Date) Compare(e Date) int {
	a, b := d.days(), e.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// In returns the instant of local midnight at the start of d in loc (for the rare
// zone whose clocks skip midnight, the instant time.Date gives).
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// days returns the number of days from 1970-01-01 to d (negative before it).
func (d Date) days() int64 { return daysFromCivil(int64(d.Year), int64(d.Month), int64(d.Day)) }

// dateOfDays is the inverse of Date.days.
func dateOfDays(n int64) Date {
	y, m, d := civilFromDays(n)
	return Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}

// weekdayOf returns the weekday of the day n days after 1970-01-01 (a Thursday).
func weekdayOf(n int64) time.Weekday {
	w := (n + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays convert between a proleptic Gregorian date and a
// count of days since 1970-01-01 in constant time, without the time package (Howard
// Hinnant's algorithms, "chrono-Compatible Low-Level Date Algorithms"): the clock
// walks day numbers, which costs a few integer operations per day.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
