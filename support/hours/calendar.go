package hours

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Holiday is one day off in a Calendar: its civil date and its name as the source
// gives it (for the Cabinet Office list, e.g. "元日", or "休日" for a substitute
// holiday or a citizens' holiday).
type Holiday struct {
	Date Date
	Name string
}

// Calendar is an immutable list of holidays with the span of dates it covers: a day
// inside the span that is not listed is known to be a working day; a day outside it
// is unknown (see Schedule.Covered). Build one with NewCalendar or
// ParseCabinetOfficeCSV, or use Japan. A Calendar is safe for concurrent use, and a
// nil *Calendar is an empty one that covers no day.
type Calendar struct {
	holidays    []Holiday // sorted by date, no two on one date
	days        []int64   // holidays[i].Date.days()
	index       map[int64]int
	from, until int64 // covered days, inclusive
}

// NewCalendar returns a calendar of holidays covering from to until (both included):
// every day of that span not in holidays is a working day. The holidays may come in
// any order; each must be a valid date inside the span, with a name, and no date may
// appear twice. Errors are *resellerkit.ValidationError values wrapping ErrInvalid.
func NewCalendar(holidays []Holiday, from, until Date) (*Calendar, error) {
	if !from.Valid() {
		return nil, invalid("from", from.String(), "", "is not a valid date")
	}
	if !until.Valid() {
		return nil, invalid("until", until.String(), "", "is not a valid date")
	}
	if until.Compare(from) < 0 {
		return nil, invalid("until", until.String(), "", "is before from ("+from.String()+")")
	}
	c := &Calendar{
		holidays: slices.Clone(holidays),
		days:     make([]int64, len(holidays)),
		index:    make(map[int64]int, len(holidays)),
		from:     from.days(),
		until:    until.days(),
	}
	for i, h := range holidays {
		field := "holidays[" + strconv.Itoa(i) + "]"
		switch {
		case !h.Date.Valid():
			return nil, invalid(field+".Date", h.Date.String(), "", "is not a valid date")
		case h.Date.Compare(from) < 0 || h.Date.Compare(until) > 0:
			return nil, invalid(field+".Date", h.Date.String(), "", "is outside the covered span "+from.String()+" to "+until.String())
		case strings.TrimSpace(h.Name) == "":
			return nil, invalid(field+".Name", h.Name, "", "must not be empty")
		}
	}
	slices.SortStableFunc(c.holidays, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	for i, h := range c.holidays {
		n := h.Date.days()
		if i > 0 && c.days[i-1] == n {
			return nil, invalid("holidays", h.Date.String(), "", "the date is listed twice")
		}
		c.days[i] = n
		c.index[n] = i
	}
	return c, nil
}

// Lookup returns the holiday on d, if d is one.
func (c *Calendar) Lookup(d Date) (Holiday, bool) {
	if c == nil || !d.Valid() {
		return Holiday{}, false
	}
	i, ok := c.index[d.days()]
	if !ok {
		return Holiday{}, false
	}
	return c.holidays[i], true
}

// isHoliday reports whether day number n is a holiday.
func (c *Calendar) isHoliday(n int64) bool {
	if c == nil || n < c.from || n > c.until {
		return false
	}
	_, ok := c.index[n]
	return ok
}

// Between returns a new slice of the holidays from from to to, both included, in
// date order.
func (c *Calendar) Between(from, to Date) []Holiday {
	if c == nil {
		return nil
	}
	lo, _ := slices.BinarySearch(c.days, from.days())
	hi, found := slices.BinarySearch(c.days, to.days())
	if found {
		hi++
	}
	if lo >= hi {
		return nil
	}
	return slices.Clone(c.holidays[lo:hi])
}

// Len returns the number of holidays in c.
func (c *Calendar) Len() int {
	if c == nil {
		return 0
	}
	return len(c.holidays)
}

// From returns the first covered date (the zero Date for a nil Calendar).
func (c *Calendar) From() Date {
	if c == nil {
		return Date{}
	}
	return dateOfDays(c.from)
}

// Until returns the last covered date: Japan's calendar ends on 31 December of the
// last year the Cabinet Office has published (the zero Date for a nil Calendar).
// After it, the calendar knows no holidays, which is not the same as there being
// none: see Schedule.Covered.
func (c *Calendar) Until() Date {
	if c == nil {
		return Date{}
	}
	return dateOfDays(c.until)
}

// CoversDate reports whether d lies in the span of dates c covers.
func (c *Calendar) CoversDate(d Date) bool {
	return c != nil && d.Valid() && c.coversDay(d.days())
}

// Covers reports whether the civil date of t, read in t's own location, lies in the
// span of dates c covers. Pass times in the schedule's location, as Schedule.Add
// returns them; Schedule.Covered does this for a span.
func (c *Calendar) Covers(t time.Time) bool { return c.CoversDate(DateOf(t)) }

func (c *Calendar) coversDay(n int64) bool { return c != nil && n >= c.from && n <= c.until }

// CabinetOfficeHeader is the header line of the Cabinet Office's syukujitsu.csv.
const CabinetOfficeHeader = "国民の祝日・休日月日,国民の祝日・休日名称"

// maxCSVSize bounds what ParseCabinetOfficeCSV reads: the published file is about
// 21 KB and grows by some 300 bytes a year.
const maxCSVSize = 1 << 20

// ParseCabinetOfficeCSV reads the Cabinet Office's list of national holidays
// (内閣府「国民の祝日について」, syukujitsu.csv) as published: Shift_JIS, the header
// line CabinetOfficeHeader, then one "YYYY/M/D,名称" line per day (e.g.
// "2026/9/22,休日"), CRLF or LF line ends. The same file saved as UTF-8 (with or
// without a byte order mark) is accepted too: the header tells the encodings apart.
// Blank lines are skipped and the lines may come in any order.
//
// The calendar covers whole years: 1 January of the first year listed to 31
// December of the last. Each year in between must have at least one holiday (a year
// without 元日 means a truncated or damaged file).
//
// Errors wrap ErrInvalid and name the line: a *resellerkit.ValidationError whose
// Field is "line N" (or "line N: date", "line N: name") and whose Value is the text
// found there. Input over 1 MiB is refused.
func ParseCabinetOfficeCSV(r io.Reader) (*Calendar, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxCSVSize+1))
	if err != nil {
		return nil, fmt.Errorf("hours: reading the holiday list: %w", err)
	}
	if len(raw) > maxCSVSize {
		return nil, invalid("input", "", "", "the holiday list is larger than 1 MiB")
	}
	text, err := decodeHolidayCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var (
		holidays []Holiday
		lineOf   = map[Date]int{}
		header   = true
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, invalid("line "+strconv.Itoa(pe.Line), "", "", "not CSV: "+pe.Err.Error())
			}
			return nil, fmt.Errorf("hours: reading the holiday list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		field := "line " + strconv.Itoa(line)
		if header {
			header = false
			if got := strings.Join(rec, ","); got != CabinetOfficeHeader {
				return nil, invalid(field, got, "", "want the header "+CabinetOfficeHeader)
			}
			continue
		}
		if len(rec) != 2 {
			return nil, invalid(field, strings.Join(rec, ","), "", "want 2 fields, date and name, got "+strconv.Itoa(len(rec)))
		}
		for _, f := range rec {
			if strings.ContainsRune(f, utf8.RuneError) {
				return nil, invalid(field, f, "", "not valid Shift_JIS text")
			}
		}
		d, err := parseSlashDate(rec[0])
		if err != nil {
			return nil, invalid(field+": date", rec[0], "", err.Error())
		}
		name := strings.TrimSpace(rec[1])
		if name == "" {
			return nil, invalid(field+": name", rec[1], "", "must not be empty")
		}
		if prev, dup := lineOf[d]; dup {
			return nil, invalid(field+": date", rec[0], "", "the date is already on line "+strconv.Itoa(prev))
		}
		lineOf[d] = line
		holidays = append(holidays, Holiday{Date: d, Name: name})
	}
	if header {
		return nil, invalid("line 1", "", "", "empty input: want the header "+CabinetOfficeHeader)
	}
	if len(holidays) == 0 {
		return nil, invalid("line 2", "", "", "no holidays after the header")
	}
	first, last := holidays[0].Date.Year, holidays[0].Date.Year
	years := map[int]bool{}
	for _, h := range holidays {
		first, last = min(first, h.Date.Year), max(last, h.Date.Year)
		years[h.Date.Year] = true
	}
	for y := first; y <= last; y++ {
		if !years[y] {
			return nil, invalid("input", strconv.Itoa(y), "", "no holiday in this year although the list runs from "+
				strconv.Itoa(first)+" to "+strconv.Itoa(last)+": truncated or damaged file?")
		}
	}
	return NewCalendar(holidays, Date{first, time.January, 1}, Date{last, time.December, 31})
}

// decodeHolidayCSV returns raw as UTF-8 text: as it is when it is UTF-8 starting
// with the header (after an optional byte order mark), else decoded from Shift_JIS.
func decodeHolidayCSV(raw []byte) (string, error) {
	if u, ok := bytes.CutPrefix(raw, []byte("\uFEFF")); ok || bytes.HasPrefix(raw, []byte(CabinetOfficeHeader)) {
		if !utf8.Valid(u) {
			return "", invalid("input", "", "", "starts as UTF-8 but is not valid UTF-8")
		}
		return string(u), nil
	}
	// The Shift_JIS decoder writes U+FFFD for bytes that are not Shift_JIS; the parser
	// reports them with their line. Decoding itself never fails.
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	if err != nil {
		return "", invalid("input", "", "", "not valid Shift_JIS: "+err.Error())
	}
	return string(out), nil
}

// parseSlashDate parses the Cabinet Office's date form, "2026/9/22" (month and day
// of one or two digits, a four-digit year).
func parseSlashDate(s string) (Date, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 {
		return Date{}, errors.New("want YYYY/M/D")
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 4 || (i > 0 && len(p) > 2) || (i == 0 && len(p) != 4) {
			return Date{}, errors.New("want YYYY/M/D")
		}
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return Date{}, errors.New("want YYYY/M/D")
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	d := Date{Year: n[0], Month: time.Month(n[1]), Day: n[2]}
	if !d.Valid() {
		return Date{}, errors.New("no such date")
	}
	return d, nil
}

//go:embed syukujitsu.csv
var syukujitsuCSV []byte

var japan = sync.OnceValue(func() *Calendar {
	c, err := ParseCabinetOfficeCSV(bytes.NewReader(syukujitsuCSV))
	if err != nil {
		panic("hours: the embedded syukujitsu.csv does not parse: " + err.Error())
	}
	return c
})

// Japan returns the calendar of Japan's national holidays embedded in this package:
// the Cabinet Office's syukujitsu.csv (出典：内閣府ホームページ; see NOTICE.md), from
// 1 January 1955 to 31 December 2027. Every call returns the same immutable
// Calendar. For later years, parse a newer copy of the file with
// ParseCabinetOfficeCSV; until then Schedule.Covered reports due times past Until.
func Japan() *Calendar { return japan() }
