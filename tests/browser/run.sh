#!/usr/bin/env bash
# The HTML report in a real headless browser: no console errors, the headline and plain labels
# visible, no card value wrapped, every bar printing its value, the asset table sorting,
# filtering and searching, a phone's 390 px with no text under 11 px, A4 and Letter prints with
# nothing cut, and 20,000 generated assets opening in about a second; data escaped. Installs
# Debian's chromium and chromium-driver when missing, and selenium from PyPI into a throwaway
# virtual environment. Screenshots and PDFs of the sample go to $REPORT_SHOTS when it is set.
set -euo pipefail
cd "$(dirname "$0")/../.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  sudo_if_needed apt-get update -q
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -q chromium chromium-driver
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! python3 -m venv "$work/venv" 2>/dev/null; then
  # Debian ships venv apart from python3.
  rm -rf "$work/venv"
  sudo_if_needed apt-get update -q
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -q python3-venv
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q selenium

cargo build --release -q
cargo build --release -q --example generate
tool=target/release/collateral-audit
"$tool" report --assets tests/fixtures/core/assets.csv --events tests/fixtures/core/events.csv \
  --as-of 2026-11-01 --since 2026-01-01 -q --out "$work/core.html"
cat > "$work/assets.csv" <<'CSV'
id,title,type,owner,created,cost
H1,<script>window.pwned=1</script>,<b>Deck</b>,"<img src=x onerror=window.pwned=2>",2025-01-01,10
H2,"""quoted"" & 'apos'",Deck,o@x.com,2025-01-01,5
CSV
printf 'asset,user,time\nH9,<i>rep</i>,2026-10-01\n' > "$work/events.csv"
"$tool" report --assets "$work/assets.csv" --events "$work/events.csv" --as-of 2026-11-01 -q \
  --out "$work/hostile.html"
"$tool" report --assets examples/data/assets.csv --events examples/data/events.csv --as-of 2026-11-01 \
  --opportunities examples/data/opportunities.csv -q --out "$work/sample.html"
target/release/examples/generate --assets 20000 --events 200000 --deals 0 --no-roster --clean \
  --out "$work/big" >/dev/null
"$tool" report --assets "$work/big/assets.csv" --events "$work/big/events.csv" --as-of 2026-11-01 -q \
  --out "$work/big.html"
shots=${REPORT_SHOTS:-$work}
mkdir -p "$shots"
"$work/venv/bin/python" tests/browser/check_report.py "$work/core.html" "$work/hostile.html" \
  "$work/sample.html" "$work/big.html" "$shots"
