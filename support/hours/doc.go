// Package hours is the business-hours clock of support response times (DOMAIN.md
// P-2): technical cases count every hour (Always), account and billing cases count
// only Monday to Friday 09:00–17:00 JST, without weekends and Japanese public
// holidays (JapanBusinessHours). It is pure: no I/O but the io.Reader a caller gives
// ParseCabinetOfficeCSV, no clock of its own, no context.
//
// # Model
//
// A Schedule is a weekly pattern of open Intervals on the wall clock of one
// time.Location, minus the holidays of a Calendar and minus Closures that recur
// every year (month/day spans that may wrap the year end, such as 12/29–1/3), as in
// the schedules of Zendesk or Freshdesk. Schedule.Add gives the instant at which a
// target of business time is used up (the due time of a case), Schedule.Elapsed the
// business time between two instants; Elapsed(start, Add(start, d)) == d, and Add
// returns the earliest such instant. Every instant is exact: intervals are wall-clock
// times converted day by day, so a schedule in a zone with daylight saving time
// (America/New_York) stays right across the change. Results are in the schedule's
// Location.
//
// Time spent waiting on the customer (P-3) does not count: pass those spans as
// pauses to Schedule.AddAround (the due time) and Schedule.ElapsedExcluding (the
// time used). A case still waiting has an open-ended pause (zero End); AddAround then
// reports ErrPaused while the target is not yet reached.
//
// # Choices
//
//   - Start is included and End excluded, for intervals and pauses. A target used up
//     exactly at a closing time is due at that closing time, not at the next
//     opening; Add(t, 0) is t.
//   - Add, Elapsed, AddAround and ElapsedExcluding all return an error, as every one
//     of them validates the schedule (and the pauses, which come from case data):
//     ErrInvalid. Add and AddAround also give ErrNoOpenTime when a valid schedule has
//     no open time within SearchHorizon (about ten years), and AddAround ErrPaused.
//   - Long spans are cheap: the walk goes a day at a time over day numbers, a closed
//     day costs a few integer operations and an open one two time.Date calls per
//     interval, with no allocation (about 50–80 ns a calendar day: a 30-day target,
//     133 calendar days of JapanBusinessHours, takes some 10 µs). A 24×7 schedule
//     skips the walk altogether.
//   - Holidays beyond the calendar: a Calendar covers a span of dates (Japan(): 1955
//     to the last year the Cabinet Office published, 2027 for the embedded copy). Add
//     and Elapsed treat later days as ordinary working days, and do not fail: a case
//     opened on 28 December 2027 still gets a due time. They say nothing about it
//     either; the caller asks Schedule.Covered(start, due) and, when it is false,
//     shows the due time as provisional or loads a newer list. Keeping the warning out
//     of the results keeps Add's signature that of time.Time.Add plus an error.
//   - JapanBusinessHours closes 29 December to 3 January (YearEnd), the usual
//     Japanese office closure; P-2 names only weekends and public holidays, so this
//     is a documented default that callers can drop (s.Closures = nil).
//   - Intervals of a day must be given in order and must not overlap (Validate says
//     which one is wrong); Validate copies nothing, so calling it on every Add costs
//     a few comparisons.
//
// # Holidays
//
// Japan returns the Cabinet Office's list of national holidays (内閣府「国民の祝日
// について」, syukujitsu.csv), embedded in the package: 出典：内閣府ホームページ, public
// data under the Government of Japan Standard Terms of Use (compatible with CC BY
// 4.0); see NOTICE.md next to the file. The list names substitute holidays (振替休日)
// and citizens' holidays (国民の休日, e.g. 2026-09-22) alike "休日", as the file does.
// The Cabinet Office publishes the next year's holidays each February:
// ParseCabinetOfficeCSV reads a newer download (Shift_JIS as published, or UTF-8),
// and NewCalendar builds a calendar from any list of dates, e.g. with company
// holidays added.
//
// The package imports time/tzdata, so Tokyo and any other zone load on machines
// without a zone database.
package hours
