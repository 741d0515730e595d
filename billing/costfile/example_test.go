package costfile_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// printSink prints each line item it receives.
type printSink struct{}

func (printSink) Add(li *billing.LineItem) error {
	fmt.Printf("%s %s %s %s %s cost=%s group=%q\n", li.Period, li.AccountID, li.ProductCode, li.LineItemType,
		li.BillingEntity, li.Cost, li.BillingGroup)
	return nil
}

func ExampleScan() {
	csv := "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode," +
		"lineItem/UnblendedCost,bill/BillingEntity,resourceTags/user:CmBillingGroup\n" +
		"123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,0.0136000000,AWS,teamA\n"
	st, err := costfile.Scan(context.Background(), "cur.csv", strings.NewReader(csv),
		func() billing.Sink { return printSink{} }, costfile.Options{Workers: 1})
	fmt.Println(st.Format, st.Rows, err)

	_, err = costfile.Scan(context.Background(), "cur.csv", strings.NewReader(csv+"1,2\n"),
		func() billing.Sink { return printSink{} }, costfile.Options{Workers: 1})
	fmt.Println(err)
	// Output:
	// 2026-10 123456789012 AmazonEC2 Usage AWS cost=0.0136000000 group="teamA"
	// cur-legacy 1 <nil>
	// 2026-10 123456789012 AmazonEC2 Usage AWS cost=0.0136000000 group="teamA"
	// cur.csv:3: costfile: wrong number of fields: 2 fields, the header has 7
}

// ExampleFile invoices the FinOps Foundation's FOCUS sample (testdata, CC BY 4.0)
// with billing.Run: costfile.File is the billing.Input of a cost file.
func ExampleFile() {
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "sunbird", Currency: money.JPY, ExchangeRate: &rate,
			Accounts: []string{"011353890204", "018938484842"}}},
	}
	res, err := billing.Run(context.Background(), billing.Job{
		Period: resellerkit.NewMonth(2024, time.September), Issuer: cfg.Issuer, Projects: cfg,
		Inputs: []billing.Input{costfile.File{Path: "testdata/focus_sample.csv"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := res.Inputs[0]
	fmt.Println(in.Format, in.Layout, in.Rows, "rows,", in.SkippedRows, "of other providers")
	fmt.Println(res.Invoices[0].ProjectID, res.Invoices[0].Total, res.Invoices[0].Currency)
	// Output:
	// focus csv 942 rows, 58 of other providers
	// sunbird 2757 JPY
}
