package billing

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var oct = resellerkit.NewMonth(2026, time.October)

// row builds a CUR line item of October 2026.
type row struct {
	acct, code, name, typ, usage, op, entity, group, cost string
	public                                                string // PublicCost (B-3); empty when the source lacks it
	format                                                Format
	period                                                resellerkit.Month
}

func (r row) item() *LineItem {
	p := r.period
	if p.IsZero() {
		p = oct
	}
	f := r.format
	if f == FormatUnknown {
		f = FormatCURLegacy
	}
	entity := r.entity
	if entity == "" {
		entity = "AWS"
	}
	typ := r.typ
	if typ == "" {
		typ = "Usage"
	}
	return &LineItem{Format: f, Period: p, AccountID: []byte(r.acct), ProductCode: []byte(r.code), ProductName: []byte(r.name),
		LineItemType: []byte(typ), UsageType: []byte(r.usage), Operation: []byte(r.op), BillingEntity: []byte(entity),
		BillingGroup: []byte(r.group), Cost: []byte(r.cost), PublicCost: []byte(r.public)}
}

func aggregate(t testing.TB, rows ...row) *Aggregator {
	a := NewAggregator(oct)
	for _, r := range rows {
		require.NoError(t, a.Add(r.item()))
	}
	return a
}

func dec(s string) *money.Decimal {
	v := money.MustParse(s)
	return &v
}

// pct is a Percent as written, unchecked (Validate checks it).
func pct(s string) Percent { return PercentOf(money.MustParse(s)) }

// month is a Month of a test literal.
func month(s string) resellerkit.Month {
	m, err := resellerkit.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

const acctA, acctB, acctX = "123456789012", "210987654321", "999999999999"

// issueConfig is the configuration of the issue's CLI contract.
func issueConfig() *Config {
	return &Config{
		Issuer: Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Tax:    Tax{Rate: dec("0.10"), Rounding: new(money.Floor)},
		Projects: []Project{{
			ID: "proj-a", Name: "Project A", Currency: "JPY", ExchangeRate: dec("151.37"),
			Accounts:   []string{acctA},
			SupportFee: &SupportFee{Rate: dec("0.10")},
			PricingRules: []PricingRule{
				{Scope: "global", Type: "markup", Percent: pct("5")},
				{Scope: "billing_entity", BillingEntity: "AWS", Type: "discount", Percent: pct("1")},
				{Scope: "service", Service: "AmazonEC2", Type: "discount", Percent: pct("3")},
				{Scope: "sku", Service: "AmazonRDS", UsageType: "APN1-InstanceUsage:db.r6g.large", Operation: "CreateDBInstance:0016", Type: "discount", Percent: pct("12.5")},
			},
		}},
	}
}

func TestB2_Classify(t *testing.T) {
	for _, tc := range []struct {
		r       row
		kind    Kind
		unknown bool
	}{
		{row{typ: "Usage"}, KindCharge, false},
		{row{typ: "DiscountedUsage"}, KindCharge, false},
		{row{typ: "SavingsPlanCoveredUsage"}, KindCharge, false},
		{row{typ: "SavingsPlanNegation"}, KindCharge, false},
		{row{typ: "SavingsPlanUpfrontFee"}, KindCharge, false},
		{row{typ: "SavingsPlanRecurringFee"}, KindCharge, false},
		{row{typ: "Fee"}, KindCharge, false},
		{row{typ: "RIFee"}, KindCharge, false},
		{row{typ: "BundledDiscount"}, KindCharge, false},
		{row{typ: "RiVolumeDiscount"}, KindCharge, false},
		{row{typ: "Credit"}, KindCredit, false},
		{row{typ: "Refund"}, KindCredit, false},
		{row{typ: "Tax"}, KindTax, false},                      // B-4
		{row{typ: "EdpDiscount"}, KindResellerDiscount, false}, // B-3
		{row{typ: "PrivateRateDiscount"}, KindResellerDiscount, false},
		{row{typ: "SppDiscount"}, KindResellerDiscount, false},
		{row{typ: "DistributorDiscount"}, KindResellerDiscount, false},
		{row{typ: "SomethingNew"}, KindCharge, true},
		{row{typ: "usage"}, KindCharge, true}, // types are case-sensitive
		{row{typ: "Usage", code: "AWSSupportBusiness"}, KindAWSSupport, false},
		{row{typ: "Refund", code: "x", name: "AWS Support (Business)"}, KindAWSSupport, false},
		{row{typ: "Usage", name: "AWS Premium Support"}, KindAWSSupport, false},
		{row{typ: "Tax", code: "AWSSupportBusiness"}, KindTax, false},
		{row{format: FormatFOCUS, typ: "Usage"}, KindCharge, false},
		{row{format: FormatFOCUS, typ: "Purchase"}, KindCharge, false},
		{row{format: FormatFOCUS, typ: "Adjustment"}, KindCharge, false},
		{row{format: FormatFOCUS, typ: "Credit"}, KindCredit, false},
		{row{format: FormatFOCUS, typ: "Tax"}, KindTax, false},
		{row{format: FormatFOCUS, typ: "Refund"}, KindCharge, true},
	} {
		t.Run(fmt.Sprintf("%s/%s/%s%s", tc.r.format, tc.r.typ, tc.r.code, tc.r.name), func(t *testing.T) {
			c := Classify(tc.r.item())
			assert.Equal(t, tc.kind, c.Kind)
			assert.Equal(t, tc.unknown, c.Unknown)
		})
	}
}

func TestB8_MarketplaceAndDomains(t *testing.T) {
	for _, tc := range []struct {
		r                   row
		marketplace, domain bool
	}{
		{row{entity: "AWS Marketplace"}, true, false},
		{row{entity: "AWS"}, false, false},
		{row{code: "AmazonRegistrar"}, false, true},
		{row{code: "AmazonRoute53", op: "RegisterDomain"}, false, true},
		{row{code: "AmazonRoute53", op: "RenewDomain"}, false, true},
		{row{code: "AmazonRoute53", op: "TransferDomain"}, false, true},
		{row{code: "AmazonRoute53", op: "ChangeResourceRecordSets"}, false, false},
		{row{code: "AmazonRoute53", usage: "Global-DomainRegistration-com"}, false, true},
	} {
		c := Classify(tc.r.item())
		assert.Equal(t, tc.marketplace, c.Marketplace, "%+v", tc.r)
		assert.Equal(t, tc.domain, c.DomainRegistration, "%+v", tc.r)
	}
}

// issueRows exercise every default rule of the issue on account A, plus an
// unassigned account; the expected amounts are computed by hand in TestB12_Invoice.
func issueRows() []row {
	return []row{
		{acct: acctA, code: "AmazonEC2", cost: "60.00"},
		{acct: acctA, code: "AmazonEC2", cost: "40"}, // same group: 100 → service rule −3% → 97
		{acct: acctA, code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", cost: "200"}, // sku −12.5% → 175
		{acct: acctA, code: "AmazonRDS", usage: "APN1-RDS:StorageUsage", op: "CreateDBInstance", cost: "50"},                 // entity AWS −1% → 49.5
		{acct: acctA, code: "prod-abc", entity: "AWS Marketplace", cost: "30"},                                               // not priced → 30, not in base
		{acct: acctA, code: "AmazonS3", entity: "AISPL", cost: "10"},                                                         // global +5% → 10.5
		{acct: acctA, code: "AmazonRegistrar", cost: "12"},                                                                   // −1% → 11.88, not in base
		{acct: acctA, code: "AmazonEC2", typ: "Tax", cost: "20"},                                                             // excluded (B-4)
		{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-5"},                                                          // credits
		{acct: acctA, code: "AmazonEC2", typ: "EdpDiscount", cost: "-3"},                                                     // excluded (B-3)
		{acct: acctA, code: "AWSSupportBusiness", cost: "100"},                                                               // excluded (B-7)
		{acct: acctX, code: "AmazonEC2", cost: "7.5"},                                                                        // unassigned
	}
}

func TestB12_Invoice(t *testing.T) {
	res, err := Compute(issueConfig(), aggregate(t, issueRows()...))
	require.NoError(t, err)
	require.Len(t, res.Invoices, 1)
	inv := res.Invoices[0]
	assert.Equal(t, "373.88", inv.ChargesUSD.String()) // 97 + 175 + 49.5 + 30 + 10.5 + 11.88
	assert.Equal(t, "402", inv.ChargesBeforePricingUSD.String())
	assert.Equal(t, "332", inv.SupportFeeBaseUSD.String()) // minus Marketplace 30, domain 11.88
	assert.Equal(t, "33.2", inv.SupportFeeUSD.String())
	assert.Equal(t, "-5", inv.CreditsUSD.String())
	assert.Equal(t, "20", inv.ExcludedUSD.Tax.String())
	assert.Equal(t, "-3", inv.ExcludedUSD.ResellerDiscount.String())
	assert.Equal(t, "100", inv.ExcludedUSD.AWSSupport.String())

	type l struct{ kind, svc, usd, amt string }
	var got []l
	for _, x := range inv.Lines {
		got = append(got, l{string(x.Kind), x.Service, x.AmountUSD.String(), x.Amount.String()})
	}
	assert.Equal(t, []l{
		{"service", "AmazonEC2", "97", "14683"},         // 14682.89
		{"service", "AmazonRDS", "224.5", "33983"},      // 33982.565
		{"service", "AmazonRegistrar", "11.88", "1798"}, // 1798.2756
		{"service", "AmazonS3", "10.5", "1589"},         // 1589.385
		{"service", "prod-abc", "30", "4541"},           // 4541.1
		{"credits", "", "-5", "-757"},                   // −756.85, half away from zero
		{"support_fee", "", "33.2", "5025"},             // 5025.484
	}, got)
	assert.Equal(t, "60862", inv.Subtotal.String())
	assert.Equal(t, "6086", inv.Tax.String()) // floor(6086.2)
	assert.Equal(t, "66948", inv.Total.String())
	assert.Equal(t, "151.37", inv.ExchangeRate.String())

	require.Len(t, inv.Accounts, 1)
	assert.Equal(t, "373.88", inv.Accounts[0].ChargesUSD.String())
	require.Len(t, res.Unassigned, 1)
	assert.Equal(t, acctX, res.Unassigned[0].AccountID)
	assert.Equal(t, "7.5", res.Unassigned[0].ChargesUSD.String())
	assert.Equal(t, int64(1), res.Unassigned[0].Rows)
	assert.Contains(t, res.Warnings[0], acctX)
}

func TestB5_PricingRules(t *testing.T) {
	cfg := issueConfig()
	for _, tc := range []struct {
		name string
		r    row
		want string
	}{
		{"sku beats service and entity", row{code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", cost: "100"}, "87.5"},
		{"sku needs all three", row{code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0002", cost: "100"}, "99"},
		{"service beats entity", row{code: "AmazonEC2", cost: "100"}, "97"},
		{"entity beats global", row{code: "AmazonS3", cost: "100"}, "99"},
		{"global", row{code: "AmazonS3", entity: "AISPL", cost: "100"}, "105"},
		{"marketplace not priced", row{code: "AmazonEC2", entity: "AWS Marketplace", cost: "100"}, "100"},
		{"tiny amounts stay exact", row{code: "AmazonEC2", cost: "0.0000000001"}, "0.000000000097"},
		{"negative (SP negation) priced too", row{code: "AmazonEC2", typ: "SavingsPlanNegation", cost: "-100"}, "-97"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.acct = acctA
			res, err := Compute(cfg, aggregate(t, tc.r))
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Invoices[0].ChargesUSD.String())
		})
	}
	// Percentages distribute over sums (DESIGN rule 5): pricing 3 rows one by one equals pricing their sum.
	rows := []row{{acct: acctA, code: "AmazonEC2", cost: "0.0000000003"}, {acct: acctA, code: "AmazonEC2", cost: "1.0000000001"}, {acct: acctA, code: "AmazonEC2", cost: "2.3333333333"}}
	sum := money.Decimal{}
	for _, r := range rows {
		res, err := Compute(cfg, aggregate(t, r))
		require.NoError(t, err)
		sum = sum.Add(res.Invoices[0].ChargesUSD)
	}
	res, err := Compute(cfg, aggregate(t, rows...))
	require.NoError(t, err)
	assert.Equal(t, sum.String(), res.Invoices[0].ChargesUSD.String())
}

func TestB3_ResellerDiscountsPassThrough(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	cfg.Projects[0].PassResellerDiscounts = true
	res, err := Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "100"}, row{acct: acctA, code: "AmazonEC2", typ: "EdpDiscount", cost: "-3"}))
	require.NoError(t, err)
	assert.Equal(t, "97", res.Invoices[0].ChargesUSD.String())
	assert.True(t, res.Invoices[0].ExcludedUSD.ResellerDiscount.IsZero())
}

// TestB3_CostBasis: a project on the public_on_demand basis is charged the list price
// (PublicCost) of its rows, and the rows that have no public price (an empty
// PublicCost: credits, fees, Marketplace…) at their unblended cost; credits are
// always at their unblended cost. Pricing rules then apply to that basis.
func TestB3_CostBasis(t *testing.T) {
	rows := []row{
		{acct: acctA, code: "AmazonEC2", cost: "70", public: "100"},                                // DiscountedUsage-like: RI rate vs list
		{acct: acctA, code: "AmazonEC2", typ: "SavingsPlanCoveredUsage", cost: "50", public: "50"}, // covered usage at on-demand
		{acct: acctA, code: "AmazonEC2", typ: "SavingsPlanNegation", cost: "-50", public: "0"},     // negation has no list price
		{acct: acctA, code: "AmazonEC2", cost: "0.0000000001", public: "0.0000000003"},             // exact at 1e-10
		{acct: acctA, code: "AmazonS3", typ: "Fee", cost: "12.5"},                                  // no public price: unblended
		{acct: acctA, code: "prod-mp", entity: "AWS Marketplace", cost: "30", public: ""},          // Marketplace: unblended
		{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-5", public: "0"},                   // credits: always unblended
		{acct: acctA, code: "AmazonEC2", typ: "Tax", cost: "7", public: ""},                        // excluded either way
		{acct: acctA, code: "AmazonEC2", cost: "1E-11", public: "2E-11"},                           // slow path
		{acct: acctA, code: "AmazonRDS", typ: "SavingsPlanCoveredUsage", cost: "20", public: "25"},
		{acct: acctA, code: "AmazonRDS", typ: "SavingsPlanNegation", cost: "-20"},              // no public cost: AWS's discount, 0 at list price
		{acct: acctA, code: "ComputeSavingsPlans", typ: "SavingsPlanRecurringFee", cost: "15"}, // the commitment: 0 at list price
	}
	for _, tc := range []struct {
		basis                   CostBasis
		charges, before, credit string
	}{
		{"", "127.50000000011", "127.50000000011", "-5"},
		{CostBasisUnblended, "127.50000000011", "127.50000000011", "-5"},
		{CostBasisPublicOnDemand, "217.50000000032", "217.50000000032", "-5"}, // 100 + 50 + 0 + 3e-10 + 12.5 + 30 + 2e-11 + 25 + 0 + 0
	} {
		t.Run("basis="+string(tc.basis), func(t *testing.T) {
			cfg := issueConfig()
			cfg.Projects[0].PricingRules = nil
			cfg.Projects[0].CostBasis = tc.basis
			res, err := Compute(cfg, aggregate(t, rows...))
			require.NoError(t, err)
			inv := res.Invoices[0]
			assert.Equal(t, tc.charges, inv.ChargesUSD.String())
			assert.Equal(t, tc.before, inv.ChargesBeforePricingUSD.String())
			assert.Equal(t, tc.credit, inv.CreditsUSD.String())
			assert.Equal(t, "7", inv.ExcludedUSD.Tax.String())
			want := tc.basis
			if want == "" {
				want = CostBasisUnblended
			}
			assert.Equal(t, want, inv.CostBasis)
		})
	}
	// Markups apply to the list price: 100 list × 1.05 = 105 (not 70 × 1.05).
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = []PricingRule{{Scope: "global", Type: "markup", Percent: pct("5")}}
	cfg.Projects[0].CostBasis = CostBasisPublicOnDemand
	res, err := Compute(cfg, aggregate(t, rows[0]))
	require.NoError(t, err)
	assert.Equal(t, "105", res.Invoices[0].ChargesUSD.String())
	assert.Equal(t, "100", res.Invoices[0].ChargesBeforePricingUSD.String())

	// The aggregator sums both bases exactly, row by row.
	g := aggregate(t, rows[0], rows[3], rows[4]).Groups()
	require.Len(t, g, 2)
	assert.Equal(t, "70.0000000001", g[0].Cost.String())
	assert.Equal(t, "100.0000000003", g[0].PublicCost.String())
	assert.Equal(t, "12.5", g[1].PublicCost.String()) // empty PublicCost falls back to Cost

	// A malformed public cost is an error naming it and changes nothing.
	a := aggregate(t, rows[0])
	err = a.Add(row{acct: acctA, code: "AmazonEC2", cost: "1", public: "1,5"}.item())
	require.ErrorIs(t, err, money.ErrSyntax)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, FieldPublicCost, fe.Field, "the reader names the column of the field")
	assert.Equal(t, `"1,5" is not a decimal number`, err.Error())
	err = a.Add(row{acct: acctA, code: "AmazonNew", cost: "1", public: "x"}.item())
	require.ErrorIs(t, err, money.ErrSyntax)
	assert.Equal(t, int64(1), a.Rows())
	require.Len(t, a.Groups(), 1)
	assert.Equal(t, "70", a.Groups()[0].Cost.String())
	assert.Equal(t, "100", a.Groups()[0].PublicCost.String())
}

func TestB2_UnknownTypeChargedAndWarned(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	res, err := Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", typ: "BrandNewType", cost: "4"}, row{acct: acctA, code: "AmazonS3", typ: "BrandNewType", cost: "1"}))
	require.NoError(t, err)
	assert.Equal(t, "5", res.Invoices[0].ChargesUSD.String())
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, `line item type "BrandNewType" is unknown (B-2): 2 rows kept as other and charged`, res.Warnings[0])
}

func TestB7_SupportPlans(t *testing.T) {
	for _, tc := range []struct {
		plan SupportPlan
		base string
		want string
	}{
		{PlanBusiness, "85000", "6150"},
		{PlanEnterprise, "1200000", "70500"},
		{PlanBusiness, "500", "100"},
		{PlanBusiness, "10000", "1000"},
		{PlanBusiness, "300000", "15900"}, // 1000 + 4900 + 8500 + 1500
		{PlanBusiness, "0", "100"},
		{PlanBusiness, "-50", "100"},
		{PlanDeveloper, "500", "29"},
		{PlanDeveloper, "10000", "300"},
		{PlanEnterpriseOnRamp, "10000", "5500"},
		{PlanEnterpriseOnRamp, "100000", "10000"},
		{PlanEnterprise, "100000", "15000"},
		{PlanEnterprise, "400000", "32500"}, // 15000 + 17500
		{PlanRate, "332", "33.2"},
		{PlanRate, "-10", "0"},
	} {
		t.Run(fmt.Sprintf("%s/%s", tc.plan, tc.base), func(t *testing.T) {
			assert.Equal(t, tc.want, SupportPlanFee(tc.plan, money.MustParse(tc.base), money.MustParse("0.10")).String())
		})
	}
}

func TestB7_SupportFeeConfig(t *testing.T) {
	rows := []row{{acct: acctA, code: "AmazonEC2", cost: "85000"}}
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	cfg.Projects[0].SupportFee = &SupportFee{Plan: "business"}
	res, err := Compute(cfg, aggregate(t, rows...))
	require.NoError(t, err)
	assert.Equal(t, "6150", res.Invoices[0].SupportFeeUSD.String())

	cfg.Projects[0].SupportFee = nil // default rate 0.10
	res, err = Compute(cfg, aggregate(t, rows...))
	require.NoError(t, err)
	assert.Equal(t, "8500", res.Invoices[0].SupportFeeUSD.String())

	cfg.Projects[0].SupportFee = &SupportFee{Rate: dec("0")}
	res, err = Compute(cfg, aggregate(t, rows...))
	require.NoError(t, err)
	assert.True(t, res.Invoices[0].SupportFeeUSD.IsZero())
	for _, l := range res.Invoices[0].Lines {
		assert.NotEqual(t, LineSupportFee, l.Kind)
	}
}

func TestB11_TaxOncePerInvoice(t *testing.T) {
	cfg := &Config{
		Issuer:   Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []Project{{ID: "p", Currency: "JPY", ExchangeRate: dec("1"), Accounts: []string{acctA, acctB}, SupportFee: &SupportFee{Rate: dec("0")}}},
	}
	res, err := Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "12345"}, row{acct: acctB, code: "AmazonEC2", cost: "23456"}))
	require.NoError(t, err)
	inv := res.Invoices[0]
	require.Len(t, inv.Lines, 2)
	assert.Equal(t, "35801", inv.Subtotal.String())
	assert.Equal(t, "3580", inv.Tax.String()) // not 1234 + 2345 = 3579
	assert.Equal(t, "39381", inv.Total.String())
	assert.Equal(t, []TaxAmount{{Rate: money.MustParse("0.10"), Taxable: money.JPY.Amount(money.MustParse("35801")), Tax: money.JPY.Amount(money.MustParse("3580")), Rounding: money.Floor}}, inv.TaxBreakdown)

	for _, tc := range []struct {
		mode money.RoundingMode
		want string
	}{{money.Floor, "3580"}, {money.Ceil, "3581"}, {money.HalfUp, "3580"}} {
		cfg.Tax.Rounding = &tc.mode
		res, err := Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "12345"}, row{acct: acctB, code: "AmazonEC2", cost: "23456"}))
		require.NoError(t, err)
		assert.Equal(t, tc.want, res.Invoices[0].Tax.String(), tc.mode)
	}
}

func TestB10_Conversion(t *testing.T) {
	rows := []row{
		{acct: acctA, code: "AmazonEC2", cost: "0.005"}, // ×100 = 0.5 yen
		{acct: acctA, code: "AmazonS3", cost: "0.005"},
		{acct: acctA, code: "AmazonSQS", cost: "0.005"},
	}
	cfg := &Config{
		Issuer:   Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []Project{{ID: "p", Currency: "JPY", ExchangeRate: dec("100"), Accounts: []string{acctA}, SupportFee: &SupportFee{Rate: dec("0")}}},
	}
	for _, tc := range []struct {
		conversion Conversion
		rounding   money.RoundingMode
		lines      []string
		subtotal   string
	}{
		{"", money.HalfUp, []string{"1", "1", "1"}, "3"},               // per line, half up (the zero values)
		{ConversionLine, money.HalfEven, []string{"0", "0", "0"}, "0"}, // per line, banker's
		{ConversionLine, money.Floor, []string{"0", "0", "0"}, "0"},
		{ConversionTotal, money.HalfUp, []string{"1", "1", "0"}, "2"}, // 1.5 → 2, largest remainder
		{ConversionTotal, money.Floor, []string{"1", "0", "0"}, "1"},
	} {
		t.Run(string(tc.conversion)+"/"+tc.rounding.String(), func(t *testing.T) {
			cfg.Projects[0].Conversion, cfg.Projects[0].ConversionRounding = tc.conversion, tc.rounding
			res, err := Compute(cfg, aggregate(t, rows...))
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

	usd := &Config{
		Issuer:   Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []Project{{ID: "p", Currency: "USD", Accounts: []string{acctA}, SupportFee: &SupportFee{Rate: dec("0")}}},
	}
	res, err := Compute(usd, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "12.345"}))
	require.NoError(t, err)
	assert.Equal(t, "12.35", res.Invoices[0].Subtotal.String())
	assert.Equal(t, "1.23", res.Invoices[0].Tax.String())
	assert.Equal(t, "1", res.Invoices[0].ExchangeRate.String())
}

func TestB9_BillingGroups(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	res, err := Compute(cfg, aggregate(t,
		row{acct: acctA, code: "AmazonEC2", group: "team-a", cost: "20"},
		row{acct: acctA, code: "AmazonEC2", group: "team-b", cost: "10"},
		row{acct: acctA, code: "AmazonS3", cost: "30"},
		row{acct: acctA, code: "AmazonS3", group: "team-a", cost: "0"},
	))
	require.NoError(t, err)
	bg := res.Invoices[0].Accounts[0].BillingGroups
	require.Len(t, bg, 3)
	type s struct{ g, usd, ratio string }
	var got []s
	for _, b := range bg {
		got = append(got, s{b.Group, b.ChargesUSD.String(), b.Ratio.String()})
	}
	assert.Equal(t, []s{{"", "30", "0.5"}, {"team-a", "20", "0.3333"}, {"team-b", "10", "0.1667"}}, got)

	// Untagged only: no breakdown.
	res, err = Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonS3", cost: "30"}))
	require.NoError(t, err)
	assert.Empty(t, res.Invoices[0].Accounts[0].BillingGroups)
}

func TestB6_CustomItems(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	cfg.Projects[0].SupportFee = &SupportFee{Rate: dec("0")}
	cfg.Projects[0].CustomItems = []CustomItem{
		{Description: "Setup fee", Type: "fee", AmountUSD: dec("50"), Start: month("2026-10")},                                        // one-off, this month
		{Description: "Old setup", Type: "fee", AmountUSD: dec("999"), Start: month("2026-09")},                                       // one-off, last month
		{Description: "Monitoring", Type: "fee", Percent: pct("2.5"), Service: "AmazonEC2", Start: month("2026-01"), Recurring: true}, // 2.5% of EC2
		{Description: "Promo", Type: "credit", AmountUSD: dec("10"), Start: month("2026-10"), End: month("2026-11"), Recurring: true, Account: acctA},
		{Description: "Ended", Type: "credit", AmountUSD: dec("10"), Start: month("2026-01"), End: month("2026-10"), Recurring: true},
	}
	res, err := Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "200"}, row{acct: acctA, code: "AmazonS3", cost: "100"}))
	require.NoError(t, err)
	inv := res.Invoices[0]
	assert.Equal(t, "45", inv.CustomItemsUSD.String()) // 50 + 5 − 10
	var custom []string
	for _, l := range inv.Lines {
		if l.Kind == LineCustom {
			custom = append(custom, l.Description+"="+l.AmountUSD.String())
		}
	}
	assert.Equal(t, []string{"Setup fee=50", "Monitoring=5", "Promo=-10"}, custom)
}

func TestB1_RowsOutsidePeriodNotCharged(t *testing.T) {
	cfg := issueConfig()
	a := aggregate(t,
		row{acct: acctA, code: "AmazonEC2", cost: "100"},
		row{acct: acctA, code: "AmazonEC2", cost: "55", period: resellerkit.NewMonth(2026, 9)},
		row{acct: acctA, code: "AmazonEC2", cost: "55", period: resellerkit.NewMonth(2026, 11)},
		row{acct: acctA, code: "AmazonEC2", cost: "55", period: resellerkit.NewMonth(2026, 9)},
	)
	res, err := Compute(cfg, a)
	require.NoError(t, err)
	assert.Equal(t, "97", res.Invoices[0].ChargesUSD.String())
	assert.Equal(t, RowCounts{InPeriod: 1, OutsidePeriod: 3}, res.Rows)
	assert.Contains(t, res.Warnings, "3 rows outside period 2026-10 were not charged (2026-09: 2, 2026-11: 1)")

	err = a.Add(row{acct: acctA, cost: "1,5", period: resellerkit.NewMonth(2026, 9)}.item())
	require.ErrorIs(t, err, money.ErrSyntax)
}

func TestAggregator_BadCost(t *testing.T) {
	a := NewAggregator(oct)
	require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "1"}.item()))
	for _, bad := range []string{"abc", "1.2.3", "NaN", " 1"} {
		err := a.Add(row{acct: acctA, code: "AmazonEC2", cost: bad}.item())
		require.ErrorIs(t, err, money.ErrSyntax)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, FieldCost, fe.Field)
		assert.Equal(t, fmt.Sprintf("%q is not a decimal number", bad), err.Error())
		err = a.Add(row{acct: acctA, code: "AmazonNew", cost: bad}.item())
		require.Error(t, err)
	}
	assert.Equal(t, int64(1), a.Rows())
	require.Len(t, a.Groups(), 1)
	assert.Equal(t, "1", a.Groups()[0].Cost.String())
	require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: ""}.item())) // null cost is zero
	require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "1.5E-11"}.item()))
	assert.Equal(t, "1.000000000015", a.Groups()[0].Cost.String())
}

func TestAggregator_AddDoesNotAllocate(t *testing.T) {
	a := NewAggregator(oct)
	li := row{acct: acctA, code: "AmazonEC2", name: "Amazon Elastic Compute Cloud", usage: "APN1-BoxUsage:m5.large", op: "RunInstances", group: "team-a", cost: "0.12340000000", public: "0.192"}.item()
	require.NoError(t, a.Add(li))
	allocs := testing.AllocsPerRun(1000, func() { _ = a.Add(li) })
	assert.Zero(t, allocs)
	out := row{acct: acctA, cost: "1", period: resellerkit.NewMonth(2026, 9)}.item()
	require.NoError(t, a.Add(out))
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _ = a.Add(out) }))
}

func TestAggregator_MergePeriods(t *testing.T) {
	err := NewAggregator(oct).Merge(NewAggregator(resellerkit.NewMonth(2026, 9)))
	require.Error(t, err)
}

func randomRows(r *rand.Rand, n int) []row {
	accts := []string{acctA, acctB, acctX, "1234567"}
	codes := []string{"AmazonEC2", "AmazonRDS", "AmazonS3", "AmazonRegistrar", "AWSSupportBusiness", "prod-mp"}
	types := []string{"Usage", "Usage", "Usage", "DiscountedUsage", "SavingsPlanNegation", "Credit", "Refund", "Tax", "EdpDiscount", "Fee", "Odd"}
	groups := []string{"", "", "team-a", "team-b"}
	rows := make([]row, n)
	for i := range rows {
		code := codes[r.IntN(len(codes))]
		entity := "AWS"
		if code == "prod-mp" {
			entity = "AWS Marketplace"
		}
		cost := fmt.Sprintf("%d.%010d", r.IntN(2000)-200, r.IntN(10_000_000_000))
		if r.IntN(20) == 0 {
			cost = fmt.Sprintf("%dE-12", r.IntN(100000)) // slow path
		}
		rows[i] = row{acct: accts[r.IntN(len(accts))], code: code, typ: types[r.IntN(len(types))], entity: entity,
			usage: "APN1-InstanceUsage:db.r6g.large", op: []string{"CreateDBInstance:0016", "RunInstances"}[r.IntN(2)],
			group: groups[r.IntN(len(groups))], cost: cost}
		if r.IntN(30) == 0 {
			rows[i].period = resellerkit.NewMonth(2026, 9)
		}
	}
	return rows
}

func randSource() *rand.Rand { return rand.New(rand.NewPCG(7, 8)) }

func propertyConfig() *Config {
	cfg := issueConfig()
	cfg.Projects[0].Accounts = []string{acctA}
	cfg.Projects = append(cfg.Projects, Project{ID: "proj-b", Currency: "USD", Accounts: []string{acctB}, Conversion: "total",
		SupportFee:  &SupportFee{Plan: "business"},
		CustomItems: []CustomItem{{Description: "fee", Type: "fee", Percent: pct("1.5"), Start: month("2026-10")}}})
	return cfg
}

// TestProperty_SplitShuffleMerge: splitting the rows over several aggregators (files or
// workers) and shuffling them changes nothing; per-account charges sum to the invoice's
// charges; line USD amounts sum to charges + credits + custom items + support fee.
func TestProperty_SplitShuffleMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cfg := propertyConfig()
	for iter := range 30 {
		rows := randomRows(r, 1+r.IntN(300))
		want, err := Compute(cfg, aggregate(t, rows...))
		require.NoError(t, err)
		wantJSON, err := json.Marshal(want)
		require.NoError(t, err)

		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		parts := make([]*Aggregator, 1+r.IntN(5))
		for i := range parts {
			parts[i] = NewAggregator(oct)
		}
		for _, x := range rows {
			require.NoError(t, parts[r.IntN(len(parts))].Add(x.item()))
		}
		merged := NewAggregator(oct)
		for _, p := range parts {
			require.NoError(t, merged.Merge(p))
		}
		got, err := Compute(cfg, merged)
		require.NoError(t, err)
		gotJSON, err := json.Marshal(got)
		require.NoError(t, err)
		require.JSONEq(t, string(wantJSON), string(gotJSON), "iteration %d", iter)

		for _, inv := range got.Invoices {
			charges, credits, lines, amounts := money.Decimal{}, money.Decimal{}, money.Decimal{}, money.Decimal{}
			for _, a := range inv.Accounts {
				charges = charges.Add(a.ChargesUSD)
				credits = credits.Add(a.CreditsUSD)
				svc := money.Decimal{}
				for _, s := range a.Services {
					svc = svc.Add(s.ChargesUSD)
				}
				require.True(t, svc.Equal(a.ChargesUSD))
			}
			for _, l := range inv.Lines {
				lines = lines.Add(l.AmountUSD)
				amounts = amounts.Add(l.Amount.Decimal())
			}
			require.True(t, charges.Equal(inv.ChargesUSD), "%s ≠ %s", charges, inv.ChargesUSD)
			require.True(t, credits.Equal(inv.CreditsUSD))
			require.True(t, lines.Equal(inv.ChargesUSD.Add(inv.CreditsUSD).Add(inv.CustomItemsUSD).Add(inv.SupportFeeUSD)))
			require.True(t, amounts.Equal(inv.Subtotal.Decimal()))
			total, err := inv.Subtotal.Add(inv.Tax)
			require.NoError(t, err)
			require.True(t, inv.Total.Equal(total))
		}
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	rows := randomRows(r, 4096)
	items := make([]*LineItem, len(rows))
	for i, x := range rows {
		x.period = oct
		if x.cost[len(x.cost)-4:] == "E-12" {
			x.cost = "0.0000012345"
		}
		items[i] = x.item()
	}
	a := NewAggregator(oct)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := a.Add(items[i&4095]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestB10_InvoiceCurrencyDigits: invoice-currency amounts (subtotal, tax, total, line
// amounts, tax breakdown) print with exactly the currency's minor digits, while the
// exact USD amounts stay exact and trimmed.
func TestB10_InvoiceCurrencyDigits(t *testing.T) {
	cfg := &Config{
		Issuer: Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Tax:    Tax{Rate: dec("0")},
		Projects: []Project{
			{ID: "usd", Currency: "USD", Accounts: []string{acctA}, SupportFee: &SupportFee{Rate: dec("0")}},
			{ID: "jpy", Currency: "JPY", ExchangeRate: dec("150"), Accounts: []string{acctB}, SupportFee: &SupportFee{Rate: dec("0")}},
		},
	}
	res, err := Compute(cfg, aggregate(t,
		row{acct: acctA, code: "AmazonEC2", cost: "882.5"},
		row{acct: acctA, code: "AmazonS3", cost: "0.0012500000"},
		row{acct: acctB, code: "AmazonEC2", cost: "16.3"}))
	require.NoError(t, err)
	// text returns what a JSON encoding of v holds: the string of an Amount or Decimal.
	text := func(v json.Marshaler) string {
		b, err := v.MarshalJSON()
		require.NoError(t, err)
		var s string
		require.NoError(t, json.Unmarshal(b, &s))
		return s
	}
	usd, jpy := res.Invoices[0], res.Invoices[1]
	assert.Equal(t, "882.50125", text(usd.ChargesUSD)) // exact, trimmed
	assert.Equal(t, "882.50", text(usd.Subtotal))
	assert.Equal(t, "0.00", text(usd.Tax))
	assert.Equal(t, "882.50", text(usd.Total))
	require.Len(t, usd.Lines, 2)
	assert.Equal(t, "882.5", text(usd.Lines[0].AmountUSD))
	assert.Equal(t, "882.50", text(usd.Lines[0].Amount))
	assert.Equal(t, "0.00125", text(usd.Lines[1].AmountUSD))
	assert.Equal(t, "0.00", text(usd.Lines[1].Amount))
	require.Len(t, usd.TaxBreakdown, 1)
	assert.Equal(t, "0", text(usd.TaxBreakdown[0].Rate))
	assert.Equal(t, "882.50", text(usd.TaxBreakdown[0].Taxable))
	assert.Equal(t, "0.00", text(usd.TaxBreakdown[0].Tax))
	assert.Equal(t, money.USD, usd.Total.Currency())
	assert.Equal(t, "2445", text(jpy.Subtotal))
	assert.Equal(t, "2445", text(jpy.Total))
	assert.Equal(t, "0", text(jpy.Tax))
	assert.Equal(t, "2445", text(jpy.Lines[0].Amount))
	assert.Equal(t, money.JPY, jpy.Total.Currency())
}

// TestB12_LineDescriptions: invoice lines read well on a printed invoice: the service's
// name (its product code when the data has none) and the account; credits; the
// support fee with its rate and base.
func TestB12_LineDescriptions(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules = nil
	res, err := Compute(cfg, aggregate(t,
		row{acct: acctA, code: "AmazonEC2", name: "Amazon Elastic Compute Cloud", cost: "100"},
		row{acct: acctA, code: "AmazonEC2", typ: "Fee", cost: "2.005"}, // no product name on this row
		row{acct: acctA, code: "AWS Systems Manager", name: "AWS Systems Manager", format: FormatFOCUS, cost: "1"},
		row{acct: acctA, code: "AmazonS3", cost: "1"},
		row{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-3"}))
	require.NoError(t, err)
	var got []string
	for _, l := range res.Invoices[0].Lines {
		got = append(got, l.Description)
	}
	assert.Equal(t, []string{
		"AWS Systems Manager — account 123456789012",
		"Amazon Elastic Compute Cloud — account 123456789012",
		"AmazonS3 — account 123456789012", // no name in the data: the product code
		"Credits — account 123456789012",
		"Support fee (10% of $104.01)", // base 104.005, shown to the cent
	}, got)
	assert.Equal(t, "Amazon Elastic Compute Cloud", res.Invoices[0].Lines[1].ServiceName)

	cfg.Projects[0].SupportFee = &SupportFee{Plan: "enterprise_on_ramp"}
	res, err = Compute(cfg, aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "100"}))
	require.NoError(t, err)
	lines := res.Invoices[0].Lines
	assert.Equal(t, "AmazonEC2 — account 123456789012", lines[0].Description)
	assert.Equal(t, "Support fee (AWS Enterprise On-Ramp plan rates on $100.00)", lines[len(lines)-1].Description)
}

// TestB16_LateCreditLandsInTheBillsMonth: a credit for September usage that AWS puts in
// October's bill is charged in October's invoice, never rewriting September's; without
// a billing period column the usage month decides.
func TestB16_LateCreditLandsInTheBillsMonth(t *testing.T) {
	sep := resellerkit.NewMonth(2026, 9)
	tests := []struct {
		name          string
		billingPeriod resellerkit.Month
		wantInPeriod  int64
		wantCredits   string
	}{
		{"in October's bill", oct, 2, "-5"},
		{"in September's bill", sep, 1, "0"},
		{"no billing period column", resellerkit.Month{}, 1, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAggregator(oct)
			require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "100"}.item()))
			late := row{acct: acctA, code: "AmazonEC2", typ: "Credit", cost: "-5", period: sep}.item()
			late.BillingPeriod = tc.billingPeriod
			require.NoError(t, a.Add(late))
			res, err := Compute(issueConfig(), a)
			require.NoError(t, err)
			assert.Equal(t, tc.wantInPeriod, res.Rows.InPeriod)
			assert.Equal(t, tc.wantCredits, res.Invoices[0].CreditsUSD.String())
		})
	}
}

// TestB4_AWSTaxIsTheResellersInputTax: AWS's Tax rows change nothing the customer
// pays before tax — not charges, not the support-fee base, not the subtotal — and
// are reported as excluded; the consumption tax is the reseller's own (B-11).
func TestB4_AWSTaxIsTheResellersInputTax(t *testing.T) {
	usage := row{acct: acctA, code: "AmazonS3", cost: "100"}
	for _, tax := range []string{"0", "8.5", "1234.5678901234"} {
		t.Run(tax, func(t *testing.T) {
			without, err := Compute(issueConfig(), aggregate(t, usage))
			require.NoError(t, err)
			with, err := Compute(issueConfig(), aggregate(t, usage, row{acct: acctA, code: "AmazonS3", typ: "Tax", cost: tax}))
			require.NoError(t, err)
			a, b := without.Invoices[0], with.Invoices[0]
			assert.Equal(t, a.ChargesUSD.String(), b.ChargesUSD.String())
			assert.Equal(t, a.SupportFeeBaseUSD.String(), b.SupportFeeBaseUSD.String())
			assert.Equal(t, a.Subtotal.String(), b.Subtotal.String())
			assert.Equal(t, a.Tax.String(), b.Tax.String())
			assert.Equal(t, tax, b.ExcludedUSD.Tax.String())
		})
	}
}

// TestB5_ComputeRefusesAnAggregatorProjectedForOtherRules: an aggregator projected for
// a config without SKU rules has dropped usage types and operations; pricing it with a
// config that has an SKU rule would silently miss the rule, so Compute refuses.
func TestB5_ComputeRefusesAnAggregatorProjectedForOtherRules(t *testing.T) {
	noSKU := issueConfig()
	noSKU.Projects[0].PricingRules = noSKU.Projects[0].PricingRules[:3]
	for _, tc := range []struct {
		name    string
		agg     *Aggregator
		wantErr bool
	}{
		{"full detail fits any config", NewAggregator(oct), false},
		{"projected for this config", NewAggregatorFor(oct, issueConfig()), false},
		{"projected for a config without the SKU rule", NewAggregatorFor(oct, noSKU), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.agg.Add(row{acct: acctA, code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", cost: "200"}.item()))
			res, err := Compute(issueConfig(), tc.agg)
			if tc.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "AmazonRDS")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "175", res.Invoices[0].ChargesUSD.String()) // the SKU rule's −12.5 %
		})
	}
}
