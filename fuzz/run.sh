#!/usr/bin/env bash
# Fuzz the time parser and the CSV + header-mapping + audit path for a bounded time each.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET]      default 60
#
# Installs cargo-fuzz if missing. Works on the stable toolchain (RUSTC_BOOTSTRAP lets
# cargo-fuzz pass its -Z flags; no sanitizer, so any panic or failed assertion is the crash).
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in time_parser csv_audit; do
  mkdir -p "corpus/$target"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10
done
