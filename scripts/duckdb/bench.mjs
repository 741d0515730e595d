// DuckDB reference aggregation for scripts/bench.sh (issue 3, "Performance").
//
//   node bench.mjs [--threads N] [--total] FILE...
//
// Runs, on a legacy CUR CSV (optionally .gz) or a CUR 2.0 Parquet file, the
// aggregation the invoicing engine performs first: the sum of the unblended cost per
// usage account, product code and line item type, summed as DECIMAL(38,10). Several
// FILEs (e.g. the gzip parts of one month) are one query over the list of files,
// read_csv(['a', 'b', …]), which DuckDB reads in parallel; they must all be CSV or
// all Parquet. Prints one JSON line: {"file", "files", "format", "seconds",
// "groups"}; "seconds" is the query alone, without Node's start-up (bench.sh times
// the whole process as well). With --total, a second query also reports the exact
// grand total (for cross-checks; not part of the timed run).
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let threads = 0;
let wantTotal = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--total') wantTotal = true;
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error('usage: node bench.mjs [--threads N] [--total] FILE...');
  process.exit(2);
}
const file = files[0];
const parquet = file.endsWith('.parquet');
if (files.some((f) => f.endsWith('.parquet') !== parquet)) {
  console.error('bench.mjs: FILEs must be all CSV or all Parquet');
  process.exit(2);
}
const literal = (f) => `'${f.replaceAll("'", "''")}'`;
const quoted = files.length === 1 ? literal(file) : `[${files.map(literal).join(', ')}]`;

const sql = parquet
  ? `SELECT line_item_usage_account_id, line_item_product_code, line_item_line_item_type,
            SUM(CAST(line_item_unblended_cost AS DECIMAL(38,10))) AS cost
       FROM read_parquet(${quoted}) GROUP BY ALL`
  : `SELECT "lineItem/UsageAccountId", "lineItem/ProductCode", "lineItem/LineItemType",
            SUM(CAST("lineItem/UnblendedCost" AS DECIMAL(38,10))) AS cost
       FROM read_csv(${quoted}, header=true, all_varchar=true) GROUP BY ALL`;

const config = threads > 0 ? { threads: String(threads) } : {};
const instance = await DuckDBInstance.create(':memory:', config);
const conn = await instance.connect();
const t0 = process.hrtime.bigint();
const reader = await conn.runAndReadAll(sql);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rows = reader.getRowsJS();
const out = {
  file, files: files.length, format: parquet ? 'parquet' : (file.endsWith('.gz') ? 'csv.gz' : 'csv'),
  seconds: Number(seconds.toFixed(3)), groups: rows.length,
};
if (wantTotal) {
  // The grand total, summed exactly in DuckDB, to cross-check other engines.
  const t = await conn.runAndReadAll(`SELECT CAST(SUM(cost) AS VARCHAR) FROM (${sql})`);
  out.total = t.getRowsJS()[0][0];
}
console.log(JSON.stringify(out));
