package billing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// ErrOverlap is wrapped by the error of a run whose inputs overlap (B-14): the same
// file twice, a copy of it, or two versions of one month's report. Their rows would
// be counted twice.
var ErrOverlap = errors.New("billing: inputs overlap")

// SketchSize is the number of row identities a Sketch samples: it holds at most this
// many 64-bit hashes (16 KiB) of row identities, and as many of row contents,
// however many rows its input has; while rows are added, a worker's sketch buffers
// up to twice that, merges through a buffer of SketchSize and remembers 1,024 hashes
// seen (56 KiB per sample).
const SketchSize = 2048

// OverlapPercent is the share of sampled rows two inputs must have in common to be
// refused as overlapping (B-14). Copies and versions of one month share all their
// rows; distinct parts of one report share none, except the rare line item an
// export repeats across its parts (AWS documents its line item ids as unique within
// one part only), which a threshold of 1 % tolerates on inputs of more than a
// hundred sampled rows.
const OverlapPercent = 1

// ContentOverlapPercent is the share of sampled row contents two inputs must have in
// common to be refused as overlapping when their row identities do not say so
// (B-14): a restated month whose line item ids AWS regenerated. A row's content
// (see Sketch.AddContent) is coarser than its identity — many rows of one report
// can share it (instances of one type in one account and hour) and the parts of one
// report then share some (6.9 % of the two halves of a 300,000-row curgen file) —
// so the threshold is high; a restated month shares nearly all of them.
const ContentOverlapPercent = 50

// Sketch is a fixed-size sample of the rows of one input (B-14): the SketchSize
// smallest distinct hashes of its row identities (a bottom-k sketch), and as many of
// its rows' contents. Readers add each row's identity with Add — for CUR its line
// item id and usage start (as an instant, not as written), for data without ids the
// row's content — and, for CUR, its content with AddContent (the stable fields
// without ids or costs); they report the sketch in InputStats.Sketch, and Run
// compares the sketches of every two inputs and refuses the job when they overlap.
//
// Two sketches are comparable below the smaller of their largest sampled hashes:
// there each holds every hash of its input, so the rows they share there are
// exactly the rows their inputs share, and their share estimates how much of one
// input is in the other. Rows repeated inside one input are one identity: they are
// sampled once, and are never an overlap.
//
// A sample is an estimate: a duplicated subset much smaller than the other input
// (m rows of an N-row input, given again as a file of its own) is missed when none
// of its rows falls among the other's sampled ones, with a probability of about
// e^(−2048·m/N) — near 1 for a day of a month-long report of millions of rows. The
// check finds copies and versions of whole reports, not every repeated row.
//
// The zero Sketch is empty and ready to use. A Sketch is not safe for concurrent
// use: a reader keeps one per worker and merges them (Merge). It holds at most
// 3·SketchSize+1024 hashes per sample while rows are added (56 KiB each).
type Sketch struct {
	rows    sample // row identities
	content sample // row contents (AddContent); empty for inputs without
}

// sample is a bottom-k sample of hashes.
type sample struct {
	h      []uint64 // the sample, sorted and distinct, then candidates not yet sorted in
	sorted int      // length of the sorted prefix of h
	buf    []uint64 // compact's merge buffer (SketchSize hashes)
	limit  uint64   // once full: the largest sampled hash; a larger one is not sampled
	full   bool     // SketchSize distinct hashes are sampled
	// seen holds hashes inserted before, each at the slot its low bits name, so
	// that a row repeated in the file costs one comparison, not a place among the
	// candidates: a sample that is not full takes every hash, and without it a
	// file of few distinct rows would compact every SketchSize rows.
	seen *[seenSlots]uint64
}

// seenSlots is the size of a sample's table of hashes seen (8 KiB).
const seenSlots = 1024

// Add adds the identity of one row, made of one or more byte strings (e.g. a line
// item id and a usage start); ("ab", "c") and ("a", "bc") are different
// identities. The hash is deterministic: the same identity has the same hash in every
// process.
func (s *Sketch) Add(parts ...[]byte) { s.rows.add(Hash(parts...)) }

// AddHash adds the identity whose hash (see Hash) is h.
func (s *Sketch) AddHash(h uint64) { s.rows.add(h) }

// AddContent adds the content of one row, its fields that do not change between
// versions of a report (for CUR: account, usage start, line item type, product,
// usage type, operation — no ids, no costs), so that a version whose ids were
// regenerated is still found (ContentOverlapPercent).
func (s *Sketch) AddContent(parts ...[]byte) { s.content.add(Hash(parts...)) }

// add samples h. Once the sample is full, nearly every hash is above its limit:
// one comparison, inlined.
func (s *sample) add(h uint64) {
	if !s.full || h <= s.limit {
		s.insert(h)
	}
}

// insert appends h to the candidates, unless the table of hashes seen has it (then
// it is a candidate or sampled already, or was dropped for being above the limit,
// which add tests first), and compacts them when full.
func (s *sample) insert(h uint64) {
	if s.seen == nil {
		s.seen = new([seenSlots]uint64)
		for i := range s.seen {
			s.seen[i] = ^uint64(i) // empty: no hash of slot i ends in ^i's bits
		}
	}
	if slot := &s.seen[h%seenSlots]; *slot != h {
		*slot = h
	} else {
		return
	}
	if s.h == nil {
		s.h = make([]uint64, 0, 2*SketchSize)
	}
	s.h = append(s.h, h)
	if len(s.h) == cap(s.h) {
		s.compact()
	}
}

// Merge adds the sample of o to s: the result is the sketch of the rows of both.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil {
		return
	}
	s.rows.merge(&o.rows)
	s.content.merge(&o.content)
}

func (s *sample) merge(o *sample) {
	for _, h := range o.h {
		if s.full && h > s.limit {
			continue
		}
		if s.h == nil {
			s.h = make([]uint64, 0, 2*SketchSize)
		}
		s.h = append(s.h, h)
		if len(s.h) == cap(s.h) {
			s.compact()
		}
	}
}

// compact sorts the candidates into the sample and keeps the SketchSize smallest.
// Only the candidates are sorted (the sample is already), then the two are merged
// through buf: a sample that is full compacts about every SketchSize candidates,
// and this is its cost.
func (s *sample) compact() {
	if s.sorted == len(s.h) {
		return
	}
	old, cand := s.h[:s.sorted], s.h[s.sorted:]
	slices.Sort(cand)
	if len(old) == 0 {
		s.h = slices.Compact(s.h)
	} else {
		if s.buf == nil {
			s.buf = make([]uint64, 0, SketchSize)
		}
		m := s.buf[:0]
		for len(m) < SketchSize && (len(old) > 0 || len(cand) > 0) {
			var h uint64
			if len(cand) == 0 || (len(old) > 0 && old[0] <= cand[0]) {
				h, old = old[0], old[1:]
			} else {
				h, cand = cand[0], cand[1:]
			}
			if len(m) == 0 || m[len(m)-1] != h {
				m = append(m, h)
			}
		}
		s.h = s.h[:copy(s.h, m)]
	}
	if len(s.h) >= SketchSize {
		s.h = s.h[:SketchSize]
		s.full, s.limit = true, s.h[SketchSize-1]
	}
	s.sorted = len(s.h)
}

// Len returns the number of distinct row identities sampled: the number of distinct
// rows of the input when it has fewer than SketchSize, else SketchSize.
func (s *Sketch) Len() int {
	if s == nil {
		return 0
	}
	s.rows.compact()
	return len(s.rows.h)
}

// Overlap compares the rows of the inputs of s and o. It returns the number of
// sampled rows they share and, for each, the number of its sampled rows the
// comparison covered (its hashes at most the smaller limit of the two): shared/na
// estimates the share of s's input that is also in o's, shared/nb the converse. For
// inputs of fewer than SketchSize distinct rows the counts are exact. The counts are
// those of the row identities, or of the row contents when these overlap
// (ContentOverlapPercent) and the identities do not.
func (s *Sketch) Overlap(o *Sketch) (shared, na, nb int) {
	if s == nil || o == nil {
		return 0, 0, 0
	}
	shared, na, nb = s.rows.overlap(&o.rows)
	if overlapping(shared, na, nb) {
		return shared, na, nb
	}
	if cs, ca, cb := s.content.overlap(&o.content); cs > 0 && 100*cs >= ContentOverlapPercent*min(ca, cb) {
		return cs, ca, cb
	}
	return shared, na, nb
}

func (s *sample) overlap(o *sample) (shared, na, nb int) {
	s.compact()
	o.compact()
	limit := uint64(math.MaxUint64)
	if s.full {
		limit = s.limit
	}
	if o.full && o.limit < limit {
		limit = o.limit
	}
	a, b := s.h, o.h
	for len(a) > 0 && len(b) > 0 && a[0] <= limit && b[0] <= limit {
		switch {
		case a[0] == b[0]:
			shared++
			na++
			nb++
			a, b = a[1:], b[1:]
		case a[0] < b[0]:
			na++
			a = a[1:]
		default:
			nb++
			b = b[1:]
		}
	}
	for _, h := range a {
		if h > limit {
			break
		}
		na++
	}
	for _, h := range b {
		if h > limit {
			break
		}
		nb++
	}
	return shared, na, nb
}

// Overlaps reports whether the inputs of s and o overlap (B-14): whether at least
// OverlapPercent of the compared sample of row identities of one of them is also in
// the other, or ContentOverlapPercent of its row contents. A sketch with rows
// overlaps itself; an empty one overlaps nothing.
func (s *Sketch) Overlaps(o *Sketch) bool {
	shared, na, nb := s.Overlap(o)
	return overlapping(shared, na, nb)
}

// overlapping applies OverlapPercent. Its rule for small inputs is deliberate: with
// fewer than 100 compared identities on either side, one shared identity is
// already 1 % or more, so two small inputs sharing one line item (the same id at
// the same usage start) are refused. An exact identity shared by two small files is
// far likelier a repeated row than parts of one report.
func overlapping(shared, na, nb int) bool {
	return shared > 0 && 100*shared >= OverlapPercent*min(na, nb)
}

// checkOverlap compares the sketch of the input just read, stats[last], with those of
// the inputs read before it, and returns an error wrapping ErrOverlap naming the
// first input it overlaps (B-14). Inputs without a sketch are not compared.
func checkOverlap(stats []InputStats) error {
	last := len(stats) - 1
	b := &stats[last]
	if b.Sketch == nil {
		return nil
	}
	for i := range last {
		a := &stats[i]
		if a.Sketch == nil {
			continue
		}
		shared, na, nb := a.Sketch.Overlap(b.Sketch)
		if !overlapping(shared, na, nb) {
			continue
		}
		// Name first the input more of which is in the other.
		from, to, n := a.Name, b.Name, na
		if nb < na {
			from, to, n = b.Name, a.Name, nb
		}
		return &overlapError{msg: fmt.Sprintf("inputs %s and %s overlap: %d of the %d sampled rows of %s are also in %s (B-14): "+
			"the same report twice, a copy, or two versions of one month; give each month's rows once", a.Name, b.Name, shared, n, from, to)}
	}
	return nil
}

// overlapError is the error of overlapping inputs: its message names both, and it
// wraps ErrOverlap.
type overlapError struct{ msg string }

func (e *overlapError) Error() string { return e.msg }
func (e *overlapError) Unwrap() error { return ErrOverlap }

// Hash returns the 64-bit hash of a row identity made of parts, the hash Sketch.Add
// samples. The parts are hashed in one pass, each led by its length, so ("ab", "c")
// and ("a", "bc") differ. It is a hash in the style of wyhash: each 16 bytes are
// folded into the state by one 128-bit multiplication (two independent lanes for
// runs of 32 bytes), keeping the inputs' bits as wyhash's "condom" mode does, so no
// input block is ever multiplied away; a CUR line item id (about 52 bytes) and an
// 8-byte usage start take about 20 ns on the benchmark machine. It allocates nothing
// and is the same in every process and on every platform, so samples and error
// messages are reproducible. It is not a cryptographic hash: it detects accidents,
// not forgeries.
func Hash(parts ...[]byte) uint64 {
	h := hk0
	for _, p := range parts {
		h ^= uint64(len(p)) * hk2 // a part's length, spread over the whole word
		if len(p) > 32 {
			h2 := h ^ hk2
			for len(p) > 32 {
				h = hashMix(binary.LittleEndian.Uint64(p)^hk1, binary.LittleEndian.Uint64(p[8:])^h)
				h2 = hashMix(binary.LittleEndian.Uint64(p[16:])^hk2, binary.LittleEndian.Uint64(p[24:])^h2)
				p = p[32:]
			}
			h ^= h2
		}
		if len(p) > 16 {
			h = hashMix(binary.LittleEndian.Uint64(p)^hk1, binary.LittleEndian.Uint64(p[8:])^h)
			p = p[16:]
		}
		// The last 0 to 16 bytes, read as two words that may overlap.
		var a, b uint64
		switch {
		case len(p) >= 8:
			a, b = binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[len(p)-8:])
		case len(p) >= 4:
			a, b = uint64(binary.LittleEndian.Uint32(p)), uint64(binary.LittleEndian.Uint32(p[len(p)-4:]))
		case len(p) > 0:
			a = uint64(p[0])<<16 | uint64(p[len(p)>>1])<<8 | uint64(p[len(p)-1])
		}
		h = hashMix(a^hk1, b^h)
	}
	return hashMix(h^hk2, hk0^uint64(len(parts)))
}

// The constants of the hash (wyhash's default secret).
const (
	hk0 uint64 = 0xa0761d6478bd642f
	hk1 uint64 = 0xe7037ed1a0b428db
	hk2 uint64 = 0x8ebc6af09c88c6e3
)

// hashMix multiplies a and b into 128 bits and folds them, keeping a and b's bits.
// It is symmetric (hashMix(a, b) == hashMix(b, a)); Hash never relies on the order
// of its two arguments: each call xors a constant (hk1) into one side and the state
// into the other, so two words of an input swapped give another hash (barring a
// collision).
func hashMix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return a ^ b ^ hi ^ lo
}

// sketchFormat is the first byte of a Sketch's binary form.
const sketchFormat = 1

// MarshalBinary encodes the sketch (both samples) so that a Store can keep it with
// the data it samples (CostData.Sketch): at most about 32 KiB.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	s.rows.compact()
	s.content.compact()
	out := make([]byte, 0, 1+8+8*(len(s.rows.h)+len(s.content.h)))
	out = append(out, sketchFormat)
	for _, smp := range []*sample{&s.rows, &s.content} {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(smp.h)))
		for _, h := range smp.h {
			out = binary.LittleEndian.AppendUint64(out, h)
		}
	}
	return out, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded, refusing anything else.
func (s *Sketch) UnmarshalBinary(b []byte) error {
	bad := errors.New("billing: not an encoded Sketch")
	if len(b) < 1 || b[0] != sketchFormat {
		return bad
	}
	b = b[1:]
	var out Sketch
	for _, smp := range []*sample{&out.rows, &out.content} {
		if len(b) < 4 {
			return bad
		}
		n := int(binary.LittleEndian.Uint32(b))
		b = b[4:]
		if n > SketchSize || len(b) < 8*n {
			return bad
		}
		smp.h = make([]uint64, n, 2*SketchSize)
		for i := range n {
			smp.h[i] = binary.LittleEndian.Uint64(b[8*i:])
			if i > 0 && smp.h[i] <= smp.h[i-1] {
				return bad
			}
		}
		b = b[8*n:]
		smp.sorted = n
		if n == SketchSize {
			smp.full, smp.limit = true, smp.h[n-1]
		}
	}
	if len(b) != 0 {
		return bad
	}
	*s = out
	return nil
}
