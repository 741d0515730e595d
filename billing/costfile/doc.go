// Package costfile reads AWS cost data — legacy CUR CSV, CUR 2.0 CSV or Parquet, and
// FOCUS 1.0/1.2 CSV, any CSV optionally gzip-compressed or in a ZIP archive — and
// streams every row, as a billing.LineItem, into caller-supplied sinks (B-1).
//
// # Model
//
// File{Path, Options} is a billing.Input: billing.Run scans it with its own
// Aggregators, which is the usual way to use this package. ScanFile and Scan are the
// readers underneath, for callers with sinks of their own; they return the
// billing.InputStats of the scan (format, layout, compression, rows, bytes, rows of
// other providers skipped, warnings — among them "no rows" for a file with a header
// and no row).
//
// Overlaps (B-14). Every scan also samples the identities of the file's rows into
// InputStats.Sketch, so that billing.Run refuses two files that overlap (a copy, two
// versions of one month): a CUR row is its line item id (identity/LineItemId,
// identity_line_item_id) and usage start as an instant (the id alone repeats over
// the days of a usage; the start's text may be reformatted), and also its content
// (account, start, type, product, usage and operation: AWS may regenerate ids in a
// restated month); a row without an id (FOCUS) its whole text in CSV, all its
// values in Parquet; see fingerprint.go. Files(opt, paths...) makes the Inputs of
// several paths and refuses at once, before reading, a file given twice under one
// name or two (a link: os.SameFile), and two assembly folders of one billing
// period of the legacy CUR layout.
//
// ScanFile tells Parquet ("PAR1"), ZIP ("PK\x03\x04"), gzip (1f 8b) and plain CSV
// apart by magic bytes; Scan does the same for a stream (CSV and gzip only: Parquet
// and ZIP need random access, and Scan refuses them, pointing to ScanFile, rather
// than buffering a whole file). Any other format recognized by its first bytes is
// refused with ErrUnsupported saying what the file is and what to do — bzip2, xz,
// zstd, LZ4, Snappy, compress (.Z), lzip, 7-Zip, RAR, tar, a split ZIP, an Excel
// workbook, UTF-16 text, PDF, Avro, an HTML or XML page (an S3 error saved as the
// file), JSON (a CUR manifest picked up by a glob) — also inside a gzip stream or a
// ZIP member ("gzip-compressed tar archive"), rather than with the header's
// "unknown cost file format". The format comes from the header:
// "lineItem/…" columns are legacy CUR, "line_item_…" columns CUR 2.0 (also the
// snake_case Athena layout of legacy CUR), BilledCost+ChargeCategory FOCUS. Columns
// may come in any order and their names in any case (Athena and several tools
// lowercase them): a name in the exact case sought wins, else the first equal to it
// but for case (AWS tag keys are case-sensitive: resourceTags/user:cmbillinggroup
// does not shadow resourceTags/user:CmBillingGroup); unknown columns are ignored;
// required ones (account, product code, line item type, cost, usage start; FOCUS also
// one of ProviderName, InvoiceIssuerName or HostProviderName) must be present.
// Without lineItem/ProductCode (line_item_product_code) the product code is
// product/servicecode (product_servicecode), with one warning per file saying that
// service-scoped pricing rules (B-5) and the per-service invoice lines then follow
// it: it is AWSDataTransfer for the data transfer of every service (446 of the 1,269
// Usage rows of the real CUR sample, most of them S3's) and empty on Tax rows. When
// both exist lineItem/ProductCode decides.
//
// Currency (B-1). LineItem.Currency is lineItem/CurrencyCode, line_item_currency_code
// or FOCUS BillingCurrency (ListCost is in it too); PublicCurrency is pricing/currency
// or pricing_currency. The reader hands them on; the Sink checks them (the
// billing.Aggregator refuses any other than the configured cost currency, an empty
// one being it). A file without the currency column has every row taken to be in
// the configured cost currency, and one warning says so ("no lineItem/CurrencyCode
// column: every row is taken to be in USD, as configured"; the currency named is the
// Sink's when it has a CostCurrency method, as the Aggregator does).
//
// Values the run does not use. A Sink that implements billing.FieldUser and does not
// use PublicCost (the Aggregator of a config with no public_on_demand project) gets
// none: the reader only checks pricing/publicOnDemandCost (ListCost) and counts the
// values that are not decimal numbers in one warning naming the column, the number
// and the first file:line and value, and does not read pricing/currency at all. A bad
// value there never stops such a run.
//
// Account ids (M-3). An id that cannot be an AWS account id (not 1 to 12 digits: 13
// digits, "ACCT-…", empty) can never be in a project, so its rows are unassigned: each
// gets one warning with its first file:line (the first 20 ids of the file, then one
// saying there are more). The warnings are per file: an id in two files is warned
// once for each, at its first line there, as that is where to look; the run's
// unassigned accounts list it once, with the rows of all files. Shorter all-digit
// ids are AWS ids whose leading zeros a spreadsheet stripped; the engine pads them.
//
// Mapping (see billing.LineItem): the period is the UTC month of the usage start
// (lineItem/UsageStartDate, line_item_usage_start_date, ChargePeriodStart). Both B-1
// timestamp forms take an allocation-free fast path; RFC 3339 with fractions or an
// offset is converted to UTC first. Empty and NULL are empty. The CmBillingGroup tag
// (B-9) is read from resourceTags/user:CmBillingGroup (legacy), from the CUR 2.0
// resource_tags map (key user_cm_billing_group: CUR 2.0 normalizes tag keys to lower
// snake case with a user_ prefix; the other spellings of billingGroupKeys are
// accepted too) or from FOCUS Tags (key CmBillingGroup or user:CmBillingGroup); the
// JSON text is decoded only when it contains the key, so untagged rows cost nothing.
// CUR 2.0 has no product_product_name in its fixed schema: the name is taken from
// the "product" map's product_name key unless a product_product_name column exists.
//
// # Billing period (B-16)
//
// LineItem.BillingPeriod is the UTC month of bill/BillingPeriodStartDate (legacy),
// bill_billing_period_start_date (CUR 2.0 CSV and Parquet) or BillingPeriodStart
// (FOCUS), parsed like the usage start (a malformed value is an ErrTimestamp naming
// file:line and the column). It is the zero resellerkit.Month when the file has no
// such column or the row's value is null: the engine then falls back to Period. A
// late credit for September usage in October's bill thus has Period 2026-09 and
// BillingPeriod 2026-10.
//
// # FOCUS
//
// Which export has which columns (checked against AWS's Data Exports table
// dictionaries, "FOCUS 1.0 with AWS columns" and "FOCUS 1.2 with AWS columns", and
// the FOCUS specification's column pages and appendices):
//
//   - AWS FOCUS 1.0 adds x_CostCategories, x_Discounts, x_Operation, x_ServiceCode and
//     x_UsageType; AWS FOCUS 1.2 adds only x_Discounts, x_Operation and x_ServiceCode
//     (no x_UsageType). Both have ProviderName, PublisherName and InvoiceIssuerName.
//   - ProductCode is x_ServiceCode ("AmazonEC2", "AmazonRegistrar", "AWSSupportBusiness"
//     — the CUR product code) when the column exists and the value is not null, else
//     ServiceName ("Amazon Elastic Compute Cloud"). ProductName is ServiceName.
//     Without x_ServiceCode, service-scoped pricing rules (B-5) and the product-code
//     tests of B-7 and B-8 cannot match, so the stats' Warnings say so.
//   - UsageType is x_UsageType, else SkuId (so with AWS FOCUS 1.2 the sku rules of B-5
//     and the DomainRegistration usage-type test of B-8 see SkuId values, not CUR usage
//     types). Operation is x_Operation when present.
//   - Cost is BilledCost, PublicCost ListCost; CommitmentDiscountId and
//     CommitmentDiscountStatus are handed on as they are, so the engine can count a
//     Savings Plan or Reserved Instance once on the public_on_demand basis: its
//     Purchase rows and its "Unused" rows count zero there, its covered usage its
//     ListCost (billing.CommitmentNotListPriced, B-3). The FOCUS appendix
//     "Commitment Discounts" shows the rows: a Purchase with the payment in
//     BilledCost and ListCost, covered usage with BilledCost 0 and the list price in
//     ListCost, unused commitment with BilledCost 0.
//
// Whose row it is. FOCUS 1.0–1.2 define ProviderName as the entity that made the
// service available for purchase: for a cloud marketplace offering that is the cloud
// provider, while PublisherName is the third-party seller and InvoiceIssuerName the
// cloud provider (spec appendix "Origination of cost data"). FOCUS 1.3 deprecates
// ProviderName/PublisherName for ServiceProviderName, which for a marketplace offering
// is the seller, with InvoiceIssuerName still the cloud provider and HostProviderName
// the cloud provider or the seller (appendix "Entity identification"). So a row is
// AWS's when the first non-null of ProviderName, InvoiceIssuerName, HostProviderName
// is "AWS" or an "Amazon Web Services…" entity; ServiceProviderName is never used for
// this, or an AWS Marketplace row (Red Hat sold through AWS) would be skipped as
// another cloud's and its charge lost. Other rows are skipped and counted per name in
// InputStats.SkippedByProvider, and the columns that decided in SkippedByColumns, so
// the run's warning names them ("whose InvoiceIssuerName or HostProviderName is not
// AWS"), never a ProviderName the file lacks. A file with only ServiceProviderName is refused
// (ErrMissingColumn). The billing entity is "AWS Marketplace" when PublisherName (or,
// without it, ServiceProviderName) is not an Amazon Web Services entity, else "AWS"
// (B-8).
//
// # ZIP archives
//
// Legacy CUR can be delivered ZIP-compressed. ScanFile reads every CSV member of an
// archive — names ending in .csv or .csv.gz, in any case; a .csv.gz member is
// gunzipped — in name order (byte order of the names, whatever their order in the
// archive), each exactly as a file of its own: streamed, with its own header, format
// detection, line numbers and checks, into one set of Sinks. The archive is one
// billing.Input: its stats have Name the archive's path, Compression "zip", the rows,
// bytes and skipped rows of all members, and each member's warnings prefixed with
// the member's name ("a.csv, b.csv: no rows: …"; one "no rows" warning when no
// member has a row).
//
// A member is named in errors as "archive.zip!member.csv" (the *Error's File, as in
// a JAR URL; "/" would read as a directory), so a bad row reads
// "archive.zip!reports/part-2.csv:12: column …: …". A name that is not valid UTF-8
// or holds control characters is quoted. Deflated members are inflated with
// klauspost/compress/flate.
//
// Before any row flows the whole archive is checked, and refused with ErrZip naming
// the member: a member that is not a CSV file (it could be cost data the run would
// silently miss; directories, __MACOSX/, ._*, .DS_Store, Thumbs.db and desktop.ini
// are skipped), an archive with no CSV member, two members of one name, a copy (same
// size and CRC-32 as a member before it, unless it holds no row: it would count
// every amount twice), an encrypted member, a compression method other than stored
// and deflated (Deflate64, bzip2, LZMA, zstd… are named), a member whose format
// differs from the first member's (the members are the parts of one report; their
// columns may differ, as two files' may), a header Scan would refuse. An Excel
// workbook (.xlsx, itself a ZIP) gets ErrUnsupported. The central directory is read
// only up to 4 MiB (about 30,000 members), since it is held in memory.
//
// The archive being one input, its members are checked for overlap (B-14) among
// themselves as billing.Run checks inputs: a member whose sampled rows are in the
// members before it (two versions of one month zipped together) stops the scan with
// an error wrapping billing.ErrOverlap naming both; the archive's
// InputStats.Sketch is its members' together, so Run compares it with the other
// inputs.
//
// ZIP bombs: a member may inflate to at most MaxZipRatio (200) times its compressed
// size, or ZipRatioFloor (64 MiB) if larger — real cost files compress 7:1 to 20:1,
// deflate at most about 1000:1. A member whose header declares more is refused
// before any row flows, with ErrZipBomb; one whose size is hidden (a .csv.gz
// member) is stopped with ErrZipBomb at the line reached; one that inflates to more
// or less than its header declares, or fails its CRC-32, gets ErrZip. Memory stays
// that of a CSV scan whatever the archive holds. A genuine file refused as a bomb
// can be extracted and scanned as CSV, which has no such bound.
//
// # Errors
//
// Every failure is an *Error naming the file (for a ZIP member "archive!member"),
// the physical line where the bad row starts (header = line 1; for Parquet the
// 1-based row number), the column when one is to blame, and a sentinel
// (ErrFieldCount, ErrQuote, ErrTimestamp, ErrCompressed, ErrParquet, ErrZip,
// ErrZipBomb, ErrUnsupported, …; their messages start "costfile: ") to test with
// errors.Is. A bad value reads "file:line: column NAME: " and the quoted value with
// what is wrong with it — `cur.csv:6: column lineItem/UnblendedCost: "abc" is not a
// decimal number`, `column lineItem/UsageStartDate: "2026-13-01" is not a timestamp:
// …`, `column lineItem/CurrencyCode: "NOK", the configuration expects USD` — the
// column as the header spells it (quoted only when it holds spaces, quotes or ": ").
// A file that cannot be opened is reported as "path: open: reason"
// (errors.Is(err, fs.ErrNotExist) holds). Sink errors are wrapped the same way, a
// *billing.FieldError getting the column of its field. The
// workers run in an errgroup: the first failure stops them all, yet the error
// reported is the first one in file order (a block or row group before the failed
// one is still parsed), so output is deterministic.
//
// # Misuse refused
//
// Each worker needs a Sink of its own: a Sink is not safe for concurrent use (an
// Aggregator shared by two workers dies with "concurrent map writes"). Before any row
// flows, the readers call newSink once per worker and refuse, with ErrSinkReused, a
// Sink returned twice (compared by identity for pointers, maps, channels and slices;
// a value, or a pointer to a zero-size value, holds no state two workers could
// share) or nil. Options.Workers is bounded by MaxWorkers (ErrOptions past it): each
// worker holds a block buffer, so the bound bounds memory.
//
// # Why a purpose-built CSV scanner
//
// encoding/csv allocates per record, copies every field and parses all 100+ columns
// of a CUR row; it runs at a few hundred MB/s. CUR files are gigabytes and a reseller
// reads many every month, so the reader is the throughput ceiling of billing
// (target: twice DuckDB, ≥ 1.1 GB/s on 2 cores, constant memory). The scanner here:
//
//   - reads the input in large pooled blocks (4 MiB by default; at most Workers+2
//     exist, so memory is constant whatever the file size), and cuts each block after
//     its last newline outside quotes, found by quote parity: in well-formed RFC 4180
//     text a newline ends a record exactly when an even number of quote characters
//     precede it (doubled quotes keep parity), and bytes.Count is vectorized. The
//     incomplete tail is carried into the next block; a record longer than a block
//     grows the buffer up to Options.MaxRecordSize.
//   - counts newlines per block (vectorized) so each block knows its first line
//     number, then hands blocks through a bounded channel to Workers goroutines.
//   - in each worker, splits records without copying: unquoted runs are scanned for
//     commas eight bytes at a time (SWAR); a quoted field jumps to its closing quote
//     with bytes.IndexByte, and only fields holding doubled quotes are unescaped.
//     Only the ~12 needed columns are looked at (an index table built from the
//     header), and one LineItem per worker is reused: no allocation per row.
//
// It checks what a strict reader must: field count per row, bare quotes, text after
// a closing quote, unterminated quotes. The LineItem byte slices alias the block and
// are valid only during Sink.Add.
//
// Gzip uses github.com/klauspost/compress/gzip (a drop-in for compress/gzip, ~40%
// faster inflate here); decompression is the single-threaded stage of a gzip scan.
//
// Parquet is read with github.com/parquet-go/parquet-go, only the needed columns (by
// name; pricing_currency not at all, and pricing_public_on_demand_cost only checked,
// when the Sink does not use public costs), one row group per worker at a time
// (Workers row groups in parallel, so memory is a few pages per column per worker
// whatever the file size, plus, on the grouped path below, the row group's groups:
// about 100 bytes each, at most one per row), page by page. The reader works on the decoded pages
// themselves — definition and repetition levels as bytes, values as typed slices,
// byte arrays handed on as slices of the page — never one parquet.Value per value.
// A dictionary-encoded page (AWS Data Exports writes them) is read as its indexes:
// each distinct value of the row group's dictionary is rendered as text at most once
// (a double's decimal, a timestamp), and a map key is compared once per dictionary
// entry. Of the map columns (resource_tags, product) only the wanted key is taken
// (the billing group tag, product_name): the row's end is found in the repetition
// levels, and the other entries' values are skipped by counting levels, never
// decoded to text (a map column a tool wrote as JSON text is decoded as in CSV).
//
// Grouped by dictionary index. When the Sink also has AddSum and CostCurrency (a
// billing.Aggregator) and a CUR row group's columns are dictionary-encoded, as AWS
// Data Exports writes them, the rows are not handed over one by one: they are read
// 4,096 at a time, column by column, as codes — each grouped column's dictionary
// index, the wanted map value's index, the usage start's month — and their costs as
// exact 1e-10 units (a double by the same shortest-decimal rule, without its text);
// rows with the same codes are one group, summed exactly (money.Sum), and each
// group's values are rendered and checked by the same code as a row, every group
// of the row group before any is handed over, each in one AddSum. The overlap check (B-14) still hashes every row. It is
// only a faster way to the same result: a row group holding anything the row path
// reports or counts (a value it refuses, another currency than the Sink's, a cost
// the units do not hold exactly, a public cost that is not a number, a row without
// usage start or line item id) or that the grouped path does not handle (a page of
// a flat grouped column that is not dictionary-encoded, a map row whose values span
// pages, more than 64 usage months, keys beyond 128 bits) is read again row by row,
// so every error keeps its line and column and every warning its first line;
// nothing reaches the Sink before a row group is done. The usage types and
// operations the Aggregator does not tell apart (KeepsAllDetail) are emptied in the
// keys, so such rows are one group. Tests read the same files both ways and compare
// groups, exact sums, rows, warnings and the sketch, on valid files, on every case
// left to the row path, and on mutants (FuzzScanParquetGrouped). On
// scripts/bench.sh's 1,000,000-row file the whole invoicing run went from 0.47 s to
// 0.26 s on 2 cores (BENCHMARKS.md).
//
// CUR 2.0 stores costs as doubles; they are rendered as the shortest decimal text
// that round-trips (the decimal AWS wrote, ≤ 10 fractional digits; strconv's, with a
// faster path for such values), and never summed as floats. Files of other tools are
// read too: plain (PLAIN, DELTA_*) and dictionary pages, data pages v1 and v2, with
// or without statistics (the reader uses none), Snappy, GZIP, ZSTD (any codec
// parquet-go has), several row groups; DECIMAL costs on INT32, INT64,
// FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY (rendered exactly, big-endian two's complement
// of any width; a scale beyond money.MaxScale or the precision, or a precision out
// of the physical type's range, is refused before any row, naming the column);
// timestamps as TIMESTAMP(MILLIS|MICROS|NANOS), the legacy converted
// types, INT96 (Hive, Impala, Spark) or DATE, rendered as
// "2006-01-02T15:04:05Z" (with the fraction when there is one). A needed column of
// another type (BOOLEAN, a list) is refused before any row, naming it. A malformed
// file — truncated, a corrupt footer, page header or page — is an *Error wrapping
// ErrParquet that names the file and, for a page, the column, the row group and the
// row reached ("cur2.parquet:65537: column line_item_unblended_cost: costfile:
// unreadable Parquet file: row group 1: …"); parquet-go's panics on such input are
// turned into that error (FuzzScanParquet) — only those: a panic of this package's
// own code or of the Sink keeps its stack. A column with values beyond its row
// group's declared rows is such an error too, rather than rows dropped. A
// resource_tags map holding several spellings of the tag key is read by the CSV
// rule: the first spelling of billingGroupKeys the map holds decides, whatever the
// map's order, and its null value is no group. A cancelled scan stops within
// 4,096 rows, also inside a row group.
package costfile
