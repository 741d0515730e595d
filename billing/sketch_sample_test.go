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

// TestB14_RepeatedRowsAreNotCandidatesAgain: rows repeated inside one file (B-14:
// data, not an overlap) are sampled once, and a hash seen before is not queued
// again for the next compaction — a file of few distinct rows, whose sample never
// fills and so takes every hash, costs a comparison per row, not a sort every
// SketchSize rows. Zero and all ones are sampled too.
func TestB14_RepeatedRowsAreNotCandidatesAgain(t *testing.T) {
	var s sample
	hs := []uint64{0, 1, 1<<63 | 2, ^uint64(0)}
	for i := range 96 {
		hs = append(hs, uint64(i+3)|uint64(i)<<40)
	}
	for range 999 {
		for _, h := range hs {
			s.add(h)
		}
	}
	require.LessOrEqual(t, len(s.h), len(hs)+1, "repeated hashes queued again")
	s.compact()
	require.Equal(t, slices.Sorted(slices.Values(hs)), s.h)
}
