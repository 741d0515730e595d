package costfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// pqColumn says where a slot's values live in a Parquet file.
type pqColumn struct {
	slot  slot
	leaf  int // column index of a flat leaf, or of the map's key leaf
	value int // column index of the map's value leaf; -1 for a flat leaf
	typ   parquet.Type
}

// scanParquet reads a Parquet cost file (CUR 2.0, or FOCUS), only the needed
// columns, one row group at a time per worker: memory is bounded by a few pages per
// column, whatever the file size. Errors name the 1-based row number as the line.
func scanParquet(ctx context.Context, name string, r io.ReaderAt, size int64, newSink func() billing.Sink, opt Options) (billing.InputStats, error) {
	st := billing.InputStats{Name: name, Layout: LayoutParquet, Bytes: size}
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return st, &Error{File: name, Err: fmt.Errorf("%w (truncated or not Parquet?): %w", ErrParquet, err)}
	}
	sch := f.Schema()
	var header []string
	for _, fl := range sch.Fields() {
		header = append(header, fl.Name())
	}
	s, err := newSchema(header)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File = name
			return st, e
		}
		return st, &Error{File: name, Err: err}
	}
	st.Format = s.format
	st.Warnings = append(st.Warnings, s.warnings...)
	var cols []pqColumn
	for _, nc := range s.need {
		field := header[nc.col]
		if leaf, ok := sch.Lookup(field); ok {
			cols = append(cols, pqColumn{slot: nc.slot, leaf: leaf.ColumnIndex, value: -1, typ: leaf.Node.Type()})
			continue
		}
		// A map<string,string>: MAP group → repeated key_value group → key, value.
		var k, v = -1, -1
		for _, path := range sch.Columns() {
			if len(path) == 3 && path[0] == field {
				leaf, _ := sch.Lookup(path...)
				switch path[2] {
				case "key":
					k = leaf.ColumnIndex
				case "value":
					v = leaf.ColumnIndex
				}
			}
		}
		if k < 0 || v < 0 || (nc.slot != sTag && nc.slot != sProductMap) {
			return st, &Error{File: name, Column: field, Err: fmt.Errorf("%w: unsupported column type (want a string, number or timestamp, or a map<string,string> for tags)", ErrParquet)}
		}
		cols = append(cols, pqColumn{slot: nc.slot, leaf: k, value: v})
	}

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
				return nil
			}
		}
		return nil
	})
	workers := make([]*pqWorker, len(sinks))
	for i, sink := range sinks {
		w := &pqWorker{name: name, s: s, sink: sink}
		w.f.s, w.f.decoded = s, true
		w.f.use(sink)
		for _, c := range cols { // only the columns the worker's Sink uses are read
			if w.f.reads(c.slot) {
				w.cols = append(w.cols, c)
			}
		}
		workers[i] = w
		g.Go(func() error {
			for gi := range work {
				if first.before(int64(gi)) {
					continue
				}
				err := ctx.Err()
				if err != nil {
					err = &Error{File: name, Line: firstRow[gi] + 1, Err: err}
				} else {
					err = w.group(groups[gi], firstRow[gi])
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

// pqWorker converts the rows of whole row groups.
type pqWorker struct {
	name string
	s    *schema
	cols []pqColumn
	sink billing.Sink
	f    rowFiller
	li   billing.LineItem
	vals rowVals
	buf  []byte // formatted numbers and map values of the current row
}

// cursor iterates the values of one column chunk.
type cursor struct {
	pages parquet.Pages
	vr    parquet.ValueReader
	buf   []parquet.Value
	i, n  int
}

func (c *cursor) peek() (parquet.Value, bool, error) {
	for c.i >= c.n {
		if c.vr != nil {
			n, err := c.vr.ReadValues(c.buf[:cap(c.buf)])
			c.i, c.n = 0, n
			if n == 0 || err == io.EOF {
				c.vr = nil
			}
			if err != nil && err != io.EOF {
				return parquet.Value{}, false, err
			}
			continue
		}
		p, err := c.pages.ReadPage()
		if err == io.EOF {
			return parquet.Value{}, false, nil
		}
		if err != nil {
			return parquet.Value{}, false, err
		}
		c.vr = p.Values()
	}
	return c.buf[c.i], true, nil
}

func (w *pqWorker) group(g parquet.RowGroup, firstRow int64) error {
	chunks := g.ColumnChunks()
	curs := make([]cursor, 0, 2*len(w.cols))
	open := func(ci int) *cursor {
		curs = append(curs, cursor{pages: chunks[ci].Pages(), buf: make([]parquet.Value, 1024)})
		return &curs[len(curs)-1]
	}
	type pair struct {
		col  pqColumn
		k, v *cursor
	}
	pairs := make([]pair, len(w.cols))
	for i, c := range w.cols {
		pairs[i].col = c
		pairs[i].k = open(c.leaf)
		if c.value >= 0 {
			pairs[i].v = open(c.value)
		}
	}
	defer func() {
		for i := range curs {
			curs[i].pages.Close()
		}
	}()
	if err := w.f.sketchRowGroup(g); err != nil { // B-14, for files without ids
		return &Error{File: w.name, Line: firstRow + 1, Err: err}
	}
	nrows := g.NumRows()
	for r := int64(0); r < nrows; r++ {
		line := firstRow + r + 1
		w.buf = w.buf[:0]
		for _, p := range pairs {
			v, err := w.value(p.col, p.k, p.v)
			if err != nil {
				return &Error{File: w.name, Line: line, Column: w.s.colName(w.s.col[p.col.slot]), Err: fmt.Errorf("%w: %w", ErrParquet, err)}
			}
			w.vals[p.col.slot] = v
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
	return nil
}

// value reads the current row's value of one column as text.
func (w *pqWorker) value(c pqColumn, k, vc *cursor) ([]byte, error) {
	if vc == nil {
		v, ok, err := k.peek()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("column ends early")
		}
		k.i++
		return w.text(v, c.typ)
	}
	// A map: entries until the next value with repetition level 0.
	var out []byte
	for n := 0; ; n++ {
		kv, ok, err := k.peek()
		if err != nil {
			return nil, err
		}
		if !ok || (n > 0 && kv.RepetitionLevel() == 0) {
			return out, nil
		}
		vv, ok, err := vc.peek()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("map values end early")
		}
		k.i++
		vc.i++
		if kv.IsNull() || out != nil {
			continue
		}
		if c.slot == sTag && isBillingGroupKey(kv.ByteArray()) || c.slot == sProductMap && string(kv.ByteArray()) == "product_name" {
			if !vv.IsNull() {
				st := len(w.buf)
				w.buf = append(w.buf, vv.ByteArray()...)
				out = w.buf[st:len(w.buf):len(w.buf)]
			}
		}
	}
}

func isBillingGroupKey(k []byte) bool {
	for _, b := range billingGroupKeys {
		if string(k) == b {
			return true
		}
	}
	return false
}

// text renders a Parquet value as the text a CSV would hold. Doubles (CUR 2.0 costs)
// are rendered with the shortest decimal that round-trips, which is the decimal AWS
// wrote (≤ 10 fractional digits); they are never summed as floats.
func (w *pqWorker) text(v parquet.Value, t parquet.Type) ([]byte, error) {
	if v.IsNull() {
		return nil, nil
	}
	st := len(w.buf)
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if string(b) == "NULL" {
			return nil, nil
		}
		return b, nil
	case parquet.Double:
		w.buf = strconv.AppendFloat(w.buf, v.Double(), 'f', -1, 64)
	case parquet.Float:
		w.buf = strconv.AppendFloat(w.buf, float64(v.Float()), 'f', -1, 32)
	case parquet.Int32, parquet.Int64:
		i := v.Int64()
		if v.Kind() == parquet.Int32 {
			i = int64(v.Int32())
		}
		var lt format.LogicalTypeValue
		if l := t.LogicalType(); l != nil {
			lt = l.Value
		}
		switch lt := lt.(type) {
		case *format.TimestampType:
			var d time.Duration = time.Millisecond
			if lt.Unit.Value != nil {
				d = lt.Unit.Value.Duration()
			}
			var tm time.Time
			switch d {
			case time.Nanosecond:
				tm = time.Unix(0, i)
			case time.Microsecond:
				tm = time.UnixMicro(i)
			default:
				tm = time.UnixMilli(i)
			}
			w.buf = tm.UTC().AppendFormat(w.buf, "2006-01-02T15:04:05Z")
		case *format.DecimalType:
			w.buf = appendScaled(w.buf, i, int(lt.Scale))
		default:
			w.buf = strconv.AppendInt(w.buf, i, 10)
		}
	default:
		return nil, fmt.Errorf("unsupported value kind %s", v.Kind())
	}
	return w.buf[st:len(w.buf):len(w.buf)], nil
}

// appendScaled appends the decimal i × 10^-scale.
func appendScaled(b []byte, i int64, scale int) []byte {
	s := strconv.FormatInt(i, 10)
	neg := s[0] == '-'
	if neg {
		b = append(b, '-')
		s = s[1:]
	}
	if scale <= 0 {
		return append(b, s...)
	}
	for len(s) <= scale {
		s = "0" + s
	}
	b = append(b, s[:len(s)-scale]...)
	b = append(b, '.')
	return append(b, s[len(s)-scale:]...)
}
