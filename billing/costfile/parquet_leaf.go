package costfile

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// maxDecimalPrecision is the most digits of a DECIMAL on a byte array the reader
// takes: 76, Arrow's Decimal256 (a 32-byte value; appendDecimalBytes reads up to
// 64 bytes).
const maxDecimalPrecision = 76

// This file reads the values of one leaf column of a Parquet column chunk straight
// from its decoded pages: the definition and repetition levels as bytes, and the
// values as the typed slices parquet-go decodes them into (never one parquet.Value
// per value). A dictionary-encoded page is read as its indexes into the chunk's
// dictionary, whose values are each rendered at most once per row group
// (pqDict); byte arrays are handed on as slices of the page, without a copy.

// pqConv says how the values of a leaf become the text a CSV would hold.
type pqConv uint8

const (
	convString    pqConv = iota // BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY text; "NULL" is empty
	convInt                     // INT32 or INT64
	convDouble                  // DOUBLE or FLOAT: the shortest decimal that round-trips
	convDecimal                 // DECIMAL on INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY
	convTimestamp               // TIMESTAMP on INT64 (unit in pqType.unit), or INT96
	convDate                    // DATE on INT32: days since 1970-01-01, as midnight UTC
)

// pqType is the physical type and rendering of a leaf.
type pqType struct {
	kind  parquet.Kind
	conv  pqConv
	scale int           // convDecimal
	unit  time.Duration // convTimestamp on INT64
}

// pqTypeOf returns how to read a leaf of type t, or an error for a type the reader
// does not support (BOOLEAN, or an INT96 that is not a timestamp).
func pqTypeOf(t parquet.Type) (pqType, error) {
	pt := pqType{kind: t.Kind()}
	var lt format.LogicalTypeValue
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	switch l := lt.(type) {
	case *format.DecimalType:
		pt.conv, pt.scale = convDecimal, int(l.Scale)
		maxPrec := int32(maxDecimalPrecision)
		switch pt.kind {
		case parquet.Int32:
			maxPrec = 9
		case parquet.Int64:
			maxPrec = 18
		case parquet.ByteArray, parquet.FixedLenByteArray:
		default:
			maxPrec = 0
		}
		if maxPrec == 0 {
			break
		}
		// A value is rendered with its scale's fractional digits: an unchecked
		// scale from the footer (DECIMAL(18, 100000000)) would allocate that many
		// bytes per value. Money has at most money.MaxScale fractional digits.
		if l.Precision < 1 || l.Precision > maxPrec {
			return pt, fmt.Errorf("%w: DECIMAL(%d,%d) on %s: precision out of range (1 to %d)", ErrParquet, l.Precision, l.Scale, pt.kind, maxPrec)
		}
		if l.Scale < 0 || l.Scale > money.MaxScale || l.Scale > l.Precision {
			return pt, fmt.Errorf("%w: DECIMAL(%d,%d): scale out of range (0 to the precision, at most %d fractional digits)", ErrParquet, l.Precision, l.Scale, money.MaxScale)
		}
		return pt, nil
	case *format.TimestampType:
		pt.conv, pt.unit = convTimestamp, time.Millisecond
		if l.Unit.Value != nil {
			pt.unit = l.Unit.Value.Duration()
		}
		if pt.kind == parquet.Int64 {
			return pt, nil
		}
	case *format.DateType:
		pt.conv = convDate
		if pt.kind == parquet.Int32 {
			return pt, nil
		}
	}
	switch pt.kind {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		pt.conv = convString
	case parquet.Int32, parquet.Int64:
		pt.conv = convInt
	case parquet.Double, parquet.Float:
		pt.conv = convDouble
	case parquet.Int96: // Impala, Hive and Spark write timestamps as INT96
		pt.conv = convTimestamp
	default:
		return pt, fmt.Errorf("%w: unsupported column type %s (want a string, number or timestamp, or a map<string,string> for tags)", ErrParquet, t)
	}
	return pt, nil
}

// pqValues are the non-null values of a page or a dictionary, by physical type.
type pqValues struct {
	n    int // number of values
	data []byte
	offs []uint32 // BYTE_ARRAY: value i is data[offs[i]:offs[i+1]]
	size int      // FIXED_LEN_BYTE_ARRAY: value i is data[i*size:(i+1)*size]
	i32  []int32
	i64  []int64
	// f32 and f64 are a FLOAT or DOUBLE column's values as the page holds them
	// (CUR 2.0 writes costs as DOUBLE). No amount is kept or summed as a float:
	// each value becomes the shortest decimal text that round-trips to it
	// (appendDouble, strconv's rule) before money.Decimal parses it exactly.
	f32 []float32
	f64 []float64
	i96 []deprecated.Int96
}

// set takes the values of a decoded page of kind k, and checks their count.
func (v *pqValues) set(p parquet.Page, k parquet.Kind) error {
	*v = pqValues{}
	if err := pqCall(func() error { return v.take(p, k) }); err != nil {
		return err
	}
	if v.offs != nil {
		for i := 1; i < len(v.offs); i++ { // parquet-go builds them; a check costs little
			if v.offs[i] < v.offs[i-1] || int(v.offs[i]) > len(v.data) {
				return errors.New("bad byte array offsets")
			}
		}
	}
	return nil
}

// take takes the values of page p of kind k through parquet-go (pqCall).
func (v *pqValues) take(p parquet.Page, k parquet.Kind) error {
	d := p.Data()
	switch k {
	case parquet.ByteArray:
		v.data, v.offs = d.ByteArray()
		v.n = max(len(v.offs)-1, 0)
	case parquet.FixedLenByteArray:
		v.data, v.size = d.FixedLenByteArray()
		if v.size > 0 {
			v.n = len(v.data) / v.size
		}
	case parquet.Int32:
		v.i32 = d.Int32()
		v.n = len(v.i32)
	case parquet.Int64:
		v.i64 = d.Int64()
		v.n = len(v.i64)
	case parquet.Float:
		v.f32 = d.Float()
		v.n = len(v.f32)
	case parquet.Double:
		v.f64 = d.Double()
		v.n = len(v.f64)
	case parquet.Int96:
		v.i96 = d.Int96()
		v.n = len(v.i96)
	default:
		return fmt.Errorf("unsupported page kind %s", k)
	}
	return nil
}

// bytesAt returns byte-array or fixed-length value i.
func (v *pqValues) bytesAt(i int) []byte {
	if v.offs != nil {
		return v.data[v.offs[i]:v.offs[i+1]:v.offs[i+1]]
	}
	return v.data[i*v.size : (i+1)*v.size : (i+1)*v.size]
}

// render appends the text of value i to dst, or returns the bytes themselves for a
// string (aliasing the page). A nil result is an empty value.
func (v *pqValues) render(t *pqType, i int, dst []byte) ([]byte, []byte, error) {
	st := len(dst)
	switch t.conv {
	case convString:
		b := v.bytesAt(i)
		if len(b) == 4 && string(b) == "NULL" {
			return dst, nil, nil
		}
		return dst, b, nil
	case convDouble:
		if v.f64 != nil {
			dst = appendDouble(dst, v.f64[i])
		} else {
			dst = strconv.AppendFloat(dst, float64(v.f32[i]), 'f', -1, 32)
		}
	case convInt:
		dst = strconv.AppendInt(dst, v.int(i), 10)
	case convDecimal:
		if t.kind == parquet.Int32 || t.kind == parquet.Int64 {
			dst = appendScaled(dst, v.int(i), t.scale)
		} else {
			var err error
			if dst, err = appendDecimalBytes(dst, v.bytesAt(i), t.scale); err != nil {
				return dst, nil, err
			}
		}
	case convTimestamp:
		if v.i96 != nil {
			dst = appendInstant(dst, int96Time(v.i96[i]))
		} else {
			dst = appendInstant(dst, unixTime(v.i64[i], t.unit))
		}
	case convDate:
		dst = appendInstant(dst, time.Unix(int64(v.i32[i])*86400, 0))
	}
	return dst, dst[st:len(dst):len(dst)], nil
}

func (v *pqValues) int(i int) int64 {
	if v.i32 != nil {
		return int64(v.i32[i])
	}
	return v.i64[i]
}

// trivialDouble reports whether value i is a double whose text is certainly a
// decimal number the engine accepts: finite, zero or 1e-13 ≤ |x| < 1e15 (at most 17
// significant digits, so at most 29 fractional digits, within money.MaxScale).
func (v *pqValues) trivialDouble(i int) bool {
	var x float64
	if v.f64 != nil {
		x = v.f64[i]
	} else {
		x = float64(v.f32[i])
	}
	x = math.Abs(x)
	return x == 0 || (x >= 1e-13 && x < 1e15)
}

// appendDouble appends the shortest decimal that round-trips to x, as
// strconv.AppendFloat(dst, x, 'f', -1, 64) does, faster for the doubles of cost
// data (AWS writes costs with at most 10 fractional digits). When |x| < 4e5 the
// doubles around x are less than 1e-10 apart, so at most one multiple of 1e-10
// rounds to x; when n×1e-10 (n = x×1e10 rounded) does, it is that multiple, and the
// shortest decimal of x, whose last digit is then at 1e-10 or coarser, is it too.
func appendDouble(dst []byte, x float64) []byte {
	if x != 0 && x > -4e5 && x < 4e5 {
		if n := math.Round(x * 1e10); n/1e10 == x {
			dst = appendScaled(dst, int64(n), 10)
			for dst[len(dst)-1] == '0' { // 10 fractional digits: trim to the shortest
				dst = dst[:len(dst)-1]
			}
			if dst[len(dst)-1] == '.' {
				dst = dst[:len(dst)-1]
			}
			return dst
		}
	}
	return strconv.AppendFloat(dst, x, 'f', -1, 64)
}

// unixTime returns the instant of n units since the Unix epoch.
func unixTime(n int64, unit time.Duration) time.Time {
	switch unit {
	case time.Nanosecond:
		return time.Unix(0, n)
	case time.Microsecond:
		return time.UnixMicro(n)
	}
	return time.UnixMilli(n)
}

// int96Time decodes an INT96 timestamp: nanoseconds of the day (8 bytes, little
// endian) then the Julian day number (4 bytes).
func int96Time(v deprecated.Int96) time.Time {
	const julianUnixEpoch = 2440588
	nanos := int64(v[1])<<32 | int64(v[0])
	days := int64(v[2]) - julianUnixEpoch
	return time.Unix(days*86400, nanos)
}

// appendInstant appends t in UTC as "2006-01-02T15:04:05Z", with the fraction of
// the second when there is one (RFC 3339): the reader's fast path takes the former.
func appendInstant(dst []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		y, mo, d := t.Date()
		h, mi, s := t.Clock()
		if y >= 0 && y <= 9999 {
			dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
				byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
				byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10), 'Z')
			return dst
		}
	}
	return t.AppendFormat(dst, time.RFC3339Nano)
}

// appendScaled appends the decimal i × 10^-scale.
func appendScaled(b []byte, i int64, scale int) []byte {
	var tmp [24]byte
	s := strconv.AppendInt(tmp[:0], i, 10)
	return appendDigits(b, s, scale)
}

// appendDigits appends the decimal whose unscaled digits (with an optional leading
// '-') are s, × 10^-scale.
func appendDigits(b, s []byte, scale int) []byte {
	if len(s) > 0 && s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	if scale <= 0 {
		b = append(b, s...)
		for range -scale {
			b = append(b, '0')
		}
		return b
	}
	if len(s) <= scale {
		b = append(b, '0', '.')
		for range scale - len(s) {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	b = append(b, s[:len(s)-scale]...)
	b = append(b, '.')
	return append(b, s[len(s)-scale:]...)
}

// appendDecimalBytes appends the DECIMAL whose unscaled value is the big-endian
// two's complement integer u, × 10^-scale.
func appendDecimalBytes(b, u []byte, scale int) ([]byte, error) {
	if len(u) == 0 {
		return b, errors.New("empty DECIMAL value")
	}
	if len(u) <= 8 {
		var i int64
		if u[0]&0x80 != 0 {
			i = -1
		}
		for _, c := range u {
			i = i<<8 | int64(c)
		}
		return appendScaled(b, i, scale), nil
	}
	if len(u) > 64 {
		return b, fmt.Errorf("DECIMAL value of %d bytes", len(u))
	}
	n := new(big.Int).SetBytes(u)
	if u[0]&0x80 != 0 { // negative: n − 2^(8·len)
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(u))))
	}
	var tmp [160]byte
	return appendDigits(b, n.Append(tmp[:0], 10), scale), nil
}

// pqDict is a column chunk's dictionary, its values rendered on first use.
type pqDict struct {
	d    parquet.Dictionary
	vals pqValues
	span [][2]int32 // rendered text of value i: buf[span[0]:span[1]]; span[0] < 0: not yet
	buf  []byte
	key  []int8 // map keys: 1 + the rank of value i among the wanted keys, -1 when not one, 0 not yet known
}

// pqLeaf reads the levels and values of one leaf column chunk, page by page.
type pqLeaf struct {
	typ    pqType
	maxDef byte
	rep    bool // the leaf is repeated (a map's key or value)
	check  bool // only checked (public cost the Sink does not use): trivial doubles are empty
	pages  parquet.Pages
	page   parquet.Page
	defs   []byte // definition levels of the page; nil when every value is defined
	reps   []byte // repetition levels of the page; nil when not repeated
	n      int    // levels in the page
	li     int    // next level
	vi     int    // next value
	vals   pqValues
	idx    []int32 // dictionary indexes of the page's values, when dictionary-encoded
	dict   *pqDict
	dicts  pqDict // the chunk's dictionary (one per column chunk)
	// the last value rendered from a plain page, for the values that repeat (dates)
	last     int64
	lastText []byte
	lastOK   bool
}

// open starts reading a column chunk.
func (l *pqLeaf) open(c parquet.ColumnChunk) error {
	l.close()
	l.n, l.li, l.vi = 0, 0, 0
	l.dict = nil
	l.dicts.d = nil // a chunk has its own dictionary, even if parquet-go reuses the object
	l.lastOK = false
	return pqCall(func() error { l.pages = c.Pages(); return nil })
}

// close releases the current page and the chunk's pages (a malformed chunk's
// panic on release is ignored: the chunk is done with).
func (l *pqLeaf) close() {
	page, pages := l.page, l.pages
	l.page, l.pages = nil, nil
	_ = pqCall(func() error {
		if page != nil {
			parquet.Release(page)
		}
		if pages != nil {
			_ = pages.Close()
		}
		return nil
	})
}

// more reports whether the chunk has levels left: after a row group's last row it
// must not.
func (l *pqLeaf) more() (bool, error) {
	if l.li < l.n {
		return true, nil
	}
	return l.load()
}

// load reads pages until one has levels; it returns false at the end of the chunk.
func (l *pqLeaf) load() (bool, error) {
	for l.li >= l.n {
		var p parquet.Page
		err := pqCall(func() error {
			if l.page != nil {
				parquet.Release(l.page)
				l.page = nil
			}
			var err error
			p, err = l.pages.ReadPage()
			return err
		})
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		l.page = p
		if err := l.setPage(p); err != nil {
			return false, err
		}
	}
	return true, nil
}

// setPage takes the levels and values of page p, and checks that they agree.
func (l *pqLeaf) setPage(p parquet.Page) error {
	var (
		d       parquet.Dictionary
		dp      parquet.Page
		indexes []int32
	)
	if err := pqCall(func() error {
		l.defs, l.reps = p.DefinitionLevels(), p.RepetitionLevels()
		if d = p.Dictionary(); d != nil {
			data := p.Data()
			indexes = data.Int32()
			if l.dicts.d != d {
				dp = d.Page()
			}
		}
		return nil
	}); err != nil {
		return err
	}
	l.li, l.vi = 0, 0
	if l.rep && len(l.reps) != len(l.defs) {
		return fmt.Errorf("page has %d repetition levels for %d definition levels", len(l.reps), len(l.defs))
	}
	if !l.rep {
		l.reps = nil
	}
	nvals := 0
	if d != nil {
		if l.dicts.d != d {
			l.dicts = pqDict{d: d, buf: l.dicts.buf[:0]}
			if err := l.dicts.vals.set(dp, l.typ.kind); err != nil {
				return fmt.Errorf("dictionary: %w", err)
			}
			l.dicts.span = make([][2]int32, l.dicts.vals.n)
			for i := range l.dicts.span {
				l.dicts.span[i][0] = -1
			}
		}
		l.dict = &l.dicts
		l.idx = indexes
		nvals = len(l.idx)
		for _, x := range l.idx {
			if x < 0 || int(x) >= l.dict.vals.n {
				return fmt.Errorf("dictionary index %d out of range (%d values)", x, l.dict.vals.n)
			}
		}
	} else {
		l.dict, l.idx = nil, nil
		if err := l.vals.set(p, l.typ.kind); err != nil {
			return err
		}
		nvals = l.vals.n
	}
	if l.defs == nil {
		l.n = nvals
		return nil
	}
	l.n = len(l.defs)
	if defined := countLevel(l.defs, l.maxDef); defined != nvals {
		return fmt.Errorf("page has %d values for %d defined levels", nvals, defined)
	}
	return nil
}

// next consumes one level and returns the index of its value, or -1 for a null. ok
// is false at the end of the chunk.
func (l *pqLeaf) next() (vi int, ok bool, err error) {
	if l.li >= l.n {
		if ok, err := l.load(); !ok || err != nil {
			return -1, false, err
		}
	}
	li := l.li
	l.li++
	if l.defs != nil && l.defs[li] != l.maxDef {
		return -1, true, nil
	}
	l.vi++
	return l.vi - 1, true, nil
}

// peekRep returns the repetition level of the next level; ok is false at the end
// of the chunk.
func (l *pqLeaf) peekRep() (rep byte, ok bool, err error) {
	if l.li >= l.n {
		if ok, err := l.load(); !ok || err != nil {
			return 0, false, err
		}
	}
	if l.reps == nil {
		return 0, true, nil
	}
	return l.reps[l.li], true, nil
}

// text returns the text of value vi of the current page; scratch holds rendered
// numbers. Byte arrays alias the page (or its dictionary).
func (l *pqLeaf) text(vi int, scratch []byte) ([]byte, []byte, error) {
	if l.check && l.typ.conv == convDouble {
		if d := l.dict; d != nil {
			if d.vals.trivialDouble(int(l.idx[vi])) {
				return scratch, nil, nil
			}
		} else if l.vals.trivialDouble(vi) {
			return scratch, nil, nil
		}
	}
	if d := l.dict; d != nil {
		t, err := l.dictText(int(l.idx[vi]))
		return scratch, t, err
	}
	if l.typ.conv == convTimestamp && l.vals.i64 != nil { // timestamps repeat from row to row
		v := l.vals.i64[vi]
		if l.lastOK && v == l.last {
			return scratch, l.lastText, nil
		}
		st := len(scratch)
		scratch, _, _ = l.vals.render(&l.typ, vi, scratch)
		l.last, l.lastOK = v, true
		l.lastText = append(l.lastText[:0], scratch[st:]...)
		return scratch, scratch[st:len(scratch):len(scratch)], nil
	}
	return l.vals.render(&l.typ, vi, scratch)
}

// dictText returns the text of entry i of the chunk's dictionary (the last one
// read), rendered once: strings alias the dictionary ("NULL" is no value), other
// types are rendered on first use and kept.
func (l *pqLeaf) dictText(i int) ([]byte, error) {
	d := &l.dicts
	if l.typ.conv == convString {
		return nullText(d.vals.bytesAt(i)), nil
	}
	if sp := d.span[i]; sp[0] >= 0 {
		if sp[0] == sp[1] {
			return nil, nil
		}
		return d.buf[sp[0]:sp[1]:sp[1]], nil
	}
	st := len(d.buf)
	var err error
	var t []byte
	if d.buf, t, err = d.vals.render(&l.typ, i, d.buf); err != nil {
		return nil, err
	}
	if t == nil {
		d.span[i] = [2]int32{int32(st), int32(st)}
		return nil, nil
	}
	d.span[i] = [2]int32{int32(st), int32(len(d.buf))}
	return t, nil
}

// keyRank returns the index in keys of value vi of a map's key leaf, or -1 when it
// is none of them.
func (l *pqLeaf) keyRank(vi int, keys []string) int {
	if d := l.dict; d != nil {
		i := l.idx[vi]
		if d.key == nil {
			d.key = make([]int8, d.vals.n)
		}
		if r := d.key[i]; r != 0 {
			return max(int(r)-1, -1)
		}
		r := matchKey(d.vals.bytesAt(int(i)), keys)
		d.key[i] = int8(r + 1)
		if r < 0 {
			d.key[i] = -1
		}
		return r
	}
	return matchKey(l.vals.bytesAt(vi), keys)
}

// matchKey returns the index of k in keys (at most 127 of them), or -1.
func matchKey(k []byte, keys []string) int {
	for i, s := range keys {
		if len(k) == len(s) && string(k) == s {
			return i
		}
	}
	return -1
}
