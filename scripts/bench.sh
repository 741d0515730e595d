#!/usr/bin/env bash
# Reproduces the table in BENCHMARKS.md (issues 3 and 8, "Performance"):
# examples/invoicing against DuckDB on the same generated CUR files.
#
#   scripts/bench.sh [-rows N] [-runs R] [-parts P] [-scale-rows M] [-dir DIR] [-update] [-keep] [-quick]
#
#   -rows N        rows of the main files (default 1000000, about 820 MB of CSV): CSV, its
#                  gzip, CUR 2.0 Parquet with dictionary pages (as AWS Data Exports writes
#                  it) and with plain pages, the same rows as P gzip parts, and a CSV of 2N
#                  rows to show linear growth
#   -runs R        runs per measurement; the best (shortest) wall time is reported and
#                  the largest peak RSS of the runs (default 3)
#   -parts P       number of gzip parts of the month (default 8), read one by one
#                  (-parallel 1) and at once (the default), and by DuckDB as one list
#   -scale-rows M  rows of the scaling CSV (default 10 × N: 10,000,000, about 8.2 GB in
#                  the work directory); 0 skips it
#   -dir DIR       work directory for the generated files (default: a new /tmp/resellerkit-bench.*);
#                  files already there for the same row count and generator binary are reused
#   -update        rewrite the measured section of BENCHMARKS.md
#   -keep          keep the work directory (default: removed at the end unless -dir is given)
#   -quick         a dry run of the whole pipeline: -rows 20000 -runs 1 (scaling row 200,000)
#
# DuckDB runs scripts/duckdb/bench.mjs: on every file its 3-column query (cost per
# account, product code and line item type), and on the Parquet files also, with
# --invoicing, the aggregation invoicing computes (billing/athena's query).
#
# Needs: go, node + npm (for @duckdb/node-api, installed from scripts/duckdb/package-lock.json
# with `npm ci` when missing), GNU time at /usr/bin/time (apt-get install -y time).
# Run it on an otherwise idle machine: it prints the load average first.
set -euo pipefail

ROWS=1000000
RUNS=3
PARTS=8
SCALE=""
DIR=""
UPDATE=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    -rows) ROWS="$2"; shift 2 ;;
    -runs) RUNS="$2"; shift 2 ;;
    -parts) PARTS="$2"; shift 2 ;;
    -scale-rows) SCALE="$2"; shift 2 ;;
    -dir) DIR="$2"; KEEP=1; shift 2 ;;
    -update) UPDATE=1; shift ;;
    -keep) KEEP=1; shift ;;
    -quick) ROWS=20000; RUNS=1; shift ;;
    -h|-help|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for v in ROWS RUNS PARTS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: -${v,,} ${!v}: want a positive number" >&2; exit 2; }
done
[ -n "$SCALE" ] || SCALE=$((ROWS * 10))
[[ "$SCALE" =~ ^[0-9]+$ ]] || { echo "bench.sh: -scale-rows $SCALE: want a number (0 to skip)" >&2; exit 2; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
CONFIG="$SCRIPTS/testdata/bench-config.json"
PERIOD="2026-10"
SEED=1

die() { echo "bench.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU || die "GNU time missing at /usr/bin/time (apt-get install -y time)"
command -v go >/dev/null || die "go not found"
command -v node >/dev/null || die "node not found"

if [ -z "$DIR" ]; then DIR="$(mktemp -d /tmp/resellerkit-bench.XXXXXX)"; fi
mkdir -p "$DIR"
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$DIR"; fi; }
trap cleanup EXIT

log() { echo "bench.sh: $*" >&2; }
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
log "load average: $LOAD_BEFORE (want < 0.5 for meaningful numbers)"
log "work directory: $DIR"

# --- tools ---------------------------------------------------------------------------
(cd "$ROOT" && go build -o "$DIR/curgen" ./internal/cmd/curgen)
# Generated files are reused only if they come from the same generator binary.
STAMP="$(sha256sum "$DIR/curgen" | cut -d' ' -f1)"
if [ "$(cat "$DIR/curgen.sha256" 2>/dev/null)" != "$STAMP" ]; then
  rm -f "$DIR"/cur-*.csv "$DIR"/cur-*.csv.gz "$DIR"/cur2-*.parquet
  rm -rf "$DIR"/parts-*
  echo "$STAMP" >"$DIR/curgen.sha256"
fi
HAVE_INVOICING=1
if ! (cd "$ROOT" && go build -o "$DIR/invoicing" ./examples/invoicing); then
  log "examples/invoicing does not build: measuring DuckDB only"
  HAVE_INVOICING=0
fi
if [ ! -d "$SCRIPTS/duckdb/node_modules/@duckdb/node-api" ]; then
  log "installing @duckdb/node-api (npm ci)"
  (cd "$SCRIPTS/duckdb" && npm ci --no-audit --no-fund >&2)
fi

# --- data ----------------------------------------------------------------------------
ROWS2=$((ROWS * 2))
CSV="$DIR/cur-$ROWS.csv"
GZ="$DIR/cur-$ROWS.csv.gz"
PARQUET="$DIR/cur2-$ROWS.parquet"
PQPLAIN="$DIR/cur2-$ROWS-plain.parquet"
CSV2="$DIR/cur-$ROWS2.csv"
PARTS_DIR="$DIR/parts-$ROWS-$PARTS"
CSV10=""
if [ "$SCALE" -gt 0 ]; then CSV10="$DIR/cur-$SCALE.csv"; fi
gen() { # out rows extra-flags...
  local out="$1" rows="$2"; shift 2
  if [ -s "$out" ]; then log "reusing $out"; return; fi
  "$DIR/curgen" -rows "$rows" -seed "$SEED" -period "$PERIOD" -out "$out.tmp" "$@"
  mv "$out.tmp" "$out"
}
gen "$CSV" "$ROWS"
gen "$GZ" "$ROWS" -gzip
gen "$PARQUET" "$ROWS" -format cur2-parquet # dictionary pages, as AWS writes them
gen "$PQPLAIN" "$ROWS" -format cur2-parquet -parquet-pages plain
gen "$CSV2" "$ROWS2"
# The month as $PARTS gzip parts (cur-00001.csv.gz …): the same rows as $GZ.
if [ -d "$PARTS_DIR" ]; then
  log "reusing $PARTS_DIR"
else
  rm -rf "$PARTS_DIR.tmp" && mkdir -p "$PARTS_DIR.tmp"
  "$DIR/curgen" -rows "$ROWS" -seed "$SEED" -period "$PERIOD" -gzip -parts "$PARTS" -out "$PARTS_DIR.tmp/cur.csv.gz" 2>/dev/null
  mv "$PARTS_DIR.tmp" "$PARTS_DIR"
fi
PART_FILES=("$PARTS_DIR"/cur-*.csv.gz)
[ "${#PART_FILES[@]}" = "$PARTS" ] || die "$PARTS_DIR holds ${#PART_FILES[@]} parts, want $PARTS"
if [ -n "$CSV10" ]; then gen "$CSV10" "$SCALE"; fi

size() { local total=0 f; for f in "$@"; do total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
CSV_BYTES=$(size "$CSV")

# --- measurement -------------------------------------------------------------------
# measure NAME CMD...: runs CMD $RUNS times under GNU time; sets BEST_S (best process
# wall time), BEST_Q (best compute time: the query time DuckDB reports itself, else the
# process wall time), BEST_CPU (least user + system CPU time of the process) and PEAK_KB
# (largest peak RSS); leaves the last run's stdout in $DIR/NAME.out.
measure() {
  local name="$1"; shift
  BEST_S=""; BEST_Q=""; BEST_CPU=""; PEAK_KB=0
  local i s kb q u sy cpu
  for ((i = 1; i <= RUNS; i++)); do
    if ! /usr/bin/time -f '%e %M %U %S' -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err"; then
      log "$name failed:"; cat "$DIR/$name.err" >&2; return 1
    fi
    read -r s kb u sy <"$DIR/$name.time"
    cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN{printf "%.2f", u + s}')
    q=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$DIR/$name.out" | head -1)
    [ -n "$q" ] || q="$s"
    if [ -z "$BEST_S" ] || awk -v a="$s" -v b="$BEST_S" 'BEGIN{exit !(a<b)}'; then BEST_S="$s"; fi
    if [ -z "$BEST_Q" ] || awk -v a="$q" -v b="$BEST_Q" 'BEGIN{exit !(a<b)}'; then BEST_Q="$q"; fi
    if [ -z "$BEST_CPU" ] || awk -v a="$cpu" -v b="$BEST_CPU" 'BEGIN{exit !(a<b)}'; then BEST_CPU="$cpu"; fi
    if [ "$kb" -gt "$PEAK_KB" ]; then PEAK_KB="$kb"; fi
  done
}

ROWS_MD=()
# row ENGINE INPUT FILE_BYTES ROWS CSV_EQUIV_BYTES: one Markdown line from the last measure.
row() {
  local engine="$1" input="$2" fb="$3" rows="$4" csvb="$5"
  local line
  line=$(awk -v e="$engine" -v in_="$input" -v fb="$fb" -v r="$rows" -v cb="$csvb" \
    -v s="$BEST_S" -v q="$BEST_Q" -v cpu="$BEST_CPU" -v kb="$PEAK_KB" 'BEGIN{
      t = (q > 0) ? q : 0.001
      printf "| %s | %s | %.0f MB | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f |\n",
        e, in_, fb/1e6, r, s, q, cpu, r/t, cb/1e6/t, kb/1024
    }')
  ROWS_MD+=("$line")
  log "$line"
}

CSV2_BYTES=$(size "$CSV2")
PARTS_BYTES=$(size "${PART_FILES[@]}")
NPROC=$(nproc)
PQ_LABEL="CUR 2.0 Parquet (dictionary pages, as AWS writes)"
PQPLAIN_LABEL="CUR 2.0 Parquet (plain pages)"
SCALE_LABEL="CUR CSV, $((SCALE / ROWS))× rows"
if [ $((SCALE % ROWS)) != 0 ]; then SCALE_LABEL="CUR CSV, $SCALE rows"; fi
declare -A WALL PROC PEAK
if [ "$HAVE_INVOICING" = 1 ]; then
  INV=("$DIR/invoicing" -config "$CONFIG" -period "$PERIOD")
  measure inv-csv "${INV[@]}" "$CSV";        row "resellerkit invoicing" "CUR CSV" "$(size "$CSV")" "$ROWS" "$CSV_BYTES"; WALL[inv1]=$BEST_Q; PROC[inv1]=$BEST_S; PEAK[inv1]=$PEAK_KB
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$DIR/inv-csv.out" || die "invoicing output is not JSON"
  measure inv-gz "${INV[@]}" "$GZ";          row "resellerkit invoicing" "CUR CSV gzip" "$(size "$GZ")" "$ROWS" "$CSV_BYTES"; WALL[invgz]=$BEST_Q
  measure inv-pq "${INV[@]}" "$PARQUET";     row "resellerkit invoicing" "$PQ_LABEL" "$(size "$PARQUET")" "$ROWS" "$CSV_BYTES"; WALL[invpq]=$BEST_Q
  measure inv-pqplain "${INV[@]}" "$PQPLAIN"; row "resellerkit invoicing" "$PQPLAIN_LABEL" "$(size "$PQPLAIN")" "$ROWS" "$CSV_BYTES"; WALL[invpqplain]=$BEST_Q
  # The same output but for the input file's path and size.
  node -e 'const fs = require("fs");
    const norm = (f) => { const j = JSON.parse(fs.readFileSync(f)); for (const x of j.files ?? []) { delete x.path; delete x.bytes; } return JSON.stringify(j); };
    process.exit(norm(process.argv[1]) === norm(process.argv[2]) ? 0 : 1)' "$DIR/inv-pq.out" "$DIR/inv-pqplain.out" ||
    die "the plain-pages Parquet gave another output than the dictionary-pages one (diff $DIR/inv-pq.out $DIR/inv-pqplain.out)"
  measure inv-csv2 "${INV[@]}" "$CSV2";      row "resellerkit invoicing" "CUR CSV, 2× rows" "$CSV2_BYTES" "$ROWS2" "$CSV2_BYTES"; WALL[inv2]=$BEST_Q
  measure inv-parts1 "${INV[@]}" -parallel 1 "${PART_FILES[@]}"
  row "resellerkit invoicing" "CUR CSV gzip, $PARTS parts one by one (-parallel 1)" "$PARTS_BYTES" "$ROWS" "$CSV_BYTES"; WALL[parts1]=$BEST_Q
  measure inv-partsN "${INV[@]}" "${PART_FILES[@]}"
  row "resellerkit invoicing" "CUR CSV gzip, $PARTS parts at once (default: $NPROC)" "$PARTS_BYTES" "$ROWS" "$CSV_BYTES"; WALL[partsN]=$BEST_Q
  cmp -s "$DIR/inv-parts1.out" "$DIR/inv-partsN.out" || die "the parts read at once gave another output than one by one (diff $DIR/inv-parts1.out $DIR/inv-partsN.out)"
  if [ -n "$CSV10" ]; then
    measure inv-csv10 "${INV[@]}" "$CSV10"; row "resellerkit invoicing" "$SCALE_LABEL" "$(size "$CSV10")" "$SCALE" "$(size "$CSV10")"; WALL[inv10]=$BEST_Q; PEAK[inv10]=$PEAK_KB
  fi
fi
DUCK=(node "$SCRIPTS/duckdb/bench.mjs")
DUCK_INV=("${DUCK[@]}" --invoicing --period "$PERIOD")
D3="DuckDB (3-column query)"
DI="DuckDB (the invoicing's aggregation)"
DUCK_VERSION=$(cd "$SCRIPTS/duckdb" && node -p 'require("./node_modules/@duckdb/node-api/package.json").version')
measure duck-csv "${DUCK[@]}" "$CSV";        row "DuckDB $DUCK_VERSION (3-column query)" "CUR CSV" "$(size "$CSV")" "$ROWS" "$CSV_BYTES"; WALL[duck1]=$BEST_Q; PROC[duck1]=$BEST_S
measure duck-gz "${DUCK[@]}" "$GZ";          row "$D3" "CUR CSV gzip" "$(size "$GZ")" "$ROWS" "$CSV_BYTES"
measure duck-pq "${DUCK[@]}" "$PARQUET";     row "$D3" "$PQ_LABEL" "$(size "$PARQUET")" "$ROWS" "$CSV_BYTES"; WALL[duckpq]=$BEST_Q
measure duck-pq-inv "${DUCK_INV[@]}" "$PARQUET"; row "$DI" "$PQ_LABEL" "$(size "$PARQUET")" "$ROWS" "$CSV_BYTES"; WALL[duckpqinv]=$BEST_Q
measure duck-pqplain "${DUCK[@]}" "$PQPLAIN"; row "$D3" "$PQPLAIN_LABEL" "$(size "$PQPLAIN")" "$ROWS" "$CSV_BYTES"; WALL[duckpqplain]=$BEST_Q
measure duck-pqplain-inv "${DUCK_INV[@]}" "$PQPLAIN"; row "$DI" "$PQPLAIN_LABEL" "$(size "$PQPLAIN")" "$ROWS" "$CSV_BYTES"; WALL[duckpqplaininv]=$BEST_Q
measure duck-csv2 "${DUCK[@]}" "$CSV2";      row "$D3" "CUR CSV, 2× rows" "$CSV2_BYTES" "$ROWS2" "$CSV2_BYTES"; WALL[duck2]=$BEST_Q
measure duck-parts "${DUCK[@]}" "${PART_FILES[@]}"
row "$D3" "CUR CSV gzip, $PARTS parts (one list)" "$PARTS_BYTES" "$ROWS" "$CSV_BYTES"; WALL[duckparts]=$BEST_Q
if [ -n "$CSV10" ]; then
  measure duck-csv10 "${DUCK[@]}" "$CSV10"; row "$D3" "$SCALE_LABEL" "$(size "$CSV10")" "$SCALE" "$(size "$CSV10")"; WALL[duck10]=$BEST_Q
fi

# --- report ----------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
REPORT="$DIR/report.md"
{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`scripts/bench.sh -rows $ROWS -runs $RUNS\`:"
  echo "$(nproc) cores ($CPU), $MEM RAM, $(go version | cut -d' ' -f3-), Node $(node --version),"
  echo "load average (1/5/15 min) $LOAD_BEFORE before the run, $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/') after."
  echo
  echo "| engine | input | file size | rows | process wall s | compute s | CPU s | rows/s | MB/s (CSV-equivalent) | peak RSS MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  if [ "$HAVE_INVOICING" = 1 ]; then
    echo "- Throughput ratio invoicing / DuckDB on CUR CSV: **$(ratio "${WALL[duck1]}" "${WALL[inv1]}")×** against DuckDB's query time,"
    echo "  $(ratio "${PROC[duck1]}" "${PROC[inv1]}")× against its process wall time (target ≥ 2×)."
    echo "- CUR 2.0 Parquet (dictionary pages, as AWS writes): invoicing took **$(ratio "${WALL[invpq]}" "${WALL[duckpqinv]}")×** DuckDB's query time"
    echo "  for the invoicing's aggregation, $(ratio "${WALL[invpq]}" "${WALL[duckpq]}")× its 3-column query (target ≤ 1×)."
    echo "- CUR 2.0 Parquet (plain pages): invoicing took **$(ratio "${WALL[invpqplain]}" "${WALL[duckpqplaininv]}")×** DuckDB's query time"
    echo "  for the invoicing's aggregation, $(ratio "${WALL[invpqplain]}" "${WALL[duckpqplain]}")× its 3-column query (target ≤ 1×); both files"
    echo "  hold the same rows and gave invoicing the same output but for the file's name and size."
    echo "- Linear growth: 2× rows took $(ratio "${WALL[inv2]}" "${WALL[inv1]}")× the time for invoicing, $(ratio "${WALL[duck2]}" "${WALL[duck1]}")× for DuckDB."
    if [ -n "$CSV10" ]; then
      echo "- Scaling: $SCALE rows ($SCALE_LABEL) took $(ratio "${WALL[inv10]}" "${WALL[inv1]}")× the time of $ROWS for invoicing,"
      echo "  $(ratio "${WALL[duck10]}" "${WALL[duck1]}")× for DuckDB; invoicing's peak RSS $((PEAK[inv10] / 1024)) MB against $((PEAK[inv1] / 1024)) MB (target: flat, under 100 MB)."
    fi
    echo "- A month of $PARTS gzip parts: speedup of reading them at once over one by one **$(ratio "${WALL[parts1]}" "${WALL[partsN]}")×** (target ≥ 1.8×),"
    echo "  with the same output (compared byte for byte); one by one took $(ratio "${WALL[parts1]}" "${WALL[invgz]}")× the single gzip file's time;"
    echo "  throughput ratio invoicing at once / DuckDB's query over the same list: $(ratio "${WALL[duckparts]}" "${WALL[partsN]}")×."
  else
    echo "- examples/invoicing did not build: DuckDB only."
  fi
  echo "- Times are the best of $RUNS runs; peak RSS the largest. \"compute s\" is the whole process for"
  echo "  invoicing and the query alone for DuckDB (without Node's start-up): rows/s, MB/s and the"
  echo "  ratios use it, which favours DuckDB. \"CPU s\" is the least user + system time of the"
  echo "  whole process over the runs (Node's and DuckDB's loading included for DuckDB)."
  echo "- DuckDB's 3-column query sums the cost per usage account, product code and line item"
  echo "  type; \"the invoicing's aggregation\" is the query billing/athena sends to Athena, the work"
  echo "  invoicing does: the period's rows grouped by nine keys (product name and billing group"
  echo "  out of the Parquet maps), counted and summed, in scripts/duckdb/bench.mjs --invoicing."
} >"$REPORT"
cat "$REPORT"

if [ "$UPDATE" = 1 ]; then
  MD="$ROOT/BENCHMARKS.md"
  grep -q '<!-- bench:begin -->' "$MD" || die "$MD has no <!-- bench:begin --> marker"
  awk -v report="$REPORT" '
    /<!-- bench:begin -->/ { print; while ((getline l < report) > 0) print l; skip = 1; next }
    /<!-- bench:end -->/ { skip = 0 }
    !skip { print }' "$MD" >"$MD.tmp" && mv "$MD.tmp" "$MD"
  log "updated $MD"
fi
