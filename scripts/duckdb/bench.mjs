// DuckDB reference aggregation for scripts/bench.sh (issues 3 and 8, "Performance").
//
//   node bench.mjs [--invoicing] [--period YYYY-MM] [--threads N] [--total] [--print-sql] FILE...
//
// Runs one query on a legacy CUR CSV (optionally .gz) or a CUR 2.0 Parquet file.
//
// By default, the 3-column query: the sum of the unblended cost per usage account,
// product code and line item type, summed as DECIMAL(38,10).
//
// With --invoicing, the aggregation the invoicing engine computes, as billing/athena
// sends it to Athena (query.go, Config.statement, without public costs): the rows of
// the billing period --period (default 2026-10) — those whose
// COALESCE(bill_billing_period_start_date, line_item_usage_start_date) falls in the
// month, or is NULL — grouped by usage account, product code, product name, line item
// type, usage type, operation, billing entity, CmBillingGroup tag and currency, with
// COUNT(*), the SUM of the cost as DECIMAL(38,10), the count of costs that cast
// would round and the count of rows without a usage start. On CUR 2.0 Parquet it is
// exactly the CUR 2.0 statement, in DuckDB's spelling (map_extract_value for Trino's
// element_at), its values bound to the ? placeholders as Athena binds its execution
// parameters: the product name is key product_name of the map product, the group
// the first of five tag spellings the map resource_tags holds. On CSV (all_varchar)
// it is the same grouping over the legacy column names (product/ProductName,
// resourceTags/user:CmBillingGroup, …), the period columns cast to TIMESTAMP and the
// rounding check done on the cost as DOUBLE, as on Parquet.
//
// Several FILEs (e.g. the gzip parts of one month) are one query over the list of
// files, read_csv(['a', 'b', …]), which DuckDB reads in parallel; they must all be
// CSV or all Parquet. Prints one JSON line: {"file", "files", "format", "query",
// "seconds", "groups"}; "query" is "3 columns" or "invoicing", "seconds" the query
// alone, without Node's start-up (bench.sh times the whole process as well). With
// --total, a second query also reports the exact grand total (for cross-checks; not
// part of the timed run). --print-sql prints the query and its parameters and runs
// nothing.
import { DuckDBInstance } from '@duckdb/node-api';

const usage = 'usage: node bench.mjs [--invoicing] [--period YYYY-MM] [--threads N] [--total] [--print-sql] FILE...';
const args = process.argv.slice(2);
let threads = 0;
let wantTotal = false;
let invoicing = false;
let printSQL = false;
let period = '2026-10';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--total') wantTotal = true;
  else if (args[i] === '--invoicing') invoicing = true;
  else if (args[i] === '--period') period = args[++i];
  else if (args[i] === '--print-sql') printSQL = true;
  else if (args[i].startsWith('--')) {
    console.error(`bench.mjs: unknown flag ${args[i]}\n${usage}`);
    process.exit(2);
  } else files.push(args[i]);
}
if (files.length === 0) {
  console.error(usage);
  process.exit(2);
}
const pm = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period ?? '');
if (!pm) {
  console.error(`bench.mjs: --period ${period}: want YYYY-MM`);
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
const from = parquet
  ? `read_parquet(${quoted})`
  : `read_csv(${quoted}, header=true, all_varchar=true)`;

// The period's bounds, as billing/athena's timestampLayout writes them.
const year = Number(pm[1]);
const month = Number(pm[2]);
const pad = (n, w) => String(n).padStart(w, '0');
const periodStart = `${pad(year, 4)}-${pad(month, 2)}-01 00:00:00`;
const periodEnd = month === 12 ? `${pad(year + 1, 4)}-01-01 00:00:00` : `${pad(year, 4)}-${pad(month + 1, 2)}-01 00:00:00`;

// The keys of the CmBillingGroup tag in a CUR 2.0 resource_tags map, in
// billing/athena's order (billingGroupKeys): the first the map holds decides.
const billingGroupKeys = ['user:CmBillingGroup', 'CmBillingGroup', 'user_cm_billing_group', 'cm_billing_group', 'user_CmBillingGroup'];

const q = (name) => `"${name.replaceAll('"', '""')}"`;

// invoicingStatement returns billing/athena's statement for the file's layout:
// {sql, params}, params bound to the ? placeholders in order.
function invoicingStatement() {
  const params = [];
  const cols = [];
  const sel = (expr, alias) => cols.push(`${expr} AS ${q(alias)}`);
  let c; // the source columns
  if (parquet) {
    c = {
      account: q('line_item_usage_account_id'), productCode: q('line_item_product_code'),
      lineItemType: q('line_item_line_item_type'), usageType: q('line_item_usage_type'),
      operation: q('line_item_operation'), billingEntity: q('bill_billing_entity'),
      currency: q('line_item_currency_code'), cost: q('line_item_unblended_cost'),
      billStart: q('bill_billing_period_start_date'), usageStart: q('line_item_usage_start_date'),
    };
  } else {
    c = {
      account: q('lineItem/UsageAccountId'), productCode: q('lineItem/ProductCode'),
      lineItemType: q('lineItem/LineItemType'), usageType: q('lineItem/UsageType'),
      operation: q('lineItem/Operation'), billingEntity: q('bill/BillingEntity'),
      currency: q('lineItem/CurrencyCode'), cost: q('lineItem/UnblendedCost'),
      billStart: `CAST(${q('bill/BillingPeriodStartDate')} AS TIMESTAMP)`,
      usageStart: `CAST(${q('lineItem/UsageStartDate')} AS TIMESTAMP)`,
    };
  }
  const mapValue = (col) => `map_extract_value(${q(col)}, ?)`;
  const mapHas = (col) => `contains(map_keys(${q(col)}), ?)`;
  sel(c.account, 'account_id');
  sel(c.productCode, 'product_code');
  if (parquet) {
    sel(mapValue('product'), 'product_name');
    params.push('product_name');
  } else {
    sel(q('product/ProductName'), 'product_name');
  }
  sel(c.lineItemType, 'line_item_type');
  sel(c.usageType, 'usage_type');
  sel(c.operation, 'operation');
  sel(c.billingEntity, 'billing_entity');
  if (parquet) {
    let g = 'CASE';
    for (const k of billingGroupKeys) {
      g += ` WHEN ${mapHas('resource_tags')} THEN ${mapValue('resource_tags')}`;
      params.push(k, k);
    }
    sel(g + ' END', 'billing_group');
  } else {
    sel(q('resourceTags/user:CmBillingGroup'), 'billing_group');
  }
  sel(c.currency, 'currency');
  const keys = cols.length;
  sel('COUNT(*)', 'line_items');
  sel(`SUM(CAST(${c.cost} AS DECIMAL(38,10)))`, 'cost');
  const cost = parquet ? c.cost : `CAST(${c.cost} AS DOUBLE)`;
  sel(`SUM(CASE WHEN CAST(${cost} AS DECIMAL(38,10)) <> ${cost} THEN 1 ELSE 0 END)`, 'inexact_cost');
  sel(`SUM(CASE WHEN ${c.usageStart} IS NULL THEN 1 ELSE 0 END)`, 'no_usage_start');
  const m = `COALESCE(${c.billStart}, ${c.usageStart})`;
  params.push(periodStart, periodEnd);
  const groupBy = Array.from({ length: keys }, (_, i) => i + 1).join(', ');
  const sql = `SELECT\n  ${cols.join(',\n  ')}\nFROM ${from}` +
    `\nWHERE (${m} >= CAST(? AS TIMESTAMP)\n  AND ${m} < CAST(? AS TIMESTAMP)\n  OR ${m} IS NULL)` +
    `\nGROUP BY ${groupBy}`;
  return { sql, params };
}

const { sql, params } = invoicing
  ? invoicingStatement()
  : {
    sql: parquet
      ? `SELECT line_item_usage_account_id, line_item_product_code, line_item_line_item_type,
            SUM(CAST(line_item_unblended_cost AS DECIMAL(38,10))) AS cost
       FROM ${from} GROUP BY ALL`
      : `SELECT "lineItem/UsageAccountId", "lineItem/ProductCode", "lineItem/LineItemType",
            SUM(CAST("lineItem/UnblendedCost" AS DECIMAL(38,10))) AS cost
       FROM ${from} GROUP BY ALL`,
    params: [],
  };
if (printSQL) {
  console.log(sql);
  console.log(JSON.stringify(params));
  process.exit(0);
}

const config = threads > 0 ? { threads: String(threads) } : {};
const instance = await DuckDBInstance.create(':memory:', config);
const conn = await instance.connect();
// CUR 2.0's timestamps are TIMESTAMP WITH TIME ZONE: compared with the period's
// bounds in UTC, as billing/athena's query compares them.
await conn.run("SET TimeZone = 'UTC'");
const t0 = process.hrtime.bigint();
const reader = await conn.runAndReadAll(sql, params);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rows = reader.getRowsJS();
const out = {
  file, files: files.length, format: parquet ? 'parquet' : (file.endsWith('.gz') ? 'csv.gz' : 'csv'),
  query: invoicing ? 'invoicing' : '3 columns',
  seconds: Number(seconds.toFixed(3)), groups: rows.length,
};
if (wantTotal) {
  // The grand total, summed exactly in DuckDB, to cross-check other engines.
  const t = await conn.runAndReadAll(`SELECT CAST(SUM(cost) AS VARCHAR) FROM (${sql})`, params);
  out.total = t.getRowsJS()[0][0];
}
console.log(JSON.stringify(out));
