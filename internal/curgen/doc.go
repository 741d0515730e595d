// Package curgen generates realistic AWS cost data for tests and benchmarks: legacy
// Cost and Usage Report (CUR) CSV and the same rows as CUR 2.0 Parquet.
//
// # Model
//
// Write streams Config.Rows rows of legacy CUR CSV (header first) with constant
// memory; WriteParquet writes the same rows in the CUR 2.0 Parquet shape (B-1), and
// WriteParts writes Write's rows as a month's report parts, each with the header. The
// output depends only on the Config: a seeded math/rand/v2 PCG drives every choice,
// so a seed always writes the same bytes. Rows look like a Japanese reseller's
// consolidated bill:
//
//   - 121 columns with the legacy CUR data dictionary's names (identity/LineItemId,
//     bill/BillingEntity, lineItem/UnblendedCost, product/…, pricing/…,
//     reservation/…, savingsPlan/…, discount/…, resourceTags/user:CmBillingGroup …),
//     most of them empty on most rows, as in real exports; about 820 bytes per row.
//   - The line item types of B-2 in realistic shares: about 80% Usage, 4%
//     DiscountedUsage (cost 0, RI-covered), 4.5% SavingsPlanCoveredUsage each followed
//     by its SavingsPlanNegation (the pair nets to zero, B-3), 3% EdpDiscount, 1.5%
//     Tax, and a sprinkle of Fee, RIFee, SavingsPlanRecurringFee,
//     SavingsPlanUpfrontFee, Credit, Refund, BundledDiscount, PrivateRateDiscount and
//     RiVolumeDiscount rows.
//   - AWS Marketplace rows (bill/BillingEntity "AWS Marketplace", B-8), AWS support
//     plans (AWSSupportBusiness, AWSDeveloperSupport, AWSSupportEnterprise, B-7),
//     domain registrations (AmazonRegistrar, and AmazonRoute53 with RenewDomain /
//     TransferDomain and a DomainRegistration usage type, B-8).
//   - About 35 product codes and ~200 usage type and operation pairs in three
//     regions; 48 twelve-digit accounts (AccountIDs) with a skewed share of rows;
//     CmBillingGroup tags on about a third of resources (B-9), including a non-ASCII
//     value and one holding a comma.
//   - Descriptions holding commas and doubled quotes, and occasionally a newline.
//   - Usage dates inside one UTC month (Config.Year, Config.Month), with a small
//     configurable fraction on the day before or after (B-16); those rows carry the
//     adjacent month's bill/BillingPeriodStartDate too, as in a file that spans
//     months.
//
// # Invariants
//
// Money is never a float here: rates are int64 units of 1e-8 USD, amounts 1e-6
// units, and a cost is rate × amount computed with 128-bit integer arithmetic and
// rounded half up to 10 fractional digits (CostScale), then written as plain decimal
// text (never exponent notation), sometimes with trailing zeros trimmed and sometimes
// not, as both occur in real exports. Config.Observe receives every row's
// billing-relevant fields, with the exact cost as an integer, so tests can compute
// expected totals without parsing the file.
//
// # Choices where DOMAIN.md is silent
//
//   - The CUR 2.0 Parquet file follows AWS Data Exports: snake_case names, product
//     attributes in the map column product (product/ProductName under key
//     product_name), tags in the map column resource_tags under key "user_" + tag
//     name (user_CmBillingGroup), costs and amounts as DOUBLE (the nearest double to
//     the generated decimal, as AWS writes them), rates as strings, dates as
//     millisecond timestamps, empty values as nulls. A reader turns a DOUBLE back
//     into the exact decimal with strconv.FormatFloat(v, 'f', -1, 64), since every
//     generated cost has at most 15 significant digits.
//   - Tax rows carry lineItem/TaxType "JCT" and the legal entity Amazon Web Services
//     Japan G.K.; DiscountedUsage rows cost 0 (the RI's cost is in RIFee rows).
//
// The package is internal: it serves this module's tests, internal/cmd/curgen and
// scripts/bench.sh, and its output format is not a stable API.
package curgen
