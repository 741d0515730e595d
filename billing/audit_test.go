package billing

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestB10_ConversionTotalKeepsLinesWithCredits: converting per invoice total
// (B-10) rounds the converted total once; each line then shows its own converted
// amount, off by less than one minor unit so that the lines still sum to the
// subtotal. A credit line must not make the other lines grow or shrink with the
// ratio of the rounded total to the exact one (USD 100 at 150 is ¥15,000, never
// ¥0 or ¥20,000).
func TestB10_ConversionTotalKeepsLinesWithCredits(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ec2, credit string
		mode        money.RoundingMode
		lines       []string // EC2 line, credits line
		subtotal    string
	}{
		// exact 15000 and −14999.85: total 0.15 → 0
		{"total rounds to zero", "100", "-99.999", money.HalfUp, []string{"15000", "-15000"}, "0"},
		// exact 15000 and −14999.1: total 0.9 → 1
		{"total rounds up", "100", "-99.994", money.HalfUp, []string{"15000", "-14999"}, "1"},
		// exact 150000 and −134999.4: total 15000.6 → 15000 (floor)
		{"floor", "1000", "-899.996", money.Floor, []string{"150000", "-135000"}, "15000"},
		// no credit: the lines are their exact conversion when it is whole
		{"no rounding needed", "100", "-10", money.HalfUp, []string{"15000", "-1500"}, "13500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &Config{
				Issuer: Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
				Projects: []Project{{ID: "p", Currency: money.JPY, ExchangeRate: dec("150"), Accounts: []string{acctA},
					Conversion: ConversionTotal, ConversionRounding: tc.mode, SupportFee: &SupportFee{Rate: dec("0")}}},
			}
			res, err := Compute(cfg, aggregate(t,
				row{acct: acctA, code: "AmazonEC2", cost: tc.ec2},
				row{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: tc.credit}))
			require.NoError(t, err)
			inv := res.Invoices[0]
			var got []string
			for _, l := range inv.Lines {
				got = append(got, l.Amount.String())
			}
			assert.Equal(t, tc.lines, got)
			assert.Equal(t, tc.subtotal, inv.Subtotal.String())
		})
	}
}

// TestB3_CURReservedInstanceUpfrontFeeNotListPriced: on the public_on_demand
// basis a commitment purchase is not charged, its covered usage is charged at list
// price instead (B-3). In CUR a Reserved Instance's upfront payment is a Fee row
// of a "HeavyUsage" usage type (the row IsUpfront leaves out of alarms, B-15),
// with no public price: it must count zero at list price, as the FOCUS purchase
// of a commitment does, not its unblended cost on top of the covered usage at
// list price. On the unblended basis it counts where AWS billed it. Other Fee
// rows are not commitments and count. The projected Aggregator (NewAggregatorFor)
// gives the same invoice.
func TestB3_CURReservedInstanceUpfrontFeeNotListPriced(t *testing.T) {
	rows := []row{
		{acct: acctA, code: "AmazonEC2", typ: "Fee", usage: "APN1-HeavyUsage:m5.large", cost: "1000"},                              // RI upfront
		{acct: acctA, code: "AmazonEC2", typ: "RIFee", usage: "APN1-HeavyUsage:m5.large", cost: "50"},                              // its recurring fee
		{acct: acctA, code: "AmazonEC2", typ: "DiscountedUsage", usage: "APN1-BoxUsage:m5.large", cost: "0", public: "120.5"},      // covered
		{acct: acctA, code: "AmazonRDS", typ: "Fee", usage: "APN1-HeavyUsage:db.r5.large", cost: "300"},                            // RDS RI upfront
		{acct: acctA, code: "AmazonRDS", typ: "DiscountedUsage", usage: "APN1-InstanceUsage:db.r5.large", cost: "0", public: "40"}, // covered
		{acct: acctA, code: "AWSDataTransfer", typ: "Fee", usage: "APN1-SomeFee", cost: "7"},                                       // not a commitment
	}
	for _, tc := range []struct {
		basis   CostBasis
		charges string
	}{
		{CostBasisUnblended, "1357"},       // 1000 + 50 + 0 + 300 + 0 + 7
		{CostBasisPublicOnDemand, "167.5"}, // 0 + 0 + 120.5 + 0 + 40 + 7
	} {
		cfg := issueConfig()
		cfg.Projects[0].PricingRules = nil
		cfg.Projects[0].CostBasis = tc.basis
		full, err := Compute(cfg, aggregate(t, rows...))
		require.NoError(t, err)
		assert.Equal(t, tc.charges, full.Invoices[0].ChargesUSD.String(), tc.basis)

		proj := NewAggregatorFor(oct, cfg)
		for _, r := range rows {
			require.NoError(t, proj.Add(r.item()))
		}
		projected, err := Compute(cfg, proj)
		require.NoError(t, err)
		assert.Equal(t, tc.charges, projected.Invoices[0].ChargesUSD.String(), "projected, %s", tc.basis)
	}
}
