#!/usr/bin/env bash
# Benchmark: collateral-audit against DuckDB on the same generated files, in the same run.
#
#   bash benches/run.sh [EVENTS ...]        default: 1000000 10000000 50000000
#
# Generates data with examples/generate.rs (20,000 assets, 5,000 reps) into $BENCH_DIR
# (default target/bench-data), installs DuckDB from PyPI into a throwaway virtual environment,
# and prints a Markdown table of wall time and peak memory (from /usr/bin/time -v), the ratio
# to DuckDB, and whether both found the same never-opened count. Each size is also measured
# as the exports usually come: one gzip file per month. A second table times `influence --link
# owner` on the same events with 100,000 deals of the same reps (the issue's bar: within 2× of
# `summary`). A third times `duplicates` on libraries of 100,000 and 1,000,000 assets with
# near-duplicate titles (DUP_SIZES="..." to choose). A fourth puts the reports beside the
# machine's floor: `wc -l` on the same file, and `libdeflate-gunzip -c` (Debian's
# libdeflate-tools, installed when missing) on the monthly gzip files, as many at a time as there
# are cores. `wc -l`, the three reports and `influence` are each the best of three runs, the
# files read once before each. Not a test: CI times nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000 50000000)
data_dir=${BENCH_DIR:-target/bench-data}
as_of=2026-11-01
threads=$(nproc)
mkdir -p "$data_dir"

cargo build --release -q
cargo build --release -q --example generate
tool=target/release/collateral-audit
generate=target/release/examples/generate

venv="$data_dir/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb pytz
fi
duckdb_version=$("$venv/bin/python" -c 'import duckdb; print(duckdb.__version__)')

# measure CMD...: runs CMD, keeps its stdout in $out, sets $wall (s, to the millisecond) and
# $rss (MiB). The wall is bash's own clock around the run (TIMEFORMAT=%3R), not
# /usr/bin/time's, which counts in hundredths: `wc -l` on 1M events takes less than one.
measure() {
  local log="$data_dir/time.log" stdout="$data_dir/stdout.txt" clock="$data_dir/wall.txt"
  local TIMEFORMAT=%3R
  { time /usr/bin/time -v "$@" > "$stdout" 2> "$log"; } 2> "$clock"
  out=$(cat "$stdout")
  wall=$(cat "$clock")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
}

# best N CMD...: measure CMD N times, the files warmed before each; keeps the fastest run's
# $wall and $rss (this VM's walls vary by a fifth between minutes, and a file it has not read
# lately comes from disk at a tenth of the page cache's speed).
best() {
  local n=$1 best_wall="" best_rss="" i
  shift
  for ((i = 0; i < n; i++)); do
    cat "$dir/assets.csv" "$dir/events.csv" > /dev/null
    measure "$@"
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall; best_rss=$rss
    fi
  done
  wall=$best_wall; rss=$best_rss
}

# row CMD EVENTS [NOTE]: prints the table row of the run just measured, with the never-opened
# count of the same events beside DuckDB's.
row() {
  local never ratio same
  never=$("$tool" summary --assets "$dir/assets.csv" --events "$2" --as-of "$as_of" --format json -q \
    | awk -F': ' '/"assets_never_opened"/ {gsub(",","",$2); print $2}')
  ratio=$(awk -v a="$duck_wall" -v b="$wall" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }')
  same=$([ "$never" = "$duck_never" ] && echo "same" || echo "DIFFERENT")
  echo "| $n | ${size} MB | \`$1\`${3:-} | $wall | $rss | $duck_wall | $duck_rss | $ratio | $never / $duck_never ($same) |"
}

# monthly_gzip DIR: splits DIR/events.csv into one gzip file per month of its time column.
monthly_gzip() {
  [ -f "$1/monthly/.done" ] && return
  rm -rf "$1/monthly" && mkdir -p "$1/monthly"
  awk -F, -v out="$1/monthly" 'NR == 1 { header = $0; next }
    { file = out "/" substr($5, 1, 7) ".csv"; if (!(file in seen)) { print header > file; seen[file] = 1 } print > file }' \
    "$1/events.csv"
  ls "$1"/monthly/*.csv | xargs -P "$threads" -n 1 gzip -1
  touch "$1/monthly/.done"
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); DuckDB $duckdb_version; as-of $as_of"
echo
influence_rows=()
floor_rows=()
if ! command -v libdeflate-gunzip > /dev/null; then
  sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -q libdeflate-tools > /dev/null
fi
echo "| events | CSV size | command | wall (s) | peak memory (MiB) | DuckDB wall (s) | DuckDB memory (MiB) | speed-up | never-opened (ours / DuckDB) |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
for n in "${sizes[@]}"; do
  dir="$data_dir/$n"
  if [ ! -f "$dir/opportunities.csv" ]; then
    # --account-share 0: events.csv is the same bytes as without deals.
    "$generate" --out "$dir" --assets 20000 --reps 5000 --events "$n" --deals 100000 \
      --account-share 0 --clean --no-roster --seed 7 2>/dev/null
  fi
  size=$(du -m "$dir/events.csv" | cut -f1)
  cat "$dir/events.csv" > /dev/null  # warm the page cache for both tools alike
  measure "$venv/bin/python" benches/duckdb_audit.py "$dir/assets.csv" "$dir/events.csv" "$as_of" "$threads"
  duck_wall=$wall; duck_rss=$rss; duck_never=$(echo "$out" | tail -n 1)
  # The floor: counting the file's lines (best of three, like the reports below).
  best 3 wc -l "$dir/events.csv"
  wc_wall=$wall
  declare -A walls=()
  for cmd in summary assets "trends --period month" snapshot; do
    format=(--format csv)
    [ "$cmd" = snapshot ] && format=()  # a snapshot is JSON, and refuses --format
    # shellcheck disable=SC2086
    best 3 "$tool" $cmd --assets "$dir/assets.csv" --events "$dir/events.csv" --as-of "$as_of" "${format[@]}" -q
    row "$cmd" "$dir/events.csv"
    walls["$cmd"]=$wall
    if [ "$cmd" = summary ]; then summary_wall=$wall; fi
  done
  times_wc() { awk -v a="$1" -v b="$wc_wall" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
  best 3 "$tool" influence --assets "$dir/assets.csv" --events "$dir/events.csv" \
    --opportunities "$dir/opportunities.csv" --link owner --as-of "$as_of" --format json -q
  touches=$(echo "$out" | awk -F': ' '/^    "touches"/ {gsub(",","",$2); print $2}')
  influence_rows+=("| $n | 100000 | $summary_wall | $wall | $(awk -v a="$wall" -v b="$summary_wall" \
    'BEGIN { printf "%.1f×", a / b }') | $rss | $touches |")
  monthly_gzip "$dir"
  events="$dir/monthly/*.csv.gz"
  size=$(du -cm "$dir"/monthly/*.csv.gz | tail -n 1 | cut -f1)
  measure "$venv/bin/python" benches/duckdb_audit.py "$dir/assets.csv" "$events" "$as_of" "$threads"
  duck_wall=$wall; duck_rss=$rss; duck_never=$(echo "$out" | tail -n 1)
  cat "$dir"/monthly/*.csv.gz > /dev/null
  measure "$tool" summary --assets "$dir/assets.csv" --events "$events" --as-of "$as_of" --format csv -q
  row "summary" "$events" " ($(ls "$dir"/monthly/*.csv.gz | wc -l) monthly .csv.gz)"
  gz_wall=$wall
  # The floor for the monthly files: only decompressing them, two at a time on the two cores.
  measure bash -c "ls '$dir'/monthly/*.csv.gz | xargs -P $threads -n 1 libdeflate-gunzip -c > /dev/null"
  floor_rows+=("| $n | $wc_wall | ${walls[summary]} ($(times_wc "${walls[summary]}")) | ${walls[assets]} ($(times_wc "${walls[assets]}")) | ${walls[trends --period month]} ($(times_wc "${walls[trends --period month]}")) | $wall | $gz_wall ($(awk -v a="$gz_wall" -v b="$wall" 'BEGIN { printf "%.1f×", a / b }')) |")
done
echo
echo "| events | \`wc -l\` (s) | \`summary\` (× \`wc -l\`) | \`assets\` (×) | \`trends --period month\` (×) | monthly .csv.gz: \`libdeflate-gunzip -c\`, $threads at a time (s) | \`summary\` on them (× libdeflate) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${floor_rows[@]}"
echo
echo "| events | deals | \`summary\` wall (s) | \`influence --link owner\` wall (s) | ratio | influence memory (MiB) | touches |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${influence_rows[@]}"

# duplicates: libraries of 100,000 and 1,000,000 assets (DUP_SIZES) whose titles are three to
# eight words from a 20,000-word vocabulary, a tenth of them near-duplicates of another
# (generate --near-duplicates 0.1), at the default threshold; `summary` on the same files
# beside it (the issue's bar: 100,000 under 5 s, 1,000,000 under a minute, on two cores).
echo
echo "| assets | \`summary\` wall (s) | \`duplicates\` wall (s) | \`duplicates\` CPU (s) | peak memory (MiB) | clusters | assets to retire |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in ${DUP_SIZES:-100000 1000000}; do
  dir="$data_dir/duplicates-$n"
  if [ ! -f "$dir/assets.csv" ]; then
    "$generate" --out "$dir" --assets "$n" --reps 2000 --events 200000 --near-duplicates 0.1 \
      --deals 0 --account-share 0 --clean --no-roster --seed 7 2>/dev/null
  fi
  measure "$tool" summary --assets "$dir/assets.csv" --events "$dir/events.csv" --as-of "$as_of" --format csv -q
  summary_wall=$wall
  measure "$tool" duplicates --assets "$dir/assets.csv" --events "$dir/events.csv" --as-of "$as_of" --format json -q
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$data_dir/time.log")
  clusters=$(echo "$out" | awk -F': ' '/^    "clusters"/ {gsub(",","",$2); print $2}')
  retire=$(echo "$out" | awk -F': ' '/^    "assets_to_retire"/ {gsub(",","",$2); print $2}')
  echo "| $n | $summary_wall | $wall | $cpu | $rss | $clusters | $retire |"
done
