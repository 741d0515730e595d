package billing

import (
	"fmt"
	"time"
)

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

// Period is a billing period: one calendar month in UTC (B-1, B-16). Its zero value is
// not a valid period.
type Period struct {
	Year  int
	Month time.Month
}

// PeriodOf returns the UTC calendar month containing t.
func PeriodOf(t time.Time) Period {
	t = t.UTC()
	return Period{Year: t.Year(), Month: t.Month()}
}

// ParsePeriod parses "YYYY-MM".
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Period{}, fmt.Errorf("billing: period %q: want YYYY-MM (a UTC calendar month, B-1)", s)
	}
	return PeriodOf(t), nil
}

// String formats the period as "YYYY-MM".
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// Start returns the first instant of the period, in UTC.
func (p Period) Start() time.Time { return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, time.UTC) }

// End returns the first instant after the period, in UTC: periods are half-open [Start, End).
func (p Period) End() time.Time { return p.Start().AddDate(0, 1, 0) }

// Next returns the period that follows p.
func (p Period) Next() Period { return PeriodOf(p.End()) }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p == Period{} }

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
	Period Period
	// BillingPeriod is the month of the bill the row belongs to (CUR
	// bill/BillingPeriodStartDate, bill_billing_period_start_date; FOCUS
	// BillingPeriodStart), or the zero Period when the source lacks the column. It
	// decides which invoice a row lands in: a late credit for September usage in
	// October's bill belongs to October (B-16). When it is zero, Period decides.
	BillingPeriod Period

	AccountID     []byte // usage account (CUR lineItem/UsageAccountId; FOCUS SubAccountId)
	ProductCode   []byte // CUR lineItem/ProductCode; FOCUS x_ServiceCode, else ServiceName
	ProductName   []byte // CUR product/ProductName; FOCUS ServiceName
	LineItemType  []byte // CUR lineItem/LineItemType (B-2); FOCUS ChargeCategory
	UsageType     []byte // CUR lineItem/UsageType; FOCUS x_UsageType or SkuId when absent
	Operation     []byte // CUR lineItem/Operation; FOCUS x_Operation when present
	BillingEntity []byte // CUR bill/BillingEntity; FOCUS: "AWS Marketplace" when PublisherName (ServiceProviderName when absent) is not an Amazon Web Services entity, else "AWS" (B-8)
	BillingGroup  []byte // value of the cost allocation tag CmBillingGroup, empty when untagged (B-9)

	// Cost is the decimal text of the row's cost in USD: CUR lineItem/UnblendedCost,
	// FOCUS BilledCost. It is validated by the Sink, not the reader.
	Cost []byte
	// PublicCost is the decimal text of the public on-demand cost (CUR
	// pricing/publicOnDemandCost; FOCUS ListCost), empty when the source lacks it (B-3).
	PublicCost []byte
}

// Sink consumes line items. Readers give each worker goroutine its own Sink, so a
// Sink needs no locking; the caller merges the sinks after the read. An error
// returned by Add stops the read and is reported with the file and line of the row.
type Sink interface {
	Add(li *LineItem) error
}
