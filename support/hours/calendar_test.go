package hours

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"

	"github.com/seeda33a2f4f/resellerkit"
)

func TestDateCivilArithmeticMatchesTimePackage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.Int64N(2_000_000) - 1_000_000 // about ±2700 years around 1970
		tm := time.Unix(n*86400, 0).UTC()
		d := dateOfDays(n)
		require.Equal(t, DateOf(tm), d, "day %d", n)
		require.Equal(t, n, d.days())
		require.Equal(t, tm.Weekday(), d.Weekday())
		require.True(t, d.Valid())
	}
}

func TestDate(t *testing.T) {
	d := Date{2026, time.September, 22}
	assert.Equal(t, "2026-09-22", d.String())
	assert.Equal(t, time.Tuesday, d.Weekday())
	assert.Equal(t, Date{2026, time.October, 1}, d.AddDays(9))
	assert.Equal(t, Date{2025, time.December, 31}, Date{2026, time.January, 1}.AddDays(-1))
	assert.Equal(t, -1, d.Compare(d.AddDays(1)))
	assert.Equal(t, 1, d.Compare(d.AddDays(-1)))
	assert.Equal(t, 0, d.Compare(d))
	assert.Equal(t, time.Date(2026, 9, 22, 0, 0, 0, 0, Tokyo()), d.In(Tokyo()))
	assert.True(t, Date{2024, time.February, 29}.Valid())
	assert.False(t, Date{2025, time.February, 29}.Valid())
	assert.False(t, Date{2100, time.February, 29}.Valid())
	assert.True(t, Date{2000, time.February, 29}.Valid())
	assert.False(t, Date{}.Valid())
	assert.False(t, Date{2025, 13, 1}.Valid())
	// DateOf reads the date in t's own location.
	utc := time.Date(2026, 1, 11, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, Date{2026, time.January, 11}, DateOf(utc))
	assert.Equal(t, Date{2026, time.January, 12}, DateOf(utc.In(Tokyo())))
}

func hol(y int, m time.Month, d int, name string) Holiday {
	return Holiday{Date: Date{y, m, d}, Name: name}
}

// The Cabinet Office's list for 2025 and 2026, as published. The file names both
// substitute holidays (振替休日) and citizens' holidays (国民の休日) "休日".
var (
	japan2025 = []Holiday{
		hol(2025, 1, 1, "元日"),
		hol(2025, 1, 13, "成人の日"),
		hol(2025, 2, 11, "建国記念の日"),
		hol(2025, 2, 23, "天皇誕生日"),
		hol(2025, 2, 24, "休日"), // 振替休日: 2/23 is a Sunday
		hol(2025, 3, 20, "春分の日"),
		hol(2025, 4, 29, "昭和の日"),
		hol(2025, 5, 3, "憲法記念日"),
		hol(2025, 5, 4, "みどりの日"),
		hol(2025, 5, 5, "こどもの日"),
		hol(2025, 5, 6, "休日"), // 振替休日: 5/4 is a Sunday
		hol(2025, 7, 21, "海の日"),
		hol(2025, 8, 11, "山の日"),
		hol(2025, 9, 15, "敬老の日"),
		hol(2025, 9, 23, "秋分の日"),
		hol(2025, 10, 13, "スポーツの日"),
		hol(2025, 11, 3, "文化の日"),
		hol(2025, 11, 23, "勤労感謝の日"),
		hol(2025, 11, 24, "休日"), // 振替休日: 11/23 is a Sunday
	}
	japan2026 = []Holiday{
		hol(2026, 1, 1, "元日"),
		hol(2026, 1, 12, "成人の日"),
		hol(2026, 2, 11, "建国記念の日"),
		hol(2026, 2, 23, "天皇誕生日"),
		hol(2026, 3, 20, "春分の日"),
		hol(2026, 4, 29, "昭和の日"),
		hol(2026, 5, 3, "憲法記念日"),
		hol(2026, 5, 4, "みどりの日"),
		hol(2026, 5, 5, "こどもの日"),
		hol(2026, 5, 6, "休日"), // 振替休日: 5/3 is a Sunday and 5/4, 5/5 are holidays
		hol(2026, 7, 20, "海の日"),
		hol(2026, 8, 11, "山の日"),
		hol(2026, 9, 21, "敬老の日"),
		hol(2026, 9, 22, "休日"), // 国民の休日: between 敬老の日 and 秋分の日
		hol(2026, 9, 23, "秋分の日"),
		hol(2026, 10, 12, "スポーツの日"),
		hol(2026, 11, 3, "文化の日"),
		hol(2026, 11, 23, "勤労感謝の日"),
	}
)

func TestJapanHolidays2025And2026(t *testing.T) {
	c := Japan()
	assert.Equal(t, japan2025, c.Between(Date{2025, 1, 1}, Date{2025, 12, 31}))
	assert.Equal(t, japan2026, c.Between(Date{2026, 1, 1}, Date{2026, 12, 31}))
	h, ok := c.Lookup(Date{2026, time.September, 22})
	require.True(t, ok)
	assert.Equal(t, "休日", h.Name)
	_, ok = c.Lookup(Date{2026, time.January, 5})
	assert.False(t, ok, "2026-01-05 is a working Monday")
	_, ok = c.Lookup(Date{2026, 2, 30})
	assert.False(t, ok)
	assert.Same(t, c, Japan(), "one parsed calendar")
}

func TestJapanCoverage(t *testing.T) {
	c := Japan()
	assert.Equal(t, Date{1955, time.January, 1}, c.From())
	assert.Equal(t, Date{2027, time.December, 31}, c.Until())
	assert.Equal(t, 1067, c.Len(), "the published file has 1067 lines after its header")
	assert.True(t, c.CoversDate(Date{2027, 12, 31}))
	assert.False(t, c.CoversDate(Date{2028, 1, 1}))
	assert.False(t, c.CoversDate(Date{1954, 12, 31}))
	// Covers reads the date in t's location: 2027-12-31 15:00 UTC is 2028 in Tokyo.
	utc := time.Date(2027, 12, 31, 15, 0, 0, 0, time.UTC)
	assert.True(t, c.Covers(utc))
	assert.False(t, c.Covers(utc.In(Tokyo())))
	// Unusual days of the list: imperial events and the 2019 accession.
	for _, d := range []Date{{1959, 4, 10}, {1989, 2, 24}, {1990, 11, 12}, {1993, 6, 9}, {2019, 5, 1}, {2019, 10, 22}} {
		_, ok := c.Lookup(d)
		assert.True(t, ok, d.String())
	}
}

func TestNilCalendar(t *testing.T) {
	var c *Calendar
	_, ok := c.Lookup(Date{2026, 1, 1})
	assert.False(t, ok)
	assert.Nil(t, c.Between(Date{2026, 1, 1}, Date{2026, 12, 31}))
	assert.Zero(t, c.Len())
	assert.Zero(t, c.From())
	assert.Zero(t, c.Until())
	assert.False(t, c.CoversDate(Date{2026, 1, 1}))
	assert.False(t, c.Covers(time.Now()))
}

func TestNewCalendar(t *testing.T) {
	c, err := NewCalendar([]Holiday{hol(2030, 5, 1, "創立記念日"), hol(2030, 1, 1, "元日")},
		Date{2030, 1, 1}, Date{2030, 12, 31})
	require.NoError(t, err)
	assert.Equal(t, []Holiday{hol(2030, 1, 1, "元日"), hol(2030, 5, 1, "創立記念日")},
		c.Between(Date{2029, 1, 1}, Date{2031, 1, 1}), "sorted")
	assert.Nil(t, c.Between(Date{2030, 1, 2}, Date{2030, 4, 30}))
	assert.Equal(t, []Holiday{hol(2030, 5, 1, "創立記念日")}, c.Between(Date{2030, 5, 1}, Date{2030, 5, 1}))

	empty, err := NewCalendar(nil, Date{2030, 1, 1}, Date{2030, 1, 1})
	require.NoError(t, err)
	assert.True(t, empty.CoversDate(Date{2030, 1, 1}))

	for _, tc := range []struct {
		name        string
		holidays    []Holiday
		from, until Date
		field       string
	}{
		{"bad from", nil, Date{2030, 2, 30}, Date{2030, 12, 31}, "from"},
		{"bad until", nil, Date{2030, 1, 1}, Date{}, "until"},
		{"until before from", nil, Date{2030, 1, 2}, Date{2030, 1, 1}, "until"},
		{"bad date", []Holiday{hol(2030, 4, 31, "x")}, Date{2030, 1, 1}, Date{2030, 12, 31}, "holidays[0].Date"},
		{"outside", []Holiday{hol(2030, 1, 1, "x"), hol(2031, 1, 1, "x")}, Date{2030, 1, 1}, Date{2030, 12, 31}, "holidays[1].Date"},
		{"no name", []Holiday{hol(2030, 1, 1, " ")}, Date{2030, 1, 1}, Date{2030, 12, 31}, "holidays[0].Name"},
		{"twice", []Holiday{hol(2030, 1, 1, "a"), hol(2030, 1, 1, "b")}, Date{2030, 1, 1}, Date{2030, 12, 31}, "holidays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(tc.holidays, tc.from, tc.until)
			assertInvalid(t, err, tc.field)
		})
	}
}

// assertInvalid checks that err is this package's ValidationError for field.
func assertInvalid(t *testing.T, err error, field string) *resellerkit.ValidationError {
	t.Helper()
	require.ErrorIs(t, err, ErrInvalid)
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, field, ve.Field, "%v", err)
	return ve
}

func shiftJIS(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

func TestParseCabinetOfficeCSVEncodings(t *testing.T) {
	const body = CabinetOfficeHeader + "\r\n2030/1/1,元日\r\n2030/1/14,成人の日\r\n\r\n2029/12/31,\"休日\"\r\n"
	want := []Holiday{hol(2029, 12, 31, "休日"), hol(2030, 1, 1, "元日"), hol(2030, 1, 14, "成人の日")}
	for name, input := range map[string][]byte{
		"Shift_JIS":      shiftJIS(t, body),
		"Shift_JIS (LF)": shiftJIS(t, strings.ReplaceAll(body, "\r\n", "\n")),
		"UTF-8":          []byte(body),
		"UTF-8 with BOM": []byte("\uFEFF" + body),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := ParseCabinetOfficeCSV(bytes.NewReader(input))
			require.NoError(t, err)
			assert.Equal(t, want, c.Between(Date{2000, 1, 1}, Date{2100, 1, 1}))
			assert.Equal(t, Date{2029, 1, 1}, c.From())
			assert.Equal(t, Date{2030, 12, 31}, c.Until())
		})
	}
}

func TestEmbeddedFileIsThePublishedOne(t *testing.T) {
	// The embedded file is the published one, byte for byte (Shift_JIS, CRLF): its
	// SHA-256 is that of the Cabinet Office's download (see NOTICE.md to update it).
	raw, err := os.ReadFile("syukujitsu.csv")
	require.NoError(t, err)
	assert.Equal(t, syukujitsuCSV, raw)
	sum := sha256.Sum256(raw)
	assert.Equal(t, "cec37a743c96995cdb9cb52b685c9003634682a9b0e1a640a6b9b96881fe964a", hex.EncodeToString(sum[:]))
	assert.True(t, bytes.HasPrefix(raw, shiftJIS(t, CabinetOfficeHeader+"\r\n1955/1/1,元日\r\n")))
}

func TestParseCabinetOfficeCSVErrors(t *testing.T) {
	const h = CabinetOfficeHeader + "\r\n"
	for _, tc := range []struct {
		name, input string
		raw         []byte // sent as is instead of input encoded
		field       string
		reason      string
	}{
		{name: "empty", input: "", field: "line 1", reason: "empty input"},
		{name: "wrong header", input: "日付,名称\r\n2025/1/1,元日\r\n", field: "line 1", reason: "want the header"},
		{name: "no header", input: "2025/1/1,元日\r\n", field: "line 1", reason: "want the header"},
		{name: "header only", input: h, field: "line 2", reason: "no holidays"},
		{name: "dashes", input: h + "2025/1/1,元日\r\n2025-01-13,成人の日\r\n", field: "line 3: date", reason: "want YYYY/M/D"},
		{name: "two-digit year", input: h + "25/1/1,元日\r\n", field: "line 2: date", reason: "want YYYY/M/D"},
		{name: "no such date", input: h + "2025/1/1,元日\r\n2025/2/29,x\r\n", field: "line 3: date", reason: "no such date"},
		{name: "month 13", input: h + "2025/13/1,x\r\n", field: "line 2: date", reason: "no such date"},
		{name: "no name", input: h + "2025/1/1,\r\n", field: "line 2: name", reason: "must not be empty"},
		{name: "one field", input: h + "2025/1/1\r\n", field: "line 2", reason: "want 2 fields"},
		{name: "three fields", input: h + "2025/1/1,元日,x\r\n", field: "line 2", reason: "want 2 fields"},
		{name: "twice", input: h + "2025/1/1,元日\r\n2025/1/13,成人の日\r\n2025/01/01,元日\r\n", field: "line 4: date", reason: "already on line 2"},
		{name: "gap year", input: h + "2024/1/1,元日\r\n2026/1/1,元日\r\n", field: "input", reason: "no holiday in this year"},
		{name: "bare quote", input: h + "2025/1/1,元\"日\r\n", field: "line 2", reason: "not CSV"},
		{name: "not Shift_JIS", raw: append(shiftJIS(t, h+"2025/1/1,元日\r\n2025/1/13,成人"), 0xFF, '\r', '\n'), field: "line 3", reason: "not valid Shift_JIS"},
		{name: "bad UTF-8", raw: []byte(h + "2025/1/1,\xff\r\n"), field: "input", reason: "not valid UTF-8"},
		{name: "too large", raw: append(shiftJIS(t, h), bytes.Repeat([]byte("\r\n"), maxCSVSize)...), field: "input", reason: "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := tc.raw
			if input == nil {
				input = shiftJIS(t, tc.input)
			}
			_, err := ParseCabinetOfficeCSV(bytes.NewReader(input))
			ve := assertInvalid(t, err, tc.field)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), "hours: invalid input: "+tc.field), err.Error())
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseCabinetOfficeCSVReadError(t *testing.T) {
	_, err := ParseCabinetOfficeCSV(failingReader{})
	require.ErrorContains(t, err, "disk on fire")
	assert.NotErrorIs(t, err, ErrInvalid)
}
