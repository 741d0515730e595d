package athena_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	athenasdk "github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/athena"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// finishedQuery stands for *athena.Client here: every query it starts has
// finished, and its result is rows (the header row first). A program passes
// athena.NewFromConfig the payer's aws.Config instead.
type finishedQuery struct{ rows [][]string }

func (finishedQuery) StartQueryExecution(context.Context, *athenasdk.StartQueryExecutionInput, ...func(*athenasdk.Options)) (*athenasdk.StartQueryExecutionOutput, error) {
	return &athenasdk.StartQueryExecutionOutput{QueryExecutionId: aws.String("0e7c4a6b-example")}, nil
}

func (finishedQuery) GetQueryExecution(_ context.Context, in *athenasdk.GetQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.GetQueryExecutionOutput, error) {
	return &athenasdk.GetQueryExecutionOutput{QueryExecution: &types.QueryExecution{QueryExecutionId: in.QueryExecutionId,
		Status: &types.QueryExecutionStatus{State: types.QueryExecutionStateSucceeded}}}, nil
}

func (q finishedQuery) GetQueryResults(context.Context, *athenasdk.GetQueryResultsInput, ...func(*athenasdk.Options)) (*athenasdk.GetQueryResultsOutput, error) {
	rs := &types.ResultSet{}
	for _, r := range q.rows {
		row := types.Row{}
		for _, v := range r {
			row.Data = append(row.Data, types.Datum{VarCharValue: aws.String(v)})
		}
		rs.Rows = append(rs.Rows, row)
	}
	return &athenasdk.GetQueryResultsOutput{ResultSet: rs}, nil
}

// Athena sums a month of a CUR 2.0 table; billing.Run prices the sums like a
// file's rows. The query's values (the month, the map keys) are execution
// parameters, never query text.
func Example() {
	api := finishedQuery{rows: [][]string{
		{"account_id", "product_code", "product_name", "line_item_type", "usage_type", "operation", "billing_entity", "billing_group", "currency", "line_items", "cost", "inexact_cost", "no_usage_start"},
		{"123456789012", "AmazonEC2", "Amazon Elastic Compute Cloud", "Usage", "APN1-BoxUsage:m7g.large", "RunInstances", "AWS", "", "USD", "7200", "12000.0000000000", "0", "0"},
		{"123456789012", "AmazonEC2", "Amazon Elastic Compute Cloud", "Tax", "", "", "AWS", "", "USD", "1", "1200.0000000000", "0", "0"},
	}}
	src, err := athena.New(api, athena.Config{Layout: athena.CUR2, Database: "cur", Table: "data_export",
		WorkGroup: "billing", OutputLocation: "s3://example-athena-results/resellerkit/"})
	if err != nil {
		panic(err)
	}
	period := resellerkit.NewMonth(2026, time.October)
	fmt.Println(src.Statement(period, false).Params)

	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer: billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "proj-a", Currency: money.JPY, ExchangeRate: &rate, Accounts: []string{"123456789012"},
			PricingRules: []billing.PricingRule{{Scope: billing.ScopeService, Service: "AmazonEC2", Type: billing.RuleDiscount, Percent: billing.MustParsePercent("3")}}}},
	}
	res, err := billing.Run(context.Background(), billing.Job{Period: period, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg,
		Inputs: []billing.Input{src}})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Inputs[0].Name, res.Rows.InPeriod, "line items")
	for _, l := range res.Invoices[0].Lines {
		fmt.Printf("%-52s %9s USD %8s JPY\n", l.Description, l.AmountUSD, l.Amount)
	}
	// Output:
	// ['product_name' 'user:CmBillingGroup' 'user:CmBillingGroup' 'CmBillingGroup' 'CmBillingGroup' 'user_cm_billing_group' 'user_cm_billing_group' 'cm_billing_group' 'cm_billing_group' 'user_CmBillingGroup' 'user_CmBillingGroup' '2026-10-01 00:00:00' '2026-11-01 00:00:00']
	// athena "cur"."data_export" query 0e7c4a6b-example 7201 line items
	// Amazon Elastic Compute Cloud — account 123456789012      11640 USD  1746000 JPY
	// Support fee (10% of $11640.00)                            1164 USD   174600 JPY
}
