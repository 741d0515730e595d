// This file is a FROZEN COPY, for tests only, of the CSV splitter of
// billing/costfile/split.go as it was at commit e488ec8^ (the parent of e488ec8,
// before the splitter learned to record only wanted fields: e488ec8, 8519b9e,
// 9ed610a). It is the oracle of split_oracle_test.go: the current splitter must
// split every record as this one did. Do not edit it to follow split.go — its
// point is that it does not change; identifiers are renamed (frozen…) and the
// constants it used are copied so that nothing in split.go can change it.
// ErrQuote is the package's exported sentinel, so the frozen errors wrap it.

package costfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// frozenSplitter cuts one CSV record (RFC 4180) into fields without copying: it records the
// start and end offset of every field, relative to the record start. One per worker.
type frozenSplitter struct {
	b   []int32 // start, end of each field
	esc []int32 // indexes of quoted fields holding doubled quotes
	unq []byte  // unescaped values of the current record
}

// nfields returns the number of fields of the last split record.
func (sp *frozenSplitter) nfields() int { return len(sp.b) / 2 }

// split parses the record at the start of data. It returns the number of bytes
// consumed, line terminator included, and the number of newlines inside quoted
// fields. data must hold the whole record (the block cutter guarantees it). On error
// sp.nfields() is the index of the offending field.
//
// Unquoted runs, the common case, are split with a SWAR scan eight bytes at a time;
// quoted fields jump to their closing quote with bytes.IndexByte.
func (sp *frozenSplitter) split(data []byte) (n, nl int, err error) {
	b := sp.b[:0]
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
					sp.b = b
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
				nl += bytes.Count(data[fs:j], frozenNewline)
				if e := bytes.IndexByte(data[j+1:], '\n'); e < 0 {
					end, n = len(data), len(data)
				} else {
					end = j + 1 + e
					n = end + 1
				}
				line = data[:end]
			}
			if esc {
				sp.esc = append(sp.esc, int32(len(b)/2))
			}
			b = append(b, int32(fs+1), int32(j))
			a := j + 1
			if a == len(line) || (a+1 == len(line) && line[a] == '\r') {
				break
			}
			if line[a] != ',' {
				sp.b = b[:len(b)-2]
				return 0, 0, fmt.Errorf("%w: %q after the closing quote of a field", ErrQuote, line[a])
			}
			fs = a + 1
			continue
		}
		qa := len(line)
		if q := bytes.IndexByte(line[fs:], '"'); q >= 0 {
			qa = fs + q
		}
		var last int
		b, last = frozenSplitCommas(line[:qa], fs, b)
		if qa == len(line) {
			e := len(line)
			if e > last && line[e-1] == '\r' {
				e--
			}
			b = append(b, int32(last), int32(e))
			break
		}
		if last != qa {
			sp.b = b
			return 0, 0, fmt.Errorf("%w: bare \" in a non-quoted field", ErrQuote)
		}
		fs = qa
	}
	sp.b = b
	return n, nl, nil
}

// field returns field i of rec (the record last split), unescaping doubled quotes.
func (sp *frozenSplitter) field(rec []byte, i int) []byte {
	v := rec[sp.b[2*i]:sp.b[2*i+1]]
	if len(sp.esc) > 0 && slices.Contains(sp.esc, int32(i)) {
		st := len(sp.unq)
		for {
			k := bytes.Index(v, frozenDquote)
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
	frozenNewline = []byte{'\n'}
	frozenDquote  = []byte(`""`)
)

const (
	frozenLo7    = 0x7f7f7f7f7f7f7f7f
	frozenCommas = 0x2c2c2c2c2c2c2c2c
)

// frozenSplitCommas appends (start, end) of every field of s[from:] that a comma ends, and
// returns the start of the field after the last comma. It tests eight bytes per step:
// x := word ^ ",,,,,,,,", then a byte of x is zero (a comma) exactly where the high bit
// of ^(((x & 0x7f…) + 0x7f…) | x | 0x7f…) is set (no false positives, unlike the
// classic (x - 0x01…) & ^x & 0x80… trick).
func frozenSplitCommas(s []byte, from int, b []int32) ([]int32, int) {
	fs := from
	i := from
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:]) ^ frozenCommas
		m := ^(((x & frozenLo7) + frozenLo7) | x | frozenLo7)
		for m != 0 {
			p := i + bits.TrailingZeros64(m)>>3
			b = append(b, int32(fs), int32(p))
			fs = p + 1
			m &= m - 1
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ',' {
			b = append(b, int32(fs), int32(i))
			fs = i + 1
		}
	}
	return b, fs
}
