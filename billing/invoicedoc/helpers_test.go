package invoicedoc_test

import (
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The documents of the tests are built by hand, as the billing Service would issue
// them: each line converted at the document's rate and rounded (B-10), the tax
// computed once per rate on the sum of that rate's lines and floored (B-11).

var (
	issuer    = billing.Issuer{Name: "株式会社クラウドリセール", RegistrationNumber: "T1234567890123"}
	october   = resellerkit.NewMonth(2026, time.October)
	september = resellerkit.NewMonth(2026, time.September)
	ten       = money.MustParse("0.1")
	zero      = money.Decimal{}
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// line is a document line before conversion.
type line struct {
	kind        billing.LineKind
	account     string
	service     string
	serviceName string
	description string
	ref         resellerkit.Month
	rate        money.Decimal
	cost        string // exact, in the cost currency
}

// build completes d (its currency, cost currency and rate set) with lines, taxes
// and totals.
func build(d billing.Document, lines []line) billing.Document {
	cur := d.Currency
	sums := map[string]money.Decimal{}
	var order []money.Decimal
	subtotal := money.Decimal{}
	for _, l := range lines {
		cost := money.MustParse(l.cost)
		amt := cur.Round(cost.Mul(d.ExchangeRate), money.HalfUp)
		d.Lines = append(d.Lines, billing.DocumentLine{
			Kind: l.kind, AccountID: l.account, Service: l.service, ServiceName: l.serviceName,
			Description: l.description, RefPeriod: l.ref, TaxRate: l.rate,
			AmountCost: cost, Amount: cur.Amount(amt),
		})
		k := l.rate.String()
		if _, ok := sums[k]; !ok {
			order = append(order, l.rate)
		}
		sums[k] = sums[k].Add(amt)
		subtotal = subtotal.Add(amt)
	}
	tax := money.Decimal{}
	for _, rate := range order {
		taxable := sums[rate.String()]
		t := cur.Round(taxable.Mul(rate), money.Floor)
		d.Taxes = append(d.Taxes, billing.TaxAmount{Rate: rate, Taxable: cur.Amount(taxable), Tax: cur.Amount(t), Rounding: money.Floor})
		tax = tax.Add(t)
	}
	d.Subtotal, d.Tax, d.Total = cur.Amount(subtotal), cur.Amount(tax), cur.Amount(subtotal.Add(tax))
	return d
}

// jpyInvoice is October 2026's invoice of a project, converted from USD at one
// rate: services of two accounts, the support fee, a custom fee, late credits of
// September and a line that is not taxed.
func jpyInvoice() billing.Document {
	d := billing.Document{
		ID: "doc-0042", Key: "invoice/prj-1/2026-10", Kind: billing.DocInvoice,
		Number: "T1234567890123-2026-000042", Series: "T1234567890123", Year: 2026, Seq: 42,
		OrgID: "org-1", ProjectID: "prj-1", Period: october,
		Issuer: issuer, Recipient: "株式会社サンプル商事",
		IssueDate: day(2026, time.November, 10), DueDate: day(2026, time.November, 30),
		Currency: money.JPY, CostCurrency: money.USD,
		ExchangeRate: money.MustParse("150.25"), ExchangeRateSource: "三菱UFJ銀行 TTM",
		ExchangeRateDate: day(2026, time.October, 30),
		IssuedAt:         time.Date(2026, time.November, 10, 0, 5, 0, 0, time.UTC),
	}
	return build(d, []line{
		{billing.LineService, "123456789012", "AmazonEC2", "Amazon Elastic Compute Cloud", "", resellerkit.Month{}, ten, "1234.5678901234"},
		{billing.LineService, "123456789012", "AmazonS3", "Amazon Simple Storage Service", "", resellerkit.Month{}, ten, "82.1"},
		{billing.LineService, "210987654321", "AmazonRDS", "Amazon Relational Database Service", "", resellerkit.Month{}, ten, "640.33"},
		{billing.LineCredits, "210987654321", "", "", "", resellerkit.Month{}, ten, "-25"},
		{billing.LineLateCredits, "123456789012", "", "", "", september, ten, "-12.5"},
		{billing.LineSupportFee, "", "", "", "リセラーサポート(10%)", resellerkit.Month{}, ten, "193.15"},
		{billing.LineCustom, "", "", "", "運用代行費(月額)", resellerkit.Month{}, ten, "300"},
		{billing.LineCustom, "", "", "", "立替金(ドメイン登録料)", resellerkit.Month{}, zero, "15"},
	})
}

// creditNote returns ¥12,345 of an invoice in yen (no conversion).
func creditNote() billing.Document {
	d := billing.Document{
		ID: "doc-0043", Key: "credit/doc-0042/1", Kind: billing.DocCreditNote,
		Number: "T1234567890123-2026-000043", Series: "T1234567890123", Year: 2026, Seq: 43,
		RefersTo: "doc-0042", OrgID: "org-1", ProjectID: "prj-1", Period: october,
		Issuer: issuer, Recipient: "株式会社サンプル商事",
		IssueDate:   day(2026, time.November, 20),
		Description: "2026年10月分 Amazon EC2 の二重計上分を返還します。",
		Currency:    money.JPY, CostCurrency: money.JPY, ExchangeRate: money.NewFromInt(1),
		IssuedAt: time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC),
	}
	return build(d, []line{
		{billing.LineReturn, "123456789012", "AmazonEC2", "Amazon Elastic Compute Cloud", "二重計上の返還", resellerkit.Month{}, ten, "12345"},
		{billing.LineReturn, "123456789012", "AmazonS3", "Amazon Simple Storage Service", "二重計上の返還", resellerkit.Month{}, ten, "23456"},
	})
}

// usdInvoice is a corrected invoice in dollars (no conversion).
func usdInvoice() billing.Document {
	d := billing.Document{
		ID: "doc-0050", Key: "invoice/prj-2/2026-10/r1", Kind: billing.DocInvoice,
		Number: "T1234567890123-2026-000050", Series: "T1234567890123", Year: 2026, Seq: 50,
		Replaces: "doc-0044", OrgID: "org-2", ProjectID: "prj-2", Period: october,
		Issuer: issuer, Recipient: "Example Corp.",
		IssueDate: day(2026, time.November, 12), DueDate: day(2026, time.December, 31),
		Currency: money.USD, CostCurrency: money.USD, ExchangeRate: money.NewFromInt(1),
		IssuedAt: time.Date(2026, time.November, 12, 3, 0, 0, 0, time.UTC),
	}
	return build(d, []line{
		{billing.LineService, "345678901234", "AmazonEC2", "Amazon Elastic Compute Cloud", "", resellerkit.Month{}, ten, "10234.5678"},
		{billing.LineService, "345678901234", "AWSLambda", "AWS Lambda", "", resellerkit.Month{}, ten, "12.004"},
		{billing.LineSupportFee, "", "", "", "Reseller support (10%)", resellerkit.Month{}, ten, "1024.66"},
	})
}

// manyLines is jpyInvoice with n service lines.
func manyLines(n int) billing.Document {
	d := jpyInvoice()
	d.Lines, d.Taxes = nil, nil
	services := []string{"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudWatch", "AmazonDynamoDB"}
	lines := make([]line, n)
	for i := range lines {
		lines[i] = line{
			kind: billing.LineService, account: fmt.Sprintf("%012d", 100000000000+i/len(services)),
			service: services[i%len(services)], rate: ten, cost: fmt.Sprintf("%d.%02d", 10+i*7, i%100),
		}
	}
	return build(d, lines)
}
