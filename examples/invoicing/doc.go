// Command invoicing prices AWS cost files into reseller invoices (DOMAIN.md §2).
//
//	go run ./examples/invoicing -config CONFIG.json -period 2026-10 FILE...
//
// It reads every FILE (legacy CUR CSV, CUR 2.0 CSV or Parquet, FOCUS CSV, any of them
// gzip-compressed; the format is detected) in order, each with all cores, aggregates
// the rows of the period, prices the aggregates with the projects of CONFIG and
// writes the invoices as JSON on stdout. On any error it exits with status 1, writes
// exactly one line on stderr ("file:line: problem") and nothing on stdout.
package main
