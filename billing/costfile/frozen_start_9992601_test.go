// This file is a FROZEN COPY, for tests only, of how a usage start was parsed before
// commit 9992601 (at 9992601^): its month and error (parsePeriod, parseTime of
// timestamp.go) and its instant as the overlap check hashes it (B-14:
// rowSketch.instant of fingerprint.go, with its cache of the row before). It is the
// oracle of the start tests in split_oracle_test.go and of FuzzParseStart: the
// current parseStart must give the month, error and instant this code gave, or
// stored sketches stop comparing. Do not edit it to follow the package — its point
// is that it does not change; identifiers are renamed (frozen…) and everything it
// called is copied. ErrTimestamp is the package's exported sentinel.

package costfile

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// frozenStart is 9992601^'s rowSketch without its billing.Sketch: the cache of the
// last usage start.
type frozenStart struct {
	lastStart []byte   // the last usage start text
	start     [12]byte // its instant: packed date and time, nanoseconds
	startOK   bool
	day       uint64 // the packed date of start when lastStart is in a B-1 form, else 0
}

// instant is 9992601^'s rowSketch.instant.
func (r *frozenStart) instant(b []byte) []byte {
	if r.startOK && len(b) == len(r.lastStart) {
		if string(b) == string(r.lastStart) {
			return r.start[:]
		}
		// The same day at another time, in the form of the row before: the date is
		// the same, only the time of day is parsed.
		if r.day != 0 && string(b[:11]) == string(r.lastStart[:11]) && string(b[19:]) == string(r.lastStart[19:]) && b[13] == ':' && b[16] == ':' {
			h, ok1 := frozenDigits(b[11:13])
			mi, ok2 := frozenDigits(b[14:16])
			sec, ok3 := frozenDigits(b[17:19])
			if ok1 && ok2 && ok3 && h < 24 && mi < 60 && sec < 60 {
				binary.LittleEndian.PutUint64(r.start[:], r.day|uint64(h)<<12|uint64(mi)<<6|uint64(sec))
				copy(r.lastStart[11:], b[11:19])
				return r.start[:]
			}
		}
	}
	var y, mo, d, h, mi, sec, ns int
	ok := (len(b) == 19 || (len(b) == 20 && b[19] == 'Z')) && (b[10] == 'T' || b[10] == ' ') &&
		b[4] == '-' && b[7] == '-' && b[13] == ':' && b[16] == ':'
	if ok {
		var ok1, ok2, ok3, ok4, ok5, ok6 bool
		y, ok1 = frozenDigits(b[0:4])
		mo, ok2 = frozenDigits(b[5:7])
		d, ok3 = frozenDigits(b[8:10])
		h, ok4 = frozenDigits(b[11:13])
		mi, ok5 = frozenDigits(b[14:16])
		sec, ok6 = frozenDigits(b[17:19])
		ok = ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= frozenDaysIn(y, mo) && h < 24 && mi < 60 && sec < 60
	}
	if !ok {
		t, err := frozenParseTime(b)
		if err != "" {
			r.startOK = false
			return b
		}
		var m time.Month
		y, m, d = t.Date()
		h, mi, sec = t.Clock()
		mo, ns = int(m), t.Nanosecond()
	}
	packed := uint64(y)<<26 | uint64(mo)<<22 | uint64(d)<<17 | uint64(h)<<12 | uint64(mi)<<6 | uint64(sec)
	r.day = 0
	if ok { // the B-1 form without a fraction: its date is its first 11 bytes
		r.day = packed &^ (1<<17 - 1)
	}
	binary.LittleEndian.PutUint64(r.start[:], packed)
	binary.LittleEndian.PutUint32(r.start[8:], uint32(ns))
	r.lastStart = append(r.lastStart[:0], b...)
	r.startOK = true
	return r.start[:]
}

var frozenFallbackLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// frozenParsePeriod is 9992601^'s parsePeriod; its error is the text of the error
// parsePeriod returned (a valueError wrapping ErrTimestamp), "" when none.
func frozenParsePeriod(b []byte) (resellerkit.Month, string) {
	if (len(b) == 19 || (len(b) == 20 && b[19] == 'Z')) && (b[10] == 'T' || b[10] == ' ') &&
		b[4] == '-' && b[7] == '-' && b[13] == ':' && b[16] == ':' {
		y, ok1 := frozenDigits(b[0:4])
		mo, ok2 := frozenDigits(b[5:7])
		d, ok3 := frozenDigits(b[8:10])
		h, ok4 := frozenDigits(b[11:13])
		mi, ok5 := frozenDigits(b[14:16])
		s, ok6 := frozenDigits(b[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && y >= 1 && mo >= 1 && mo <= 12 &&
			d >= 1 && d <= frozenDaysIn(y, mo) && h < 24 && mi < 60 && s < 60 {
			return resellerkit.NewMonth(y, time.Month(mo)), ""
		}
		return resellerkit.Month{}, frozenTimestampError(b)
	}
	t, err := frozenParseTime(b)
	if err != "" {
		return resellerkit.Month{}, err
	}
	return resellerkit.MonthOf(t), ""
}

func frozenParseTime(b []byte) (time.Time, string) {
	if len(b) == 0 {
		return time.Time{}, frozenTimestampError(b)
	}
	s := string(b)
	for _, l := range frozenFallbackLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), ""
		}
	}
	return time.Time{}, frozenTimestampError(b)
}

// frozenTimestampError is the text of 9992601^'s timestampError (a valueError:
// the value quoted, its first 61 bytes and "..." when longer than 64).
func frozenTimestampError(b []byte) string {
	if len(b) == 0 {
		return "empty, but a usage start is required (B-1)"
	}
	if len(b) > 64 {
		b = append(b[:61:61], "..."...)
	}
	return strconv.Quote(string(b)) + " is not a timestamp: want YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD HH:MM:SS or RFC 3339 (B-1)"
}

func frozenDigits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func frozenDaysIn(y, m int) int {
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
