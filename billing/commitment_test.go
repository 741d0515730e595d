package billing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// focusItem is a FOCUS line item of October 2026 of acctA's EC2.
func focusItem(category, billed, list, commitmentID, status string) *LineItem {
	return &LineItem{Format: FormatFOCUS, Period: oct, AccountID: []byte(acctA), ProductCode: []byte("AmazonEC2"),
		ProductName: []byte("Amazon Elastic Compute Cloud"), LineItemType: []byte(category), BillingEntity: []byte("AWS"),
		Cost: []byte(billed), PublicCost: []byte(list), CommitmentDiscountID: []byte(commitmentID),
		CommitmentDiscountStatus: []byte(status)}
}

// TestB3_FOCUSCommitmentNotListPriced: which FOCUS rows count zero on the
// public_on_demand basis (B-3): a commitment's purchase and its unused part, and
// nothing else.
func TestB3_FOCUSCommitmentNotListPriced(t *testing.T) {
	for _, tc := range []struct {
		name string
		li   *LineItem
		want bool
	}{
		{"commitment purchase", focusItem("Purchase", "100", "100", "sp-1", ""), true},
		{"unused commitment", focusItem("Usage", "0", "78.60", "sp-1", "Unused"), true},
		{"unused, other case", focusItem("Usage", "0", "78.60", "sp-1", "unused"), true},
		{"covered usage: charged at list", focusItem("Usage", "0", "78.60", "sp-1", "Used"), false},
		{"purchase of no commitment", focusItem("Purchase", "12", "12", "", ""), false},
		{"credit of a commitment", focusItem("Credit", "-5", "", "sp-1", ""), false},
		{"CUR: its line item types decide", &LineItem{Format: FormatCURLegacy, LineItemType: []byte("Purchase"),
			CommitmentDiscountID: []byte("sp-1"), CommitmentDiscountStatus: []byte("Unused")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CommitmentNotListPriced(tc.li))
		})
	}
}

// TestB3_FOCUSCommitmentRowsCountZeroAtListPrice: the Aggregator zeroes the public
// cost of a commitment's purchase and unused rows row by row, so they may share a
// group with rows that count (a purchase of no commitment), and a null ListCost
// does not fall back to the purchase's BilledCost; their unblended cost stays.
func TestB3_FOCUSCommitmentRowsCountZeroAtListPrice(t *testing.T) {
	a := NewAggregator(oct)
	for _, li := range []*LineItem{
		focusItem("Purchase", "1000", "1000", "ri-1", ""), // the commitment's upfront fee: 0 at list
		focusItem("Purchase", "100", "", "ri-1", ""),      // its recurring fee, null ListCost: 0, not 100
		focusItem("Purchase", "12", "12", "", ""),         // another purchase: 12 at list
		focusItem("Usage", "0", "75.35", "ri-1", "Used"),  // covered: 75.35 at list
		focusItem("Usage", "0", "75.35", "ri-1", "Unused"),
		focusItem("Tax", "111.2", "111.2", "", ""),
	} {
		require.NoError(t, a.Add(li))
	}
	sums := map[string][2]string{}
	for _, g := range a.Groups() {
		sums[g.LineItemType] = [2]string{g.Cost.String(), g.PublicCost.String()}
	}
	assert.Equal(t, map[string][2]string{
		"Purchase": {"1112", "12"},     // 1000 + 100 + 12; 0 + 0 + 12
		"Usage":    {"0", "75.35"},     // 0 + 0; 75.35 + 0
		"Tax":      {"111.2", "111.2"}, // excluded on either basis (B-4)
	}, sums)

	for _, tc := range []struct {
		basis   CostBasis
		charges string
	}{
		{CostBasisUnblended, "1112"},       // 1000 + 100 + 12 + 0 + 0
		{CostBasisPublicOnDemand, "87.35"}, // 0 + 0 + 12 + 75.35 + 0
	} {
		cfg := issueConfig()
		cfg.Projects[0].PricingRules = nil
		cfg.Projects[0].CostBasis = tc.basis
		res, err := Compute(cfg, a)
		require.NoError(t, err)
		assert.Equal(t, tc.charges, res.Invoices[0].ChargesUSD.String(), tc.basis)
		assert.Equal(t, "111.2", res.Invoices[0].ExcludedUSD.Tax.String(), tc.basis)
	}
}
