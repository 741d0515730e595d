package costfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// pqColumn says where a slot's values live in a Parquet file.
type pqColumn struct {
	slot  slot
	leaf  int // column index of a flat leaf, or of the map's key leaf
	value int // column index of the map's value leaf; -1 for a flat leaf
	name  string
	// types and maximum definition levels of the leaf (key) and value leaves
	typ, vtyp       pqType
	maxDef, vmaxDef byte
}

// scanParquet reads a Parquet cost file (CUR 2.0, or FOCUS), only the needed
// columns, one row group at a time per worker: memory is bounded by a few pages per
// column, whatever the file size. Errors name the 1-based row number as the line,
// the column and the row group. parquet-go panics on some malformed files (a
// schema it cannot build, a corrupt page): such a panic of a parquet-go call
// (pqCall) is an ErrParquet error; a panic of this package's own code, or of the
// Sink, is not caught. Cancellation is noticed every cancelCheckRows rows.
func scanParquet(ctx context.Context, name string, r io.ReaderAt, size int64, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: name, Layout: LayoutParquet, Bytes: size}
	f, s, cols, err := openParquet(name, r, size)
	if err != nil {
		return st, err
	}
	st.Format = s.format
	st.Warnings = append(st.Warnings, s.warnings...)

	groups := f.RowGroups()
	firstRow := make([]int64, len(groups)) // first row number of each group
	var n int64
	for i, g := range groups {
		firstRow[i] = n
		n += g.NumRows()
	}
	sinks, err := newSinks(newSink, min(opt.Workers, max(len(groups), 1)))
	if err != nil {
		return st, &Error{File: name, Err: err}
	}
	if w := s.currencyWarning(sinks[0]); w != "" {
		st.Warnings = append(st.Warnings, w)
	}
	// One goroutine hands out row groups in order; the workers convert them. The
	// first failure stops them all, and the error reported is that of the first
	// failed group in file order.
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan int)
	first := newFirstError()
	g.Go(func() error {
		defer close(work)
		for gi := range groups {
			select {
			case work <- gi:
			case <-gctx.Done():
				// A worker failed (its error is first's), or the scan is cancelled:
				// the row groups not handed out are not read, which is an error.
				if err := ctx.Err(); err != nil {
					first.set(int64(gi), &Error{File: name, Line: firstRow[gi] + 1, Err: err})
				}
				return nil
			}
		}
		return nil
	})
	workers := make([]*pqWorker, len(sinks))
	for i, sink := range sinks {
		w := &pqWorker{name: name, s: s, sink: sink}
		// Map columns hand on the wanted value itself, unless a map column of the
		// file is JSON text (a tool wrote it as a string): then fill decodes JSON,
		// and the map columns hand on their entry as JSON.
		w.f.s, w.f.decoded = s, true
		for _, c := range cols {
			if c.value < 0 && (c.slot == sProductMap || c.slot == sTag && s.tagKind == tagJSON) {
				w.f.decoded = false
			}
		}
		w.f.use(sink)
		for _, c := range cols { // only the columns the worker's Sink uses are read
			if w.f.reads(c.slot) {
				w.cols = append(w.cols, c)
			}
		}
		w.leaves = make([]pqLeaf, 2*len(w.cols))
		for j, c := range w.cols {
			k := &w.leaves[2*j]
			k.typ, k.maxDef, k.rep = c.typ, c.maxDef, c.value >= 0
			k.check = w.f.noPublic && c.slot == sPublicCost
			if c.value >= 0 {
				v := &w.leaves[2*j+1]
				v.typ, v.maxDef, v.rep = c.vtyp, c.vmaxDef, true
			}
		}
		w.fast = newPQFast(w)
		workers[i] = w
		g.Go(func() error {
			defer w.close()
			for gi := range work {
				if first.before(int64(gi)) {
					continue
				}
				err := ctx.Err()
				if err != nil {
					err = &Error{File: name, Line: firstRow[gi] + 1, Err: err}
				} else {
					err = w.group(ctx, gi, groups[gi], firstRow[gi])
				}
				if err != nil {
					first.set(int64(gi), err)
					return err
				}
			}
			return nil
		})
	}
	werr := g.Wait()
	fillers := make([]*rowFiller, len(workers))
	for i, w := range workers {
		fillers[i] = &w.f
	}
	return finish(st, fillers, first, werr)
}

// openParquet opens the file, reads its footer and locates the needed columns;
// the panics of parquet-go on a malformed footer or schema are errors.
func openParquet(name string, r io.ReaderAt, size int64) (f *parquet.File, s *schema, cols []pqColumn, err error) {
	malformed := func(err error) error {
		return &Error{File: name, Err: fmt.Errorf("%w (malformed footer or schema): %w", ErrParquet, err)}
	}
	var (
		sch    *parquet.Schema
		header []string
	)
	err = pqCall(func() error {
		var err error
		if f, err = parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true)); err != nil {
			return err
		}
		sch = f.Schema()
		for _, fl := range sch.Fields() {
			header = append(header, fl.Name())
		}
		return nil
	})
	if _, ok := err.(pqPanic); ok {
		return nil, nil, nil, malformed(err)
	}
	if err != nil {
		return nil, nil, nil, &Error{File: name, Err: fmt.Errorf("%w (truncated or not Parquet?): %w", ErrParquet, err)}
	}
	if s, err = newSchema(header); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File = name
			return nil, nil, nil, e
		}
		return nil, nil, nil, &Error{File: name, Err: err}
	}
	// pqColumns walks the schema through parquet-go.
	if err = pqCall(func() error { cols, err = pqColumns(name, sch, s, header); return err }); err != nil {
		if _, ok := err.(pqPanic); ok {
			err = malformed(err)
		}
		return nil, nil, nil, err
	}
	return f, s, cols, nil
}

// pqColumns locates the leaves of the needed columns: a flat leaf (string, number,
// timestamp), or the key and value leaves of a map<string,string> (CUR 2.0 product
// and resource_tags; only their wanted keys are taken).
func pqColumns(name string, sch *parquet.Schema, s *schema, header []string) ([]pqColumn, error) {
	var cols []pqColumn
	for _, nc := range s.need {
		field := header[nc.col]
		if leaf, ok := sch.Lookup(field); ok {
			t, err := pqTypeOf(leaf.Node.Type())
			if err == nil && leaf.MaxRepetitionLevel > 0 {
				err = fmt.Errorf("%w: unsupported repeated column (want a string, number or timestamp, or a map<string,string> for tags)", ErrParquet)
			}
			if err != nil {
				return nil, &Error{File: name, Column: field, Err: err}
			}
			cols = append(cols, pqColumn{slot: nc.slot, leaf: leaf.ColumnIndex, value: -1, name: field, typ: t, maxDef: byte(leaf.MaxDefinitionLevel)})
			continue
		}
		// A map<string,string>: MAP group → repeated key_value group → key, value.
		c := pqColumn{slot: nc.slot, leaf: -1, value: -1, name: field}
		for _, path := range sch.Columns() {
			if len(path) != 3 || path[0] != field {
				continue
			}
			leaf, _ := sch.Lookup(path...)
			t, err := pqTypeOf(leaf.Node.Type())
			if err != nil || t.conv != convString || leaf.MaxRepetitionLevel != 1 {
				continue
			}
			switch path[2] {
			case "key":
				c.leaf, c.typ, c.maxDef = leaf.ColumnIndex, t, byte(leaf.MaxDefinitionLevel)
			case "value":
				c.value, c.vtyp, c.vmaxDef = leaf.ColumnIndex, t, byte(leaf.MaxDefinitionLevel)
			}
		}
		if c.leaf < 0 || c.value < 0 || (nc.slot != sTag && nc.slot != sProductMap) {
			return nil, &Error{File: name, Column: field, Err: fmt.Errorf("%w: unsupported column type (want a string, number or timestamp, or a map<string,string> for tags)", ErrParquet)}
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// cancelCheckRows is how many rows a Parquet worker converts between two checks of
// its context: a check costs little, and a row group may hold millions of rows.
const cancelCheckRows = 4096

// pqPanic is the error of a parquet-go call that panicked (on a malformed file).
type pqPanic struct{ v any }

func (p pqPanic) Error() string { return fmt.Sprintf("parquet-go: %v", p.v) }

// pqCall runs fn, a call of parquet-go, and returns a panic of it as a pqPanic
// error: parquet-go panics on some malformed files. Only parquet-go calls run
// under it, so a bug of this package still panics with its stack.
func pqCall(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = pqPanic{p}
		}
	}()
	return fn()
}

// pqWorker converts the rows of whole row groups.
type pqWorker struct {
	name   string
	s      *schema
	cols   []pqColumn
	leaves []pqLeaf // per column: its leaf, or a map's key leaf, then the value leaf
	sink   billing.Sink
	f      rowFiller
	li     billing.LineItem
	vals   rowVals
	buf    []byte  // formatted numbers and map values of the current row
	fast   *pqFast // the grouped path (parquet_fast.go), nil when the Sink or file does not allow it
}

// close releases the pages the worker holds.
func (w *pqWorker) close() {
	for i := range w.leaves {
		w.leaves[i].close()
	}
}

// group converts row group gi, whose first row has the 0-based number firstRow.
func (w *pqWorker) group(ctx context.Context, gi int, g parquet.RowGroup, firstRow int64) error {
	line := firstRow + 1
	var (
		chunks []parquet.ColumnChunk
		nrows  int64
	)
	if err := pqCall(func() error { chunks, nrows = g.ColumnChunks(), g.NumRows(); return nil }); err != nil {
		return &Error{File: w.name, Line: line, Err: fmt.Errorf("%w: row group %d: %w", ErrParquet, gi, err)}
	}
	open := func() error {
		for j, c := range w.cols {
			if c.leaf >= len(chunks) || c.value >= len(chunks) {
				return &Error{File: w.name, Line: line, Column: c.name, Err: fmt.Errorf("%w: row group %d has %d columns", ErrParquet, gi, len(chunks))}
			}
			err := w.leaves[2*j].open(chunks[c.leaf])
			if err == nil && c.value >= 0 {
				err = w.leaves[2*j+1].open(chunks[c.value])
			}
			if err != nil {
				return &Error{File: w.name, Line: line, Column: c.name, Err: fmt.Errorf("%w: row group %d: %w", ErrParquet, gi, err)}
			}
		}
		return nil
	}
	if err := open(); err != nil {
		return err
	}
	// B-14, for files without ids; the sketch reads the rows through parquet-go.
	if err := pqCall(func() error { return w.f.sketchRowGroup(g) }); err != nil {
		if _, ok := err.(pqPanic); ok {
			err = fmt.Errorf("%w: %w", ErrParquet, err)
		}
		return &Error{File: w.name, Line: line, Err: fmt.Errorf("row group %d: %w", gi, err)}
	}
	grouped := false
	if w.fast != nil {
		var err error
		if grouped, err = w.fast.rows(ctx, w, nrows, firstRow); err != nil {
			return err
		}
		if !grouped { // the row path reads the row group again, from its first page
			if err := open(); err != nil {
				return err
			}
		}
	}
	for r := int64(0); r < nrows && !grouped; r++ {
		line = firstRow + r + 1
		if r%cancelCheckRows == cancelCheckRows-1 {
			if err := ctx.Err(); err != nil {
				return &Error{File: w.name, Line: line, Err: err}
			}
		}
		w.buf = w.buf[:0]
		for j := range w.cols {
			c := &w.cols[j]
			var v []byte
			var err error
			if c.value < 0 {
				v, err = w.value(&w.leaves[2*j])
			} else {
				v, err = w.mapValue(c, &w.leaves[2*j], &w.leaves[2*j+1])
			}
			if err != nil {
				return &Error{File: w.name, Line: line, Column: c.name, Err: fmt.Errorf("%w: row group %d: %w", ErrParquet, gi, err)}
			}
			w.vals[c.slot] = v
		}
		w.f.line = line
		skip, bad, err := w.f.fill(&w.li, &w.vals)
		if err != nil {
			return &Error{File: w.name, Line: line, Column: w.s.colName(w.s.col[bad]), Err: err}
		}
		if !skip {
			if err := w.sink.Add(&w.li); err != nil {
				return w.s.sinkError(w.name, line, err)
			}
			w.f.rows++
		}
		w.f.sketchRow(&w.vals, nil) // B-14
	}
	// A column with values beyond the row group's declared rows: those rows would
	// be dropped unseen, so the file is refused.
	for j := range w.leaves {
		l := &w.leaves[j]
		if l.pages == nil {
			continue
		}
		more, err := l.more()
		if err == nil && more {
			err = fmt.Errorf("the column has values beyond the row group's %d rows", nrows)
		}
		if err != nil {
			return &Error{File: w.name, Line: firstRow + nrows, Column: w.cols[j/2].name, Err: fmt.Errorf("%w: row group %d: %w", ErrParquet, gi, err)}
		}
	}
	return nil
}

// errColumnEnds is the error of a column with fewer values than its row group has
// rows.
var errColumnEnds = errors.New("the column ends before the row group's last row")

// value reads the current row's value of a flat column as text.
func (w *pqWorker) value(l *pqLeaf) ([]byte, error) {
	if l.li < l.n && l.typ.conv == convString { // the common case, inline
		li := l.li
		l.li++
		if l.defs != nil && l.defs[li] != l.maxDef {
			return nil, nil
		}
		vi := l.vi
		l.vi++
		var b []byte
		if d := l.dict; d != nil {
			b = d.vals.bytesAt(int(l.idx[vi]))
		} else {
			b = l.vals.bytesAt(vi)
		}
		if len(b) == 4 && string(b) == "NULL" {
			return nil, nil
		}
		return b, nil
	}
	vi, ok, err := l.next()
	if err != nil || !ok {
		return nil, orErr(err, errColumnEnds)
	}
	if vi < 0 {
		return nil, nil
	}
	var v []byte
	w.buf, v, err = l.text(vi, w.buf)
	return v, err
}

// orErr returns err, or def when err is nil.
func orErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// mapValue reads the current row's entries of a map column and returns the value of
// its wanted key (a billing group tag, or product_name), copied: the entries may
// end on another page. Other keys are skipped by their levels, their values never
// rendered. The rule is the CSV reader's (jsonValue): of the wanted spellings, the
// first in keys' order that the map holds decides, whatever the map's order; a
// null (or "NULL") value of it is no value, and the later spellings are not
// consulted.
func (w *pqWorker) mapValue(c *pqColumn, k, vl *pqLeaf) ([]byte, error) {
	keys := productNameKeys
	if c.slot == sTag {
		keys = billingGroupKeys
	}
	v, ok, err := w.mapFast(k, vl, keys)
	if !ok && err == nil {
		v, err = w.mapSlow(k, vl, keys)
	}
	if err != nil || w.f.decoded || v == nil {
		return v, err
	}
	// fill decodes JSON text (another map column of the file is JSON text): the
	// entry as a JSON object.
	kb, err := json.Marshal(keys[0])
	if err != nil {
		return nil, err
	}
	vb, err := json.Marshal(string(v))
	if err != nil {
		return nil, err
	}
	st := len(w.buf)
	w.buf = append(append(append(append(append(w.buf, '{'), kb...), ':'), vb...), '}')
	return w.buf[st:len(w.buf):len(w.buf)], nil
}

// mapSlow is mapValue entry by entry, for a row that may go on in the next page.
func (w *pqWorker) mapSlow(k, vl *pqLeaf, keys []string) ([]byte, error) {
	var out []byte
	best := len(keys) // rank of the spelling taken so far; len(keys): none
	for n := 0; ; n++ {
		if n > 0 {
			rep, ok, err := k.peekRep()
			if err != nil {
				return nil, err
			}
			if !ok || rep == 0 {
				return out, nil
			}
		}
		ki, ok, err := k.next()
		if err != nil || !ok {
			return nil, orErr(err, errColumnEnds)
		}
		vi, ok, err := vl.next()
		if err != nil || !ok {
			return nil, orErr(err, errors.New("the map's values end before its keys"))
		}
		if ki < 0 {
			continue
		}
		rank := k.keyRank(ki, keys)
		if rank < 0 || rank >= best {
			continue
		}
		best, out = rank, nil
		if vi < 0 {
			continue
		}
		_, t, err := vl.text(vi, nil)
		if err != nil {
			return nil, err
		}
		if t != nil {
			st := len(w.buf)
			w.buf = append(w.buf, t...)
			out = w.buf[st:len(w.buf):len(w.buf)]
		}
	}
}

// mapFast is mapValue for a row whose entries lie in the current pages of both
// leaves (always so with data pages v2, whose pages start at rows): the end of the
// row is found with a vectorized search of the repetition levels, the values
// skipped are counted over the definition levels, and only keys are looked at.
// ok is false when the row reaches past a page: mapValue then reads it entry by
// entry.
func (w *pqWorker) mapFast(k, vl *pqLeaf, keys []string) (v []byte, ok bool, err error) {
	if k.li >= k.n {
		if ok, err := k.load(); !ok || err != nil {
			return nil, false, err
		}
	}
	if vl.li >= vl.n {
		if ok, err := vl.load(); !ok || err != nil {
			return nil, false, err
		}
	}
	if k.reps == nil || vl.reps == nil || k.defs == nil || vl.defs == nil {
		return nil, false, nil
	}
	cnt := bytes.IndexByte(k.reps[k.li+1:k.n], 0) + 1 // levels of the row
	if cnt == 0 || vl.li+cnt >= vl.n || vl.reps[vl.li+cnt] != 0 {
		return nil, false, nil // the row may go on in the next page
	}
	kd := k.defs[k.li : k.li+cnt]
	vd := vl.defs[vl.li : vl.li+cnt]
	ki := k.vi
	best, bestJ := len(keys), -1 // the wanted spelling of lowest rank, and its entry
	for j, d := range kd {
		if d != k.maxDef {
			continue
		}
		if rank := k.keyRank(ki, keys); rank >= 0 && rank < best {
			best, bestJ = rank, j
			if rank == 0 {
				break
			}
		}
		ki++
	}
	if bestJ >= 0 && vd[bestJ] == vl.maxDef {
		vi := vl.vi + bytes.Count(vd[:bestJ], []byte{vl.maxDef})
		_, t, err := vl.text(vi, nil)
		if err != nil {
			return nil, false, err
		}
		if t != nil {
			st := len(w.buf)
			w.buf = append(w.buf, t...)
			v = w.buf[st:len(w.buf):len(w.buf)]
		}
	}
	k.vi += bytes.Count(kd, []byte{k.maxDef})
	vl.vi += bytes.Count(vd, []byte{vl.maxDef})
	k.li += cnt
	vl.li += cnt
	return v, true, nil
}
