package costfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// tagKind says how the billing-group tag is stored.
type tagKind uint8

const (
	tagNone  tagKind = iota
	tagPlain         // a column holding the tag value (legacy resourceTags/user:CmBillingGroup)
	tagJSON          // a column holding a JSON object of tags (CUR 2.0 resource_tags, FOCUS Tags)
)

// slot names a value the readers extract from a row.
type slot int

const (
	sAccount slot = iota
	sProductCode
	sProductName
	sLineItemType
	sUsageType
	sOperation
	sBillingEntity
	sCost
	sPublicCost
	sStart
	sTag
	sProductMap // CUR 2.0 "product" map (JSON text in CSV), for product_name
	sProvider   // FOCUS ProviderName (1.0 – 1.3)
	sIssuer     // FOCUS InvoiceIssuerName
	sHost       // FOCUS HostProviderName (1.3+)
	sPublisher  // FOCUS PublisherName, or ServiceProviderName (1.3+)
	sSkuID      // FOCUS SkuId
	sBillStart  // billing period start (B-16)
	sCommitID   // FOCUS CommitmentDiscountId (B-3)
	sCommitStat // FOCUS CommitmentDiscountStatus (B-3)
	sCurrency   // currency of the cost (B-1): lineItem/CurrencyCode, line_item_currency_code, BillingCurrency
	sPubCurr    // currency of the public cost when stated apart: pricing/currency, pricing_currency

	// The row's identity, for the overlap check (B-14, fingerprint.go).
	sLineItemID // identity/LineItemId, identity_line_item_id

	numSlots
)

// schema maps the header of one file to the columns the readers need.
type schema struct {
	format  billing.Format
	names   []string // header, for error messages
	ncols   int
	col     [numSlots]int // column index per slot, -1 when absent
	tagKind tagKind
	// need lists the present slots in column order, with their column index.
	need []slotCol
	// warnings are notes about the header, copied to the InputStats.Warnings.
	warnings []string
	// noCurrency is the format's currency column when the header lacks it (see
	// currencyWarning), else "".
	noCurrency string
}

type slotCol struct {
	col  int
	slot slot
}

// columnNames lists, per format, the source column of each LineItem field. The first
// name found wins. Required columns are marked in required.
type columnNames struct {
	account, productCode, productName, lineItemType, usageType, operation []string
	billingEntity, cost, publicCost, start                                []string
	tagPlain, tagJSON, productMap, provider, issuer, host, publisher      []string
	skuID, billStart                                                      []string
	currency, priceCurrency                                               []string
	commitID, commitStatus                                                []string
	lineItemID                                                            []string
	required                                                              []string
}

var (
	// Legacy CUR (B-1): "category/Name" headers.
	legacyNames = columnNames{
		account:       []string{"lineItem/UsageAccountId"},
		productCode:   []string{"lineItem/ProductCode", "product/servicecode"},
		productName:   []string{"product/ProductName"},
		lineItemType:  []string{"lineItem/LineItemType"},
		usageType:     []string{"lineItem/UsageType"},
		operation:     []string{"lineItem/Operation"},
		billingEntity: []string{"bill/BillingEntity"},
		cost:          []string{"lineItem/UnblendedCost"},
		publicCost:    []string{"pricing/publicOnDemandCost"},
		start:         []string{"lineItem/UsageStartDate"},
		billStart:     []string{"bill/BillingPeriodStartDate"},
		lineItemID:    []string{"identity/LineItemId"},
		tagPlain:      []string{"resourceTags/user:CmBillingGroup"},
		currency:      []string{"lineItem/CurrencyCode"},
		priceCurrency: []string{"pricing/currency"},
		required: []string{"lineItem/UsageAccountId", "lineItem/ProductCode|product/servicecode", "lineItem/LineItemType",
			"lineItem/UnblendedCost", "lineItem/UsageStartDate"},
	}
	// CUR 2.0 (AWS Data Exports) and the snake_case legacy-CUR Athena layout.
	cur2Names = columnNames{
		account:       []string{"line_item_usage_account_id"},
		productCode:   []string{"line_item_product_code", "product_servicecode"},
		productName:   []string{"product_product_name"},
		lineItemType:  []string{"line_item_line_item_type"},
		usageType:     []string{"line_item_usage_type"},
		operation:     []string{"line_item_operation"},
		billingEntity: []string{"bill_billing_entity"},
		cost:          []string{"line_item_unblended_cost"},
		publicCost:    []string{"pricing_public_on_demand_cost"},
		start:         []string{"line_item_usage_start_date"},
		billStart:     []string{"bill_billing_period_start_date"},
		lineItemID:    []string{"identity_line_item_id"},
		tagPlain:      []string{"resource_tags_user_cm_billing_group"},
		tagJSON:       []string{"resource_tags"},
		productMap:    []string{"product"},
		currency:      []string{"line_item_currency_code"},
		priceCurrency: []string{"pricing_currency"},
		required: []string{"line_item_usage_account_id", "line_item_product_code|product_servicecode", "line_item_line_item_type",
			"line_item_unblended_cost", "line_item_usage_start_date"},
	}
	// FOCUS 1.0 – 1.3 (AWS's "FOCUS with AWS columns" exports add the x_ columns;
	// see doc.go). The product code is x_ServiceCode, or ServiceName when that is
	// absent or null (fill). Who bills the row is decided by providerCols.
	focusNames = columnNames{
		account:      []string{"SubAccountId"},
		productCode:  []string{"x_ServiceCode"},
		productName:  []string{"ServiceName"},
		lineItemType: []string{"ChargeCategory"},
		usageType:    []string{"x_UsageType"},
		operation:    []string{"x_Operation"},
		cost:         []string{"BilledCost"},
		publicCost:   []string{"ListCost"},
		start:        []string{"ChargePeriodStart"},
		billStart:    []string{"BillingPeriodStart"},
		tagJSON:      []string{"Tags"},
		provider:     []string{"ProviderName"},
		issuer:       []string{"InvoiceIssuerName"},
		host:         []string{"HostProviderName"},
		publisher:    []string{"PublisherName", "ServiceProviderName"},
		skuID:        []string{"SkuId"},
		currency:     []string{"BillingCurrency"}, // ListCost is in BillingCurrency too
		commitID:     []string{"CommitmentDiscountId"},
		commitStatus: []string{"CommitmentDiscountStatus"},
		required:     []string{"BilledCost", "ChargeCategory", "ChargePeriodStart", "SubAccountId", "ServiceName"},
	}
)

// newSchema detects the format of a header (B-1) and locates its columns. Header
// names are matched after trimming spaces, in their exact case first, else ignoring
// ASCII case (Athena and several tools lowercase them); of two names equal so, the
// first wins. The exact match comes first because AWS tag keys are case-sensitive:
// resourceTags/user:cmbillinggroup is another tag than
// resourceTags/user:CmBillingGroup, and must not shadow it. Column order is free and
// unknown columns are ignored.
func newSchema(header []string) (*schema, error) {
	exact := make(map[string]int, len(header))
	idx := make(map[string]int, len(header)) // by lower-case name
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := exact[h]; !dup {
			exact[h] = i
		}
		h = strings.ToLower(h)
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	has := func(n string) bool { _, ok := idx[strings.ToLower(n)]; return ok }
	var f billing.Format
	var names *columnNames
	switch {
	case has("lineItem/UnblendedCost") || has("lineItem/LineItemType") || has("lineItem/UsageAccountId"):
		f, names = billing.FormatCURLegacy, &legacyNames
	case has("line_item_unblended_cost") || has("line_item_line_item_type") || has("line_item_usage_account_id"):
		f, names = billing.FormatCUR2, &cur2Names
	case has("BilledCost") && has("ChargeCategory"):
		f, names = billing.FormatFOCUS, &focusNames
	default:
		return nil, fmt.Errorf("%w: the header has none of lineItem/UnblendedCost (legacy CUR), line_item_unblended_cost (CUR 2.0) or BilledCost+ChargeCategory (FOCUS) (B-1)", ErrUnknownFormat)
	}
	for _, r := range names.required {
		// "a|b": a, or b in its absence.
		if !slices.ContainsFunc(strings.Split(r, "|"), has) {
			col, _, _ := strings.Cut(r, "|")
			return nil, &Error{Column: col, Err: fmt.Errorf("%w for %s (B-1)", ErrMissingColumn, f)}
		}
	}
	if f == billing.FormatFOCUS && !has("ProviderName") && !has("InvoiceIssuerName") && !has("HostProviderName") {
		// ServiceProviderName alone cannot tell an AWS Marketplace row (seller: the
		// publisher, sold and invoiced by AWS) from another cloud's row.
		return nil, &Error{Column: "ProviderName", Err: fmt.Errorf("%w for %s: need ProviderName, InvoiceIssuerName or HostProviderName to tell AWS rows apart (B-1, B-8)", ErrMissingColumn, f)}
	}
	look := func(cands []string) int {
		for _, c := range cands {
			if i, ok := exact[c]; ok {
				return i
			}
			if i, ok := idx[strings.ToLower(c)]; ok {
				return i
			}
		}
		return -1
	}
	s := &schema{format: f, names: header, ncols: len(header)}
	for i, c := range [numSlots][]string{
		sAccount: names.account, sProductCode: names.productCode, sProductName: names.productName,
		sLineItemType: names.lineItemType, sUsageType: names.usageType, sOperation: names.operation,
		sBillingEntity: names.billingEntity, sCost: names.cost, sPublicCost: names.publicCost,
		sStart: names.start, sProductMap: names.productMap, sProvider: names.provider,
		sIssuer: names.issuer, sHost: names.host, sPublisher: names.publisher, sSkuID: names.skuID,
		sBillStart: names.billStart, sCommitID: names.commitID, sCommitStat: names.commitStatus,
		sCurrency: names.currency, sPubCurr: names.priceCurrency,
		sLineItemID: names.lineItemID,
	} {
		s.col[i] = look(c)
	}
	if i := look(names.tagPlain); i >= 0 {
		s.col[sTag], s.tagKind = i, tagPlain
	} else if i := look(names.tagJSON); i >= 0 {
		s.col[sTag], s.tagKind = i, tagJSON
	} else {
		s.col[sTag] = -1
	}
	for sl, c := range s.col {
		if c >= 0 {
			s.need = append(s.need, slotCol{col: c, slot: slot(sl)})
		}
	}
	slices.SortFunc(s.need, func(a, b slotCol) int { return a.col - b.col })
	if c := s.col[sProductCode]; c >= 0 && f != billing.FormatFOCUS && !strings.EqualFold(strings.TrimSpace(header[c]), names.productCode[0]) {
		// product/servicecode is not the product code: data transfer is AWSDataTransfer
		// whatever service it belongs to, and Tax rows have none (the real CUR sample:
		// 446 of 1,269 Usage rows differ, all 12 Tax rows are empty). One warning per
		// file says what that changes.
		s.warnings = append(s.warnings, fmt.Sprintf("no %[1]s column: product codes are read from %[2]s, so service-scoped pricing rules (B-5) "+
			"and the per-service invoice lines follow %[2]s, not %[1]s (data transfer is AWSDataTransfer rather than the service it belongs to, "+
			"and Tax rows may have no service)", names.productCode[0], strings.TrimSpace(header[c])))
	}
	if s.col[sCurrency] < 0 {
		s.noCurrency = names.currency[0]
	}
	if f == billing.FormatFOCUS && !has("x_ServiceCode") {
		s.warnings = append(s.warnings, "FOCUS data without x_ServiceCode: product codes are ServiceName values "+
			"(e.g. \"Amazon Elastic Compute Cloud\", not \"AmazonEC2\"), so service-scoped pricing rules (B-5) and "+
			"the product-code checks of B-7 and B-8 may not match")
	}
	return s, nil
}

// currencyWarning returns the warning of a file without a currency column, whose
// rows are all taken to be in the currency the sink checks (B-1): "no
// lineItem/CurrencyCode column: every row is taken to be in USD, as configured". It
// names the currency when the sink says it (billing.Aggregator.CostCurrency), and
// returns "" for a file with the column.
func (s *schema) currencyWarning(sink billing.Sink) string {
	if s.noCurrency == "" {
		return ""
	}
	cur := "the configured cost currency"
	if c, ok := sink.(interface{ CostCurrency() money.Currency }); ok {
		cur = string(c.CostCurrency()) + ", as configured"
	}
	return "no " + s.noCurrency + " column: every row is taken to be in " + cur
}

// sinkError wraps an error of Sink.Add at line: a *billing.FieldError gets the
// column its field was read from (`file:6: column lineItem/UnblendedCost: "abc" is
// not a decimal number`).
func (s *schema) sinkError(file string, line int64, err error) error {
	e := &Error{File: file, Line: line, Err: err}
	var fe *billing.FieldError
	if errors.As(err, &fe) {
		e.Column = s.fieldColumn(fe.Field)
	}
	return e
}

// fieldColumn returns the header name of the column a LineItem field is read from,
// or "" when the field has none.
func (s *schema) fieldColumn(f billing.Field) string {
	sl := slot(-1)
	switch f {
	case billing.FieldAccountID:
		sl = sAccount
	case billing.FieldCost:
		sl = sCost
	case billing.FieldPublicCost:
		sl = sPublicCost
	case billing.FieldCurrency:
		sl = sCurrency
	case billing.FieldPublicCurrency:
		sl = sPubCurr
	}
	if sl < 0 {
		return ""
	}
	return s.colName(s.col[sl])
}

// colName returns the header name of column i, or "" when i is out of range.
func (s *schema) colName(i int) string {
	if i < 0 || i >= len(s.names) {
		return ""
	}
	return s.names[i]
}
