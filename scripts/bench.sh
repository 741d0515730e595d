#!/usr/bin/env bash
# Reproduces the table in BENCHMARKS.md (issue 3, "Performance"):
# examples/invoicing against DuckDB on the same generated legacy CUR files.
#
#   scripts/bench.sh [-rows N] [-runs R] [-dir DIR] [-update] [-keep]
#
#   -rows N    rows of the main file (default 1000000, about 820 MB of CSV); a file of
#              2N rows is also measured to show linear growth
#   -runs R    runs per measurement; the best (shortest) wall time is reported and
#              the largest peak RSS of the runs (default 3)
#   -dir DIR   work directory for the generated files (default: a new /tmp/resellerkit-bench.*);
#              files already there for the same row count and generator binary are reused
#   -update    rewrite the measured section of BENCHMARKS.md
#   -keep      keep the work directory (default: removed at the end unless -dir is given)
#
# Needs: go, node + npm (for @duckdb/node-api, installed from scripts/duckdb/package-lock.json
# with `npm ci` when missing), GNU time at /usr/bin/time (apt-get install -y time).
# Run it on an otherwise idle machine: it prints the load average first.
set -euo pipefail

ROWS=1000000
RUNS=3
DIR=""
UPDATE=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    -rows) ROWS="$2"; shift 2 ;;
    -runs) RUNS="$2"; shift 2 ;;
    -dir) DIR="$2"; KEEP=1; shift 2 ;;
    -update) UPDATE=1; shift ;;
    -keep) KEEP=1; shift ;;
    -h|-help|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

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
CSV2="$DIR/cur-$ROWS2.csv"
gen() { # out rows extra-flags...
  local out="$1" rows="$2"; shift 2
  if [ -s "$out" ]; then log "reusing $out"; return; fi
  "$DIR/curgen" -rows "$rows" -seed "$SEED" -period "$PERIOD" -out "$out.tmp" "$@"
  mv "$out.tmp" "$out"
}
gen "$CSV" "$ROWS"
gen "$GZ" "$ROWS" -gzip
gen "$PARQUET" "$ROWS" -format cur2-parquet
gen "$CSV2" "$ROWS2"

size() { stat -c %s "$1"; }
CSV_BYTES=$(size "$CSV")

# --- measurement -------------------------------------------------------------------
# measure NAME CMD...: runs CMD $RUNS times under GNU time; sets BEST_S (best process
# wall time), BEST_Q (best compute time: the query time DuckDB reports itself, else the
# process wall time) and PEAK_KB (largest peak RSS); leaves the last run's stdout in
# $DIR/NAME.out.
measure() {
  local name="$1"; shift
  BEST_S=""; BEST_Q=""; PEAK_KB=0
  local i s kb q
  for ((i = 1; i <= RUNS; i++)); do
    if ! /usr/bin/time -f '%e %M' -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err"; then
      log "$name failed:"; cat "$DIR/$name.err" >&2; return 1
    fi
    read -r s kb <"$DIR/$name.time"
    q=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$DIR/$name.out" | head -1)
    [ -n "$q" ] || q="$s"
    if [ -z "$BEST_S" ] || awk -v a="$s" -v b="$BEST_S" 'BEGIN{exit !(a<b)}'; then BEST_S="$s"; fi
    if [ -z "$BEST_Q" ] || awk -v a="$q" -v b="$BEST_Q" 'BEGIN{exit !(a<b)}'; then BEST_Q="$q"; fi
    if [ "$kb" -gt "$PEAK_KB" ]; then PEAK_KB="$kb"; fi
  done
}

ROWS_MD=()
# row ENGINE INPUT FILE ROWS CSV_EQUIV_BYTES: one Markdown line from the last measure.
row() {
  local engine="$1" input="$2" file="$3" rows="$4" csvb="$5"
  local line
  line=$(awk -v e="$engine" -v in_="$input" -v fb="$(size "$file")" -v r="$rows" -v cb="$csvb" \
    -v s="$BEST_S" -v q="$BEST_Q" -v kb="$PEAK_KB" 'BEGIN{
      t = (q > 0) ? q : 0.001
      printf "| %s | %s | %.0f MB | %d | %.2f | %.2f | %.0f | %.0f | %.0f |\n",
        e, in_, fb/1e6, r, s, q, r/t, cb/1e6/t, kb/1024
    }')
  ROWS_MD+=("$line")
  log "$line"
}

CSV2_BYTES=$(size "$CSV2")
declare -A WALL PROC
if [ "$HAVE_INVOICING" = 1 ]; then
  INV=("$DIR/invoicing" -config "$CONFIG" -period "$PERIOD")
  measure inv-csv "${INV[@]}" "$CSV";        row "resellerkit invoicing" "CUR CSV" "$CSV" "$ROWS" "$CSV_BYTES"; WALL[inv1]=$BEST_Q; PROC[inv1]=$BEST_S
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$DIR/inv-csv.out" || die "invoicing output is not JSON"
  measure inv-gz "${INV[@]}" "$GZ";          row "resellerkit invoicing" "CUR CSV gzip" "$GZ" "$ROWS" "$CSV_BYTES"
  measure inv-pq "${INV[@]}" "$PARQUET";     row "resellerkit invoicing" "CUR 2.0 Parquet" "$PARQUET" "$ROWS" "$CSV_BYTES"
  measure inv-csv2 "${INV[@]}" "$CSV2";      row "resellerkit invoicing" "CUR CSV, 2× rows" "$CSV2" "$ROWS2" "$CSV2_BYTES"; WALL[inv2]=$BEST_Q
fi
DUCK=(node "$SCRIPTS/duckdb/bench.mjs")
measure duck-csv "${DUCK[@]}" "$CSV";        row "DuckDB $(cd "$SCRIPTS/duckdb" && node -p 'require("./node_modules/@duckdb/node-api/package.json").version')" "CUR CSV" "$CSV" "$ROWS" "$CSV_BYTES"; WALL[duck1]=$BEST_Q; PROC[duck1]=$BEST_S
measure duck-gz "${DUCK[@]}" "$GZ";          row "DuckDB" "CUR CSV gzip" "$GZ" "$ROWS" "$CSV_BYTES"
measure duck-pq "${DUCK[@]}" "$PARQUET";     row "DuckDB" "CUR 2.0 Parquet" "$PARQUET" "$ROWS" "$CSV_BYTES"
measure duck-csv2 "${DUCK[@]}" "$CSV2";      row "DuckDB" "CUR CSV, 2× rows" "$CSV2" "$ROWS2" "$CSV2_BYTES"; WALL[duck2]=$BEST_Q

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
  echo "| engine | input | file size | rows | process wall s | compute s | rows/s | MB/s (CSV-equivalent) | peak RSS MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  if [ "$HAVE_INVOICING" = 1 ]; then
    echo "- Throughput ratio invoicing / DuckDB on CUR CSV: **$(ratio "${WALL[duck1]}" "${WALL[inv1]}")×** against DuckDB's query time,"
    echo "  $(ratio "${PROC[duck1]}" "${PROC[inv1]}")× against its process wall time (target ≥ 2×)."
    echo "- Linear growth: 2× rows took $(ratio "${WALL[inv2]}" "${WALL[inv1]}")× the time for invoicing, $(ratio "${WALL[duck2]}" "${WALL[duck1]}")× for DuckDB."
  else
    echo "- examples/invoicing did not build: DuckDB only."
  fi
  echo "- Times are the best of $RUNS runs; peak RSS the largest. \"compute s\" is the whole process for"
  echo "  invoicing and the query alone for DuckDB (without Node's start-up): rows/s, MB/s and the"
  echo "  ratios use it, which favours DuckDB."
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
