package costfile_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
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
