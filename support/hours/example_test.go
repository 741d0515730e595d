package hours_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/support/hours"
)

// An account and billing case opened on Friday 16:30 JST with a 2-hour target is due
// on Monday 10:30; a technical case (24×7) at 18:30 the same day.
func Example() {
	opened := time.Date(2025, 6, 6, 16, 30, 0, 0, hours.Tokyo())

	billing := hours.JapanBusinessHours(hours.Japan())
	due, err := billing.Add(opened, 2*time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println("account_billing:", due.Format("Mon 2006-01-02 15:04 MST"))

	technical := hours.Always()
	due, err = technical.Add(opened, 2*time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println("technical:      ", due.Format("Mon 2006-01-02 15:04 MST"))
	// Output:
	// account_billing: Mon 2025-06-09 10:30 JST
	// technical:       Fri 2025-06-06 18:30 JST
}

// Due times skip public holidays and the year-end closure; Covered tells whether the
// holiday list reaches the due time.
func ExampleSchedule_Add() {
	s := hours.JapanBusinessHours(nil) // nil: the embedded Japan() calendar
	for _, opened := range []time.Time{
		time.Date(2025, 7, 18, 16, 30, 0, 0, hours.Tokyo()), // Friday before 海の日
		time.Date(2025, 12, 26, 16, 0, 0, 0, hours.Tokyo()), // Friday before 年末年始
		time.Date(2027, 12, 28, 16, 0, 0, 0, hours.Tokyo()), // due in 2028, past the list
	} {
		due, err := s.Add(opened, 2*time.Hour)
		if err != nil {
			panic(err)
		}
		note := ""
		if !s.Covered(opened, due) {
			note = " (provisional: holidays known until " + s.Holidays.Until().String() + ")"
		}
		fmt.Println(due.Format("Mon 2006-01-02 15:04") + note)
	}
	// Output:
	// Tue 2025-07-22 10:30
	// Mon 2026-01-05 10:00
	// Tue 2028-01-04 10:00 (provisional: holidays known until 2027-12-31)
}

// Time spent waiting on the customer does not count toward a target.
func ExampleSchedule_AddAround() {
	s := hours.JapanBusinessHours(nil)
	at := func(day, h, m int) time.Time { return time.Date(2025, 6, day, h, m, 0, 0, hours.Tokyo()) }
	opened := at(9, 10, 0) // Monday
	waiting := []hours.Span{{Start: at(9, 15, 0), End: at(11, 9, 30)}}

	due, err := s.AddAround(opened, 8*time.Hour, waiting)
	if err != nil {
		panic(err)
	}
	fmt.Println("due:", due.Format("Mon 15:04"))

	used, err := s.ElapsedExcluding(opened, at(11, 11, 0), waiting)
	if err != nil {
		panic(err)
	}
	fmt.Println("used by Wednesday 11:00:", used)

	// Still waiting on the customer: the clock is stopped.
	_, err = s.AddAround(opened, 8*time.Hour, []hours.Span{{Start: at(9, 15, 0)}})
	fmt.Println(err)
	// Output:
	// due: Wed 12:30
	// used by Wednesday 11:00: 6h30m0s
	// hours: the clock is paused: waiting since 2025-06-09T15:00:00+09:00 with 3h0m0s of business time left
}

func ExampleJapan() {
	c := hours.Japan()
	for _, h := range c.Between(hours.Date{Year: 2026, Month: time.September, Day: 1}, hours.Date{Year: 2026, Month: time.September, Day: 30}) {
		fmt.Println(h.Date, h.Date.Weekday(), h.Name)
	}
	fmt.Println("covered until", c.Until())
	// Output:
	// 2026-09-21 Monday 敬老の日
	// 2026-09-22 Tuesday 休日
	// 2026-09-23 Wednesday 秋分の日
	// covered until 2027-12-31
}

// A newer list downloaded from the Cabinet Office is read the same way (the
// download is Shift_JIS; the same text saved as UTF-8 is accepted too).
func ExampleParseCabinetOfficeCSV() {
	download := strings.NewReader("国民の祝日・休日月日,国民の祝日・休日名称\r\n2028/1/1,元日\r\n2028/1/10,成人の日\r\n")
	cal, err := hours.ParseCabinetOfficeCSV(download)
	if err != nil {
		panic(err)
	}
	fmt.Println(cal.Len(), "holidays from", cal.From(), "to", cal.Until())

	_, err = hours.ParseCabinetOfficeCSV(strings.NewReader("国民の祝日・休日月日,国民の祝日・休日名称\n2028/1/1,元日\n2028/2/30,x\n"))
	fmt.Println(err)
	// Output:
	// 2 holidays from 2028-01-01 to 2028-12-31
	// hours: invalid input: line 3: date "2028/2/30": no such date
}

func ExampleSchedule_Validate() {
	s := hours.Schedule{Location: hours.Tokyo()}
	s.Weekly[time.Monday] = []hours.Interval{{Start: 9 * time.Hour, End: 12 * time.Hour}, {Start: 11 * time.Hour, End: 17 * time.Hour}}
	fmt.Println(s.Validate())
	// Output:
	// hours: invalid input: Weekly[Monday][1] "11:00-17:00" (P-2): overlaps or comes before the previous interval 09:00-12:00: intervals must be in order and must not overlap
}
