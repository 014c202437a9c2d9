#!/usr/bin/env bash
# Benchmark of the result cache, side by side in one hyperfine run per crate: ast-grep's cold scan (the three
# rules of bench/ast-grep), hindsight's cold run of the whole built-in pack (`--no-cache`), a warm run on the
# unchanged tree, and a run after 1 % of the files changed since the last one (a new line appended to that
# many randomly chosen .rs files before each run). Then checks the cache's invariant on each crate: the warm
# run's JSON report equals the cold run's (wall time aside).
#
#   bench/cache.sh                       # the crates of bench/run.sh's corpus: cargo, tokio, regex, hyper
#   HINDSIGHT=path/to/hindsight bench/cache.sh
#
# The corpus is the one bench/run.sh fetches (the same crates, copied from the cargo registry); THREADS=2
# RUNS=10 by default. bench/cold.sh has the same rows on pingora, tokio and cargo, beside Semgrep; both take
# their shared steps from bench/lib.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
# ast-grep from PATH when there is one, else bench/.venv's (bench/run.sh installs it there).
SG=${SG:-$(command -v ast-grep || echo "$BENCH/.venv/bin/ast-grep")}
bench_ast_grep
bench_change_script
SGCONFIG=$BENCH/ast-grep/sgconfig.yml

CRATES=(cargo-0.91.0 tokio-1.47.1 regex-1.11.2 hyper-1.7.0)
registry_crates "$BENCH/corpus.toml" "$WORK/corpus" "${CRATES[@]}"

echo "| crate | .rs files | ast-grep cold | hindsight cold | warm | 1 % changed | warm vs ast-grep | warm vs cold | 1 % vs cold | warm = cold |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for crate in "${CRATES[@]}"; do
  name=${crate%-*}
  tree=$WORK/cache-bench/$name
  changing=$WORK/cache-bench/$name-changing
  rm -rf "$tree" "$changing" "$WORK/cache-bench/$name.cache" "$WORK/cache-bench/$name-changing.cache"
  mkdir -p "$WORK/cache-bench"
  cp -r "$WORK/corpus/$crate" "$tree"
  cp -r "$WORK/corpus/$crate" "$changing"
  n=$(find "$tree" -name '*.rs' | wc -l)
  cache=$WORK/cache-bench/$name.cache
  changing_cache=$WORK/cache-bench/$name-changing.cache
  # Prime both caches.
  (cd "$tree" && { "$H" check . -j "$THREADS" --format json --cache-dir "$cache" >/dev/null || true; })
  (cd "$changing" && { "$H" check . -j "$THREADS" --format json --cache-dir "$changing_cache" >/dev/null || true; })
  (cd "$tree" && hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/cache-bench/$name.json" \
    -n ast-grep "$SG scan -c $SGCONFIG -j $THREADS --json=compact ." \
    -n cold "$H check . -j $THREADS --format json --no-cache" \
    -n warm "$H check . -j $THREADS --format json --cache-dir $cache" >/dev/null)
  (cd "$changing" && hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/cache-bench/$name-changing.json" \
    --prepare "python3 $CHANGE ." \
    -n one-percent "$H check . -j $THREADS --format json --cache-dir $changing_cache" >/dev/null)
  # The invariant on this crate: a warm run reports exactly what a cold run reports.
  same=$(cache_invariant "$tree" "$cache")
  python3 - "$WORK/cache-bench/$name.json" "$WORK/cache-bench/$name-changing.json" "$name" "$n" "$same" <<'PY'
import json, statistics, sys
runs = {r["command"]: r["times"] for r in json.load(open(sys.argv[1]))["results"]}
runs.update({r["command"]: r["times"] for r in json.load(open(sys.argv[2]))["results"]})
m = {k: statistics.median(v) * 1000 for k, v in runs.items()}
print(f"| {sys.argv[3]} | {sys.argv[4]} | {m['ast-grep']:.0f} ms | {m['cold']:.0f} ms | {m['warm']:.1f} ms | "
      f"{m['one-percent']:.1f} ms | {m['ast-grep'] / m['warm']:.1f}x | {m['cold'] / m['warm']:.1f}x | "
      f"{m['cold'] / m['one-percent']:.1f}x | {sys.argv[5]} |")
PY
done
