#!/usr/bin/env bash
# Builds every fuzz target (fuzz/, cargo-fuzz on nightly) and runs each briefly on its seed corpus, so the
# harnesses keep building and stay fast; a crash, timeout or out-of-memory fails the script and leaves the input
# in fuzz/artifacts/<target>/. FUZZ_SECONDS per target (default 30). `.ci/run` calls it.
set -euo pipefail
source "$(dirname "$0")/fuzz-common.sh"
seconds=${FUZZ_SECONDS:-30}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in $targets; do
  echo "== fuzz $target (${seconds} s)"
  # A scratch corpus: the seeds are read, and what the short run finds is thrown away.
  if ! run_target "$target" "$scratch/$target" -max_total_time="$seconds" >"$scratch/$target.log" 2>&1; then
    tail -40 "$scratch/$target.log" >&2
    echo "fuzz target $target failed: see above and fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$scratch/$target.log" || true
done
echo "fuzz smoke passed"
