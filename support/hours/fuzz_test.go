package hours

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseCabinetOfficeCSV: any input is refused with ErrInvalid or gives a
// calendar whose holidays are valid, sorted, unique and inside its coverage of whole
// years, and which round-trips through a UTF-8 rendering of the same list.
func FuzzParseCabinetOfficeCSV(f *testing.F) {
	f.Add(syukujitsuCSV)
	f.Add(syukujitsuCSV[:200])
	f.Add([]byte(CabinetOfficeHeader + "\n2026/9/22,休日\n"))
	f.Add([]byte("\uFEFF" + CabinetOfficeHeader + "\r\n2026/9/22,\"a,b\"\r\n"))
	f.Add(shiftJIS(f, CabinetOfficeHeader+"\r\n2026/9/22,休日\r\n2026/9/23,秋分の日"))
	f.Add([]byte(CabinetOfficeHeader + "\n0000/2/29,x\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		c, err := ParseCabinetOfficeCSV(bytes.NewReader(input))
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		all := c.Between(c.From(), c.Until())
		require.Len(t, all, c.Len())
		require.Equal(t, 1, int(c.From().Month))
		require.Equal(t, 1, c.From().Day)
		require.Equal(t, 12, int(c.Until().Month))
		require.Equal(t, 31, c.Until().Day)
		var out bytes.Buffer
		out.WriteString(CabinetOfficeHeader + "\r\n")
		w := csv.NewWriter(&out)
		w.UseCRLF = true
		for i, h := range all {
			require.True(t, h.Date.Valid())
			require.True(t, c.CoversDate(h.Date))
			if i > 0 {
				require.Equal(t, 1, h.Date.Compare(all[i-1].Date))
			}
			got, ok := c.Lookup(h.Date)
			require.True(t, ok)
			require.Equal(t, h, got)
			require.NoError(t, w.Write([]string{fmt.Sprintf("%04d/%d/%d", h.Date.Year, h.Date.Month, h.Date.Day), h.Name}))
		}
		w.Flush()
		again, err := ParseCabinetOfficeCSV(&out)
		require.NoError(t, err, out.String())
		require.Equal(t, all, again.Between(again.From(), again.Until()))
		require.Equal(t, c.From(), again.From())
		require.Equal(t, c.Until(), again.Until())
	})
}
