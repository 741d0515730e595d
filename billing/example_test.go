package billing_test

import (
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

func Example() {
	period := resellerkit.NewMonth(2026, time.October)
	agg := billing.NewAggregator(period)
	names := map[string]string{"AmazonEC2": "Amazon Elastic Compute Cloud", "AmazonS3": "Amazon Simple Storage Service"}
	add := func(account, product, typ, cost string) {
		err := agg.Add(&billing.LineItem{Format: billing.FormatCURLegacy, Period: period,
			AccountID: []byte(account), ProductCode: []byte(product), ProductName: []byte(names[product]), LineItemType: []byte(typ),
			BillingEntity: []byte("AWS"), Cost: []byte(cost)})
		if err != nil {
			panic(err)
		}
	}
	add("123456789012", "AmazonEC2", "Usage", "12000.00")
	add("123456789012", "AmazonEC2", "Usage", "345.0000000000")
	add("123456789012", "AmazonEC2", "Tax", "1234.5")  // AWS tax: not billed (B-4)
	add("123456789012", "AmazonEC2", "Credit", "-100") // credits (B-12)
	add("210987654321", "AmazonS3", "Usage", "5")      // in no project: listed

	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "proj-a", Currency: money.JPY, ExchangeRate: &rate,
			Accounts:     []string{"123456789012"},
			PricingRules: []billing.PricingRule{{Scope: billing.ScopeService, Service: "AmazonEC2", Type: billing.RuleDiscount, Percent: billing.MustParsePercent("3")}}}},
	}
	res, err := billing.Compute(cfg, agg)
	if err != nil {
		panic(err)
	}
	inv := res.Invoices[0]
	for _, l := range inv.Lines {
		fmt.Printf("%-52s %9s USD %8s JPY\n", l.Description, l.AmountUSD, l.Amount)
	}
	fmt.Println("subtotal", inv.Subtotal, "tax", inv.Tax, "total", inv.Total)
	fmt.Println("unassigned", res.Unassigned[0].AccountID, res.Unassigned[0].ChargesUSD)
	// Output:
	// Amazon Elastic Compute Cloud — account 123456789012   11974.65 USD  1796198 JPY
	// Credits — account 123456789012                            -100 USD   -15000 JPY
	// Support fee (10% of $11974.65)                        1197.465 USD   179620 JPY
	// subtotal 1960818 tax 196081 total 2156899
	// unassigned 210987654321 5
}
