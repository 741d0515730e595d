package hours

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJapanBusinessHoursShape(t *testing.T) {
	s := JapanBusinessHours(nil)
	require.NoError(t, s.Validate())
	assert.Equal(t, "Asia/Tokyo", s.Location.String())
	assert.Same(t, Japan(), s.Holidays, "nil means the embedded calendar")
	assert.Empty(t, s.Weekly[time.Sunday])
	assert.Empty(t, s.Weekly[time.Saturday])
	for d := time.Monday; d <= time.Friday; d++ {
		assert.Equal(t, []Interval{{9 * time.Hour, 17 * time.Hour}}, s.Weekly[d], d.String())
	}
	assert.Equal(t, []Closure{{Name: "年末年始", From: MonthDay{12, 29}, To: MonthDay{1, 3}}}, s.Closures)

	own, err := NewCalendar(nil, Date{2026, 1, 1}, Date{2026, 12, 31})
	require.NoError(t, err)
	assert.Same(t, own, JapanBusinessHours(own).Holidays)

	// Each call returns fresh slices: changing one schedule leaves the next alone.
	s.Weekly[time.Monday][0].End = 12 * time.Hour
	s.Closures[0].Name = "changed"
	assert.Equal(t, 17*time.Hour, JapanBusinessHours(nil).Weekly[time.Monday][0].End)
	assert.Equal(t, "年末年始", JapanBusinessHours(nil).Closures[0].Name)
}

func TestAlwaysShape(t *testing.T) {
	s := Always()
	require.NoError(t, s.Validate())
	assert.True(t, s.always())
	assert.Nil(t, s.Holidays)
	assert.Empty(t, s.Closures)
	assert.Equal(t, "Asia/Tokyo", Tokyo().String())
	_, off := time.Date(2026, 7, 1, 0, 0, 0, 0, Tokyo()).Zone()
	assert.Equal(t, 9*60*60, off)
}

func TestValidate(t *testing.T) {
	week := func(ivs ...Interval) Schedule {
		s := Schedule{Location: Tokyo()}
		s.Weekly[time.Monday] = ivs
		return s
	}
	h := time.Hour
	for _, tc := range []struct {
		name   string
		s      Schedule
		field  string
		value  string
		reason string
	}{
		{"nil location", Schedule{Weekly: Always().Weekly}, "Location", "", "must not be nil"},
		{"no open time", Schedule{Location: Tokyo()}, "Weekly", "", "no open interval"},
		{"negative start", week(Interval{-h, 9 * h}), "Weekly[Monday][0]", "-01:00-09:00", "must not be negative"},
		{"past 24h", week(Interval{9 * h, 25 * h}), "Weekly[Monday][0]", "09:00-25:00", "at most 24h"},
		{"empty", week(Interval{9 * h, 9 * h}), "Weekly[Monday][0]", "09:00-09:00", "Start must be before End"},
		{"reversed", week(Interval{17 * h, 9 * h}), "Weekly[Monday][0]", "17:00-09:00", "Start must be before End"},
		{"overlapping", week(Interval{9 * h, 12 * h}, Interval{11*h + 30*time.Minute, 17 * h}), "Weekly[Monday][1]", "11:30-17:00", "overlaps"},
		{"out of order", week(Interval{13 * h, 17 * h}, Interval{9 * h, 12 * h}), "Weekly[Monday][1]", "09:00-12:00", "must be in order"},
		{"bad closure month", Schedule{Location: Tokyo(), Weekly: Always().Weekly, Closures: []Closure{{From: MonthDay{13, 1}, To: MonthDay{1, 1}}}}, "Closures[0].From", "13-01", "no such day"},
		{"bad closure day", Schedule{Location: Tokyo(), Weekly: Always().Weekly, Closures: []Closure{YearEnd(), {From: MonthDay{4, 1}, To: MonthDay{4, 31}}}}, "Closures[1].To", "04-31", "no such day"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			ve := assertInvalid(t, err, tc.field)
			assert.Equal(t, tc.value, ve.Value)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Equal(t, "P-2", ve.Rule)
			// Every method that computes refuses the schedule the same way.
			_, err = tc.s.Add(time.Now(), h)
			assertInvalid(t, err, tc.field)
			_, err = tc.s.Elapsed(time.Now(), time.Now().Add(h))
			assertInvalid(t, err, tc.field)
			_, err = tc.s.AddAround(time.Now(), h, nil)
			assertInvalid(t, err, tc.field)
			_, err = tc.s.ElapsedExcluding(time.Now(), time.Now().Add(h), nil)
			assertInvalid(t, err, tc.field)
		})
	}

	ok := week(Interval{9 * h, 12 * h}, Interval{12 * h, 13 * h}, Interval{14 * h, 24 * h})
	ok.Closures = []Closure{{From: MonthDay{2, 29}, To: MonthDay{2, 29}}}
	assert.NoError(t, ok.Validate(), "adjacent intervals, 24:00, 29 February")
}

func TestIntervalString(t *testing.T) {
	assert.Equal(t, "09:00-17:00", Interval{9 * time.Hour, 17 * time.Hour}.String())
	assert.Equal(t, "00:00-24:00", Interval{0, 24 * time.Hour}.String())
	assert.Equal(t, "08:59:30-17:00:00.25", Interval{9*time.Hour - 30*time.Second, 17*time.Hour + 250*time.Millisecond}.String())
	assert.Equal(t, "12-29", YearEnd().From.String())
}

func TestClosureIncludes(t *testing.T) {
	ye := YearEnd()
	in := func(m time.Month, d int) bool { return ye.includes(MonthDay{m, d}.key()) }
	assert.False(t, in(12, 28))
	assert.True(t, in(12, 29))
	assert.True(t, in(12, 31))
	assert.True(t, in(1, 1))
	assert.True(t, in(1, 3))
	assert.False(t, in(1, 4))
	assert.False(t, in(6, 15))
	obon := Closure{From: MonthDay{8, 13}, To: MonthDay{8, 16}}
	assert.True(t, obon.includes(MonthDay{8, 13}.key()))
	assert.True(t, obon.includes(MonthDay{8, 16}.key()))
	assert.False(t, obon.includes(MonthDay{8, 17}.key()))
	assert.False(t, obon.includes(MonthDay{12, 30}.key()))
}
