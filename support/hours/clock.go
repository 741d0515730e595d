package hours

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Add returns the instant at which d of business time has elapsed from start: the
// earliest t with Elapsed(start, t) == d. A start outside open hours begins counting
// at the next opening, and the result is exact (Friday 16:30 JST + 2h in
// JapanBusinessHours is Monday 10:30 JST); a target used up exactly at a closing
// time is due at that closing time (Friday 16:00 + 1h is Friday 17:00), not at the
// next opening. Add(start, 0) is start. The result is in s.Location.
//
// Errors: ErrInvalid for an invalid schedule (see Validate) or a negative d;
// ErrNoOpenTime when there is no open time within SearchHorizon. Days after the
// holiday calendar's coverage count as ordinary days: check Covered(start, result).
func (s Schedule) Add(start time.Time, d time.Duration) (time.Time, error) {
	if err := s.Validate(); err != nil {
		return time.Time{}, err
	}
	if d < 0 {
		return time.Time{}, invalid("d", d.String(), "P-2", "must not be negative")
	}
	return s.add(start, d)
}

// Elapsed returns the business time between from and to: the length of the open
// hours of s within [from, to), 0 when to is not after from. Days after the holiday
// calendar's coverage count as ordinary days: check Covered(from, to). The only
// error is an invalid schedule (ErrInvalid, see Validate).
func (s Schedule) Elapsed(from, to time.Time) (time.Duration, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	return s.elapsed(from, to), nil
}

// Covered reports whether the holiday calendar of s covers every day from from to
// to, read in s.Location (true when s has no calendar: it claims no holidays).
// Add, Elapsed and the pause-aware methods treat days outside the coverage as
// ordinary days; when Covered(start, due) is false, a due time may move once a newer
// holiday list is loaded, and callers should say so (e.g. "provisional: the holiday
// list ends on 2027-12-31").
func (s Schedule) Covered(from, to time.Time) bool {
	if s.Holidays == nil {
		return true
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return s.Holidays.coversDay(dayOf(from, loc)) && s.Holidays.coversDay(dayOf(to, loc))
}

// Span is a period [Start, End) during which the business clock is paused, e.g. a
// case's time in waiting_on_customer (P-3). A zero End means the pause has not ended
// yet (the case is still waiting).
type Span struct {
	Start, End time.Time
}

// ElapsedExcluding returns the business time between from and to that is not inside
// any of pauses: Elapsed(from, to) less the business time of the pauses, counted
// once where pauses overlap. Pauses may be given in any order, may overlap and may
// reach outside [from, to); an open-ended pause (zero End) runs to to. Errors:
// ErrInvalid for an invalid schedule or a pause with a zero Start or an End before
// its Start.
func (s Schedule) ElapsedExcluding(from, to time.Time, pauses []Span) (time.Duration, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	ps, err := mergePauses(pauses)
	if err != nil {
		return 0, err
	}
	total := s.elapsed(from, to)
	for _, p := range ps {
		a, b := p.Start, p.End
		if a.Before(from) {
			a = from
		}
		if b.IsZero() || b.After(to) {
			b = to
		}
		total -= s.elapsed(a, b)
	}
	return total, nil
}

// AddAround is Add with the clock paused during pauses: the earliest instant t such
// that ElapsedExcluding(start, t, pauses) == d. It is how a case's response or
// resolution target is due when the case has spent time waiting on the customer:
// pass every waiting_on_customer span so far, the current one with a zero End if
// the case is still waiting. Pauses may be in any order, overlap, or begin before
// start. A target reached exactly when a pause begins is due then.
//
// Errors: those of Add; ErrInvalid for a pause with a zero Start or an End before
// its Start; ErrPaused when an open-ended pause begins before the target is reached
// (no due time exists until the pause ends; the error says how much business time
// is left).
func (s Schedule) AddAround(start time.Time, d time.Duration, pauses []Span) (time.Time, error) {
	if err := s.Validate(); err != nil {
		return time.Time{}, err
	}
	if d < 0 {
		return time.Time{}, invalid("d", d.String(), "P-2", "must not be negative")
	}
	ps, err := mergePauses(pauses)
	if err != nil {
		return time.Time{}, err
	}
	if d == 0 {
		return start.In(s.Location), nil
	}
	cur, rem := start, d
	for _, p := range ps {
		if !p.End.IsZero() && !p.End.After(cur) {
			continue // over before cur
		}
		if p.Start.After(cur) {
			e := s.elapsed(cur, p.Start)
			if e >= rem {
				return s.add(cur, rem) // due at or before the pause begins
			}
			rem -= e
		}
		if p.End.IsZero() {
			return time.Time{}, fmt.Errorf("%w: waiting since %s with %s of business time left",
				ErrPaused, p.Start.In(s.Location).Format(time.RFC3339), rem)
		}
		cur = p.End
	}
	return s.add(cur, rem)
}

// mergePauses checks pauses and returns them sorted by Start with overlapping and
// touching ones merged and empty ones left out; an open-ended pause (zero End)
// absorbs every later one.
func mergePauses(pauses []Span) ([]Span, error) {
	ps := make([]Span, 0, len(pauses))
	for i, p := range pauses {
		field := "pauses[" + strconv.Itoa(i) + "]"
		switch {
		case p.Start.IsZero():
			return nil, invalid(field+".Start", "", "P-3", "must not be zero")
		case !p.End.IsZero() && p.End.Before(p.Start):
			return nil, invalid(field+".End", p.End.Format(time.RFC3339Nano), "P-3", "is before Start "+p.Start.Format(time.RFC3339Nano))
		case p.End.Equal(p.Start):
			continue
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b Span) int { return a.Start.Compare(b.Start) })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.End.IsZero() {
				break // the clock never restarts
			}
			if !p.Start.After(last.End) {
				if p.End.IsZero() || p.End.After(last.End) {
					last.End = p.End
				}
				continue
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// The walk. Each method below assumes s is valid. Days are numbered from 1970-01-01
// in s.Location's civil calendar; a day costs a few integer operations when it is
// closed (weekday without intervals, holiday, closure) and two time.Date calls per
// interval when it is open. The wall clock is converted to instants day by day, so
// daylight saving time changes are exact.

// add walks from start until d (> 0 or 0) of open time has passed.
func (s Schedule) add(start time.Time, d time.Duration) (time.Time, error) {
	loc := s.Location
	if d == 0 {
		return start.In(loc), nil
	}
	if s.always() {
		return start.Add(d).In(loc), nil
	}
	first := dayOf(start, loc)
	lastOpen := first
	// The walk starts the day before: in a zone whose clocks skip midnight, the
	// previous day's last interval may end just after start's midnight.
	for day := first - 1; ; day++ {
		if day-lastOpen > horizonDays {
			return time.Time{}, fmt.Errorf("%w: none within %d days (about 10 years) after %s in %s",
				ErrNoOpenTime, horizonDays, dateOfDays(lastOpen), loc)
		}
		ivs := s.openOn(day)
		if len(ivs) == 0 {
			continue
		}
		y, m, dd := civilFromDays(day)
		for _, iv := range ivs {
			b := wall(y, m, dd, iv.End, loc)
			if !b.After(start) {
				continue
			}
			a := wall(y, m, dd, iv.Start, loc)
			if a.Before(start) {
				a = start
			}
			avail := b.Sub(a)
			if avail <= 0 {
				continue
			}
			lastOpen = max(lastOpen, day)
			if d <= avail {
				return a.Add(d).In(loc), nil
			}
			d -= avail
		}
	}
}

// elapsed sums the open time of s within [from, to).
func (s Schedule) elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if s.always() {
		return to.Sub(from)
	}
	loc := s.Location
	var sum time.Duration
	last := dayOf(to, loc)
	for day := dayOf(from, loc) - 1; day <= last; day++ {
		ivs := s.openOn(day)
		if len(ivs) == 0 {
			continue
		}
		y, m, dd := civilFromDays(day)
		for _, iv := range ivs {
			a, b := wall(y, m, dd, iv.Start, loc), wall(y, m, dd, iv.End, loc)
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
	}
	return sum
}

// openOn returns the open intervals of day number n: none on a holiday or in a
// closure.
func (s Schedule) openOn(n int64) []Interval {
	ivs := s.Weekly[weekdayOf(n)]
	if len(ivs) == 0 || s.Holidays.isHoliday(n) {
		return nil
	}
	if len(s.Closures) > 0 {
		_, m, d := civilFromDays(n)
		k := m*32 + d
		for _, c := range s.Closures {
			if c.includes(k) {
				return nil
			}
		}
	}
	return ivs
}

// always reports whether every instant of s is open, so that the walk can be
// skipped: each weekday is one 00:00–24:00 interval, with no holidays or closures.
func (s Schedule) always() bool {
	if s.Holidays.Len() > 0 || len(s.Closures) > 0 {
		return false
	}
	for _, ivs := range s.Weekly {
		if len(ivs) != 1 || ivs[0].Start != 0 || ivs[0].End != 24*time.Hour {
			return false
		}
	}
	return true
}

// wall returns the instant at which the wall clock of loc shows offset after the
// midnight that starts y-m-d (time.Date normalizes the nanoseconds into the civil
// time, so 24h is the next midnight).
func wall(y, m, d int64, offset time.Duration, loc *time.Location) time.Time {
	return time.Date(int(y), time.Month(m), int(d), 0, 0, 0, int(offset), loc)
}

// dayOf returns the day number of the civil date of t in loc.
func dayOf(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return daysFromCivil(int64(y), int64(m), int64(d))
}
