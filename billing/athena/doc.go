// Package athena is a billing.Input that has Amazon Athena aggregate a month of
// AWS cost data where it already is — the CUR table over the report bucket — and
// feeds the aggregates to billing.Run's Aggregator, so that a month too large for
// one machine gives the invoices a local run (billing/costfile) gives on the same
// rows. It calls github.com/aws/aws-sdk-go-v2/service/athena.
//
//	src, err := athena.NewFromConfig(awsCfg, athena.Config{Layout: athena.CUR2,
//		Database: "cur", Table: "data_export", Partitions: athena.BillingPeriodPartition,
//		WorkGroup: "billing",
//		OutputLocation: "s3://example-athena-results/resellerkit/"})
//	…
//	res, err := billing.Run(ctx, billing.Job{Period: period, …, Inputs: []billing.Input{src}})
//
// # The query
//
// Scan sends one query (Source.Statement shows it): the rows of the Sink's billing
// period grouped by every field of a billing.GroupKey — usage account, product
// code, product name, line item type, usage type, operation, billing entity and the
// CmBillingGroup tag (B-9) — and by the currency (B-1), with COUNT(*) and the sum of
// the unblended cost as DECIMAL(38,10); when the Sink reads public costs
// (billing.FieldUser: some project is on the public_on_demand basis, B-3) also by
// the pricing currency and with the sum of the public on-demand cost, the unblended
// cost standing in for a row without one, as the Aggregator does. The usage type and
// operation are grouped in full: the Aggregator of billing.NewAggregatorFor then
// keeps of them what the configuration's pricing rules read, exactly as it does with
// a file's rows. A row belongs to the month of bill_billing_period_start_date, or of
// line_item_usage_start_date when that is null (B-1, B-16); rows of other months are
// not read at all (the table holds every month), so billing.Result.Rows counts none
// outside the period and no warning lists them, where a local run of a file holding
// a few rows of the months around would.
//
// The query also counts the rows a local run would not sum as it does, and Scan
// fails when any count is not zero (an error wrapping ErrRowsRefused, naming the
// count's column and the number of rows): money is never guessed.
//
//   - inexact_cost (and inexact_public_cost when public costs are read): the rows
//     whose cost is changed by the cast to DECIMAL(38,10) — see Exact money.
//   - no_usage_start: the rows of the month with a null
//     line_item_usage_start_date, and the rows with neither date (which belong
//     to no month; the query reads them too, within the partitions, to count
//     them). A local run refuses such a row (B-1); Athena would sum the first
//     kind in the bill's month and leave out the second unseen. In a table with
//     no partitions, a row with neither date thus fails every month's query
//     until it is corrected. A usage start that is not a timestamp cannot be in
//     a typed table; one that a CSV table's SerDe read as null is counted.
//
// Athena charges by the bytes it scans: with Config.Partitions the query also
// compares the table's month partitions with the period — billing_period =
// '2026-10' for a Data Exports table (BillingPeriodPartition), year = '2026' and
// month = '10' for legacy CUR's (YearMonthPartitions) — so only the period's files
// are read.
//
// Two table layouts (Config.Layout):
//
//   - CUR2, an AWS Data Exports (CUR 2.0) table: the product name is the product
//     map's product_name, the tag the resource_tags map's value under the first of
//     user:CmBillingGroup, CmBillingGroup, user_cm_billing_group, cm_billing_group,
//     user_CmBillingGroup that the map holds — billing/costfile's spellings and
//     rule: that key decides even when its value is null (then no group), the
//     later ones are not consulted (CASE WHEN contains(map_keys(…), ?) THEN
//     element_at(…, ?) …, not a COALESCE, which would skip a null).
//   - LegacyCUR, the table of legacy CUR's Athena integration: product_product_name,
//     and the tag in its own column, resource_tags_user_cm_billing_group
//     (Config.TagColumn). Its rows are classified as legacy CUR (billing.Format).
//
// The table must have every column the query reads: a legacy CUR table has the tag
// column only once the CmBillingGroup cost allocation tag is activated and in the
// report, a Data Exports table its resource_tags and product maps only when the
// export includes them; otherwise the query ends FAILED with COLUMN_NOT_FOUND (a
// *QueryError saying which column).
//
// No value is ever part of the query text. The text is built from a fixed template
// and identifiers only: the catalog, database and table (Config.Validate allows
// letters, digits, underscores and hyphens) and the CUR column names, each
// double-quoted. Every value — the month's first instant and the next month's, the
// map keys — is an execution parameter (StartQueryExecutionInput.ExecutionParameters)
// for a ? placeholder, written as the SQL string literal Athena takes ('…', a quote
// doubled), which Athena binds as one value.
//
// # Exact money
//
// CUR tables hold costs as DOUBLE. The local reader renders a double as the
// shortest decimal text that reads back as the same double — the decimal AWS
// wrote, at most 10 fractional digits — and sums that text exactly. The query
// casts each value to DECIMAL(38,10) before summing, and never sums doubles.
// Athena's engine, Trino, casts a DOUBLE to DECIMAL with Java's
// BigDecimal.valueOf, which is that same shortest decimal (on Java 19 and later),
// and rounds it half-up to the scale, which leaves a value of at most 10
// fractional digits unchanged (io.trino.spi.type.DecimalConversions; Athena does
// not document its cast, and this package was not run against Athena itself). So
// each row's amount is the local reader's and the DECIMAL(38,10) sums are exact.
// The sums come back as decimal text, which the Aggregator adds as it adds a
// file's costs. DuckDB, on which the tests run the query, casts alike only below
// 2^17 (131,072) in magnitude — it scales the binary value by 10^10 and rounds
// that, so 1234567.89 becomes 1234567.8899999998 — which the tests' data stays
// within; a test checks the agreement below that bound.
//
// A DOUBLE whose shortest decimal has more than 10 fractional digits (AWS writes
// at most 10, but another tool's table may hold more) would be rounded by the
// cast, and the sums would differ from a local run's. The query counts such rows,
// per cost column, as CAST(c AS DECIMAL(38,10)) <> c: both engines compare a
// DECIMAL with a DOUBLE in DOUBLE, so a row counts when its DECIMAL(38,10) does
// not read back as the same double — exactly when its shortest decimal has more
// than 10 fractional digits (or when the engine's cast was wrong, as DuckDB's can
// be above 2^17). On a DECIMAL column the comparison is exact: a row counts when
// it has a non-zero digit beyond the 10th. (Comparing with a cast to
// DECIMAL(38,18) instead would not do on DuckDB, whose cast of a DOUBLE to 18
// fractional digits is not exact in floating point.) Scan fails when the count
// is not zero; the remedy is a local run, which sums the exact text.
//
// # Row counts
//
// A result row stands for the line items it counts. The Source adds it to the Sink
// once with its sums, then once more per other line item with no cost, so the
// Aggregator counts rows as in a local run: billing.Result.Rows.InPeriod, the rows
// of an unknown line item type in its warning, InputStats.Rows. The Sink interface
// has no way to add a count, so this costs an Add per line item: about 35 ns of CPU
// each (BenchmarkScanResult), 3.5 s for a month of 100 million line items, small
// beside the query; the groups' sums are added once.
//
// # Running the query
//
// StartQueryExecution (with Config.WorkGroup, Config.OutputLocation and the
// database and catalog as the query's context), then GetQueryExecution polled with
// a growing wait (Poll: Interval doubling up to MaxInterval) until the query ends or
// Poll.Timeout has passed, then GetQueryResults page by page (Config.PageSize rows,
// the SDK's paginator; the first page's first row is the header, checked against
// the query's columns). A query given up on — the timeout, a cancelled context — is
// stopped with StopQueryExecution when the API has it (*athena.Client does), and the
// error says whether it was.
//
// # Errors
//
// Each error names the input (its table, and the query id once there is one):
//
//   - Throttling (TooManyRequestsException, or any of the SDK's throttling error
//     codes) is retried by the SDK's retryer (aws.Config.Retryer); when it gives up,
//     the error wraps ErrThrottled, with Athena's reason.
//   - InvalidRequestException (unknown database, table or workgroup, a bad output
//     location, SQL Athena refuses) wraps ErrRequest, with its AthenaErrorCode.
//   - A query that ends FAILED or CANCELLED is a *QueryError (wrapping
//     ErrQueryFailed or ErrQueryCancelled) with its StateChangeReason and
//     AthenaError (category, type, retryable, message).
//   - Poll.Timeout over: an error wrapping ErrTimeout.
//   - Rows the query counted as ones a local run would not sum alike (costs beyond
//     10 fractional digits, rows with no usage start): a *RowError wrapping
//     ErrRowsRefused, naming the count's column and the number of rows.
//   - A result with other columns than the query's, a row with a value missing or a
//     count that is not a whole number: a *RowError wrapping ErrResult, naming the
//     row (counted from 1 after the header) and the column; a value the Sink refuses
//     (a row in another currency than the configured one, B-1: billing.ErrCurrency;
//     a cost that is no decimal) is a *RowError around the Sink's
//     *billing.FieldError, naming the result column and the table column it sums.
//
// # Overlapping inputs (B-14)
//
// A Source contributes no billing.Sketch (there are no row identities in an
// aggregate): billing.Run compares it with no other input and does not refuse it.
// Its InputStats name the query id instead, which with Athena's query history
// tells what was read. Do not give billing.Run an Athena input and files of the
// same rows, or two Sources over one table: nothing would notice that the rows
// count twice.
//
// # Permissions
//
// The credentials need athena:StartQueryExecution, athena:GetQueryExecution,
// athena:GetQueryResults and athena:StopQueryExecution on the workgroup;
// glue:GetDatabase, glue:GetTable and glue:GetPartitions on the catalog; s3:GetObject
// and s3:ListBucket on the report bucket; and s3:PutObject, s3:GetObject and
// s3:GetBucketLocation on the output location.
package athena
