package athena

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// Layout is how the cost table's columns are laid out.
type Layout int

// The table layouts the query is built for.
const (
	// CUR2 is an AWS Data Exports "CUR 2.0" table: snake_case columns, the product
	// name under key product_name of the map column product, the CmBillingGroup tag
	// in the map column resource_tags (key user_cm_billing_group).
	CUR2 Layout = iota + 1
	// LegacyCUR is the table of legacy CUR's Athena integration (the
	// crawler-created table over the Parquet report): the same snake_case names, the
	// product name in product_product_name and each cost allocation tag a column of
	// its own (resource_tags_user_cm_billing_group).
	LegacyCUR
)

// String returns "cur2" or "legacy-cur".
func (l Layout) String() string {
	switch l {
	case CUR2:
		return "cur2"
	case LegacyCUR:
		return "legacy-cur"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// format is the billing.Format the rows of layout l are classified as.
func (l Layout) format() billing.Format {
	if l == LegacyCUR {
		return billing.FormatCURLegacy
	}
	return billing.FormatCUR2
}

// Partitioning is how the table is partitioned by month. With partitions the query
// also compares their columns with the period, so Athena reads only the period's
// files: it charges by the bytes it scans.
type Partitioning int

// The partitionings of a CUR table.
const (
	// NoPartitions: the query filters on the billing period column only, and
	// Athena scans every month's files to find the rows.
	NoPartitions Partitioning = iota
	// BillingPeriodPartition: a string partition column billing_period holding
	// the month as YYYY-MM (AWS Data Exports write BILLING_PERIOD=2026-10/
	// folders).
	BillingPeriodPartition
	// YearMonthPartitions: string partition columns year (2026) and month (10, 1
	// without a leading zero), as legacy CUR's Athena integration writes
	// year=2026/month=1/ folders.
	YearMonthPartitions
)

// String returns "none", "billing_period" or "year/month".
func (p Partitioning) String() string {
	switch p {
	case NoPartitions:
		return "none"
	case BillingPeriodPartition:
		return "billing_period"
	case YearMonthPartitions:
		return "year/month"
	}
	return fmt.Sprintf("Partitioning(%d)", int(p))
}

// DefaultTagColumn is the column of the CmBillingGroup tag (B-9) in a LegacyCUR
// table: AWS's Athena integration turns resourceTags/user:CmBillingGroup into it.
const DefaultTagColumn = "resource_tags_user_cm_billing_group"

// billingGroupKeys are the keys of the CmBillingGroup tag in a CUR 2.0
// resource_tags map, in the order billing/costfile consults them: the first the
// map holds decides, its null value being no group (the later ones are not
// consulted, as in a local run).
var billingGroupKeys = []string{"user:CmBillingGroup", "CmBillingGroup", "user_cm_billing_group", "cm_billing_group", "user_CmBillingGroup"}

// The CUR columns the query reads (both layouts name them alike).
const (
	colAccount       = "line_item_usage_account_id"
	colProductCode   = "line_item_product_code"
	colProductName   = "product_product_name" // LegacyCUR
	colProductMap    = "product"              // CUR2
	colLineItemType  = "line_item_line_item_type"
	colUsageType     = "line_item_usage_type"
	colOperation     = "line_item_operation"
	colBillingEntity = "bill_billing_entity"
	colTags          = "resource_tags" // CUR2
	colCurrency      = "line_item_currency_code"
	colPublicCurr    = "pricing_currency"
	colCost          = "line_item_unblended_cost"
	colPublicCost    = "pricing_public_on_demand_cost"
	colBillStart     = "bill_billing_period_start_date"
	colUsageStart    = "line_item_usage_start_date"
	colBillingPeriod = "billing_period" // BillingPeriodPartition
	colYear          = "year"           // YearMonthPartitions
	colMonth         = "month"
)

// The result columns, in the order the query selects them. The public ones are
// selected only when the Sink reads public costs (billing.FieldUser, B-3).
const (
	resAccount       = "account_id"
	resProductCode   = "product_code"
	resProductName   = "product_name"
	resLineItemType  = "line_item_type"
	resUsageType     = "usage_type"
	resOperation     = "operation"
	resBillingEntity = "billing_entity"
	resBillingGroup  = "billing_group"
	resCurrency      = "currency"
	resPublicCurr    = "public_currency"
	resLineItems     = "line_items"
	resCost          = "cost"
	resPublicCost    = "public_cost"
	// The counts of rows the Source refuses (a local run would not sum them as
	// the query does): costs that DECIMAL(38,10) would round, and rows with no
	// usage start.
	resInexactCost       = "inexact_cost"
	resInexactPublicCost = "inexact_public_cost"
	resNoUsageStart      = "no_usage_start"
)

// Statement is the aggregation query of one billing period: SQL holds only
// identifiers (double-quoted) and ? placeholders, never a value; Params holds the
// values, in placeholder order, as the SQL string literals Athena's
// ExecutionParameters take ('…', a quote doubled).
type Statement struct {
	SQL    string
	Params []string
	// Columns are the names of the result's columns, in order.
	Columns []string
}

// mapValue returns the expression of the value of key (a placeholder) in the map
// column col, NULL when the key is absent: Trino's element_at (a subscript, col[?],
// would fail on a row without the key).
func mapValue(col string) string { return "element_at(" + quote(col) + ", ?)" }

// mapHas returns the condition that the map column col holds key (a placeholder),
// whatever its value, null included: contains(map_keys(…), ?), in Trino and
// DuckDB alike.
func mapHas(col string) string { return "contains(map_keys(" + quote(col) + "), ?)" }

// inexact returns the count of the rows whose value of expr, a cost, is not the
// same once cast to DECIMAL(38,10), the type the query sums: a DECIMAL with a
// non-zero digit beyond the 10th, or a DOUBLE whose DECIMAL(38,10) does not read
// back as the same double — one whose shortest decimal, the text the local
// reader sums, has more than 10 fractional digits, or (DuckDB above 2^17) one
// the engine's cast got wrong. The comparison of a DECIMAL with a DOUBLE is done
// in DOUBLE by both Trino and DuckDB; of two DECIMALs, exactly.
func inexact(expr string) string {
	return "SUM(CASE WHEN CAST(" + expr + " AS DECIMAL(38,10)) <> " + expr + " THEN 1 ELSE 0 END)"
}

// statement builds the aggregation of period over q's table (q must be valid):
// rows grouped by every field a billing.GroupKey holds, with the number of rows
// and the exact DECIMAL(38,10) sums of their costs, and, when public is set, of
// their public on-demand costs (the cost where there is none, B-3) and with the
// pricing currency in the key; and the counts of the rows Scan refuses (costs the
// cast would round, rows with no usage start: see the package doc).
func (q *Config) statement(period resellerkit.Month, public bool) Statement {
	var (
		b      strings.Builder
		params []string
		cols   []string
	)
	sel := func(expr, alias string) {
		if len(cols) == 0 {
			b.WriteString("SELECT\n  ")
		} else {
			b.WriteString(",\n  ")
		}
		b.WriteString(expr + " AS " + quote(alias))
		cols = append(cols, alias)
	}
	sel(quote(colAccount), resAccount)
	sel(quote(colProductCode), resProductCode)
	if q.Layout == CUR2 {
		sel(mapValue(colProductMap), resProductName)
		params = append(params, literal("product_name"))
	} else {
		sel(quote(colProductName), resProductName)
	}
	sel(quote(colLineItemType), resLineItemType)
	sel(quote(colUsageType), resUsageType)
	sel(quote(colOperation), resOperation)
	sel(quote(colBillingEntity), resBillingEntity)
	if q.Layout == CUR2 {
		// billing/costfile's rule: the first spelling the map holds decides, even
		// when its value is null (no group).
		var c strings.Builder
		c.WriteString("CASE")
		for _, k := range billingGroupKeys {
			c.WriteString(" WHEN " + mapHas(colTags) + " THEN " + mapValue(colTags))
			params = append(params, literal(k), literal(k))
		}
		c.WriteString(" END")
		sel(c.String(), resBillingGroup)
	} else {
		sel(quote(q.tagColumn()), resBillingGroup)
	}
	sel(quote(colCurrency), resCurrency)
	keys := len(cols)
	if public {
		sel(quote(colPublicCurr), resPublicCurr)
		keys++
	}
	sel("COUNT(*)", resLineItems)
	sel("SUM(CAST("+quote(colCost)+" AS DECIMAL(38,10)))", resCost)
	publicCost := "COALESCE(" + quote(colPublicCost) + ", " + quote(colCost) + ")"
	if public {
		sel("SUM(CAST("+publicCost+" AS DECIMAL(38,10)))", resPublicCost)
	}
	sel(inexact(quote(colCost)), resInexactCost)
	if public {
		sel(inexact(publicCost), resInexactPublicCost)
	}
	sel("SUM(CASE WHEN "+quote(colUsageStart)+" IS NULL THEN 1 ELSE 0 END)", resNoUsageStart)
	b.WriteString("\nFROM ")
	if q.Catalog != "" {
		b.WriteString(quote(q.Catalog) + ".")
	}
	b.WriteString(quote(q.Database) + "." + quote(q.Table))
	// B-1/B-16: a row belongs to the month of its bill, or of its usage start when
	// it has no billing period; both instants are compared in UTC. A row with
	// neither belongs to no month: it is read, to be counted in no_usage_start
	// and refused, as a local run refuses it.
	month := "COALESCE(" + quote(colBillStart) + ", " + quote(colUsageStart) + ")"
	b.WriteString("\nWHERE (" + month + " >= CAST(? AS TIMESTAMP)\n  AND " + month + " < CAST(? AS TIMESTAMP)\n  OR " + month + " IS NULL)")
	params = append(params, literal(period.Start().Format(timestampLayout)), literal(period.End().Format(timestampLayout)))
	switch q.Partitions {
	case BillingPeriodPartition:
		b.WriteString("\n  AND " + quote(colBillingPeriod) + " = ?")
		params = append(params, literal(period.String()))
	case YearMonthPartitions:
		b.WriteString("\n  AND " + quote(colYear) + " = ? AND " + quote(colMonth) + " = ?")
		params = append(params, literal(strconv.Itoa(period.Year())), literal(strconv.Itoa(int(period.Month()))))
	}
	b.WriteString("\nGROUP BY ")
	for i := 1; i <= keys; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, i)
	}
	return Statement{SQL: b.String(), Params: params, Columns: cols}
}

// timestampLayout is the text of a TIMESTAMP both engines cast from a string.
const timestampLayout = "2006-01-02 15:04:05"

// quote returns name as a double-quoted SQL identifier. Names are validated
// (validName) before they get here, so there is no quote inside to double; it is
// doubled anyway.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// literal returns s as a SQL string literal, a quote doubled: the form of a
// string value in Athena's ExecutionParameters, which Athena binds to a
// placeholder as one value, never as query text.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// validName reports whether s can name an Athena catalog, database, table or
// column: 1 to 255 letters, digits, underscores or hyphens (AWS Glue's names; no
// quote, dot, space or control character, so a quoted name cannot end early).
func validName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
