package billing

import "github.com/seeda33a2f4f/resellerkit"

// Format names the layout a cost file was written in (B-1).
type Format int

// The cost-data formats the readers understand (B-1).
const (
	FormatUnknown   Format = iota
	FormatCURLegacy        // legacy CUR: "lineItem/UnblendedCost" style headers, CSV
	FormatCUR2             // CUR 2.0: "line_item_unblended_cost" style columns, CSV or Parquet
	FormatFOCUS            // FOCUS 1.0 / 1.2: "BilledCost", "ChargeCategory", … columns
)

// String returns the format's short name: "cur-legacy", "cur2", "focus" or "unknown".
func (f Format) String() string {
	switch f {
	case FormatCURLegacy:
		return "cur-legacy"
	case FormatCUR2:
		return "cur2"
	case FormatFOCUS:
		return "focus"
	default:
		return "unknown"
	}
}

// LineItem is one cost row, normalized from any source format by the readers in
// package billing/costfile. It is the only thing the readers and the engine share.
//
// The byte-slice fields alias the reader's buffers: they are valid only during the
// Sink.Add call that receives the LineItem, and a Sink that keeps one must copy it
// (typically by interning it as a map key). A reader reuses one LineItem per worker,
// so a row costs no allocation.
//
// Empty and "NULL" source values arrive as empty slices (B-1).
type LineItem struct {
	Format Format // the source format (decides how LineItemType is read)

	// Period is the UTC month of the row's usage start (CUR lineItem/UsageStartDate,
	// line_item_usage_start_date; FOCUS ChargePeriodStart).
	Period resellerkit.Month
	// BillingPeriod is the month of the bill the row belongs to (CUR
	// bill/BillingPeriodStartDate, bill_billing_period_start_date; FOCUS
	// BillingPeriodStart), or the zero Month when the source lacks the column. It
	// decides which invoice a row lands in: a late credit for September usage in
	// October's bill belongs to October (B-16). When it is zero, Period decides.
	BillingPeriod resellerkit.Month

	AccountID     []byte // usage account (CUR lineItem/UsageAccountId; FOCUS SubAccountId)
	ProductCode   []byte // CUR lineItem/ProductCode; FOCUS x_ServiceCode, else ServiceName
	ProductName   []byte // CUR product/ProductName; FOCUS ServiceName
	LineItemType  []byte // CUR lineItem/LineItemType (B-2); FOCUS ChargeCategory
	UsageType     []byte // CUR lineItem/UsageType; FOCUS x_UsageType or SkuId when absent
	Operation     []byte // CUR lineItem/Operation; FOCUS x_Operation when present
	BillingEntity []byte // CUR bill/BillingEntity; FOCUS: "AWS Marketplace" when PublisherName (ServiceProviderName when absent) is not an Amazon Web Services entity, else "AWS" (B-8)
	BillingGroup  []byte // value of the cost allocation tag CmBillingGroup, empty when untagged (B-9)

	// Cost is the decimal text of the row's cost in its Currency: CUR
	// lineItem/UnblendedCost, FOCUS BilledCost. It is validated by the Sink, not the
	// reader.
	Cost []byte
	// PublicCost is the decimal text of the public on-demand cost (CUR
	// pricing/publicOnDemandCost; FOCUS ListCost), empty when the source lacks it (B-3).
	PublicCost []byte
	// Currency is the ISO 4217 code of Cost (CUR lineItem/CurrencyCode, CUR 2.0
	// line_item_currency_code, FOCUS BillingCurrency, which FOCUS ListCost is in
	// too); empty when the source lacks it or the value is null, meaning the
	// configured currency (B-1, Config.CostCurrency). The Sink checks it.
	Currency []byte
	// PublicCurrency is the code of PublicCost when the source states it apart (CUR
	// pricing/currency, CUR 2.0 pricing_currency), else empty (the configured one).
	PublicCurrency []byte

	// CommitmentDiscountID and CommitmentDiscountStatus are FOCUS CommitmentDiscountId
	// (the Savings Plan or Reserved Instance a row belongs to) and
	// CommitmentDiscountStatus ("Used", "Unused"); empty for CUR, whose line item
	// types say the same. They tell a commitment's Purchase rows and its unused
	// rows, which count zero on the public_on_demand basis (B-3, CommitmentNotListPriced).
	CommitmentDiscountID     []byte
	CommitmentDiscountStatus []byte
}

// Sink consumes line items. Readers give each worker goroutine its own Sink, so a
// Sink needs no locking; the caller merges the sinks after the read. An error
// returned by Add stops the read and is reported with the file and line of the row.
type Sink interface {
	Add(li *LineItem) error
}
