#!/usr/bin/env bash
# The long fuzzing runs that fuzz/RESULTS.md records: each target (or those named as arguments) in turn, at the
# lowest priority, until FUZZ_RUNS executions (default 10 million) or FUZZ_SECONDS (default 4 hours) pass.
# The corpus grows in fuzz/corpus/<target>/ (not committed) and each run's log is fuzz/logs/<target>.log, whose
# last lines are libFuzzer's final stats (executions, cov/ft, peak memory).
set -euo pipefail
# The lowest priority for everything below: fuzzing only uses what the machine leaves over.
renice -n 19 $$ >/dev/null
source "$(dirname "$0")/fuzz-common.sh"
runs=${FUZZ_RUNS:-10000000}
seconds=${FUZZ_SECONDS:-14400}
[ $# -gt 0 ] && targets="$*"
mkdir -p fuzz/logs
status=0
for target in $targets; do
  echo "== fuzz $target: $runs runs or $seconds s"
  if ! run_target "$target" "$fuzz_dir/corpus/$target" -runs="$runs" -max_total_time="$seconds" \
    >"fuzz/logs/$target.log" 2>&1; then
    echo "fuzz target $target failed: fuzz/logs/$target.log, fuzz/artifacts/$target/" >&2
    status=1
  fi
  grep -E '^(Done|stat::)' "fuzz/logs/$target.log" || true
done
exit $status
