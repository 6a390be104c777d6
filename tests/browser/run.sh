#!/usr/bin/env bash
# The HTML report in a real headless browser: no console errors, figures and charts visible,
# data escaped. Installs Debian's chromium and chromium-driver when missing, and selenium
# from PyPI into a throwaway virtual environment.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get update -q
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -q chromium chromium-driver
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q selenium

cargo build --release -q
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
"$work/venv/bin/python" tests/browser/check_report.py "$work/core.html" "$work/hostile.html"
