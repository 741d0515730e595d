package hours

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func jst(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, Tokyo())
}

// TestP2AccountBillingDueTimes: account_billing targets count Monday to Friday
// 09:00–17:00 JST without public holidays and 12/29–1/3. Every expectation is worked
// out by hand in its comment.
func TestP2AccountBillingDueTimes(t *testing.T) {
	s := JapanBusinessHours(nil)
	for _, tc := range []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		// Fri 16:30–17:00 is 30 min; Sat, Sun closed; Mon 09:00 + 1h30 = 10:30.
		{"Friday to Monday", jst(2025, 6, 6, 16, 30), 2 * time.Hour, jst(2025, 6, 9, 10, 30)},
		// Mon 2025-07-21 is 海の日 (a Happy Monday holiday): due Tuesday.
		{"Monday holiday", jst(2025, 7, 18, 16, 30), 2 * time.Hour, jst(2025, 7, 22, 10, 30)},
		// 2026 silver week: Mon 9/21 敬老の日, Tue 9/22 休日 (国民の休日), Wed 9/23 秋分の日.
		{"silver week 2026", jst(2026, 9, 18, 16, 30), 2 * time.Hour, jst(2026, 9, 24, 10, 30)},
		// Fri 2025-12-26 16:00–17:00 is 1h; 12/29 (Mon) to 1/3 (Sat) closed, 1/4 is a
		// Sunday; Mon 2026-01-05 (not a holiday: 成人の日 is 1/12) 09:00 + 1h.
		{"year end", jst(2025, 12, 26, 16, 0), 2 * time.Hour, jst(2026, 1, 5, 10, 0)},
		// Golden week 2025: Sat 5/3 to Tue 5/6 (休日, 振替) closed; Wed 5/7 09:00 + 1h.
		{"golden week", jst(2025, 5, 2, 16, 0), 2 * time.Hour, jst(2025, 5, 7, 10, 0)},
		// Opened on a Saturday night: counting starts Monday 09:00.
		{"opened on a weekend", jst(2025, 6, 7, 22, 0), 2 * time.Hour, jst(2025, 6, 9, 11, 0)},
		// Opened before opening: counting starts at 09:00 the same day.
		{"opened early", jst(2025, 6, 9, 7, 15), 30 * time.Minute, jst(2025, 6, 9, 9, 30)},
		// Opened at closing time: nothing left that day.
		{"opened at closing", jst(2025, 6, 6, 17, 0), time.Hour, jst(2025, 6, 9, 10, 0)},
		// A target used up exactly at closing time is due then, not at the next opening.
		{"due at closing", jst(2025, 6, 6, 16, 0), time.Hour, jst(2025, 6, 6, 17, 0)},
		// 24 business hours = three business days of 8 hours: Mon 10:00 → Thu 10:00.
		{"three days", jst(2025, 6, 9, 10, 0), 24 * time.Hour, jst(2025, 6, 12, 10, 0)},
		{"zero", jst(2025, 6, 7, 22, 0), 0, jst(2025, 6, 7, 22, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Add(tc.start, tc.d)
			require.NoError(t, err)
			assert.Equal(t, tc.want.String(), got.String())
			assert.Equal(t, Tokyo(), got.Location())
			el, err := s.Elapsed(tc.start, got)
			require.NoError(t, err)
			assert.Equal(t, tc.d, el)
		})
	}

	// The year-end closure is what keeps 12/29 closed: without it, due Monday 10:00.
	noClosure := JapanBusinessHours(nil)
	noClosure.Closures = nil
	got, err := noClosure.Add(jst(2025, 12, 26, 16, 0), 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2025, 12, 29, 10, 0).String(), got.String())

	// An instant given in another zone is the same instant.
	got, err = s.Add(jst(2025, 6, 6, 16, 30).UTC(), 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2025, 6, 9, 10, 30).String(), got.String())
}

// TestP2TechnicalCountsEveryHour: technical cases are 24×7.
func TestP2TechnicalCountsEveryHour(t *testing.T) {
	s := Always()
	got, err := s.Add(jst(2025, 6, 6, 16, 30), 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2025, 6, 6, 18, 30).String(), got.String())
	// Over a weekend, a holiday and the year end alike.
	got, err = s.Add(jst(2025, 12, 26, 16, 0), 9*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2026, 1, 4, 16, 0).String(), got.String())
	el, err := s.Elapsed(jst(2025, 7, 18, 16, 30), jst(2025, 7, 22, 10, 30))
	require.NoError(t, err)
	assert.Equal(t, 3*24*time.Hour+18*time.Hour, el)
}

func TestElapsed(t *testing.T) {
	s := JapanBusinessHours(nil)
	el := func(from, to time.Time) time.Duration {
		t.Helper()
		d, err := s.Elapsed(from, to)
		require.NoError(t, err)
		return d
	}
	assert.Zero(t, el(jst(2025, 6, 9, 12, 0), jst(2025, 6, 9, 12, 0)))
	assert.Zero(t, el(jst(2025, 6, 9, 12, 0), jst(2025, 6, 9, 10, 0)), "to before from")
	assert.Zero(t, el(jst(2025, 6, 7, 0, 0), jst(2025, 6, 9, 9, 0)), "a weekend")
	assert.Equal(t, 40*time.Hour, el(jst(2025, 6, 9, 0, 0), jst(2025, 6, 16, 0, 0)), "a plain week")
	assert.Equal(t, 32*time.Hour, el(jst(2025, 7, 21, 0, 0), jst(2025, 7, 28, 0, 0)), "a week with 海の日")
	// 2025 has 365 days: 261 weekdays, of which 15 holidays (2/23, 5/3, 5/4, 11/23 are
	// on Sundays or a Saturday) and the year-end closure takes 12/29, 12/30, 12/31 and
	// 1/2, 1/3 (1/1 is already a holiday): 261 − 15 − 5 = 241 days of 8 hours.
	assert.Equal(t, 241*8*time.Hour, el(jst(2025, 1, 1, 0, 0), jst(2026, 1, 1, 0, 0)))
}

func TestPausedTimeDoesNotCount(t *testing.T) {
	s := JapanBusinessHours(nil)
	mon := func(h, m int) time.Time { return jst(2025, 6, 9, h, m) }
	for _, tc := range []struct {
		name   string
		start  time.Time
		d      time.Duration
		pauses []Span
		want   time.Time
	}{
		// 10:00–11:00 counts 1h, paused 11:00–14:00, 3h left from 14:00.
		{"within a day", mon(10, 0), 4 * time.Hour, []Span{{mon(11, 0), mon(14, 0)}}, mon(17, 0)},
		// Mon 10:00–15:00 counts 5h, paused until Wed 09:30, 3h left: Wed 12:30.
		{"across days", mon(10, 0), 8 * time.Hour, []Span{{mon(15, 0), jst(2025, 6, 11, 9, 30)}}, jst(2025, 6, 11, 12, 30)},
		// Overlapping pauses count once: 11:00–13:00 paused, so 2h later than 14:00.
		{"overlapping", mon(10, 0), 4 * time.Hour, []Span{{mon(11, 30), mon(13, 0)}, {mon(11, 0), mon(12, 0)}}, mon(16, 0)},
		// A pause before the case opened, or while closed, changes nothing.
		{"before start", mon(10, 0), 4 * time.Hour, []Span{{mon(8, 0), mon(10, 0)}}, mon(14, 0)},
		{"while closed", jst(2025, 6, 6, 16, 30), 2 * time.Hour, []Span{{jst(2025, 6, 7, 10, 0), jst(2025, 6, 8, 10, 0)}}, mon(10, 30)},
		// A pause that began before start and ends after it: counting starts at its end.
		{"start inside a pause", mon(10, 0), time.Hour, []Span{{mon(9, 0), mon(12, 0)}}, mon(13, 0)},
		// Due exactly when a pause begins.
		{"due as the pause begins", mon(10, 0), time.Hour, []Span{{mon(11, 0), mon(15, 0)}}, mon(11, 0)},
		// An open-ended pause after the due time does not matter.
		{"open pause after due", mon(10, 0), 4 * time.Hour, []Span{{mon(15, 0), time.Time{}}}, mon(14, 0)},
		{"no pauses", mon(10, 0), 4 * time.Hour, nil, mon(14, 0)},
		{"empty pause", mon(10, 0), 4 * time.Hour, []Span{{mon(11, 0), mon(11, 0)}}, mon(14, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AddAround(tc.start, tc.d, tc.pauses)
			require.NoError(t, err)
			assert.Equal(t, tc.want.String(), got.String())
			el, err := s.ElapsedExcluding(tc.start, got, tc.pauses)
			require.NoError(t, err)
			assert.Equal(t, tc.d, el)
		})
	}

	// Still waiting on the customer, with 2h of the 4h target left: no due time.
	_, err := s.AddAround(mon(10, 0), 4*time.Hour, []Span{{mon(12, 0), time.Time{}}})
	require.ErrorIs(t, err, ErrPaused)
	assert.Contains(t, err.Error(), "2h0m0s of business time left")
	// Meanwhile the time used stops at 2h however late it gets.
	el, err := s.ElapsedExcluding(mon(10, 0), jst(2025, 6, 20, 12, 0), []Span{{mon(12, 0), time.Time{}}})
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, el)

	// Technical cases pause too: 24×7 minus the pause.
	got, err := Always().AddAround(mon(10, 0), 4*time.Hour, []Span{{mon(11, 0), mon(23, 0)}})
	require.NoError(t, err)
	assert.Equal(t, jst(2025, 6, 10, 2, 0).String(), got.String())

	_, err = s.AddAround(mon(10, 0), time.Hour, []Span{{mon(12, 0), mon(11, 0)}})
	assertInvalid(t, err, "pauses[0].End")
	_, err = s.ElapsedExcluding(mon(10, 0), mon(12, 0), []Span{{mon(9, 0), mon(10, 0)}, {time.Time{}, mon(11, 0)}})
	assertInvalid(t, err, "pauses[1].Start")
}

func TestAddErrors(t *testing.T) {
	s := JapanBusinessHours(nil)
	_, err := s.Add(jst(2025, 6, 9, 10, 0), -time.Minute)
	assertInvalid(t, err, "d")
	_, err = s.AddAround(jst(2025, 6, 9, 10, 0), -time.Minute, nil)
	assertInvalid(t, err, "d")

	// Valid, but closed all year round: no open time within the horizon.
	closed := JapanBusinessHours(nil)
	closed.Closures = []Closure{{Name: "forever", From: MonthDay{1, 1}, To: MonthDay{12, 31}}}
	require.NoError(t, closed.Validate())
	_, err = closed.Add(jst(2026, 1, 5, 10, 0), time.Hour)
	require.ErrorIs(t, err, ErrNoOpenTime)
	assert.Contains(t, err.Error(), "none within 3653 days (about 10 years) after 2026-01-05 in Asia/Tokyo")
	_, err = closed.AddAround(jst(2026, 1, 5, 10, 0), time.Hour, []Span{{jst(2026, 2, 1, 0, 0), jst(2026, 3, 1, 0, 0)}})
	require.ErrorIs(t, err, ErrNoOpenTime)
	el, err := closed.Elapsed(jst(2026, 1, 1, 0, 0), jst(2036, 1, 1, 0, 0))
	require.NoError(t, err)
	assert.Zero(t, el)

	// Open on 29 February only: the search finds the next leap day four years on.
	leap := Schedule{Location: Tokyo(), Closures: []Closure{{From: MonthDay{3, 1}, To: MonthDay{2, 28}}}}
	leap.Weekly = Always().Weekly
	got, err := leap.Add(jst(2025, 3, 1, 0, 0), time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2028, 2, 29, 1, 0).String(), got.String())
}

// TestCoveredWarnsPastTheCalendar: the embedded list ends with 2027; a due time in
// 2028 is computed as if 2028 had no holidays, and Covered says so.
func TestCoveredWarnsPastTheCalendar(t *testing.T) {
	s := JapanBusinessHours(nil)
	// Tue 2027-12-28 16:00–17:00 is 1h; 12/29–1/3 closed; Tue 2028-01-04 09:00 + 1h.
	start := jst(2027, 12, 28, 16, 0)
	due, err := s.Add(start, 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, jst(2028, 1, 4, 10, 0).String(), due.String())
	assert.False(t, s.Covered(start, due))
	assert.False(t, s.Holidays.Covers(due))
	assert.True(t, s.Covered(jst(2027, 12, 1, 10, 0), jst(2027, 12, 31, 23, 59)))
	// Covered reads dates in the schedule's zone: 2028-01-01 00:00 JST is still 2027
	// in UTC, but it is 2028 in Tokyo, past the calendar.
	assert.False(t, s.Covered(start, jst(2028, 1, 1, 0, 0).UTC()))
	assert.True(t, Always().Covered(start, due), "no calendar, no holidays claimed")
}

// TestDaylightSavingTime: a New York schedule counts wall-clock hours on the days
// the clocks change (2026: forward on Sunday 8 March, back on Sunday 1 November).
func TestDaylightSavingTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, ny) }

	s := Schedule{Location: ny}
	for d := time.Monday; d <= time.Friday; d++ {
		s.Weekly[d] = []Interval{{9 * time.Hour, 17 * time.Hour}}
	}
	// Fri 16:00 EST + 2h: 1h on Friday, then Monday 09:00 EDT + 1h = 10:00 EDT, which
	// is 14:00 UTC (a schedule kept in UTC offsets would say 15:00 UTC).
	due, err := s.Add(at(3, 6, 16), 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, at(3, 9, 10).String(), due.String())
	assert.Equal(t, time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC), due.UTC())
	due, err = s.Add(at(10, 30, 16), 2*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, at(11, 2, 10).String(), due.String())

	// Every hour open but with one closure, so the day walk runs: the weekend of the
	// change has 47 and 49 hours.
	s = Schedule{Location: ny, Weekly: Always().Weekly, Closures: []Closure{{From: MonthDay{12, 25}, To: MonthDay{12, 25}}}}
	el, err := s.Elapsed(at(3, 7, 0), at(3, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, 47*time.Hour, el)
	el, err = s.Elapsed(at(10, 31, 0), at(11, 2, 0))
	require.NoError(t, err)
	assert.Equal(t, 49*time.Hour, el)
	due, err = s.Add(at(3, 7, 0), 47*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, at(3, 9, 0).String(), due.String())
	// Always() in New York: the fast path agrees.
	always := Always()
	always.Location = ny
	el, err = always.Elapsed(at(3, 7, 0), at(3, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, 47*time.Hour, el)

	// An interval across the change: Sunday 01:00–03:00 is 1h on 8 March (02:00
	// does not exist), and 00:00–03:00 is 4h on 1 November (01:00–02:00 twice).
	sun := Schedule{Location: ny}
	sun.Weekly[time.Sunday] = []Interval{{time.Hour, 3 * time.Hour}}
	el, err = sun.Elapsed(at(3, 8, 0), at(3, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, time.Hour, el)
	sun.Weekly[time.Sunday] = []Interval{{0, 3 * time.Hour}}
	el, err = sun.Elapsed(at(11, 1, 0), at(11, 2, 0))
	require.NoError(t, err)
	assert.Equal(t, 4*time.Hour, el)
}

// naiveOpen is an independent statement of the schedule's rule, for one instant:
// read the wall clock in the location, then check weekday intervals, holidays and
// closures.
func naiveOpen(s Schedule, t time.Time) bool {
	lt := t.In(s.Location)
	if _, ok := s.Holidays.Lookup(DateOf(lt)); ok {
		return false
	}
	for _, c := range s.Closures {
		md := int(lt.Month())*100 + lt.Day()
		from, to := int(c.From.Month)*100+c.From.Day, int(c.To.Month)*100+c.To.Day
		if (from <= to && md >= from && md <= to) || (from > to && (md >= from || md <= to)) {
			return false
		}
	}
	h, m, sec := lt.Clock()
	off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	for _, iv := range s.Weekly[lt.Weekday()] {
		if off >= iv.Start && off < iv.End {
			return true
		}
	}
	return false
}

func testSchedules(t *testing.T) map[string]Schedule {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	nyOffice := Schedule{Location: ny, Holidays: Japan()} // odd, but a calendar is a calendar
	for d := time.Monday; d <= time.Friday; d++ {
		nyOffice.Weekly[d] = []Interval{{9 * time.Hour, 12 * time.Hour}, {13 * time.Hour, 17*time.Hour + 30*time.Minute}}
	}
	nyOffice.Weekly[time.Sunday] = []Interval{{0, 3 * time.Hour}, {22 * time.Hour, 24 * time.Hour}}
	nyOffice.Closures = []Closure{{From: MonthDay{8, 13}, To: MonthDay{8, 16}}}
	shifts := Schedule{Location: Tokyo(), Holidays: Japan(), Closures: []Closure{YearEnd()}}
	for d := range shifts.Weekly {
		shifts.Weekly[d] = []Interval{{0, 2 * time.Hour}, {7 * time.Hour, 23 * time.Hour}}
	}
	return map[string]Schedule{"japan": JapanBusinessHours(nil), "new york": nyOffice, "shifts": shifts}
}

// TestElapsedMatchesMinuteByMinute compares Elapsed with a count of open minutes by
// naiveOpen, over random spans that include the year end, golden week, silver week
// and both DST changes. Every boundary is on a whole minute, so a minute is open or
// closed as a whole.
func TestElapsedMatchesMinuteByMinute(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	anchors := []time.Time{
		time.Date(2025, 12, 27, 0, 0, 0, 0, time.UTC), time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 9, 18, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 12, 0, 0, 0, 0, time.UTC),
	}
	for name, s := range testSchedules(t) {
		t.Run(name, func(t *testing.T) {
			for i := range 60 {
				from := anchors[i%len(anchors)].Add(time.Duration(r.IntN(3*24*60)-24*60) * time.Minute)
				to := from.Add(time.Duration(r.IntN(4*24*60)) * time.Minute)
				var want time.Duration
				for m := from; m.Before(to); m = m.Add(time.Minute) {
					if naiveOpen(s, m) {
						want += time.Minute
					}
				}
				got, err := s.Elapsed(from, to)
				require.NoError(t, err)
				require.Equal(t, want, got, "%s to %s", from, to)
			}
		})
	}
}

// TestAddIsTheInverseOfElapsed over random instants and targets: Add gives the
// earliest instant at which Elapsed reaches the target, with and without pauses.
func TestAddIsTheInverseOfElapsed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	lo := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	hi := time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	schedules := testSchedules(t)
	schedules["always"] = Always()
	for name, s := range schedules {
		t.Run(name, func(t *testing.T) {
			for range 300 {
				start := time.Unix(0, lo+r.Int64N(hi-lo))
				d := time.Duration(r.Int64N(int64(120 * time.Hour)))
				due, err := s.Add(start, d)
				require.NoError(t, err)
				el, err := s.Elapsed(start, due)
				require.NoError(t, err)
				require.Equal(t, d, el, "Add(%s, %s) = %s", start, d, due)
				if d > 0 {
					before, err := s.Elapsed(start, due.Add(-time.Nanosecond))
					require.NoError(t, err)
					require.Less(t, before, d, "not the earliest instant")
				}

				// And from the other side: Add(from, Elapsed(from, to)) is at most to,
				// with no open time between the two.
				to := start.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
				el, err = s.Elapsed(start, to)
				require.NoError(t, err)
				back, err := s.Add(start, el)
				require.NoError(t, err)
				require.False(t, back.After(to))
				gap, err := s.Elapsed(back, to)
				require.NoError(t, err)
				require.Zero(t, gap)

				// Pauses: up to three random spans around the start.
				var pauses []Span
				for range r.IntN(4) {
					ps := start.Add(time.Duration(r.Int64N(int64(6*24*time.Hour))) - 24*time.Hour)
					pauses = append(pauses, Span{ps, ps.Add(time.Duration(r.Int64N(int64(3 * 24 * time.Hour))))})
				}
				due, err = s.AddAround(start, d, pauses)
				require.NoError(t, err)
				el, err = s.ElapsedExcluding(start, due, pauses)
				require.NoError(t, err)
				require.Equal(t, d, el, "AddAround(%s, %s, %v) = %s", start, d, pauses, due)
				if d > 0 {
					before, err := s.ElapsedExcluding(start, due.Add(-time.Nanosecond), pauses)
					require.NoError(t, err)
					require.Less(t, before, d)
				}
			}
		})
	}
}

func TestMergePauses(t *testing.T) {
	at := func(h int) time.Time { return jst(2025, 6, 9, h, 0) }
	got, err := mergePauses([]Span{{at(5), at(6)}, {at(1), at(3)}, {at(3), at(4)}, {at(2), at(2)}, {at(8), time.Time{}}, {at(9), at(10)}, {at(5), at(5)}})
	require.NoError(t, err)
	assert.Equal(t, []Span{{at(1), at(4)}, {at(5), at(6)}, {at(8), time.Time{}}}, got)
	got, err = mergePauses([]Span{{at(1), at(5)}, {at(2), at(3)}})
	require.NoError(t, err)
	assert.Equal(t, []Span{{at(1), at(5)}}, got, "a pause inside another")
	got, err = mergePauses([]Span{{at(2), at(3)}, {at(1), time.Time{}}})
	require.NoError(t, err)
	assert.Equal(t, []Span{{at(1), time.Time{}}}, got)
}
