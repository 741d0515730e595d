package costfile

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitAll splits the first record of data recording every field, as the header is
// split: its result is the reference for a splitter that wants some fields only.
func splitAll(data []byte) (fields []string, n, nl int, err error) {
	var sp splitter
	n, nl, err = sp.split(data)
	if err != nil {
		return nil, n, nl, err
	}
	rec := data[:n]
	for i := range sp.nfields() {
		fields = append(fields, string(sp.field(rec, i)))
	}
	return fields, n, nl, nil
}

// TestSplitWantedFieldsOnly: a splitter that records some fields only (want) splits
// every record as one that records them all — the same length, newlines, field count
// and error — and gives the same value for each wanted field, wherever the wanted
// fields, quotes and commas fall relative to its eight-byte steps.
func TestSplitWantedFieldsOnly(t *testing.T) {
	records := []string{
		"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z\n",
		",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n",
		"123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,APN1-BoxUsage:t3.micro,RunInstances,0.0136,1\r\n",
		`x,"a,b",y,"c""d""e",z,"multi` + "\n" + `line",last` + "\n",
		`"",,"",,"""",` + "\n",
		"no newline at the end,1,2,3,4,5,6,7,8,9,10",
		"a,b\"c,d\n",      // a bare quote
		`a,"b"c,d` + "\n", // text after a closing quote
		`a,"never closed,d` + "\n",
		"lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,x,y,z,w\n",
	}
	// Long records: fields of any length, empty runs, quoted fields with commas,
	// doubled quotes and newlines, so that wanted fields fall at every offset of
	// the spans the splitter counts at once.
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		var b strings.Builder
		for i := range 20 + r.IntN(200) {
			if i > 0 {
				b.WriteByte(',')
			}
			switch k := r.IntN(10); {
			case k < 3: // empty
			case k == 3:
				b.WriteString(`"q,` + strings.Repeat("x", r.IntN(30)) + `""y` + "\n" + `z"`)
			default:
				b.WriteString(strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(2+r.IntN(40))))
			}
		}
		b.WriteString([]string{"\n", "\r\n", ""}[r.IntN(3)])
		records = append(records, b.String())
	}
	for k, rec := range records {
		all, n, nl, err := splitAll([]byte(rec))
		ncols := len(all)
		if err != nil {
			ncols = 9
		}
		random := make([]int, 0, ncols)
		for c := range ncols {
			if r.IntN(1+k%7) == 0 {
				random = append(random, c)
			}
		}
		for _, cols := range [][]int{nil, {0}, {ncols - 1}, {1, 3, 5}, {2, 7, 8, 20}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, random} {
			var sp splitter
			sp.want(ncols, cols)
			gn, gnl, gerr := sp.split([]byte(rec))
			if err != nil {
				require.Error(t, gerr, "%q want %v", rec, cols)
				assert.Equal(t, err.Error(), gerr.Error(), "%q want %v", rec, cols)
				continue
			}
			require.NoError(t, gerr, "%q want %v", rec, cols)
			assert.Equal(t, []int{n, nl, len(all)}, []int{gn, gnl, sp.nfields()}, "%q want %v", rec, cols)
			for _, c := range cols {
				if c >= 0 && c < len(all) {
					assert.Equal(t, all[c], string(sp.field([]byte(rec)[:gn], c)), "%q field %d", rec, c)
				}
			}
		}
	}
}

// FuzzSplitWanted: on any input, a splitter that records some fields only agrees
// with one that records every field (see TestSplitWantedFieldsOnly).
func FuzzSplitWanted(f *testing.F) {
	f.Add([]byte("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s\n"), uint64(0x5))
	f.Add([]byte(`x,"a,b",y,"c""d""e",z,"multi`+"\n"+`line",last`+"\r\n"), uint64(0xffff))
	f.Add([]byte(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"), uint64(1<<40|1<<3))
	f.Fuzz(func(t *testing.T, data []byte, mask uint64) {
		var ref splitter
		n, nl, err := ref.split(data)
		ncols := ref.nfields()
		var cols []int
		for i := range 64 {
			if mask&(1<<i) != 0 {
				cols = append(cols, i)
			}
		}
		var sp splitter
		sp.want(ncols, cols)
		gn, gnl, gerr := sp.split(data)
		require.Equal(t, err == nil, gerr == nil, "%v / %v", err, gerr)
		require.Equal(t, []int{n, nl, ncols}, []int{gn, gnl, sp.nfields()})
		if err != nil {
			require.Equal(t, err.Error(), gerr.Error())
			return
		}
		for _, c := range cols {
			if c < ncols {
				require.Equal(t, string(ref.field(data[:n], c)), string(sp.field(data[:gn], c)), "field %d", c)
			}
		}
	})
}
