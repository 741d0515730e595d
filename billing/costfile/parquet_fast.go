package costfile

import (
	"bytes"
	"context"
	"math"
	"math/bits"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The grouped path of the Parquet reader (issue 8): a row group whose columns are
// dictionary-encoded, as AWS Data Exports writes CUR 2.0, is aggregated by its rows'
// dictionary indexes before any value becomes a LineItem.
//
// Each row is read as codes: the dictionary index of each column the Sink groups by
// (account, product, line item type, usage type, operation, billing entity,
// currencies, billing period, the wanted product_name and billing-group tag of the
// map columns), the month of its usage start, and its costs as exact amounts (each
// dictionary entry converted once). Rows with the same codes are one group of the
// row group, their costs summed exactly (money.Sum). At the end of the row group
// each group's values are rendered and checked once, by the same rowFiller.fill as
// the row path, and handed to the Sink in one call (sumSink.AddSum, which
// billing.Aggregator implements) — the Sink's result is the one of adding every
// row. The overlap check's hashes (B-14) are still taken per row.
//
// The grouped path never decides an error or a warning: whenever a row group has
// something the row path would report or count — a value fill refuses, a currency
// or public-cost currency other than the Sink's (the latter even on a row without
// public cost: AddSum cannot tell), a cost the fixed-point units do not hold, a
// public cost that is not a number, a row without usage start or line item id —
// or something it does not handle — a page of a flat grouped column that is not
// dictionary-encoded (a map's values may fall back to plain pages: up to
// pqPlainCodes distinct wanted values are coded apart), a map row whose values span
// pages, more than pqMaxMonths usage months, keys that 128 bits cannot hold, a
// malformed page — it drops what it gathered for the row group and the row path
// reads the row group again, so errors and warnings keep their file, line and
// column. Nothing reaches the Sink before the row group's end, and the hashes it
// added to the sketch are added again, which changes nothing (a sketch holds
// distinct hashes). A group's key packs its codes into one 64-bit word, or two when
// the dictionaries are large (a payer with thousands of accounts and usage types).

// sumSink is a Sink that takes a group of rows at once (billing.Aggregator): the
// Parquet reader's grouped path needs it, and the currency it checks rows against.
type sumSink interface {
	AddSum(li *billing.LineItem, rows int64, cost, public *money.Sum) error
	CostCurrency() money.Currency
}

// projector is a Sink's projection (billing.Aggregator): the usage types and
// operations it does not tell apart, which the grouped path empties in its keys so
// that such rows are one group.
type projector interface {
	KeepsAllDetail(productCode []byte) bool
	KeepsUsageType(usageType []byte) bool
	KeepsOperation(operation []byte) bool
}

// pqBatch is how many rows the grouped path decodes at once, column by column:
// its buffers stay small (a few hundred KiB) whatever the row group's size.
const pqBatch = 4096

// pqMaxMonths is the most usage months one row group may have on the grouped path.
const pqMaxMonths = 64

// pqPlainCodes is how many distinct wanted values a map column may take from plain
// pages in one row group (a writer falls back from dictionary to plain pages once a
// chunk's dictionary is large: parquet-mr at 1 MiB) on the grouped path.
const pqPlainCodes = 255

// pqRole is what the grouped path does with a column.
type pqRole uint8

const (
	roleKey         pqRole = iota // grouped by dictionary index
	roleMap                       // a map column: grouped by its wanted value's dictionary index
	roleStart                     // usage start: grouped by month, its instant hashed (B-14)
	roleCost                      // summed
	rolePublic                    // summed; a row without one counts at its cost (B-3)
	rolePublicCheck               // public cost the Sink does not use: only checked
	roleID                        // line item id: hashed (B-14) with the usage start
)

// pqFastCol is the grouped path's state of one of the worker's columns.
type pqFastCol struct {
	j    int // index in pqWorker.cols
	role pqRole
	// dict is the dictionary the codes of this row group refer to (the value leaf's
	// for a map): one per column chunk.
	dict parquet.Dictionary
	// radix is the number of codes of the row group (dictionary size + 1, null
	// being 0), stride the weight of the column's code in a group's key; fixed once
	// they are set for the row group (its first batch).
	radix, stride uint64
	word          int // the word of the group's key the column's code is in
	fixed         bool
	codes         []uint32 // the batch's codes (roleKey, roleMap)
	// keep caches, per code, the Sink's projection of the column's values: for the
	// product code whether all detail is kept, for the usage type and operation
	// whether the value is (0: not yet asked, 1: yes, 2: no)
	keep []uint8
	// roleMap: the batch's rows' number of levels and position of the wanted key
	rowLen, bestPos []int32
	// roleMap: the wanted values read from plain pages, coded plainBase + their
	// index in plainText (plainBase: the chunk's dictionary size + 1, 0 until set)
	plain     map[string]uint32
	plainText [][]byte
	plainBase uint32
	// starts of the dictionary's entries (roleStart), converted on first use: the
	// index + 1 in pqFast.starts
	start []int32
	// roleStart on plain pages: the last start read and its index in pqFast.starts
	lastText  []byte
	lastStart int32
}

// pqStart is a distinct usage start of the row group: its month's code and its
// instant (B-14).
type pqStart struct {
	month uint32
	inst  [12]byte
}

// pqGroup is one group of a row group's rows.
type pqGroup struct {
	// key is Σ code × stride over the grouped columns and the month, each in its
	// word: the second word only when the first cannot hold every code (wide)
	key          [2]uint64
	first        int64 // line (1-based row number) of its first row
	rows         int64
	cost, public money.Sum
}

// pqFast is a worker's grouped path.
type pqFast struct {
	sink     sumSink
	currency []byte
	// cols in the order they are read: grouped columns, then the usage start, the
	// costs, and the line item id (hashed with the start's instant)
	cols []pqFastCol
	// the columns the overlap check's content hash reads (B-14), as indexes into
	// cols, -1 when absent
	contentCols [5]int
	hasStart    bool
	// proj is the Sink's projection, nil when it has none; code, usage and op are
	// the indexes in cols of the product code, usage type and operation columns,
	// -1 when absent
	proj            projector
	code, usage, op int
	monthStride     uint64 // 0 until the radixes are set
	monthWord       int
	wide            bool // the keys take two words
	groups          []pqGroup
	index           map[uint64]int32
	wideIndex       map[[2]uint64]int32
	months          []resellerkit.Month // by code − 1
	monthText       [][]byte            // a start of each month, as read
	starts          []pqStart
	// the batch's rows: key, start (index in starts), cost and public cost units
	keys       [2][]uint64
	rowStart   []int32
	cost, pub  []int64
	pubPresent []bool
}

// newPQFast returns the grouped path of worker w, or nil when the worker's Sink,
// format or columns do not allow it (FOCUS rows are filtered by provider; JSON text
// in a map column; a Sink without AddSum).
func newPQFast(w *pqWorker) *pqFast {
	ss, ok := w.sink.(sumSink)
	if !ok || w.s.format == billing.FormatFOCUS || !w.f.decoded {
		return nil
	}
	p := &pqFast{sink: ss, currency: []byte(ss.CostCurrency()), index: make(map[uint64]int32), wideIndex: make(map[[2]uint64]int32)}
	for j, c := range w.cols {
		fc := pqFastCol{j: j}
		switch c.slot {
		case sCost:
			fc.role = roleCost
		case sPublicCost:
			fc.role = rolePublic
			if w.f.noPublic {
				fc.role = rolePublicCheck
			}
		case sStart:
			fc.role = roleStart
			p.hasStart = true
		case sLineItemID:
			fc.role = roleID
		case sAccount, sProductCode, sProductName, sLineItemType, sUsageType, sOperation, sBillingEntity,
			sTag, sProductMap, sBillStart, sCurrency, sPubCurr:
			fc.role = roleKey
			if c.value >= 0 {
				fc.role = roleMap
			}
			fc.codes = make([]uint32, pqBatch)
		default: // a FOCUS column: not grouped
			return nil
		}
		if c.value >= 0 && c.slot != sTag && c.slot != sProductMap {
			return nil
		}
		p.cols = append(p.cols, fc)
	}
	if !p.hasStart {
		return nil // fill refuses every row
	}
	slices.SortStableFunc(p.cols, func(a, b pqFastCol) int { return int(a.role) - int(b.role) })
	p.contentCols = [5]int{-1, -1, -1, -1, -1}
	for i, fc := range p.cols {
		for ci, sl := range [5]slot{sAccount, sLineItemType, sProductCode, sUsageType, sOperation} {
			if w.cols[fc.j].slot == sl && fc.role == roleKey {
				p.contentCols[ci] = i
			}
		}
	}
	p.code, p.usage, p.op = -1, -1, -1
	if pr, ok := w.sink.(projector); ok {
		p.proj = pr
		for i, fc := range p.cols {
			if fc.role != roleKey {
				continue
			}
			switch w.cols[fc.j].slot {
			case sProductCode:
				p.code = i
			case sUsageType:
				p.usage = i
			case sOperation:
				p.op = i
			}
		}
	}
	p.keys = [2][]uint64{make([]uint64, pqBatch), make([]uint64, pqBatch)}
	p.rowStart = make([]int32, pqBatch)
	p.cost, p.pub = make([]int64, pqBatch), make([]int64, pqBatch)
	p.pubPresent = make([]bool, pqBatch)
	return p
}

// rows reads the rows of the row group whose leaves w has opened, grouped. It
// reports false when the row path must read the row group instead (see above);
// its error is the context's, or the Sink's (AddSum).
func (p *pqFast) rows(ctx context.Context, w *pqWorker, nrows, firstRow int64) (bool, error) {
	clear(p.index)
	clear(p.wideIndex)
	p.groups = p.groups[:0]
	p.months, p.monthText, p.starts = p.months[:0], p.monthText[:0], p.starts[:0]
	p.monthStride, p.monthWord, p.wide = 0, 0, false
	for i := range p.cols {
		fc := &p.cols[i]
		fc.dict, fc.radix, fc.word, fc.fixed, fc.start, fc.lastText, fc.keep = nil, 0, 0, false, fc.start[:0], fc.lastText[:0], fc.keep[:0]
		clear(fc.plain)
		fc.plainText, fc.plainBase = fc.plainText[:0], 0
	}
	for r0 := int64(0); r0 < nrows; r0 += pqBatch {
		if err := ctx.Err(); err != nil {
			return false, &Error{File: w.name, Line: firstRow + r0 + 1, Err: err}
		}
		m := int(min(pqBatch, nrows-r0))
		for i := range p.cols {
			fc := &p.cols[i]
			c := &w.cols[fc.j]
			k := &w.leaves[2*fc.j]
			var ok bool
			switch fc.role {
			case roleKey:
				ok = fc.flatCodes(k, fc.codes[:m])
			case roleMap:
				ok = w.mapCodes(c, k, &w.leaves[2*fc.j+1], fc, fc.codes[:m])
			case roleStart:
				ok = p.startColumn(fc, k, p.rowStart[:m])
			case roleCost:
				ok = costColumn(k, p.cost[:m], nil)
			case rolePublic:
				ok = costColumn(k, p.pub[:m], p.pubPresent[:m])
			case rolePublicCheck:
				ok = checkColumn(k, m)
			case roleID:
				ok = p.idColumn(w, k, m)
			}
			if !ok {
				return false, nil
			}
		}
		if p.monthStride == 0 && !p.setRadixes(w) {
			return false, nil
		}
		clear(p.keys[0][:m])
		clear(p.keys[1][:m])
		keys := p.keys[p.monthWord][:m]
		for r := range keys {
			keys[r] = uint64(p.starts[p.rowStart[r]].month) * p.monthStride
		}
		for i := range p.cols {
			fc := &p.cols[i]
			if fc.role != roleKey && fc.role != roleMap {
				continue
			}
			keys := p.keys[fc.word][:m]
			if p.proj != nil && (i == p.usage || i == p.op) {
				if !p.projectedKeys(w, i, keys) {
					return false, nil
				}
				continue
			}
			for r, code := range fc.codes[:m] {
				keys[r] += uint64(code) * fc.stride
			}
		}
		p.aggregate(w, firstRow+r0+1, m)
	}
	return p.flush(w)
}

// aggregate adds the batch's m rows, the first on line line, to their groups, and
// their contents to the sketch (B-14, as sketchRow hashes them).
func (p *pqFast) aggregate(w *pqWorker, line int64, m int) {
	last, lastKey := int32(-1), [2]uint64{}
	var ct [5][]byte
	for r := range m {
		key := [2]uint64{p.keys[0][r], p.keys[1][r]}
		for ci, i := range p.contentCols {
			ct[ci] = nil
			if i >= 0 {
				if code := p.cols[i].codes[r]; code > 0 {
					ct[ci], _ = w.leaves[2*p.cols[i].j].dictText(int(code - 1))
				}
			}
		}
		w.f.sketch.AddContent(ct[0], p.starts[p.rowStart[r]].inst[:], ct[1], ct[2], ct[3], ct[4])
		gi := last
		if gi < 0 || key != lastKey {
			var found bool
			if p.wide {
				gi, found = p.wideIndex[key]
			} else {
				gi, found = p.index[key[0]]
			}
			if !found {
				gi = int32(len(p.groups))
				p.groups = append(p.groups, pqGroup{key: key, first: line + int64(r)})
				if p.wide {
					p.wideIndex[key] = gi
				} else {
					p.index[key[0]] = gi
				}
			}
			last, lastKey = gi, key
		}
		g := &p.groups[gi]
		g.rows++
		g.cost.AddUnits(p.cost[r])
		if p.pubPresent[r] {
			g.public.AddUnits(p.pub[r])
		} else {
			g.public.AddUnits(p.cost[r]) // B-3: no public cost, counted at its cost
		}
	}
}

// projectedKeys adds to keys the codes of the batch's rows in column i, the usage
// type or the operation, as the Sink keeps them (projector): 0 (empty) for a value
// it does not tell apart on a row whose product code it does not keep in full.
func (p *pqFast) projectedKeys(w *pqWorker, i int, keys []uint64) bool {
	fc := &p.cols[i]
	var codes []uint32 // the rows' product codes; nil: none
	if p.code >= 0 {
		codes = p.cols[p.code].codes
	}
	for r := range keys {
		code := fc.codes[r]
		if code != 0 {
			pc := uint32(0)
			if codes != nil {
				pc = codes[r]
			}
			all, ok := p.keeps(w, p.code, pc)
			if !ok {
				return false
			}
			if !all {
				if keep, ok := p.keeps(w, i, code); !ok {
					return false
				} else if !keep {
					code = 0
				}
			}
		}
		keys[r] += uint64(code) * fc.stride
	}
	return true
}

// keeps returns the Sink's projection of code in column i (the product code's:
// whether all detail is kept, -1 for a file without product codes; the usage
// type's or operation's: whether the value is kept), asked once per code.
func (p *pqFast) keeps(w *pqWorker, i int, code uint32) (keep, ok bool) {
	if i < 0 {
		return p.proj.KeepsAllDetail(nil), true
	}
	fc := &p.cols[i]
	if len(fc.keep) == 0 {
		fc.keep = append(fc.keep[:0], make([]uint8, fc.radix)...)
	}
	if int(code) >= len(fc.keep) {
		return false, false
	}
	if k := fc.keep[code]; k != 0 {
		return k == 1, true
	}
	var v []byte
	if code > 0 {
		var err error
		if v, err = w.leaves[2*fc.j].dictText(int(code - 1)); err != nil {
			return false, false
		}
	}
	switch i {
	case p.code:
		keep = p.proj.KeepsAllDetail(v)
	case p.usage:
		keep = p.proj.KeepsUsageType(v)
	default:
		keep = p.proj.KeepsOperation(v)
	}
	fc.keep[code] = 2
	if keep {
		fc.keep[code] = 1
	}
	return keep, true
}

// setRadixes sets, after the row group's first batch, each grouped column's
// dictionary, radix, word and stride, and the months'; it reports false when the
// keys would not fit two words (128 bits).
func (p *pqFast) setRadixes(w *pqWorker) bool {
	word, stride := 0, uint64(1)
	place := func(radix uint64) (int, uint64, bool) {
		hi, lo := bits.Mul64(stride, radix)
		if hi != 0 {
			if word == 1 {
				return 0, 0, false
			}
			word, stride, p.wide = 1, 1, true
			lo = radix
		}
		st := stride
		stride = lo
		return word, st, true
	}
	for i := range p.cols {
		fc := &p.cols[i]
		if fc.role != roleKey && fc.role != roleMap {
			continue
		}
		l := &w.leaves[2*fc.j]
		if fc.role == roleMap {
			l = &w.leaves[2*fc.j+1]
		}
		if fc.dict == nil && l.dicts.d != nil { // no value yet, but the chunk's dictionary is known
			fc.dict = l.dicts.d
		}
		fc.radix = 1 // no dictionary: every value null so far, and later
		if fc.dict != nil {
			if l.dicts.d != fc.dict {
				return false
			}
			fc.radix = uint64(l.dicts.vals.n) + 1
		}
		if fc.role == roleMap {
			if fc.plainBase == 0 {
				fc.plainBase = uint32(fc.radix)
			} else if uint64(fc.plainBase) != fc.radix {
				return false
			}
			fc.radix += pqPlainCodes
		}
		fc.fixed = true
		var ok bool
		if fc.word, fc.stride, ok = place(fc.radix); !ok {
			return false
		}
	}
	var ok bool
	p.monthWord, p.monthStride, ok = place(pqMaxMonths + 1)
	return ok
}

// flatCodes reads the codes of the next len(cv) rows of flat leaf k: its
// dictionary index + 1, 0 for null.
func (fc *pqFastCol) flatCodes(k *pqLeaf, cv []uint32) bool {
	for r := 0; r < len(cv); {
		if k.li >= k.n {
			if ok, err := k.load(); !ok || err != nil {
				return false
			}
		}
		if !fc.same(k) {
			return false
		}
		take := min(k.n-k.li, len(cv)-r)
		out := cv[r : r+take]
		if k.defs == nil {
			for i, x := range k.idx[k.vi : k.vi+take] {
				out[i] = uint32(x) + 1
			}
			k.vi += take
		} else {
			vi := k.vi
			for i, d := range k.defs[k.li : k.li+take] {
				if d == k.maxDef {
					out[i] = uint32(k.idx[vi]) + 1
					vi++
				} else {
					out[i] = 0
				}
			}
			k.vi = vi
		}
		k.li += take
		r += take
	}
	return true
}

// mapCodes reads the codes of the next len(cv) rows of map column c: the
// dictionary index + 1 of the wanted key's value, 0 for none (mapValue's rule). It
// walks the key leaf's levels for each row's length and the position of its wanted
// key (a whole row of a dictionary-encoded page at once, rowKey), then the value
// leaf's levels for the value at that position, counting the defined values before
// it. A row whose values span pages, or whose levels differ between the two leaves,
// is for the row path.
func (w *pqWorker) mapCodes(c *pqColumn, k, vl *pqLeaf, fc *pqFastCol, cv []uint32) bool {
	keys := productNameKeys
	if c.slot == sTag {
		keys = billingGroupKeys
	}
	m := len(cv)
	if cap(fc.rowLen) < m {
		fc.rowLen, fc.bestPos = make([]int32, m), make([]int32, m)
	}
	rowLen, bestPos := fc.rowLen[:m], fc.bestPos[:m]
	// The key leaf: each row's levels, and the position of its best-ranked key.
	r, best := -1, len(keys)
	for {
		if k.li >= k.n {
			ok, err := k.load()
			if err != nil {
				return false
			}
			if !ok {
				break // the column's end: the last row is complete
			}
			if k.reps == nil {
				return false
			}
		}
		if k.reps[k.li] == 0 {
			if r == m-1 {
				break // the next row's first level: left for the next batch
			}
			r++
			rowLen[r], bestPos[r], best = 0, -1, len(keys)
			if n := bytes.IndexByte(k.reps[k.li+1:k.n], 0); n >= 0 && k.dict != nil && k.dict.key != nil {
				// The whole row is in the page: its entries at once.
				n++
				bestPos[r] = k.rowKey(n, keys)
				rowLen[r] = int32(n)
				continue
			}
		} else if r < 0 {
			return false // a batch starts inside a row
		}
		if k.defs == nil || k.defs[k.li] == k.maxDef {
			if rank := k.keyRank(k.vi, keys); rank >= 0 && rank < best {
				best, bestPos[r] = rank, rowLen[r]
			}
			k.vi++
		}
		rowLen[r]++
		k.li++
	}
	if r != m-1 {
		return false
	}
	// The value leaf: the same rows' levels; the value at each row's position.
	for r := range m {
		pos, n := bestPos[r], int(rowLen[r])
		cv[r] = 0
		if vl.li >= vl.n {
			if ok, err := vl.load(); !ok || err != nil || vl.reps == nil {
				return false
			}
		}
		if vl.li+n > vl.n || vl.defs == nil {
			// A row whose values span pages (writers start pages at rows; data
			// pages v2 must) is for the row path (mapSlow).
			return false
		}
		reps, defs := vl.reps[vl.li:vl.li+n], vl.defs[vl.li:vl.li+n]
		if reps[0] != 0 || bytes.IndexByte(reps[1:], 0) >= 0 {
			return false // the value leaf's rows differ from the key leaf's
		}
		if pos >= 0 && defs[pos] == vl.maxDef {
			vi := vl.vi + countLevel(defs[:pos], vl.maxDef)
			if vl.dict == nil { // a plain page
				code, ok := fc.plainCode(vl, vi)
				if !ok {
					return false
				}
				cv[r] = code
			} else {
				if !fc.same(vl) {
					return false
				}
				cv[r] = uint32(vl.idx[vi]) + 1
			}
		}
		vl.vi += countLevel(defs, vl.maxDef)
		vl.li += n
	}
	return true
}

// plainCode returns the code of value vi of map value leaf vl's plain page: 0 for
// "NULL", else plainBase + its index among the row group's plain values (added on
// first sight); ok is false beyond pqPlainCodes of them.
func (fc *pqFastCol) plainCode(vl *pqLeaf, vi int) (uint32, bool) {
	t := nullText(vl.vals.bytesAt(vi))
	if t == nil {
		return 0, true
	}
	if fc.plainBase == 0 { // before the radixes: the chunk's dictionary, if any, came first
		fc.plainBase = 1
		if vl.dicts.d != nil {
			fc.plainBase = uint32(vl.dicts.vals.n) + 1
		}
	}
	i, ok := fc.plain[string(t)]
	if !ok {
		if len(fc.plainText) == pqPlainCodes {
			return 0, false
		}
		if fc.plain == nil {
			fc.plain = make(map[string]uint32)
		}
		i = uint32(len(fc.plainText))
		fc.plainText = append(fc.plainText, append([]byte(nil), t...))
		fc.plain[string(t)] = i
	}
	return fc.plainBase + i, true
}

// rowKey consumes the n levels of a map row that lies in the key leaf's current
// dictionary-encoded page and returns the position of its best-ranked key among
// keys, -1 for none (mapValue's rule); keyRank has ranked each dictionary entry
// once.
func (k *pqLeaf) rowKey(n int, keys []string) int32 {
	best, pos := len(keys), int32(-1)
	d := k.dict
	vi := k.vi
	for j := range n {
		if k.defs != nil && k.defs[k.li+j] != k.maxDef {
			continue
		}
		i := k.idx[vi]
		rank := int(d.key[i]) - 1
		if d.key[i] == 0 {
			rank = k.keyRank(vi, keys)
		}
		vi++
		if rank >= 0 && rank < best {
			best, pos = rank, int32(j)
			if rank == 0 { // none ranks better: the rest only counts
				if k.defs == nil {
					vi += n - j - 1
				} else {
					vi += countLevel(k.defs[k.li+j+1:k.li+n], k.maxDef)
				}
				break
			}
		}
	}
	k.vi = vi
	k.li += n
	return pos
}

// countLevel returns how many of levels are level.
func countLevel(levels []byte, level byte) int {
	return bytes.Count(levels, []byte{level})
}

// startColumn reads the usage starts of the next len(out) rows as indexes into
// p.starts; a row without one, or with one parseStart refuses, is for the row path.
func (p *pqFast) startColumn(fc *pqFastCol, k *pqLeaf, out []int32) bool {
	for r := range out {
		vi, ok, err := k.next()
		if err != nil || !ok || vi < 0 {
			return false
		}
		if k.dict != nil {
			if !fc.same(k) {
				return false
			}
			if len(fc.start) == 0 {
				fc.start = make([]int32, k.dict.vals.n)
			}
			e := &fc.start[k.idx[vi]]
			if *e == 0 {
				i, ok := p.convertStart(k, vi)
				if !ok {
					return false
				}
				*e = i + 1
			}
			out[r] = *e - 1
			continue
		}
		_, t, err := k.text(vi, nil)
		if err != nil {
			return false
		}
		if len(fc.lastText) == 0 || !bytes.Equal(t, fc.lastText) {
			i, ok := p.convertStart(k, vi)
			if !ok {
				return false
			}
			fc.lastStart = i
			fc.lastText = append(fc.lastText[:0], t...)
		}
		out[r] = fc.lastStart
	}
	return true
}

// convertStart converts value vi of leaf k, a usage start, by parseStart (as fill),
// and returns its index in p.starts.
func (p *pqFast) convertStart(k *pqLeaf, vi int) (int32, bool) {
	_, t, err := k.text(vi, nil)
	if err != nil || len(t) == 0 {
		return 0, false
	}
	m, inst, err := parseStart(t)
	if err != nil {
		return 0, false
	}
	code := 0
	for i, o := range p.months {
		if o == m {
			code = i + 1
			break
		}
	}
	if code == 0 {
		if len(p.months) == pqMaxMonths {
			return 0, false
		}
		p.months = append(p.months, m)
		p.monthText = append(p.monthText, append([]byte(nil), t...))
		code = len(p.months)
	}
	p.starts = append(p.starts, pqStart{month: uint32(code), inst: inst})
	return int32(len(p.starts) - 1), true
}

// costColumn reads the costs of the next len(out) rows as 1e-10 units, as
// billing.Aggregator parses their text (a null is 0, and not present); a cost
// the units cannot hold exactly is for the row path.
func costColumn(k *pqLeaf, out []int64, present []bool) bool {
	for r := range out {
		vi, ok, err := k.next()
		if err != nil || !ok {
			return false
		}
		out[r] = 0
		if present != nil {
			present[r] = false
		}
		if vi < 0 {
			continue
		}
		vals, i := &k.vals, vi
		if k.dict != nil {
			vals, i = &k.dict.vals, int(k.idx[vi])
		}
		if vals.f64 != nil { // appendDouble's fast path, without the text
			if x := vals.f64[i]; x != 0 && x > -4e5 && x < 4e5 {
				if n := math.Round(x * 1e10); n/1e10 == x {
					out[r] = int64(n)
					if present != nil {
						present[r] = true
					}
					continue
				}
			}
		}
		var scratch [64]byte
		_, t, err := k.text(vi, scratch[:0])
		if err != nil {
			return false
		}
		if len(t) == 0 {
			continue
		}
		u, ok := money.ParseUnits(t)
		if !ok {
			return false
		}
		out[r] = u
		if present != nil {
			present[r] = true
		}
	}
	return true
}

// checkColumn checks the public costs of the next m rows the Sink does not use:
// empty or a number (fill's check; the row path counts the others).
func checkColumn(k *pqLeaf, m int) bool {
	for range m {
		vi, ok, err := k.next()
		if err != nil || !ok {
			return false
		}
		if vi >= 0 && !checkPublic(k, vi) {
			return false
		}
	}
	return true
}

// idColumn reads the line item ids of the batch's m rows and adds each with its
// usage start to the sketch, as sketchRow does (B-14); a row without an id is for
// the row path, which hashes the whole row.
func (p *pqFast) idColumn(w *pqWorker, k *pqLeaf, m int) bool {
	for r := range m {
		vi, ok, err := k.next()
		if err != nil || !ok || vi < 0 {
			return false
		}
		_, id, err := k.text(vi, nil) // byte arrays alias the page
		if err != nil || len(id) == 0 {
			return false
		}
		w.f.sketch.Add(id, p.starts[p.rowStart[r]].inst[:])
	}
	return true
}

// flush hands the row group's groups to the Sink: first every group is rendered
// and checked, and the row path takes over if one would not pass; then each is
// added.
func (p *pqFast) flush(w *pqWorker) (bool, error) {
	var v rowVals
	for pass := range 2 {
		for gi := range p.groups {
			g := &p.groups[gi]
			if !p.values(w, g, &v) {
				return false, nil
			}
			// fill notes an account id that is no AWS account id with the line of
			// its group's first row: badAccount keeps each id's earliest line, in any
			// order, so the warning is the row path's.
			w.f.line = g.first
			skip, _, err := w.f.fill(&w.li, &v)
			if err != nil || skip {
				return false, nil
			}
			if pass == 0 {
				if !p.currencyOK(w.li.Currency) || !p.currencyOK(w.li.PublicCurrency) {
					return false, nil
				}
				continue
			}
			if err := p.sink.AddSum(&w.li, g.rows, &g.cost, &g.public); err != nil {
				return false, w.s.sinkError(w.name, g.first, err)
			}
			w.f.rows += g.rows
		}
	}
	return true, nil
}

// values sets v to the values of group g's codes.
func (p *pqFast) values(w *pqWorker, g *pqGroup, v *rowVals) bool {
	*v = rowVals{}
	for i := range p.cols {
		fc := &p.cols[i]
		if fc.role != roleKey && fc.role != roleMap {
			continue
		}
		code := g.key[fc.word] / fc.stride % fc.radix
		if code == 0 {
			continue
		}
		l := &w.leaves[2*fc.j]
		if fc.role == roleMap {
			l = &w.leaves[2*fc.j+1]
			if fc.plainBase > 0 && code >= uint64(fc.plainBase) {
				v[w.cols[fc.j].slot] = fc.plainText[code-uint64(fc.plainBase)]
				continue
			}
		}
		if l.dicts.d != fc.dict {
			return false
		}
		t, err := l.dictText(int(code - 1))
		if err != nil {
			return false
		}
		v[w.cols[fc.j].slot] = t
	}
	v[sStart] = p.monthText[g.key[p.monthWord]/p.monthStride%(pqMaxMonths+1)-1]
	return true
}

// currencyOK reports whether a row's currency passes the Sink's check (B-1, as
// billing.Aggregator.Add checks it): empty, or the Sink's.
func (p *pqFast) currencyOK(c []byte) bool {
	return len(c) == 0 || bytes.EqualFold(c, p.currency)
}

// same reports whether leaf k's current page is dictionary-encoded with the
// dictionary the column's codes of this row group refer to (the first one seen,
// before the radixes are set).
func (fc *pqFastCol) same(k *pqLeaf) bool {
	if k.dict == nil {
		return false
	}
	if fc.dict == nil {
		if fc.fixed {
			return false
		}
		fc.dict = k.dict.d
	}
	return fc.dict == k.dict.d
}

// checkPublic reports whether value vi of a public-cost leaf the Sink does not use
// is empty or a number (fill's check; the row path counts the others).
func checkPublic(k *pqLeaf, vi int) bool {
	var scratch [64]byte
	_, t, err := k.text(vi, scratch[:0])
	if err != nil {
		return false
	}
	if len(t) == 0 {
		return true
	}
	if _, ok := money.ParseUnits(t); ok {
		return true
	}
	_, err = money.ParseBytes(t)
	return err == nil
}

// nullText maps the text "NULL" to no value, as the readers do.
func nullText(b []byte) []byte {
	if len(b) == 4 && string(b) == "NULL" {
		return nil
	}
	return b
}
