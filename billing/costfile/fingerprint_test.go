package costfile

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instantOf is the instant of t as parseStart packs it, computed from a time.Time.
func instantOf(t time.Time) [12]byte {
	var inst [12]byte
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	binary.LittleEndian.PutUint64(inst[:], packInstant(y, int(mo), d, h, mi, sec))
	binary.LittleEndian.PutUint32(inst[8:], uint32(t.Nanosecond()))
	return inst
}

// TestB14_UsageStartInstant: a usage start is parsed once for its month (B-1) and
// for the instant the overlap check hashes (B-14): the month and the error are
// parsePeriod's, every way of writing one instant gives one instant, and two
// instants a second apart differ.
func TestB14_UsageStartInstant(t *testing.T) {
	same := []string{"2026-10-21T08:00:00Z", "2026-10-21 08:00:00", "2026-10-21T08:00:00", "2026-10-21 08:00:00.000",
		"2026-10-21T17:00:00+09:00", "2026-10-21T08:00:00.000Z"}
	_, want, err := parseStart([]byte(same[0]))
	require.NoError(t, err)
	assert.Equal(t, instantOf(time.Date(2026, 10, 21, 8, 0, 0, 0, time.UTC)), want)
	for _, s := range same {
		p, inst, err := parseStart([]byte(s))
		require.NoError(t, err, s)
		assert.Equal(t, want, inst, s)
		assert.Equal(t, "2026-10", p.String(), s)
	}
	for _, s := range []string{"2026-10-21T08:00:01Z", "2026-10-22T08:00:00Z", "2026-10-21T08:00:00.5Z", "2027-10-21T08:00:00Z"} {
		_, inst, err := parseStart([]byte(s))
		require.NoError(t, err, s)
		assert.NotEqual(t, want, inst, s)
	}
	for _, s := range []string{"", "x", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2026-10-21T24:00:00Z", "2026-1a-21T08:00:00Z", "2026-10-21T08:00:00Zx"} {
		_, _, err := parseStart([]byte(s))
		_, perr := parsePeriod([]byte(s))
		require.Error(t, err, s)
		assert.Equal(t, perr.Error(), err.Error(), s)
	}
}

// FuzzParseStart: on any text parseStart gives the month, the error and the
// instant of the code before it (frozen_start_9992601_test.go: 9992601^'s
// parsePeriod and rowSketch.instant), not of the package's current helpers, which
// could change with it (B-1, B-14).
func FuzzParseStart(f *testing.F) {
	for _, s := range []string{"2026-10-01T00:00:00Z", "2026-10-01 00:00:00", "2024-02-29T23:59:59Z", "2026-10-01T09:00:00+09:00",
		"2026-10-01 00:00:00.123", "2026-13-01T00:00:00Z", "2026-10-01T0:00:00Z", "/0/0-01-01T00:00:00Z", "",
		"0000-01-01T00:00:00.5Z", "2026-10-01T00:00:00.000Z", "2026-12-31T23:59:60Z", "2026-10-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, inst, err := parseStart([]byte(s))
		wp, werr := frozenParsePeriod([]byte(s))
		require.Equal(t, werr == "", err == nil, "%q: %v / %s", s, err, werr)
		if err != nil {
			require.Equal(t, werr, err.Error())
			require.ErrorIs(t, err, ErrTimestamp)
			return
		}
		require.Equal(t, wp, p)
		var r frozenStart
		require.Equal(t, r.instant([]byte(s)), inst[:], "%q", s)
	})
}
