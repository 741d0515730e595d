package billing

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB14_HashIsStable: Hash is the same in every process (these values are pinned:
// a change would make samples and messages differ between versions), covers every
// length path (0, < 4, < 8, 16, > 16, > 32 bytes), keeps the parts of an identity apart —
// ("ab", "c") is not ("a", "bc") — and gives every string of at most two bytes and
// a million structured ids (like "r1", "r2", …) distinct hashes whose bits are
// balanced.
func TestB14_HashIsStable(t *testing.T) {
	for in, want := range map[string]uint64{
		"":                  0x3476c72a8cf708ac,
		"a":                 0xe159ebc7688adcc4,
		"abc":               0x99c564b82c5e386e,
		"0123456789abcdef":  0x0369de2caf828f73,
		"0123456789abcdef0": 0xf389803fb410caf4,
		"qmooz4hg3jabcdabcdabcdabcdabcdabcdabcdabcjqpgg7ep3a": 0x46eb7b38bfdac376,
	} {
		assert.Equal(t, want, Hash([]byte(in)), "%q", in)
	}
	assert.Equal(t, uint64(0xc0300c34885da03d), Hash([]byte("qmooz4hg3jabcdabcdabcdabcdabcdabcdabcdabcjqpgg7ep3a"), []byte("2023-11-01T00:00:00Z/2023-11-02T00:00:00Z")))
	assert.NotEqual(t, Hash([]byte("ab"), []byte("c")), Hash([]byte("a"), []byte("bc")))
	assert.NotEqual(t, Hash([]byte("abc")), Hash([]byte("ab"), []byte("c")))
	assert.NotEqual(t, Hash([]byte("x")), Hash([]byte("x"), nil))

	const n = 1_000_000
	seen := make(map[uint64]string, n+1<<16+1<<8+1)
	add := func(b []byte) uint64 {
		h := Hash(b)
		prev, dup := seen[h]
		require.False(t, dup && prev != string(b), "%q and %q collide", prev, b)
		seen[h] = string(b)
		return h
	}
	for i := range 1<<16 + 1<<8 + 1 {
		switch {
		case i == 0:
			add(nil)
		case i <= 1<<8:
			add([]byte{byte(i - 1)})
		default:
			j := i - 1<<8 - 1
			add([]byte{byte(j), byte(j >> 8)})
		}
	}
	var ones [64]int
	for i := range n {
		h := add(fmt.Appendf(nil, "r%d", i))
		for b := range 64 {
			ones[b] += int(h >> b & 1)
		}
	}
	for b, c := range ones {
		assert.InDelta(t, n/2, c, 3000, "bit %d", b) // 6 standard deviations
	}
}

// ids returns n distinct row ids with prefix, like CUR line item ids.
func ids(prefix string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, "%s-%07d-qmooz4hg3jabcdabcdabcdabcdabc", prefix, i)
	}
	return out
}

func sketchOf(rows ...[][]byte) *Sketch {
	var s Sketch
	for _, rs := range rows {
		for _, id := range rs {
			s.Add(id)
		}
	}
	return &s
}

// TestB14_SketchOverlap: a bottom-k sample of row identities tells copies and
// versions of one month (all rows shared), partial overlaps (the share is estimated
// from the sample) and distinct parts (nothing shared) apart, with at most
// SketchSize hashes whatever the number of rows; rows repeated inside one input are
// one identity.
func TestB14_SketchOverlap(t *testing.T) {
	const n = 200_000
	all := ids("r", n)
	a := sketchOf(all)
	assert.Equal(t, SketchSize, a.Len())
	assert.LessOrEqual(t, cap(a.rows.h), 2*SketchSize, "memory is bounded")

	t.Run("a copy shares every sampled row", func(t *testing.T) {
		shuffled := slices.Clone(all)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b := sketchOf(shuffled)
		shared, na, nb := a.Overlap(b)
		assert.Equal(t, [3]int{SketchSize, SketchSize, SketchSize}, [3]int{shared, na, nb})
		assert.True(t, a.Overlaps(b))
		assert.True(t, a.Overlaps(a), "a sketch overlaps itself")
	})
	t.Run("two parts of one month share nothing", func(t *testing.T) {
		p1, p2 := sketchOf(all[:n/2]), sketchOf(all[n/2:])
		shared, na, nb := p1.Overlap(p2)
		assert.Zero(t, shared)
		assert.Positive(t, na)
		assert.Positive(t, nb)
		assert.False(t, p1.Overlaps(p2))
		// The parts' sketches merged are the sketch of the whole.
		p1.Merge(p2)
		p1.rows.compact()
		a.rows.compact()
		assert.Equal(t, a.rows.h, p1.rows.h)
	})
	t.Run("a restated month that adds rows is caught both ways", func(t *testing.T) {
		v2 := sketchOf(all, ids("late", n/10))
		shared, na, nb := a.Overlap(v2)
		assert.True(t, a.Overlaps(v2))
		assert.True(t, v2.Overlaps(a))
		assert.InDelta(t, 1.0, float64(shared)/float64(na), 0.01, "all of v1 is in v2")
		assert.InDelta(t, 1/1.1, float64(shared)/float64(nb), 0.05, "v2 is 10/11 v1")
	})
	t.Run("one part of a month restated in three", func(t *testing.T) {
		third := sketchOf(all[:n/3])
		shared, na, nb := a.Overlap(third)
		assert.True(t, a.Overlaps(third))
		assert.InDelta(t, 1.0/3, float64(shared)/float64(na), 0.05)
		assert.Equal(t, shared, nb, "all of the part is in the whole")
	})
	t.Run("a few ids repeated across parts are tolerated, more are not", func(t *testing.T) {
		// AWS documents line item ids as unique within one part only. The repeated
		// ids are p1's smallest hashes, so they fall in the compared range of both
		// samples: the 1 % rule, not the sampling, decides.
		half := slices.Clone(all[:n/2])
		slices.SortFunc(half, func(x, y []byte) int { return cmp.Compare(Hash(x), Hash(y)) })
		p1 := sketchOf(all[:n/2])
		p2 := sketchOf(all[n/2:], half[:5])
		shared, na, nb := p1.Overlap(p2)
		assert.Equal(t, 5, shared, "the repeated ids are compared")
		assert.Greater(t, 100*min(na, nb), 5*100/OverlapPercent, "5 shared rows are under 1 %%")
		assert.False(t, p1.Overlaps(p2))
		p3 := sketchOf(all[n/2:], half[:25])
		shared, na, nb = p1.Overlap(p3)
		assert.Equal(t, 25, shared)
		assert.LessOrEqual(t, min(na, nb), 25*100/OverlapPercent, "25 shared rows are over 1 %%")
		assert.True(t, p1.Overlaps(p3))
	})
	t.Run("inputs of fewer than 100 sampled rows sharing one identity are refused", func(t *testing.T) {
		// The documented rule for small inputs (overlapping): one shared line item
		// is 1 % or more of them.
		x, y := sketchOf(ids("x", 60)), sketchOf(ids("x", 60)[59:], ids("y", 60))
		shared, na, nb := x.Overlap(y)
		assert.Equal(t, [3]int{1, 60, 61}, [3]int{shared, na, nb})
		assert.True(t, x.Overlaps(y))
	})
	t.Run("contents: a version with new ids is refused, parts sharing a few contents are not", func(t *testing.T) {
		content := func(idPrefix string, rows [][]byte) *Sketch {
			var s Sketch
			for i, r := range rows {
				s.Add(fmt.Appendf(nil, "%s%d", idPrefix, i))
				s.AddContent(r)
			}
			return &s
		}
		v1, v2 := content("a", all[:n/2]), content("b", all[:n/2])
		shared, na, _ := v1.rows.overlap(&v2.rows)
		assert.Zero(t, shared, "no id in common")
		assert.Positive(t, na)
		assert.True(t, v1.Overlaps(v2), "all contents in common")
		shared, na, nb := v1.Overlap(v2)
		assert.Equal(t, [3]int{SketchSize, SketchSize, SketchSize}, [3]int{shared, na, nb}, "the counts are the contents'")
		// Two parts whose contents are 10 % the same (many rows of one report can
		// share a content): not an overlap.
		p1 := content("p", all[:n/2])
		p2 := content("q", append(slices.Clone(all[n/2:n/2+n/2*9/10]), all[:n/2/10]...))
		assert.False(t, p1.Overlaps(p2))
	})
	t.Run("repeated rows are one identity", func(t *testing.T) {
		small := ids("s", 10)
		s := sketchOf(small, small, small)
		assert.Equal(t, 10, s.Len())
		var one Sketch
		for range 100_000 {
			one.Add([]byte("same row"))
		}
		assert.Equal(t, 1, one.Len())
		assert.False(t, s.Overlaps(&one))
	})
	t.Run("small inputs compare exactly", func(t *testing.T) {
		x, y := sketchOf(ids("x", 3)), sketchOf(ids("x", 3)[2:], ids("y", 40))
		shared, na, nb := x.Overlap(y)
		assert.Equal(t, [3]int{1, 3, 41}, [3]int{shared, na, nb})
		assert.True(t, x.Overlaps(y), "one row of three is a third of x")
	})
	t.Run("empty and nil sketches overlap nothing", func(t *testing.T) {
		var empty Sketch
		assert.False(t, empty.Overlaps(&empty))
		assert.False(t, a.Overlaps(&empty))
		assert.False(t, a.Overlaps(nil))
		assert.Zero(t, (*Sketch)(nil).Len())
	})
}

// sketchInput is an Input whose rows are identified by ids: it reports a Sketch of
// them, as costfile does.
type sketchInput struct {
	name string
	rows []row
	ids  [][]byte
}

func (in sketchInput) Scan(ctx context.Context, newSink func() Sink) (InputStats, error) {
	st, err := rowsInput{name: in.name, rows: in.rows, workers: 2}.Scan(ctx, newSink)
	st.Warnings = nil
	if in.ids != nil {
		st.Sketch = sketchOf(in.ids)
	}
	return st, err
}

// TestB14_RunRefusesOverlappingInputs: Run stops with ErrOverlap, naming both inputs
// and giving no Result, when an input shares its rows with one read before it, and
// stops at once: the inputs after it are not read. Inputs of distinct rows, and
// inputs without a sketch, are billed as before.
func TestB14_RunRefusesOverlappingInputs(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(3, 4)), 300)
	rowIDs := ids("li", len(rows))
	job := func(inputs ...Input) Job {
		return Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Inputs: inputs}
	}

	want, err := Run(context.Background(), job(rowsInput{name: "all.csv", rows: rows}))
	require.NoError(t, err)
	got, err := Run(context.Background(), job(
		sketchInput{name: "part1.csv", rows: rows[:100], ids: rowIDs[:100]},
		sketchInput{name: "part2.csv", rows: rows[100:], ids: rowIDs[100:]},
	))
	require.NoError(t, err, "two parts of one month")
	assert.Equal(t, want.Invoices, got.Invoices)
	require.NotNil(t, got.Inputs[0].Sketch)
	assert.Equal(t, 100, got.Inputs[0].Sketch.Len())

	scanned := false
	refused := job(
		sketchInput{name: "2026-10/a1/cur.csv.gz", rows: rows, ids: rowIDs},
		rowsInput{name: "no-sketch.csv", rows: rows[:1]},
		sketchInput{name: "2026-10/b2/cur.csv.gz", rows: rows[:150], ids: rowIDs[:150]},
		rowsInput{name: "after.csv", scanned: &scanned},
	)
	// One input at a time, so that none after the overlap is even started (with
	// several at once, one may be, and is cancelled: TestB14_RunParallelOverlap).
	refused.Parallel = 1
	res, err := Run(context.Background(), refused)
	require.ErrorIs(t, err, ErrOverlap)
	assert.Nil(t, res)
	assert.False(t, scanned, "the run stops at the overlapping input")
	assert.Equal(t, "inputs 2026-10/a1/cur.csv.gz and 2026-10/b2/cur.csv.gz overlap: 150 of the 150 sampled rows of "+
		"2026-10/b2/cur.csv.gz are also in 2026-10/a1/cur.csv.gz (B-14): the same report twice, a copy, or two versions "+
		"of one month; give each month's rows once", err.Error())
	assert.True(t, errors.Is(err, ErrOverlap))
}

// FuzzB14_Sketch: for row ids of any bytes, the sketch never panics, holds at most
// SketchSize hashes, overlaps itself when it has a row, does not depend on the
// order or repetition of rows or on how they were split over workers, and two
// disjoint id sets do not overlap.
func FuzzB14_Sketch(f *testing.F) {
	f.Add([]byte("r1\nr2\nr3\nr1"), byte('\n'), uint16(2))
	f.Add([]byte(""), byte(0), uint16(0))
	f.Add(bytes.Repeat([]byte("qmooz4hg3jabcdabcdabcdabcdabcdabcdabcdabcjqpgg7ep3a,"), 50), byte(','), uint16(3000))
	f.Add([]byte{0, 0, 0, 0xff, 0, 0xff, 0xff}, byte(0xff), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, sep byte, extra uint16) {
		rows := bytes.Split(data, []byte{sep})
		// Distinct synthetic rows push the sketch past SketchSize.
		for i := range int(extra) % (3 * SketchSize) {
			rows = append(rows, fmt.Appendf(nil, "#%d", i))
		}
		var whole, w1, w2, rev Sketch
		for i, r := range rows {
			whole.Add(r)
			if i%2 == 0 {
				w1.Add(r)
			} else {
				w2.Add(r)
			}
		}
		for _, r := range slices.Backward(rows) {
			rev.Add(r)
		}
		w1.Merge(&w2)
		require.LessOrEqual(t, whole.Len(), SketchSize)
		require.Equal(t, len(rows) > 0, whole.Overlaps(&whole))
		for _, s := range []*Sketch{&w1, &rev} {
			shared, na, nb := whole.Overlap(s)
			require.Equal(t, whole.Len(), shared)
			require.Equal(t, shared, na)
			require.Equal(t, shared, nb)
		}
		// Disjoint sets: the same ids in two namespaces.
		var x, y Sketch
		for _, r := range rows {
			x.Add([]byte("x"), r)
			y.Add([]byte("y"), r)
		}
		shared, _, _ := x.Overlap(&y)
		require.Zero(t, shared)
		require.False(t, x.Overlaps(&y))
	})
}

// A sketch survives its binary form (a Store keeps it, B-14) and compares the same.
func TestB14_SketchBinaryRoundTrip(t *testing.T) {
	var a, small Sketch
	for i := range 10000 {
		a.Add([]byte(fmt.Sprint("row", i)))
		a.AddContent([]byte(fmt.Sprint("content", i%300)))
	}
	small.Add([]byte("x"))
	for _, s := range []*Sketch{&a, &small, {}} {
		b, err := s.MarshalBinary()
		require.NoError(t, err)
		var got Sketch
		require.NoError(t, got.UnmarshalBinary(b))
		assert.Equal(t, s.Len(), got.Len())
		shared, na, nb := s.Overlap(&got)
		assert.Equal(t, na, shared)
		assert.Equal(t, nb, shared)
	}
	b, _ := a.MarshalBinary()
	var got Sketch
	for _, bad := range [][]byte{nil, {2}, b[:len(b)-1], append(b, 0)} {
		assert.Error(t, got.UnmarshalBinary(bad))
	}
}
