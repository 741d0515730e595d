package costfile

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestB14_UsageStartInstantDoesNotDependOnTheRowBefore: a row's usage start, as
// the overlap check hashes it, is the same whatever row came before it in the
// worker (the cache of the previous start, and of its day, changes nothing): each
// start of a shuffled mix of forms, days, times, fractions, offsets and bad values
// gives the instant a fresh worker gives it; and the forms of one instant agree.
func TestB14_UsageStartInstantDoesNotDependOnTheRowBefore(t *testing.T) {
	var starts []string
	for _, day := range []string{"2026-10-21", "2026-10-22", "2026-02-28", "2024-02-29"} {
		for _, tm := range []string{"00:00:00", "08:00:00", "08:00:01", "08:59:59", "23:59:59", "24:00:00", "08:60:00", "0a:00:00"} {
			starts = append(starts, day+"T"+tm+"Z", day+" "+tm, day+"T"+tm, day+" "+tm+".000", day+"T"+tm+"+09:00", day+"T"+tm+".5Z")
		}
	}
	starts = append(starts, "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "", "x", "2026-10-21T08:00:00Zx")
	fresh := func(s string) string {
		var r rowSketch
		return fmt.Sprintf("%x", r.instant([]byte(s)))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var r rowSketch
	for range 20_000 {
		s := starts[rng.IntN(len(starts))]
		b := []byte(s)
		require.Equal(t, fresh(s), fmt.Sprintf("%x", r.instant(b)), "%q after %q", s, r.lastStart)
	}
	require.Equal(t, fresh("2026-10-21T08:00:00Z"), fresh("2026-10-21 08:00:00.000"))
	require.Equal(t, fresh("2026-10-21T08:00:00Z"), fresh("2026-10-21T17:00:00+09:00"))
	require.NotEqual(t, fresh("2026-10-21T08:00:00Z"), fresh("2026-10-21T08:00:01Z"))
	require.NotEqual(t, fresh("2026-10-21T08:00:00Z"), fresh("2026-10-22T08:00:00Z"))
}
