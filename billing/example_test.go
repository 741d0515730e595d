package billing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// lines is a billing.Input of CUR rows held in memory; a real input is a
// costfile.File.
type lines []billing.LineItem

func (ls lines) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	sink := newSink() // one worker, one Sink: every newSink call returns a new one
	for i := range ls {
		if err := sink.Add(&ls[i]); err != nil {
			return billing.InputStats{}, err
		}
	}
	return billing.InputStats{Name: "memory", Format: billing.FormatCURLegacy, Rows: int64(len(ls))}, nil
}

// ExampleRun runs a whole billing month: the projects of a catalog of named settings
// (the way a store of projects keeps them), one input, the invoices.
func ExampleRun() {
	oct := resellerkit.NewMonth(2026, time.October)
	plans, err := billing.DecodePlans(strings.NewReader(`{
	  "pricing": {"standard": {"pricing_rules": [{"scope": "global", "type": "markup", "percent": "5"}]}},
	  "exchange_rates": {"ttm": {"source": "TTM, month end", "rates": {"2026-10": "150"}}}}`))
	if err != nil {
		panic(err)
	}
	project, err := plans.Project(billing.ProjectRef{ID: "web", Currency: money.JPY, Accounts: []string{"123456789012"},
		PricingPlan: "standard", ExchangeRatePolicy: "ttm"}, oct)
	if err != nil {
		panic(err)
	}
	cost := func(c string) billing.LineItem {
		return billing.LineItem{Format: billing.FormatCURLegacy, Period: oct, AccountID: []byte("123456789012"),
			ProductCode: []byte("AmazonEC2"), LineItemType: []byte("Usage"), BillingEntity: []byte("AWS"), Cost: []byte(c)}
	}
	res, err := billing.Run(context.Background(), billing.Job{
		Period:   oct,
		Issuer:   billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: &billing.Config{Projects: []billing.Project{project}},
		Inputs:   []billing.Input{lines{cost("60"), cost("40")}},
	})
	if err != nil {
		panic(err)
	}
	inv := res.Invoices[0]
	fmt.Println(inv.ProjectID, inv.ChargesUSD, "USD at", inv.ExchangeRate, "("+inv.ExchangeRateSource+")")
	fmt.Println("subtotal", inv.Subtotal, inv.Currency, "tax", inv.Tax, "total", inv.Total)
	fmt.Println(res.Inputs[0].Name, res.Inputs[0].Rows, "rows")
	// Output:
	// web 105 USD at 150 (TTM, month end)
	// subtotal 17325 JPY tax 1732 total 19057
	// memory 2 rows
}

// ExampleDecodeConfig shows a configuration error: located, and naming the JSON path,
// the value and the rule.
func ExampleDecodeConfig() {
	_, err := billing.DecodeConfig(strings.NewReader(`{"issuer": {"name": "R", "registration_number": "T1234567890123"},
 "projects": [{"id": "a", "currency": "USD", "accounts": ["123456789012"],
   "pricing_rules": [{"scope": "global", "type": "discount", "percent": "12.345"}]}]}`))
	fmt.Println(err)
	var ve *resellerkit.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, ve.Rule, errors.Is(err, billing.ErrInvalid))
	}
	// Output:
	// 3:73: billing: invalid input: projects[0].pricing_rules[0].percent "12.345" (B-5): at most 2 decimals as written
	// projects[0].pricing_rules[0].percent B-5 true
}
