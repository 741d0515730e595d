// Command invoicing prices AWS cost files into reseller invoices (DOMAIN.md §2).
//
//	go run ./examples/invoicing -config CONFIG.json -period 2026-10 [-workers N] [-parallel N] FILE...
//
// It reads every FILE (legacy CUR CSV, CUR 2.0 CSV or Parquet, FOCUS CSV, any CSV
// gzip-compressed or in a ZIP archive; the format is detected), each with all cores
// (or -workers N, 1..256), several at once (GOMAXPROCS files, at most 8, or
// -parallel N, 1..8; 1 reads them one after another: the output is the same, taken in
// FILE order, and so is the error), aggregates the rows of the period, prices the
// aggregates with the projects of CONFIG and writes the invoices as JSON on stdout.
// -h prints the usage.
//
// Every row must be in the cost data's currency, CONFIG's "cost_currency" (USD when
// absent, or JPY: JPY cost data is invoiced in JPY without conversion); a row in
// another stops the run ("file:line: column lineItem/CurrencyCode: "NOK", the
// configuration expects USD"); a file without the currency column gets a warning
// that every row is taken to be in the configured one. The output's "cost_currency",
// repeated in each invoice, line and unassigned account, says what the cost amounts
// are in. They are under currency-neutral keys ("charges", "charges_before_pricing",
// "support_fee_base", "support_fee", "credits", "custom_items", "excluded", a line's
// "cost_amount"); the same values under the old keys named …_usd ("charges_usd",
// "amount_usd", "excluded_usd", …) are deprecated, kept for compatibility: with JPY
// cost data they hold yen.
//
// FILEs must not overlap (B-14): a file given twice, a copy or link of one, or two
// versions of one month's report (a glob such as 2026-10/*/*.csv.gz over the
// month's assembly directories picks up a restated month twice) stops the run with
// "inputs A and B overlap: …" naming both, before any output (two assembly
// folders of one month of the legacy CUR layout, 20261001-20261101/<id>/, at once:
// "two versions of the month …"). Give the latest version of each month only.
// Rows are compared by a sample of 2,048 per file, so a duplicated subset much
// smaller than the other input (m rows repeated from an N-row file) may pass,
// with a probability of about e^(−2048·m/N): the check finds copies and versions
// of whole reports, not every repeated row.
//
// It only wires: billing.DecodeConfig reads and validates CONFIG (at most 10 MiB, an
// optional byte order mark), billing.Run does the scan, overlap check, merge and
// pricing with a costfile.File per FILE (costfile.Files), and output.go shapes the
// JSON, which is this command's, not
// the library's. On any error it exits with status 1, writes exactly one line on
// stderr, located where a location exists ("file:line: column NAME: problem" for a
// bad value of a cost file, "file:line: problem" for another problem of one,
// "CONFIG:line:column: problem" for the configuration, "file: problem" for a file
// that cannot be opened or decompressed), and nothing on stdout.
package main
