package costfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// splitter cuts one CSV record (RFC 4180) into fields without copying: it counts
// every field and records the start and end offset, relative to the record start,
// of every field or, after want, of the wanted ones only. One per worker.
type splitter struct {
	b    []int32 // start, end of field i at b[2i], b[2i+1]
	n    int     // fields of the last split record
	next []int32 // next[i]: the first wanted field at or after i (want); nil: every field
	esc  []int32 // indexes of quoted fields holding doubled quotes
	unq  []byte  // unescaped values of the current record
}

// nfields returns the number of fields of the last split record.
func (sp *splitter) nfields() int { return sp.n }

// noField is the next wanted field when there is none.
const noField = math.MaxInt32

// want makes split record only fields cols of records of ncols fields: field(rec, i)
// is then valid for i in cols only. The other fields are counted, not recorded, which
// makes splitting a wide record with few wanted fields cheaper: a run of eight bytes
// whose commas end no wanted field costs a few instructions, whatever its commas.
func (sp *splitter) want(ncols int, cols []int) {
	sp.next = make([]int32, ncols+1)
	for i := range sp.next {
		sp.next[i] = noField
	}
	for _, c := range cols {
		if c >= 0 && c < ncols {
			sp.next[c] = int32(c)
		}
	}
	for i := ncols - 1; i >= 0; i-- {
		if sp.next[i] == noField {
			sp.next[i] = sp.next[i+1]
		}
	}
	sp.b = make([]int32, 2*ncols)
}

// nextWanted returns the first wanted field at or after f.
func (sp *splitter) nextWanted(f int) int {
	if sp.next == nil {
		return f
	}
	if f < len(sp.next) {
		return int(sp.next[f])
	}
	return noField
}

// put records field f as start..end when f is wanted (nw, the next wanted field, is
// f), and returns the next wanted field after f.
func (sp *splitter) put(f, nw, start, end int) int {
	if f != nw {
		return nw
	}
	if 2*f+1 >= len(sp.b) { // every field wanted (the header): grow
		sp.b = append(sp.b, make([]int32, 2*f+2-len(sp.b))...)
	}
	sp.b[2*f], sp.b[2*f+1] = int32(start), int32(end)
	return sp.nextWanted(f + 1)
}

// split parses the record at the start of data. It returns the number of bytes
// consumed, line terminator included, and the number of newlines inside quoted
// fields. data must hold the whole record (the block cutter guarantees it). On error
// sp.nfields() is the index of the offending field.
//
// Unquoted runs, the common case, are split with a SWAR scan eight bytes at a time;
// quoted fields jump to their closing quote with bytes.IndexByte.
func (sp *splitter) split(data []byte) (n, nl int, err error) {
	f := 0                 // fields so far
	nw := sp.nextWanted(0) // the next wanted field
	sp.esc = sp.esc[:0]
	sp.unq = sp.unq[:0]
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end, n = len(data), len(data)
	} else {
		n = end + 1
	}
	line := data[:end]
	fs := 0 // start of the current field
	for {
		if fs < len(line) && line[fs] == '"' {
			j := fs + 1
			esc := false
			for {
				k := bytes.IndexByte(data[j:], '"')
				if k < 0 {
					sp.n = f
					return 0, 0, fmt.Errorf("%w: quoted field never closed", ErrQuote)
				}
				j += k
				if j+1 < len(data) && data[j+1] == '"' {
					esc = true
					j += 2
					continue
				}
				break
			}
			if j >= end { // the field holds newlines: the record goes on
				nl += bytes.Count(data[fs:j], newline)
				if e := bytes.IndexByte(data[j+1:], '\n'); e < 0 {
					end, n = len(data), len(data)
				} else {
					end = j + 1 + e
					n = end + 1
				}
				line = data[:end]
			}
			a := j + 1
			if a != len(line) && !(a+1 == len(line) && line[a] == '\r') && line[a] != ',' {
				sp.n = f
				return 0, 0, fmt.Errorf("%w: %q after the closing quote of a field", ErrQuote, line[a])
			}
			if esc {
				sp.esc = append(sp.esc, int32(f))
			}
			nw = sp.put(f, nw, fs+1, j)
			f++
			if a == len(line) || (a+1 == len(line) && line[a] == '\r') {
				break
			}
			fs = a + 1
			continue
		}
		qa := len(line)
		if q := bytes.IndexByte(line[fs:], '"'); q >= 0 {
			qa = fs + q
		}
		var last int
		if sp.next == nil {
			last, f, nw = sp.splitCommas(line[:qa], fs, f, nw)
		} else {
			last, f, nw = splitWanted(line[:qa], fs, f, nw, sp.b, sp.next)
		}
		if qa == len(line) {
			e := len(line)
			if e > last && line[e-1] == '\r' {
				e--
			}
			sp.put(f, nw, last, e)
			f++
			break
		}
		if last != qa {
			sp.n = f
			return 0, 0, fmt.Errorf("%w: bare \" in a non-quoted field", ErrQuote)
		}
		fs = qa
	}
	sp.n = f
	return n, nl, nil
}

// field returns field i of rec (the record last split), unescaping doubled quotes.
func (sp *splitter) field(rec []byte, i int) []byte {
	v := rec[sp.b[2*i]:sp.b[2*i+1]]
	if len(sp.esc) > 0 && slices.Contains(sp.esc, int32(i)) {
		st := len(sp.unq)
		for {
			k := bytes.Index(v, dquote)
			if k < 0 {
				break
			}
			sp.unq = append(sp.unq, v[:k+1]...)
			v = v[k+2:]
		}
		sp.unq = append(sp.unq, v...)
		return sp.unq[st:len(sp.unq):len(sp.unq)]
	}
	return v
}

var (
	newline = []byte{'\n'}
	quote   = []byte{'"'}
	dquote  = []byte(`""`)
)

const (
	lo7    = 0x7f7f7f7f7f7f7f7f
	commas = 0x2c2c2c2c2c2c2c2c
)

// splitCommas records (put) every wanted field of s[from:] that a comma ends, the
// first being field f, and returns the start of the field after the last comma, the
// number of fields counted so far and the next wanted field. It tests eight bytes per
// step: x := word ^ ",,,,,,,,", then a byte of x is zero (a comma) exactly where the
// high bit of ^(((x & 0x7f…) + 0x7f…) | x | 0x7f…) is set (no false positives, unlike
// the classic (x - 0x01…) & ^x & 0x80… trick). Eight bytes whose commas end no wanted
// field are only counted (one bit per comma).
func (sp *splitter) splitCommas(s []byte, from, f, nw int) (int, int, int) {
	fs := from
	i := from
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:]) ^ commas
		m := ^(((x & lo7) + lo7) | x | lo7)
		if m == 0 {
			continue
		}
		if c := bits.OnesCount64(m); f+c <= nw { // fields f … f+c-1 end here, none wanted
			f += c
			fs = i + (63-bits.LeadingZeros64(m))>>3 + 1
			continue
		}
		for m != 0 {
			p := i + bits.TrailingZeros64(m)>>3
			nw = sp.put(f, nw, fs, p)
			f++
			fs = p + 1
			m &= m - 1
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ',' {
			nw = sp.put(f, nw, fs, i)
			f++
			fs = i + 1
		}
	}
	return fs, f, nw
}

// splitWanted is splitCommas for a splitter that wants some fields only: it records
// in b the wanted fields (next[f] is the first wanted field at or after f, see
// want) and counts the others, so eight bytes whose commas end no wanted field
// cost a few instructions however many commas they hold. (Measured on curgen's
// rows against variants: counting commas with a multiplication instead of
// bits.OnesCount64, 16 bytes per step, or skipping 64-byte spans with bytes.Count
// were no faster.)
func splitWanted(s []byte, from, f, nw int, b, next []int32) (int, int, int) {
	fs := from
	i := from
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:]) ^ commas
		m := ^(((x & lo7) + lo7) | x | lo7)
		if m == 0 {
			continue
		}
		if c := bits.OnesCount64(m); f+c <= nw { // fields f … f+c-1 end here, none wanted
			f += c
			fs = i + (63-bits.LeadingZeros64(m))>>3 + 1
			continue
		}
		for m != 0 {
			p := i + bits.TrailingZeros64(m)>>3
			if f == nw {
				b[2*f], b[2*f+1] = int32(fs), int32(p)
				nw = int(next[f+1])
			}
			f++
			fs = p + 1
			m &= m - 1
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ',' {
			if f == nw {
				b[2*f], b[2*f+1] = int32(fs), int32(i)
				nw = int(next[f+1])
			}
			f++
			fs = i + 1
		}
	}
	return fs, f, nw
}

// findCut returns the length of the longest prefix of data that ends with a newline
// outside quotes — a record boundary — or -1 if there is none. data must start at a
// record boundary. In well-formed CSV a newline is outside quotes exactly when the
// number of quote characters before it is even (doubled quotes keep the parity), and
// bytes.Count is vectorized, so this costs a small fraction of the parse.
func findCut(data []byte) int {
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		return -1
	}
	q := bytes.Count(data[:i], quote)
	for q&1 == 1 {
		j := bytes.LastIndexByte(data[:i], '\n')
		if j < 0 {
			return -1
		}
		q -= bytes.Count(data[j:i], quote)
		i = j
	}
	return i + 1
}
