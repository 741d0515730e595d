package costfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The commitment scenarios below follow the FOCUS specification's appendix
// "Commitment Discounts" (FinOps Foundation, CC BY 4.0): its AWS Savings Plan
// (all upfront, 75 % utilization) and AWS Reserved Instance (partial upfront)
// examples, with their columns, costs and unit prices, cut to a few rows, with a Tax
// row added. What the spec's examples show, and what this file checks:
//
//   - Purchase rows (ChargeCategory Purchase, CommitmentDiscountId set) carry the
//     commitment's payment in BilledCost and the same amount in ListCost;
//   - covered usage (CommitmentDiscountStatus Used) has BilledCost 0 and its list
//     price in ListCost;
//   - unused commitment (CommitmentDiscountStatus Unused) has BilledCost 0 and a
//     ListCost that is the list price in the example CSV and null in its prose;
//   - usage outside the commitment has BilledCost = ListCost.

const commitmentHeader = "BillingPeriodStart,ChargePeriodStart,ChargeCategory,ChargeFrequency,SubAccountId,InvoiceIssuerName," +
	"ProviderName,PublisherName,ServiceName,BilledCost,EffectiveCost,ListCost,BillingCurrency,CommitmentDiscountId," +
	"CommitmentDiscountType,CommitmentDiscountStatus,SkuId\n"

const commitmentAccount = "987654321098"

// commitmentRow is one row of commitmentHeader: hour is the hour of 2026-02-01 the
// charge starts (the purchase starts at 0), status "" is null.
func commitmentRow(hour int, category, frequency, billed, effective, list, id, typ, status, sku string) string {
	null := func(s string) string {
		if s == "" {
			return "NULL"
		}
		return s
	}
	return fmt.Sprintf("2026-02-01T00:00:00Z,2026-02-01T%02d:00:00Z,%s,%s,%s,Amazon Web Services,Amazon Web Services,Amazon Web Services,"+
		"Amazon Elastic Compute Cloud,%s,%s,%s,USD,%s,%s,%s,%s\n",
		hour, category, frequency, commitmentAccount, billed, effective, null(list), null(id), null(typ), null(status), sku)
}

// invoiceCommitments runs a billing month of February 2026 over text on basis and
// returns the one invoice.
func invoiceCommitments(t *testing.T, text string, basis billing.CostBasis) billing.Invoice {
	t.Helper()
	p := filepath.Join(t.TempDir(), "focus.csv")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "p", Currency: money.USD, Accounts: []string{commitmentAccount},
			CostBasis: basis}},
	}
	res, err := billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2026, time.February),
		Issuer: cfg.Issuer, Projects: cfg, Inputs: []billing.Input{File{Path: p, Options: Options{Workers: 2, BlockSize: 1 << 10}}}})
	require.NoError(t, err)
	require.Len(t, res.Invoices, 1)
	assert.Empty(t, res.Unassigned)
	return res.Invoices[0]
}

// TestB3_FOCUSSavingsPlanOnBothBases: a Savings Plan is counted once on each basis
// (B-3). On unblended the customer pays what AWS billed: the purchase, nothing for
// covered or unused hours. On public_on_demand the customer pays the list price of
// the usage: the covered hours at list, nothing for the purchase (it would count the
// commitment twice) and nothing for unused hours (no usage happened).
func TestB3_FOCUSSavingsPlanOnBothBases(t *testing.T) {
	const sp = "arn:aws:savingsplans::123456789012:savingsplan/sp-abc123def456"
	var b strings.Builder
	b.WriteString(commitmentHeader)
	// The spec's all-upfront purchase: $52.40/hour × 8,760 hours = $459,024.00,
	// billed once; EffectiveCost 0 (amortized to the usage rows).
	b.WriteString(commitmentRow(0, "Purchase", "One-Time", "459024.00", "0.00", "459024.00", sp, "Savings Plan", "", "SP-PURCHASE"))
	// 18 covered hours: BilledCost 0, ListCost 78.60 (the spec's list unit price).
	for h := range 18 {
		b.WriteString(commitmentRow(h, "Usage", "Usage-Based", "0.00", "52.40", "78.60", sp, "Savings Plan", "Used", "SP-USED"))
	}
	// 6 unused hours: BilledCost 0; ListCost 78.60 as in the spec's CSV, and null in
	// the last one as in the spec's prose.
	for h := 18; h < 24; h++ {
		list := "78.60"
		if h == 23 {
			list = ""
		}
		b.WriteString(commitmentRow(h, "Usage", "Usage-Based", "0.00", "52.40", list, sp, "Savings Plan", "Unused", "SP-UNUSED"))
	}
	// 3 on-demand hours outside the plan: BilledCost = ListCost = 3.84.
	for h := range 3 {
		b.WriteString(commitmentRow(h, "Usage", "Usage-Based", "3.84", "3.84", "3.84", "", "", "", "ONDEMAND"))
	}
	// AWS's tax on the month's bill: 10 % of 459,035.52 = 45,903.552 → 45,903.55.
	b.WriteString(commitmentRow(0, "Tax", "One-Time", "45903.55", "45903.55", "45903.55", "", "", "", "TAX"))

	for _, tc := range []struct {
		basis   billing.CostBasis
		charges string
	}{
		// BilledCost: 459,024.00 (purchase) + 18 × 0.00 (covered) + 6 × 0.00 (unused)
		// + 3 × 3.84 (on demand) = 459,024.00 + 11.52 = 459,035.52.
		{billing.CostBasisUnblended, "459035.52"},
		// ListCost: 0 (purchase: the commitment) + 18 × 78.60 (covered at list) = 1,414.80
		// + 0 (unused, whether 5 × 78.60 or null) + 3 × 3.84 = 11.52 → 1,426.32.
		// Counting the purchase's ListCost and the unused rows' as before gave
		// 459,024.00 + 1,414.80 + 5 × 78.60 + 11.52 = 460,843.32: the plan twice.
		{billing.CostBasisPublicOnDemand, "1426.32"},
	} {
		t.Run(string(tc.basis), func(t *testing.T) {
			inv := invoiceCommitments(t, b.String(), tc.basis)
			assert.Equal(t, tc.basis, inv.CostBasis)
			assert.Equal(t, tc.charges, inv.ChargesUSD.String())
			assert.Equal(t, tc.charges, inv.ChargesBeforePricingUSD.String())
			// Tax is AWS's, the reseller's input tax, on either basis (B-4).
			assert.Equal(t, "45903.55", inv.ExcludedUSD.Tax.String())
			assert.True(t, inv.CreditsUSD.IsZero())
			// The support fee is 10 % of the charges (B-7): 45,903.552 or 142.632.
			assert.Equal(t, money.MustParse(tc.charges).MulPercent(money.MustParse("10")).String(), inv.SupportFeeUSD.String())
		})
	}
}

// TestB3_FOCUSReservedInstanceOnBothBases: the same for a Reserved Instance bought
// partial upfront (B-3): two Purchase rows (one-time and recurring), covered hours,
// an unused hour. The recurring fee here has a null ListCost, as a generator may
// write it: it still counts zero at list price, not its BilledCost.
func TestB3_FOCUSReservedInstanceOnBothBases(t *testing.T) {
	const ri = "arn:aws:ec2:us-east-1:123456789012:reserved-instances/ri-0abc123def456"
	var b strings.Builder
	b.WriteString(commitmentHeader)
	// The spec's partial upfront purchase: $220,000.00 once and $18,333.33 a month.
	b.WriteString(commitmentRow(0, "Purchase", "One-Time", "220000.00", "0.00", "220000.00", ri, "Reserved Instance", "", "RI-UPFRONT"))
	b.WriteString(commitmentRow(0, "Purchase", "Recurring", "18333.33", "0.00", "", ri, "Reserved Instance", "", "RI-RECURRING"))
	// 3 covered hours at the spec's list unit price 75.35, and one unused hour.
	for h := range 3 {
		b.WriteString(commitmentRow(h, "Usage", "Usage-Based", "0.00", "50.23", "75.35", ri, "Reserved Instance", "Used", "RI-USED"))
	}
	b.WriteString(commitmentRow(3, "Usage", "Usage-Based", "0.00", "50.23", "75.35", ri, "Reserved Instance", "Unused", "RI-UNUSED"))
	// 2 on-demand hours: 5.84 each.
	for h := range 2 {
		b.WriteString(commitmentRow(h, "Usage", "Usage-Based", "5.84", "5.84", "5.84", "", "", "", "ONDEMAND"))
	}
	// Tax: 10 % of 238,345.01 = 23,834.501 → 23,834.50.
	b.WriteString(commitmentRow(0, "Tax", "One-Time", "23834.50", "23834.50", "23834.50", "", "", "", "TAX"))

	for _, tc := range []struct {
		basis   billing.CostBasis
		charges string
	}{
		// BilledCost: 220,000.00 + 18,333.33 (purchases) + 3 × 0.00 + 0.00 + 2 × 5.84
		// = 238,333.33 + 11.68 = 238,345.01.
		{billing.CostBasisUnblended, "238345.01"},
		// ListCost: 0 + 0 (purchases, the null one too) + 3 × 75.35 = 226.05 + 0 (unused)
		// + 2 × 5.84 = 11.68 → 237.73.
		{billing.CostBasisPublicOnDemand, "237.73"},
	} {
		t.Run(string(tc.basis), func(t *testing.T) {
			inv := invoiceCommitments(t, b.String(), tc.basis)
			assert.Equal(t, tc.charges, inv.ChargesUSD.String())
			assert.Equal(t, "23834.5", inv.ExcludedUSD.Tax.String())
		})
	}
}

// TestB3_FOCUSCommitmentColumnsAreRead: the reader hands CommitmentDiscountId and
// CommitmentDiscountStatus to the engine (NULL is empty); CUR has neither.
func TestB3_FOCUSCommitmentColumnsAreRead(t *testing.T) {
	text := commitmentHeader +
		commitmentRow(0, "Usage", "Usage-Based", "0.00", "52.40", "78.60", "sp-1", "Savings Plan", "Unused", "SKU") +
		commitmentRow(1, "Usage", "Usage-Based", "1.00", "1.00", "1.00", "", "", "", "SKU")
	var got [][2]string
	sink := sinkFunc(func(li *billing.LineItem) error {
		got = append(got, [2]string{string(li.CommitmentDiscountID), string(li.CommitmentDiscountStatus)})
		return nil
	})
	_, err := Scan(context.Background(), "focus.csv", strings.NewReader(text), func() billing.Sink { return sink }, Options{Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, [][2]string{{"sp-1", "Unused"}, {"", ""}}, got)

	got = nil
	legacy := legacyHeader + legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2", "u", "o", "1", "d", "n", "AWS", "1", "")
	_, err = Scan(context.Background(), "cur.csv", strings.NewReader(legacy), func() billing.Sink { return sink }, Options{Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, [][2]string{{"", ""}}, got)
}

// sinkFunc is a Sink of one function.
type sinkFunc func(li *billing.LineItem) error

func (f sinkFunc) Add(li *billing.LineItem) error { return f(li) }
