package costfile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB9_TagColumnExactCaseFirst (issue 7, item 7): header names ignore case, but AWS
// tag keys do not, so a column in the exact case of the name sought wins over an
// earlier one equal to it ignoring case; without an exact one, the case-insensitive
// one is used (Athena lowercases every column).
func TestB9_TagColumnExactCaseFirst(t *testing.T) {
	base := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,lineItem/CurrencyCode"
	vals := acct7 + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,1,USD"
	for _, tc := range []struct{ name, cols, vals, want string }{
		{"lower case first", "resourceTags/user:cmbillinggroup,resourceTags/user:CmBillingGroup", "lower,exact", "exact"},
		{"exact case first", "resourceTags/user:CmBillingGroup,resourceTags/user:cmbillinggroup", "exact,lower", "exact"},
		{"only lower case (Athena)", "resourceTags/user:cmbillinggroup", "lower", "lower"},
		{"only upper case", "RESOURCETAGS/USER:CMBILLINGGROUP", "upper", "upper"},
		{"two case variants, no exact: the first", "resourceTags/user:CMBillingGroup,resourceTags/user:cmbillinggroup", "first,second", "first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, st, err := scanString(t, base+","+tc.cols+"\n"+vals+","+tc.vals+"\n", Options{})
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Equal(t, tc.want, rows[0].Group)
			assert.Empty(t, st.Warnings)
		})
	}
}

// servicecodeWarning is the warning of a file whose product codes are read from used
// because it has no column want (issue 7, item 7).
func servicecodeWarning(want, used string) string {
	return "no " + want + " column: product codes are read from " + used + ", so service-scoped pricing rules (B-5) and the per-service invoice lines follow " +
		used + ", not " + want + " (data transfer is AWSDataTransfer rather than the service it belongs to, and Tax rows may have no service)"
}
