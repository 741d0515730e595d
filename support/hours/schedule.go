package hours

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	// The zone database is embedded so that Asia/Tokyo (and any zone a Schedule
	// names) loads on minimal machines and containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/seeda33a2f4f/resellerkit"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrInvalid reports a bad schedule, calendar, holiday list, duration or pause
	// span. Errors carrying details are *resellerkit.ValidationError values that
	// unwrap to ErrInvalid, with the field at fault (e.g. "Weekly[Monday][1]",
	// "Location", "line 7: date").
	ErrInvalid = errors.New("hours: invalid input")
	// ErrNoOpenTime reports that a valid schedule has no open time at all within
	// SearchHorizon of where Add looked (e.g. closures covering the whole year), so no
	// due time exists.
	ErrNoOpenTime = errors.New("hours: no open time")
	// ErrPaused reports that AddAround cannot give a due time because the clock is
	// stopped by an open-ended pause (a case still waiting on the customer) before the
	// target is reached. The due time is known once the pause ends.
	ErrPaused = errors.New("hours: the clock is paused")
)

// SearchHorizon is how far Add and AddAround look for open time after the last open
// time they found before giving up with ErrNoOpenTime: about ten years (3653 days).
// Closed days are skipped at the cost of a few integer operations each, so a search
// that fails costs well under a millisecond.
const SearchHorizon = 3653 * 24 * time.Hour

const horizonDays = int64(SearchHorizon / (24 * time.Hour))

// Interval is an open period of one day, as offsets of the wall clock from local
// midnight: Interval{9 * time.Hour, 17 * time.Hour} is 09:00 to 17:00, Start
// included and End excluded. 0 <= Start < End <= 24h. On a day when daylight saving
// time begins or ends, 09:00 is still 09:00 on the wall clock, so an interval
// crossing the change lasts an hour less or more.
type Interval struct {
	Start, End time.Duration
}

// String returns the interval as "09:00-17:00" (seconds shown only when not zero).
func (iv Interval) String() string { return clockString(iv.Start) + "-" + clockString(iv.End) }

// MonthDay is a day of the year without the year (e.g. 29 December), for closures
// that recur every year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// String returns d as MM-DD, e.g. "12-29".
func (d MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(d.Month), d.Day) }

// valid reports whether the day exists in some year (29 February does).
func (d MonthDay) valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= daysIn(2000, d.Month)
}

func (d MonthDay) key() int64 { return int64(d.Month)*32 + int64(d.Day) }

// Closure is a span of days closed every year, From to To inclusive, beyond the
// holiday calendar: the year-end closure 年末年始 is Closure{From: MonthDay{12, 29},
// To: MonthDay{1, 3}}. When To comes before From in the year, the span wraps the year
// end. A closure of 29 February applies in leap years only.
type Closure struct {
	Name     string // optional, e.g. "年末年始"
	From, To MonthDay
}

// includes reports whether the day of the year with key k lies in the closure.
func (c Closure) includes(k int64) bool {
	from, to := c.From.key(), c.To.key()
	if from <= to {
		return k >= from && k <= to
	}
	return k >= from || k <= to
}

// Schedule is a business-hours clock in the manner of the schedules of help desks
// (Zendesk, Freshdesk): weekly open intervals on the wall clock of one location,
// minus public holidays and closures recurring every year. Its zero value is not
// valid; build one with JapanBusinessHours or Always, or fill the fields and call
// Validate. Methods take the Schedule by value and never change it; do not change
// its slices while they run.
type Schedule struct {
	// Location is the time zone whose wall clock Weekly, Holidays and Closures are
	// read in. Results of Add are in this location.
	Location *time.Location
	// Weekly lists each weekday's open intervals (indexed by time.Weekday: Sunday is
	// 0), in order of Start and not overlapping; adjacent intervals (one's End equal
	// to the next's Start) are allowed and count as one.
	Weekly [7][]Interval
	// Holidays are closed all day. Nil means no holidays. Days outside the
	// calendar's covered span are treated as ordinary days: check Covered.
	Holidays *Calendar
	// Closures are further days closed every year, e.g. 12/29 to 1/3.
	Closures []Closure
}

// YearEnd returns the year-end closure of Japanese offices, 29 December to 3
// January (年末年始), that JapanBusinessHours includes.
func YearEnd() Closure {
	return Closure{Name: "年末年始", From: MonthDay{time.December, 29}, To: MonthDay{time.January, 3}}
}

// JapanBusinessHours returns the account and billing support schedule of DOMAIN.md
// P-2: Monday to Friday 09:00–17:00 Asia/Tokyo, closed on the holidays of cal (nil
// means Japan()) and, as a documented default that P-2 does not state, from 29
// December to 3 January (YearEnd). Drop that closure with s.Closures = nil.
func JapanBusinessHours(cal *Calendar) Schedule {
	if cal == nil {
		cal = Japan()
	}
	var s Schedule
	s.Location = Tokyo()
	for d := time.Monday; d <= time.Friday; d++ {
		s.Weekly[d] = []Interval{{Start: 9 * time.Hour, End: 17 * time.Hour}}
	}
	s.Holidays = cal
	s.Closures = []Closure{YearEnd()}
	return s
}

// Always returns the 24×7 schedule of technical support (P-2): every instant
// counts, so Add(t, d) is t+d and Elapsed(a, b) is b−a. Its Location is Tokyo, which
// only sets the zone results are given in.
func Always() Schedule {
	var s Schedule
	s.Location = Tokyo()
	for d := range s.Weekly {
		s.Weekly[d] = []Interval{{Start: 0, End: 24 * time.Hour}}
	}
	return s
}

var tokyo = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil { // not reached: time/tzdata is embedded
		return time.FixedZone("JST", 9*60*60)
	}
	return loc
})

// Tokyo returns the Asia/Tokyo location (JST, UTC+9, no daylight saving time since
// 1951), from the system's zone database or the copy embedded in this package.
func Tokyo() *time.Location { return tokyo() }

// Validate returns nil when s is usable, or a *resellerkit.ValidationError wrapping
// ErrInvalid naming the first field at fault: a nil Location, an interval with Start
// < 0, End > 24h or Start >= End, intervals out of order or overlapping, no open
// interval on any weekday, a closure day that does not exist (e.g. 4/31). A valid
// schedule may still be closed for good (a closure from 1/1 to 12/31): Add reports
// that with ErrNoOpenTime.
func (s Schedule) Validate() error {
	if s.Location == nil {
		return invalid("Location", "", "P-2", "must not be nil (use hours.Tokyo())")
	}
	open := false
	for wd, ivs := range s.Weekly {
		for i, iv := range ivs {
			// The field name is built only for an error: Add validates on every call.
			field := func() string { return "Weekly[" + time.Weekday(wd).String() + "][" + strconv.Itoa(i) + "]" }
			switch {
			case iv.Start < 0:
				return invalid(field(), iv.String(), "P-2", "Start must not be negative")
			case iv.End > 24*time.Hour:
				return invalid(field(), iv.String(), "P-2", "End must be at most 24h")
			case iv.Start >= iv.End:
				return invalid(field(), iv.String(), "P-2", "Start must be before End")
			case i > 0 && iv.Start < ivs[i-1].End:
				return invalid(field(), iv.String(), "P-2", "overlaps or comes before the previous interval "+ivs[i-1].String()+": intervals must be in order and must not overlap")
			}
			open = true
		}
	}
	if !open {
		return invalid("Weekly", "", "P-2", "no open interval on any weekday")
	}
	for i, c := range s.Closures {
		field := "Closures[" + strconv.Itoa(i) + "]"
		if !c.From.valid() {
			return invalid(field+".From", c.From.String(), "P-2", "no such day of the year")
		}
		if !c.To.valid() {
			return invalid(field+".To", c.To.String(), "P-2", "no such day of the year")
		}
	}
	return nil
}

// invalid returns the *resellerkit.ValidationError of this package, wrapping
// ErrInvalid.
func invalid(field, value, rule, reason string) *resellerkit.ValidationError {
	return resellerkit.Invalid(ErrInvalid, field, value, rule, reason)
}

// clockString formats an offset from midnight as hh:mm, hh:mm:ss or with a fraction
// of a second when it has one; negative offsets start with "-".
func clockString(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	h, m := d/time.Hour, d%time.Hour/time.Minute
	s := fmt.Sprintf("%s%02d:%02d", sign, h, m)
	if rest := d % time.Minute; rest != 0 {
		s += fmt.Sprintf(":%02d", rest/time.Second)
		if ns := rest % time.Second; ns != 0 {
			s += strconv.FormatFloat(float64(ns)/1e9, 'f', -1, 64)[1:]
		}
	}
	return s
}
