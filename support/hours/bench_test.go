package hours

import (
	"testing"
	"time"
)

// BenchmarkAdd30Days: a target of 30 days (720 hours) of business time on
// JapanBusinessHours, which spans about 4½ months of calendar days.
func BenchmarkAdd30Days(b *testing.B) {
	s := JapanBusinessHours(nil)
	start := jst(2025, 6, 6, 16, 30)
	var due time.Time
	for b.Loop() {
		var err error
		due, err = s.Add(start, 30*24*time.Hour)
		if err != nil {
			b.Fatal(err)
		}
	}
	days := due.Sub(start).Hours() / 24
	b.ReportMetric(days, "calendar-days/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/days, "ns/calendar-day")
}

// BenchmarkElapsedYear: the business time of a whole year.
func BenchmarkElapsedYear(b *testing.B) {
	s := JapanBusinessHours(nil)
	from, to := jst(2025, 1, 1, 0, 0), jst(2026, 1, 1, 0, 0)
	for b.Loop() {
		if _, err := s.Elapsed(from, to); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/365, "ns/calendar-day")
}

// BenchmarkAddNoOpenTime: the cost of giving up after SearchHorizon.
func BenchmarkAddNoOpenTime(b *testing.B) {
	s := JapanBusinessHours(nil)
	s.Closures = []Closure{{From: MonthDay{1, 1}, To: MonthDay{12, 31}}}
	start := jst(2026, 1, 5, 10, 0)
	for b.Loop() {
		if _, err := s.Add(start, time.Hour); err == nil {
			b.Fatal("want ErrNoOpenTime")
		}
	}
}
