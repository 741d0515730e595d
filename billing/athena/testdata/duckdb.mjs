// Runs one Athena statement of package billing/athena on DuckDB, for its tests.
//
//   node duckdb.mjs < request.json
//
// The request is {"modules": DIR, "setup": [SQL…], "sql": SQL, "params": [TEXT…]}:
// DIR holds node_modules/@duckdb/node-api (scripts/duckdb, installed there with
// `npm ci`); the setup statements make the table the statement reads (a view over
// a Parquet file); params are bound to the statement's ? placeholders as VARCHAR
// values, in order. It prints one JSON object: {"columns": [NAME…], "rows":
// [[TEXT or null…]…]}, every value as the text Athena's GetQueryResults gives
// (DECIMAL with its scale, BIGINT in digits), SQL NULL as null.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const req = JSON.parse(readFileSync(0, 'utf8'));
const require = createRequire(join(req.modules, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const s of req.setup) await conn.run(s);
const reader = await conn.runAndReadAll(req.sql, req.params);
const rows = reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
process.stdout.write(JSON.stringify({ columns: reader.columnNames(), rows }));
