#!/usr/bin/env bash
# Runs each cargo-fuzz target (fuzz/: CSV reader, JSON Lines reader, lookup) for a bounded
# time: FUZZ_SECONDS each (default 60). Needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`); without them it says so and exits 0 without fuzzing.
# A crash fails the script; libFuzzer leaves the input under fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: SKIPPED, no nightly toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: SKIPPED, cargo-fuzz is not installed (cargo install cargo-fuzz)"
  exit 0
fi

for target in $(cargo +nightly fuzz list); do
  echo "== fuzz $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048
done
echo "fuzz: every target ran ${seconds}s without a crash"
