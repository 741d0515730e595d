package sqlstore_test

import (
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// t0 is the tests' clock: UTC at microsecond precision, as the store keeps times.
var t0 = time.Date(2026, 6, 3, 4, 5, 6, 123456000, time.UTC)

var may = resellerkit.NewMonth(2026, time.May)

// costData returns version of payer's May, generated at generatedAt, with n groups
// of distinct keys whose costs carry CUR's ten fractional digits; salt changes the
// amounts, so two versions' groups tell apart.
func costData(payer, version string, generatedAt time.Time, n, salt int) billing.CostData {
	products := []string{"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront", "AmazonRoute53"}
	types := []string{"Usage", "DiscountedUsage", "Credit", "Tax", "SavingsPlanCoveredUsage"}
	gs := make([]billing.Group, n)
	for i := range gs {
		p := products[i%len(products)]
		gs[i] = billing.Group{
			GroupKey: billing.GroupKey{Format: billing.FormatCUR2, AccountID: fmt.Sprintf("%012d", 100000000000+i%700),
				ProductCode: p, ProductName: "Name of " + p, LineItemType: types[i/len(products)%len(types)],
				UsageType: fmt.Sprintf("APN1-Usage-%d", i), Operation: "RunInstances", BillingEntity: "AWS",
				BillingGroup: fmt.Sprintf("team-%d", i%13)},
			Rows:       int64(i + 1),
			Cost:       money.New(int64(i)*1234567891+int64(salt), -10),
			PublicCost: money.New(int64(i)*2345678901+int64(salt), -10),
		}
	}
	return billing.CostData{Report: billing.Report{Payer: payer, Period: may, Version: version, GeneratedAt: generatedAt},
		CostCurrency: money.USD, AggregatedAt: generatedAt.Add(time.Hour),
		Files: []string{"s3://cur/" + version + "/part-0.csv.gz"}, Rows: int64(n) * 10, OutsideRows: 2, Groups: gs}
}

// classified is gs with the Class CostGroups gives them, and each decimal in the
// canonical form the store reads back (trailing zeros dropped).
func classified(gs []billing.Group) []billing.Group {
	out := make([]billing.Group, len(gs))
	for i, g := range gs {
		g.Class = billing.ClassifyKey(g.GroupKey)
		g.Cost, g.PublicCost = canon(g.Cost), canon(g.PublicCost)
		out[i] = g
	}
	return out
}

func canon(d money.Decimal) money.Decimal {
	if d.IsZero() {
		return money.Decimal{}
	}
	return money.MustParse(d.String())
}

func canonGroups(gs []billing.Group) []billing.Group {
	out := make([]billing.Group, len(gs))
	for i, g := range gs {
		g.Cost, g.PublicCost = canon(g.Cost), canon(g.PublicCost)
		out[i] = g
	}
	return out
}

// header is d as CostReports and ReportHistory return it.
func header(d billing.CostData) billing.CostData {
	d.Groups = nil
	return d
}

// document returns an invoice of orgID's project p1 with key key, in series
// "T1234567890123" and year 2026.
func document(orgID, id, key string) billing.Document {
	return billing.Document{ID: id, Key: key, Kind: billing.DocInvoice, Series: "T1234567890123", Year: 2026,
		OrgID: orgID, ProjectID: "p1", Period: may, Issuer: billing.Issuer{Name: "Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Recipient: "Org " + orgID, IssueDate: time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC),
		DueDate: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC), Currency: money.JPY, CostCurrency: money.USD,
		ExchangeRate: money.MustParse("151.2345"), ExchangeRateSource: "MUFG TTM",
		Lines: []billing.DocumentLine{{Kind: billing.LineService, AccountID: "123456789012", Service: "AmazonEC2",
			TaxRate: money.MustParse("0.1"), AmountCost: money.MustParse("1234.5678901234"), Amount: money.JPY.Amount(money.MustParse("186710"))}},
		Taxes: []billing.TaxAmount{{Rate: money.MustParse("0.1"), Taxable: money.JPY.Amount(money.MustParse("186710")),
			Tax: money.JPY.Amount(money.MustParse("18671")), Rounding: money.Floor}},
		Subtotal: money.JPY.Amount(money.MustParse("186710")), Tax: money.JPY.Amount(money.MustParse("18671")),
		Total: money.JPY.Amount(money.MustParse("205381")), IssuedAt: t0}
}
