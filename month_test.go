package resellerkit_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

// B-1: a billing period is a UTC calendar month; 04/01 08:59 JST belongs to March.
func TestB1_MonthIsTheUTCCalendarMonth(t *testing.T) {
	jst := time.FixedZone("JST", 9*60*60)
	m := resellerkit.MonthOf(time.Date(2025, time.April, 1, 8, 59, 0, 0, jst))
	assert.Equal(t, "2025-03", m.String())
	assert.Equal(t, time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC), m.Start())
	assert.Equal(t, time.Date(2025, time.April, 1, 0, 0, 0, 0, time.UTC), m.End())
	assert.True(t, m.Contains(time.Date(2025, time.March, 31, 23, 59, 59, 0, time.UTC)))
	assert.False(t, m.Contains(m.End()), "a month is [Start, End)")
	assert.Equal(t, 2025, m.Year())
	assert.Equal(t, time.March, m.Month())
}

func TestMonth_Arithmetic(t *testing.T) {
	dec := resellerkit.NewMonth(2025, time.December)
	assert.Equal(t, "2026-01", dec.Next().String())
	assert.Equal(t, "2025-11", dec.Prev().String())
	assert.Equal(t, "2024-12", dec.AddMonths(-12).String())
	assert.Equal(t, "2026-01", resellerkit.NewMonth(2025, 13).String(), "normalized like time.Date")
	assert.Equal(t, "2024-12", resellerkit.NewMonth(2025, 0).String())
	assert.True(t, dec.Before(dec.Next()))
	assert.True(t, dec.Next().After(dec))
	assert.Equal(t, -1, dec.Compare(dec.Next()))
	assert.Equal(t, 0, dec.Compare(resellerkit.NewMonth(2025, time.December)))
	assert.Equal(t, 1, dec.Compare(resellerkit.Month{}), "the zero Month sorts first")

	var zero resellerkit.Month
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.String())
	assert.True(t, zero.Start().IsZero())
	assert.True(t, zero.Next().IsZero(), "no month has no next month")
	assert.False(t, zero.Contains(time.Time{}))
}

func TestMonth_ParseMonth(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"2024-09", "2024-09", ""},
		{"2000-01", "2000-01", ""},
		{"9999-12", "9999-12", ""},
		{"1999-12", "", "months before 2000"},
		{"2024-13", "", "01..12"},
		{"2024-00", "", "01..12"},
		{"2024-9", "", "want YYYY-MM"},
		{"2024/09", "", "want YYYY-MM"},
		{"２０２４-09", "", "want YYYY-MM"},
		{"", "", "want YYYY-MM"},
		{"2024-09-01", "", "want YYYY-MM"},
	} {
		m, err := resellerkit.ParseMonth(c.in)
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.in)
			assert.True(t, m.IsZero())
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, m.String())
	}
}

func TestMonth_TextAndJSON(t *testing.T) {
	type doc struct {
		M  resellerkit.Month            `json:"m"`
		By map[resellerkit.Month]string `json:"by"`
	}
	in := doc{M: resellerkit.NewMonth(2026, time.October), By: map[resellerkit.Month]string{resellerkit.NewMonth(2026, time.November): "x"}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"m":"2026-10","by":{"2026-11":"x"}}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)
	require.ErrorContains(t, json.Unmarshal([]byte(`{"m":"1999-01"}`), &out), "before 2000")
	require.NoError(t, json.Unmarshal([]byte(`{"m":""}`), &out))
	assert.True(t, out.M.IsZero())
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2024-09", "1999-12", "2024-13", "0000-00", "9999-12", "2024-9", "", "２０２４-09", "2024-09x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := resellerkit.ParseMonth(s)
		if err != nil {
			require.True(t, m.IsZero())
			require.LessOrEqual(t, len(err.Error()), 100+10*resellerkit.MaxValueLen, "the error echoes a bounded value, whatever the input's length")
			return
		}
		require.Equal(t, s, m.String(), "a parsed month prints as it was written")
		require.GreaterOrEqual(t, m.Year(), resellerkit.MinYear)
		require.Equal(t, m, resellerkit.MonthOf(m.Start()))
		require.Equal(t, m.Next(), resellerkit.MonthOf(m.End()))
	})
}
