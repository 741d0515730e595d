package invoicedoc_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// exampleDocument is a small issued invoice in yen, converted from dollars.
func exampleDocument() billing.Document {
	ten := money.MustParse("0.1")
	yen := func(s string) money.Amount { return money.JPY.Amount(money.MustParse(s)) }
	return billing.Document{
		Kind:      billing.DocInvoice,
		Number:    "T1234567890123-2026-000042",
		Period:    resellerkit.NewMonth(2026, time.October),
		Issuer:    billing.Issuer{Name: "株式会社クラウドリセール", RegistrationNumber: "T1234567890123"},
		Recipient: "株式会社サンプル商事",
		IssueDate: time.Date(2026, time.November, 10, 0, 0, 0, 0, time.UTC),
		DueDate:   time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC),
		Currency:  money.JPY, CostCurrency: money.USD,
		ExchangeRate: money.MustParse("150"), ExchangeRateSource: "TTM",
		ExchangeRateDate: time.Date(2026, time.October, 30, 0, 0, 0, 0, time.UTC),
		Lines: []billing.DocumentLine{
			{Kind: billing.LineService, AccountID: "123456789012", Service: "AmazonEC2",
				ServiceName: "Amazon Elastic Compute Cloud", TaxRate: ten,
				AmountCost: money.MustParse("82.3"), Amount: yen("12345")},
			{Kind: billing.LineSupportFee, Description: "サポート料金", TaxRate: ten,
				AmountCost: money.MustParse("156.37333"), Amount: yen("23456")},
		},
		Taxes:    []billing.TaxAmount{{Rate: ten, Taxable: yen("35801"), Tax: yen("3580"), Rounding: money.Floor}},
		Subtotal: yen("35801"), Tax: yen("3580"), Total: yen("39381"),
	}
}

// CSV writes one row per line and the totals per tax rate; the exact amount in
// the cost currency stands next to the rounded amount.
func ExampleCSV() {
	var buf bytes.Buffer
	if err := invoicedoc.CSV(&buf, exampleDocument()); err != nil {
		fmt.Println(err)
	}
	// Rows end with CRLF (RFC 4180); the example prints them with LF.
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n"))
	// Output:
	// number,issue_date,period,kind,account_id,service,service_name,description,ref_period,tax_rate,amount_cost,cost_currency,amount,currency
	// T1234567890123-2026-000042,2026-11-10,2026-10,service,123456789012,AmazonEC2,Amazon Elastic Compute Cloud,,,0.1,82.3,USD,12345,JPY
	// T1234567890123-2026-000042,2026-11-10,2026-10,support_fee,,,,サポート料金,,0.1,156.37333,USD,23456,JPY
	// T1234567890123-2026-000042,2026-11-10,2026-10,taxable,,,,,,0.1,,,35801,JPY
	// T1234567890123-2026-000042,2026-11-10,2026-10,tax,,,,,,0.1,,,3580,JPY
	// T1234567890123-2026-000042,2026-11-10,2026-10,total,,,,,,,,,39381,JPY
}

// For Excel in Japan, write the byte order mark.
func ExampleCSVWithOptions() {
	var buf bytes.Buffer
	if err := invoicedoc.CSVWithOptions(&buf, exampleDocument(), invoicedoc.CSVOptions{BOM: true}); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("% X\n", buf.Bytes()[:3])
	// Output:
	// EF BB BF
}

// PDF renders the qualified invoice in Japanese with the IPAex Gothic font that
// FindFont finds (install fonts-ipaexfont). The example has no output to check,
// so that `go test` passes on machines without the font; the package's tests
// render and read back every document.
func ExamplePDF() {
	err := invoicedoc.PDF(io.Discard, exampleDocument(), invoicedoc.Options{
		Language:      "ja",
		IssuerAddress: []string{"〒100-0005 東京都千代田区丸の内1-1-1"},
		Notes:         []string{"お振込先: みずほ銀行 丸の内支店 普通 1234567"},
	})
	fmt.Println("rendered:", err == nil)
}
