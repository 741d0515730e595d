package billing

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestB14_SampleKeepsTheSmallestDistinctHashes: however hashes arrive — in any order,
// repeated next to each other or far apart, fewer or many more than SketchSize — a
// sample holds exactly the SketchSize smallest distinct ones, sorted, across many
// compactions (each merging the sorted sample with the newly sorted candidates), and
// its memory stays bounded.
func TestB14_SampleKeepsTheSmallestDistinctHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 14))
	for _, n := range []int{0, 1, SketchSize - 1, SketchSize, 2*SketchSize + 1, 50_000} {
		for _, order := range []string{"random", "ascending", "descending", "repeats"} {
			hs := make([]uint64, n)
			for i := range hs {
				hs[i] = r.Uint64() >> (r.IntN(4) * 8) // many small hashes too
			}
			switch order {
			case "ascending":
				slices.Sort(hs)
			case "descending":
				slices.Sort(hs)
				slices.Reverse(hs)
			case "repeats":
				for i := range hs {
					if i > 0 && i%3 != 0 {
						hs[i] = hs[r.IntN(i)]
					}
				}
			}
			var s sample
			for _, h := range hs {
				s.add(h)
				require.LessOrEqual(t, cap(s.h)+cap(s.buf), 3*SketchSize, "memory is bounded")
			}
			s.compact()
			want := slices.Compact(slices.Sorted(slices.Values(hs)))
			if len(want) > SketchSize {
				want = want[:SketchSize]
			}
			require.Equal(t, len(want), len(s.h), "n=%d %s", n, order)
			if len(want) > 0 {
				require.Equal(t, want, s.h, "n=%d %s", n, order)
			}
			require.Equal(t, len(want) == SketchSize, s.full)
		}
	}
}
