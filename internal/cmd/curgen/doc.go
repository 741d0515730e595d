// Command curgen writes a deterministic, realistic AWS cost file for tests and
// benchmarks: legacy CUR CSV (optionally gzip-compressed) or CUR 2.0 Parquet, with
// the same rows for the same seed.
//
//	go run ./internal/cmd/curgen -rows 1000000 -seed 1 -out cur.csv [-gzip] [-format cur-legacy|cur2-parquet]
//
// Other flags: -period YYYY-MM (default 2026-10), -accounts N (default 48),
// -outside F (share of rows dated just outside the period; default 0.0005, negative
// for none), -list-accounts N (print the first N account ids, one a line, and exit),
// -parquet-pages dictionary|plain (cur2-parquet: dictionary-encoded pages,
// RLE_DICTIONARY, as AWS Data Exports writes them, the default; or plain pages),
// -parts N (write the same rows as N numbered report parts, as AWS splits a month:
// -out cur.csv.gz writes cur-00001.csv.gz … cur-0000N.csv.gz; CSV only).
// It prints one summary line on stderr: rows, bytes and the file name (with -parts,
// one per part).
package main
