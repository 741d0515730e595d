package costfile

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The splitter and the usage start parser were made faster (e488ec8, 8519b9e,
// 9ed610a: record only the wanted fields; 9992601: a start parsed once on a fast
// path). Their oracles are frozen copies of the code before those commits
// (frozen_split_e488ec8_test.go, frozen_start_9992601_test.go), so that a change of
// behaviour fails here instead of passing against a reference that changed with
// the code.

// checkSplitAgainstFrozen splits the records of data one after another, as a
// worker does with one splitter per worker, with the current splitter wanting cols
// of records of ncols fields (the header's count, which need not be the record's),
// the current splitter recording every field (the header's), and the frozen
// splitter of e488ec8^. They must agree on every record's length, newlines, field
// count (the column an error names) and error; where a record has ncols fields,
// the wanted fields (those below ncols) have the frozen splitter's values, and the
// splitter that records every field gives every value.
func checkSplitAgainstFrozen(t *testing.T, data []byte, ncols int, cols []int) {
	t.Helper()
	var ref frozenSplitter
	var sp, all splitter
	sp.want(ncols, cols)
	for off, rec := 0, 0; off < len(data); rec++ {
		d := data[off:]
		n, nl, err := ref.split(d)
		gn, gnl, gerr := sp.split(d)
		an, anl, aerr := all.split(d)
		require.Equal(t, err == nil, gerr == nil, "record %d at %d of %q, want %v of %d: frozen %v, wanted %v", rec, off, data, cols, ncols, err, gerr)
		require.Equal(t, err == nil, aerr == nil, "record %d at %d of %q: frozen %v, all %v", rec, off, data, err, aerr)
		require.Equal(t, []int{n, nl, ref.nfields()}, []int{gn, gnl, sp.nfields()}, "record %d at %d of %q, want %v of %d: n, newlines, fields", rec, off, data, cols, ncols)
		require.Equal(t, []int{n, nl, ref.nfields()}, []int{an, anl, all.nfields()}, "record %d at %d of %q (all fields): n, newlines, fields", rec, off, data)
		if err != nil {
			require.Equal(t, err.Error(), gerr.Error(), "record %d of %q", rec, data)
			require.Equal(t, err.Error(), aerr.Error(), "record %d of %q", rec, data)
			require.ErrorIs(t, gerr, ErrQuote)
			return
		}
		r := d[:n]
		for c := range ref.nfields() {
			require.Equal(t, string(ref.field(r, c)), string(all.field(r, c)), "record %d of %q (all fields): field %d", rec, data, c)
		}
		if ref.nfields() == ncols {
			for _, c := range cols {
				if c >= 0 && c < ncols {
					require.Equal(t, string(ref.field(r, c)), string(sp.field(r, c)), "record %d of %q, want %v of %d: field %d", rec, data, cols, ncols, c)
				}
			}
		}
		if n == 0 {
			return
		}
		off += n
	}
}

// colsOf returns the columns whose bits mask sets, each shifted by shift: 64
// columns anywhere in 0 … 64+shift, so wanted columns beyond 63 are drawn too.
func colsOf(mask uint64, shift int) []int {
	var cols []int
	for i := range 64 {
		if mask&(1<<i) != 0 {
			cols = append(cols, i+shift)
		}
	}
	return cols
}

// randomRecords returns text of 1 to 4 random CSV records: fields of any length,
// empty runs, quoted fields with commas, doubled quotes, CR and newlines, and now
// and then a malformed one (a bare quote, text after a closing quote, a quote
// never closed); line endings \n, \r\n or none at the end.
func randomRecords(r *rand.Rand) []byte {
	var b strings.Builder
	for k := range 1 + r.IntN(4) {
		if k > 0 {
			b.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
		}
		for i := range 1 + r.IntN([]int{8, 70, 200}[r.IntN(3)]) {
			if i > 0 {
				b.WriteByte(',')
			}
			switch x := r.IntN(40); {
			case x < 10: // empty
			case x < 14:
				b.WriteString(`"` + strings.Repeat("q,", r.IntN(5)) + strings.Repeat("x", r.IntN(20)) + `""y` + "\n\r" + `z"`)
			case x < 16:
				b.WriteString(`""`)
			case x == 16 && r.IntN(8) == 0:
				b.WriteString(`a"b`) // bare quote
			case x == 17 && r.IntN(8) == 0:
				b.WriteString(`"a"b`) // text after the closing quote
			case x == 18 && r.IntN(16) == 0:
				b.WriteString(`"never closed`)
			default:
				b.WriteString(strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(2+r.IntN(30))))
			}
		}
	}
	b.WriteString([]string{"\n", "\r\n", ""}[r.IntN(3)])
	return []byte(b.String())
}

// TestSplitOracle_FrozenSplitter: the splitter, wanting any columns (below 64,
// beyond 63, beyond the header) of a header of any width — the record's own, one
// fewer, one more, narrower or wider — splits records, several in a row with one
// splitter, as e488ec8^'s did (see checkSplitAgainstFrozen).
func TestSplitOracle_FrozenSplitter(t *testing.T) {
	r := rand.New(rand.NewPCG(48, 8))
	fixed := [][]byte{
		[]byte("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z\n"),
		[]byte(strings.Repeat(",", 140) + "\n" + strings.Repeat("x,", 70) + "y\r\n"),
		[]byte(`x,"a,b",y,"c""d""e",z,"multi` + "\n" + `line",last` + "\r\n" + `1,"",2` + "\n"),
		[]byte(`"",,"",,"""",` + "\n" + `""""` + "\n"),
		[]byte("a,b\"c,d\n"),
		[]byte(`a,"b"c,d` + "\n"),
		[]byte(`a,"never closed,d` + "\n"),
		[]byte(`a,"b"` + "\r"),
		[]byte("\n\n\r\n"),
	}
	for k := range 400 {
		data := randomRecords(r)
		if k < len(fixed) {
			data = fixed[k]
		}
		var first frozenSplitter
		first.split(data)
		nf := max(first.nfields(), 1)
		for _, ncols := range []int{nf, nf - 1, nf + 1, 1 + r.IntN(nf), nf + r.IntN(100), 64, 65, 200} {
			if ncols < 1 {
				continue
			}
			for _, cols := range [][]int{nil, {0}, {ncols - 1}, {ncols}, {63}, {64}, {63, 64, 65, 127, 128}, {1, 3, 5, 70, 130, 199},
				colsOf(r.Uint64()>>r.IntN(64), r.IntN(200)), colsOf(r.Uint64(), 0)} {
				checkSplitAgainstFrozen(t, data, ncols, cols)
			}
		}
	}
}

// FuzzSplitOracle: on any text, with a header width and wanted columns drawn
// independently of the text (so records have more or fewer fields than the
// header, and wanted columns lie beyond 63), the splitter agrees with e488ec8^'s
// (see checkSplitAgainstFrozen).
func FuzzSplitOracle(f *testing.F) {
	f.Add([]byte("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s\n"), uint16(19), uint64(0x5), uint8(0))
	f.Add([]byte(`x,"a,b",y,"c""d""e",z,"multi`+"\n"+`line",last`+"\r\n"), uint16(7), uint64(0xffff), uint8(3))
	f.Add([]byte(strings.Repeat(",", 80)+"\n"+strings.Repeat(",", 79)+"\n"), uint16(81), uint64(1<<40|1<<3), uint8(70))
	f.Add([]byte(strings.Repeat("ab,", 100)+"\n"), uint16(101), ^uint64(0), uint8(40))
	f.Add([]byte("a,b\"c,d\n"), uint16(3), uint64(7), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, ncols uint16, mask uint64, shift uint8) {
		checkSplitAgainstFrozen(t, data, 1+int(ncols)%320, colsOf(mask, int(shift)))
	})
}

// checkStartAgainstFrozen parses the usage start s after the start before of the
// row before, and checks that parseStart gives 9992601^'s month and error
// (parsePeriod) and, when it parses, its instant — both as the row before left the
// frozen cache (a reader's worker parsed before first) and fresh.
func checkStartAgainstFrozen(t *testing.T, before, s string) {
	t.Helper()
	var cached frozenStart
	if _, perr := frozenParsePeriod([]byte(before)); perr == "" { // the reader refused a row that did not parse
		cached.instant([]byte(before))
	}
	wantMonth, wantErr := frozenParsePeriod([]byte(s))
	p, inst, err := parseStart([]byte(s))
	if wantErr != "" {
		require.Error(t, err, "%q", s)
		require.Equal(t, wantErr, err.Error(), "%q", s)
		require.True(t, errors.Is(err, ErrTimestamp), "%q", s)
		return
	}
	require.NoError(t, err, "%q", s)
	require.Equal(t, wantMonth, p, "%q", s)
	var fresh frozenStart
	require.Equal(t, fresh.instant([]byte(s)), inst[:], "%q", s)
	require.Equal(t, cached.instant([]byte(s)), inst[:], "%q after %q", s, before)
}

// startForms are usage starts of every form a reader meets, valid and not.
var startForms = []string{
	"2026-10-21T08:00:00Z", "2026-10-21 08:00:00", "2026-10-21T08:00:00", "2026-10-21 08:00:00.000",
	"2026-10-21T17:00:00+09:00", "2026-10-21T08:00:00.000Z", "2026-10-21T08:00:00.5Z", "2026-10-21 23:59:59",
	"2024-02-29T23:59:59Z", "2026-12-31T23:59:59-01:00", "2026-01-01T00:00:00+14:00", "2026-10-21T08:00:00.123456789Z",
	"2026-10-01 00:00:00.123", "0001-01-01T00:00:00Z", "9999-12-31 23:59:59",
	"", "x", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "0000-01-01T00:00:00.5Z",
	"2026-10-21T24:00:00Z", "2026-10-21T08:60:00Z", "2026-10-21T08:00:60Z", "2026-12-31T23:59:60Z",
	"2026-1a-21T08:00:00Z", "2026-10-21T08:00:00Zx", "2026-10-21T0:00:00Z", "/0/0-01-01T00:00:00Z", "2026-10-21",
	"2026-10-21T08:00:0\x00Z", "2026-10-21 08:00:00" + strings.Repeat("0", 60),
}

// TestStartOracle_FrozenParser: every form of usage start, after every other one
// (the frozen cache reused the date of the row before), parses as 9992601^ parsed
// it (see checkStartAgainstFrozen).
func TestStartOracle_FrozenParser(t *testing.T) {
	for _, before := range startForms {
		for _, s := range startForms {
			checkStartAgainstFrozen(t, before, s)
		}
	}
	// Every byte at every position of the two B-1 forms (digits, separators and
	// their neighbours in ASCII, such as '/' and ':'), alone and after the
	// uncorrupted start (the frozen day cache's path).
	for _, good := range []string{"2024-02-29T23:59:59Z", "2026-10-21 08:00:00"} {
		for i := range good {
			for c := range 256 {
				b := []byte(good)
				b[i] = byte(c)
				checkStartAgainstFrozen(t, "", string(b))
				checkStartAgainstFrozen(t, good, string(b))
			}
		}
	}
	// Same day, other times, in each B-1 form: the frozen day cache's path.
	r := rand.New(rand.NewPCG(99, 92))
	for range 2000 {
		form := []string{"2006-01-02T15:04:05Z", "2006-01-02 15:04:05"}[r.IntN(2)]
		day := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		a := day.Add(time.Duration(r.IntN(86400)) * time.Second).Format(form)
		b := day.Add(time.Duration(r.IntN(86400)) * time.Second).Format(form)
		checkStartAgainstFrozen(t, a, b)
	}
}

// FuzzStartOracle: any usage start, after any other, parses as 9992601^ parsed it
// (see checkStartAgainstFrozen).
func FuzzStartOracle(f *testing.F) {
	for i, s := range startForms {
		f.Add(startForms[(i+1)%len(startForms)], s)
	}
	f.Add("2026-10-21T08:00:00Z", "2026-10-21T09:30:01Z")
	f.Add("2026-10-21 08:00:00", "2026-10-21 23:59:59")
	f.Fuzz(func(t *testing.T, before, s string) {
		checkStartAgainstFrozen(t, before, s)
	})
}
