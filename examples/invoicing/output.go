package main

import (
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The JSON document written on stdout. Its shape belongs to this command, not to
// package billing: these types copy a billing.Result into the field names and order
// the command has always printed (the golden files in testdata pin them). Money stays
// money: Decimals and Amounts encode themselves as exact JSON strings.
//
// The amounts of the cost data are in its currency, cost_currency (USD, or JPY when
// the configuration says so), which each invoice, line and unassigned account also
// states. Their keys named …_usd are deprecated (with JPY cost data they hold yen)
// and kept for compatibility: each has a currency-neutral twin (charges_usd →
// charges, amount_usd → cost_amount, excluded_usd → excluded, …) with the same value.

type output struct {
	Period string `json:"period"`
	// CostCurrency is the currency of the cost data: the amounts named …_usd are in
	// it (USD unless the configuration's cost_currency says JPY).
	CostCurrency string        `json:"cost_currency"`
	Issuer       issuerJSON    `json:"issuer"`
	Invoices     []invoiceJSON `json:"invoices"`
	Unassigned   []unassigned  `json:"unassigned_accounts"`
	Warnings     []string      `json:"warnings"`
	Rows         rowsJSON      `json:"rows"`
	Files        []fileJSON    `json:"files"`
}

type issuerJSON struct {
	Name               string `json:"name"`
	RegistrationNumber string `json:"registration_number"`
}

type rowsJSON struct {
	InPeriod      int64 `json:"in_period"`
	OutsidePeriod int64 `json:"outside_period"`
}

type invoiceJSON struct {
	ProjectID          string        `json:"project_id"`
	ProjectName        string        `json:"project_name,omitempty"`
	Currency           string        `json:"currency"`
	ExchangeRate       money.Decimal `json:"exchange_rate"`
	ExchangeRateSource string        `json:"exchange_rate_source,omitempty"`
	Conversion         string        `json:"conversion"`
	CostBasis          string        `json:"cost_basis"`

	// CostCurrency is the currency of the cost amounts: those below up to Excluded,
	// the accounts' (services, billing groups) and the lines' cost_amount.
	CostCurrency            string        `json:"cost_currency"`
	ChargesUSD              money.Decimal `json:"charges_usd"`
	ChargesBeforePricingUSD money.Decimal `json:"charges_before_pricing_usd"`
	SupportFeeBaseUSD       money.Decimal `json:"support_fee_base_usd"`
	SupportFeeUSD           money.Decimal `json:"support_fee_usd"`
	CreditsUSD              money.Decimal `json:"credits_usd"`
	CustomItemsUSD          money.Decimal `json:"custom_items_usd"`
	ExcludedUSD             excludedJSON  `json:"excluded_usd"`
	Charges                 money.Decimal `json:"charges"`
	ChargesBeforePricing    money.Decimal `json:"charges_before_pricing"`
	SupportFeeBase          money.Decimal `json:"support_fee_base"`
	SupportFee              money.Decimal `json:"support_fee"`
	Credits                 money.Decimal `json:"credits"`
	CustomItems             money.Decimal `json:"custom_items"`
	Excluded                excludedJSON  `json:"excluded"`

	Subtotal     money.Amount `json:"subtotal"`
	Tax          money.Amount `json:"tax"`
	Total        money.Amount `json:"total"`
	TaxBreakdown []taxJSON    `json:"tax_breakdown"`

	Accounts []accountJSON `json:"accounts"`
	Lines    []lineJSON    `json:"lines"`
}

type excludedJSON struct {
	Tax              money.Decimal `json:"tax"`
	ResellerDiscount money.Decimal `json:"reseller_discount"`
	AWSSupport       money.Decimal `json:"aws_support"`
}

type taxJSON struct {
	Rate     money.Decimal `json:"rate"`
	Taxable  money.Amount  `json:"taxable"`
	Tax      money.Amount  `json:"tax"`
	Rounding string        `json:"rounding"`
}

type accountJSON struct {
	AccountID     string        `json:"account_id"`
	ChargesUSD    money.Decimal `json:"charges_usd"`
	CreditsUSD    money.Decimal `json:"credits_usd"`
	Charges       money.Decimal `json:"charges"`
	Credits       money.Decimal `json:"credits"`
	Services      []serviceJSON `json:"services"`
	BillingGroups []groupJSON   `json:"billing_groups,omitempty"`
}

type serviceJSON struct {
	Service    string        `json:"service"`
	ChargesUSD money.Decimal `json:"charges_usd"`
	Charges    money.Decimal `json:"charges"`
}

type groupJSON struct {
	Group      string         `json:"group"`
	ChargesUSD money.Decimal  `json:"charges_usd"`
	Charges    money.Decimal  `json:"charges"`
	Ratio      *money.Decimal `json:"ratio,omitempty"`
}

type lineJSON struct {
	Kind        string        `json:"kind"`
	AccountID   string        `json:"account_id,omitempty"`
	Service     string        `json:"service,omitempty"`
	ServiceName string        `json:"service_name,omitempty"`
	Description string        `json:"description"`
	AmountUSD   money.Decimal `json:"amount_usd"`
	// CostAmount (AmountUSD) is in CostCurrency, Amount in the invoice's currency.
	CostCurrency string        `json:"cost_currency"`
	CostAmount   money.Decimal `json:"cost_amount"`
	Amount       money.Amount  `json:"amount"`
}

type unassigned struct {
	AccountID    string        `json:"account_id"`
	ChargesUSD   money.Decimal `json:"charges_usd"`
	CreditsUSD   money.Decimal `json:"credits_usd"`
	CostCurrency string        `json:"cost_currency"`
	Charges      money.Decimal `json:"charges"`
	Credits      money.Decimal `json:"credits"`
	Rows         int64         `json:"rows"`
}

type fileJSON struct {
	Path        string           `json:"path"`
	Format      string           `json:"format"`
	Gzip        bool             `json:"gzip,omitempty"`
	Zip         bool             `json:"zip,omitempty"`
	Parquet     bool             `json:"parquet,omitempty"`
	Rows        int64            `json:"rows"`
	Bytes       int64            `json:"bytes"`
	SkippedRows int64            `json:"skipped_rows,omitempty"`
	Skipped     map[string]int64 `json:"skipped_by_provider,omitempty"`
}

// newOutput shapes a result; every list is present, empty rather than null.
func newOutput(res *billing.Result) output {
	out := output{
		Period:       res.Period.String(),
		CostCurrency: res.CostCurrency.String(),
		Issuer:       issuerJSON{Name: res.Issuer.Name, RegistrationNumber: res.Issuer.RegistrationNumber},
		Invoices:     make([]invoiceJSON, 0, len(res.Invoices)),
		Unassigned:   make([]unassigned, 0, len(res.Unassigned)),
		Warnings:     append([]string{}, res.Warnings...),
		Rows:         rowsJSON{InPeriod: res.Rows.InPeriod, OutsidePeriod: res.Rows.OutsidePeriod},
		Files:        make([]fileJSON, 0, len(res.Inputs)),
	}
	for i := range res.Invoices {
		out.Invoices = append(out.Invoices, newInvoice(&res.Invoices[i], out.CostCurrency))
	}
	for _, u := range res.Unassigned {
		out.Unassigned = append(out.Unassigned, unassigned{AccountID: u.AccountID, ChargesUSD: u.ChargesUSD, CreditsUSD: u.CreditsUSD,
			CostCurrency: out.CostCurrency, Charges: u.ChargesUSD, Credits: u.CreditsUSD, Rows: u.Rows})
	}
	for _, in := range res.Inputs {
		out.Files = append(out.Files, fileJSON{Path: in.Name, Format: in.Format.String(),
			Gzip: in.Compression == costfile.CompressionGzip, Zip: in.Compression == costfile.CompressionZip, Parquet: in.Layout == costfile.LayoutParquet,
			Rows: in.Rows, Bytes: in.Bytes, SkippedRows: in.SkippedRows, Skipped: in.SkippedByProvider})
	}
	return out
}

// newInvoice shapes an invoice whose cost data is in costCurrency.
func newInvoice(inv *billing.Invoice, costCurrency string) invoiceJSON {
	excluded := excludedJSON{Tax: inv.ExcludedUSD.Tax, ResellerDiscount: inv.ExcludedUSD.ResellerDiscount, AWSSupport: inv.ExcludedUSD.AWSSupport}
	out := invoiceJSON{
		ProjectID: inv.ProjectID, ProjectName: inv.ProjectName, Currency: inv.Currency.String(),
		ExchangeRate: inv.ExchangeRate, ExchangeRateSource: inv.ExchangeRateSource,
		Conversion: string(inv.Conversion), CostBasis: string(inv.CostBasis),
		ChargesUSD: inv.ChargesUSD, ChargesBeforePricingUSD: inv.ChargesBeforePricingUSD,
		SupportFeeBaseUSD: inv.SupportFeeBaseUSD, SupportFeeUSD: inv.SupportFeeUSD,
		CreditsUSD: inv.CreditsUSD, CustomItemsUSD: inv.CustomItemsUSD,
		ExcludedUSD:  excluded,
		CostCurrency: costCurrency,
		Charges:      inv.ChargesUSD, ChargesBeforePricing: inv.ChargesBeforePricingUSD,
		SupportFeeBase: inv.SupportFeeBaseUSD, SupportFee: inv.SupportFeeUSD,
		Credits: inv.CreditsUSD, CustomItems: inv.CustomItemsUSD, Excluded: excluded,
		Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total,
		TaxBreakdown: make([]taxJSON, 0, len(inv.TaxBreakdown)),
		Accounts:     make([]accountJSON, 0, len(inv.Accounts)),
		Lines:        make([]lineJSON, 0, len(inv.Lines)),
	}
	for _, t := range inv.TaxBreakdown {
		out.TaxBreakdown = append(out.TaxBreakdown, taxJSON{Rate: t.Rate, Taxable: t.Taxable, Tax: t.Tax, Rounding: t.Rounding.String()})
	}
	for _, a := range inv.Accounts {
		aj := accountJSON{AccountID: a.AccountID, ChargesUSD: a.ChargesUSD, CreditsUSD: a.CreditsUSD, Charges: a.ChargesUSD, Credits: a.CreditsUSD,
			Services: make([]serviceJSON, 0, len(a.Services))}
		for _, s := range a.Services {
			aj.Services = append(aj.Services, serviceJSON{Service: s.Service, ChargesUSD: s.ChargesUSD, Charges: s.ChargesUSD})
		}
		for _, g := range a.BillingGroups {
			aj.BillingGroups = append(aj.BillingGroups, groupJSON{Group: g.Group, ChargesUSD: g.ChargesUSD, Charges: g.ChargesUSD, Ratio: g.Ratio})
		}
		out.Accounts = append(out.Accounts, aj)
	}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, lineJSON{Kind: string(l.Kind), AccountID: l.AccountID, Service: l.Service, ServiceName: l.ServiceName,
			Description: l.Description, AmountUSD: l.AmountUSD, CostCurrency: costCurrency, CostAmount: l.AmountUSD, Amount: l.Amount})
	}
	return out
}
