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
# RUNS=10 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
THREADS=${THREADS:-2}
RUNS=${RUNS:-10}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/hindsight-bench}
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
mkdir -p "$WORK"
command -v hyperfine >/dev/null || apt-get install -y hyperfine >/dev/null

if [ -n "${HINDSIGHT:-}" ]; then
  H=$(realpath "$HINDSIGHT")
else
  cargo build --release --locked -p hindsight >&2
  H=$(realpath "${CARGO_TARGET_DIR:-$ROOT/target}/release/hindsight")
fi
# Not `sg`: on Debian that name is also shadow's `sg` (run as another group).
SG=${SG:-$(command -v ast-grep || echo "$BENCH/.venv/bin/ast-grep")}
SGCONFIG=$BENCH/ast-grep/sgconfig.yml

CRATES=(cargo-0.91.0 tokio-1.47.1 regex-1.11.2 hyper-1.7.0)
if [ ! -d "$WORK/corpus" ]; then
  mkdir -p "$WORK/fetch"
  cp "$BENCH/corpus.toml" "$WORK/fetch/Cargo.toml"
  touch "$WORK/fetch/lib.rs"
  cargo fetch --manifest-path "$WORK/fetch/Cargo.toml" >&2
  registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
  mkdir -p "$WORK/corpus.tmp"
  for crate in "${CRATES[@]}"; do cp -r "$registry/$crate" "$WORK/corpus.tmp/"; done
  mv "$WORK/corpus.tmp" "$WORK/corpus"
fi

# Appends a line to 1 % of the .rs files under the directory (at least one), chosen at random each time.
CHANGE=$WORK/change-one-percent.py
cat > "$CHANGE" <<'PY'
import pathlib, random, sys, time
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.rs"))
for path in random.sample(files, max(1, len(files) // 100)):
    with open(path, "a") as f:
        f.write(f"// changed {time.time_ns()}\n")
PY

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
  (cd "$tree" && "$H" check . -j "$THREADS" --format json --cache-dir "$cache" >/dev/null || true)
  (cd "$changing" && "$H" check . -j "$THREADS" --format json --cache-dir "$changing_cache" >/dev/null || true)
  (cd "$tree" && hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/cache-bench/$name.json" \
    -n ast-grep "$SG scan -c $SGCONFIG -j $THREADS --json=compact ." \
    -n cold "$H check . -j $THREADS --format json --no-cache" \
    -n warm "$H check . -j $THREADS --format json --cache-dir $cache" >/dev/null)
  (cd "$changing" && hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/cache-bench/$name-changing.json" \
    --prepare "python3 $CHANGE ." \
    -n one-percent "$H check . -j $THREADS --format json --cache-dir $changing_cache" >/dev/null)
  # The invariant on this crate: a warm run reports exactly what a cold run reports.
  same=$(cd "$tree" && python3 - "$H" "$cache" <<'PY'
import json, subprocess, sys
h, cache = sys.argv[1], sys.argv[2]
def run(*extra):
    out = subprocess.run([h, "check", ".", "--format", "json", *extra], capture_output=True, text=True).stdout
    doc = json.loads(out)
    doc["summary"].pop("elapsed_ms")
    return doc
cold, warm = run("--no-cache"), run("--cache-dir", cache)
print("yes" if cold == warm and len(cold["findings"]) == len(warm["findings"]) else "NO")
PY
)
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
