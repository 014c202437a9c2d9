# Helpers shared by bench/cold.sh and bench/cache.sh (sourced, not run): the settings every benchmark reads,
# the hindsight binary under test, the pinned ast-grep, crates from the cargo registry, and the result cache's
# "1 % changed" edit and invariant check.
# shellcheck shell=bash

# Settings (THREADS=2 RUNS=10, the work directory outside the repository so no .gitignore of ours hides the
# corpus from any tool), hyperfine, and the binary: $HINDSIGHT when set (relative to the repository's root, as
# in bench/run.sh), else a release build of this tree. Leaves the shell in the repository's root.
bench_init() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || return 1
  ROOT=$PWD
  BENCH=$ROOT/bench
  THREADS=${THREADS:-2}
  RUNS=${RUNS:-10}
  WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/hindsight-bench}
  mkdir -p "$WORK"
  # Without RUST_BACKTRACE: with it set (and RUST_LIB_BACKTRACE not), hindsight starts itself again with
  # library backtraces off (cli/src/main.rs), one exec more than a user without the variable pays.
  unset RUST_BACKTRACE RUST_LIB_BACKTRACE
  command -v hyperfine >/dev/null || apt-get install -y hyperfine >/dev/null
  if [ -n "${HINDSIGHT:-}" ]; then
    H=$(realpath "$HINDSIGHT")
  else
    cargo build --release --locked -p hindsight >&2
    H=$(realpath "${CARGO_TARGET_DIR:-target}/release/hindsight")
  fi
}

# ast-grep 0.51.1 from PyPI in bench/.venv (as bench/run.sh installs it), or $SG when set. Not `sg`: on Debian
# that name is also shadow's `sg` (run as another group).
bench_ast_grep() {
  if [ -z "${SG:-}" ]; then
    SG=$BENCH/.venv/bin/ast-grep
    if [ ! -x "$SG" ]; then
      python3 -m venv "$BENCH/.venv"
      "$BENCH/.venv/bin/pip" install --quiet ast-grep-cli==0.51.1
    fi
  fi
}

# Fetches the dependencies of a manifest (exact versions) with `cargo fetch` and unpacks the named crates
# (`name-version`) from the registry's cache into DEST/<crate>, once: DEST is left alone when it exists.
#   registry_crates MANIFEST DEST CRATE...
registry_crates() {
  local manifest=$1 dest=$2 crate cache
  shift 2
  [ -d "$dest" ] && return 0
  mkdir -p "$dest.fetch"
  cp "$manifest" "$dest.fetch/Cargo.toml"
  touch "$dest.fetch/lib.rs"
  cargo fetch --manifest-path "$dest.fetch/Cargo.toml" >&2
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  for crate in "$@"; do
    cache=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "$crate.crate" | head -n 1)
    tar -xzf "$cache" -C "$dest.tmp"
  done
  mv "$dest.tmp" "$dest"
  rm -rf "$dest.fetch"
}

# Writes $CHANGE, a script that appends a line to 1 % of the .rs files under a directory (at least one),
# chosen at random each time: hyperfine's --prepare for the "1 % changed" runs of the result cache.
bench_change_script() {
  CHANGE=$WORK/change-one-percent.py
  cat > "$CHANGE" <<'PY'
import pathlib, random, sys, time
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.rs"))
for path in random.sample(files, max(1, len(files) // 100)):
    with open(path, "a") as f:
        f.write(f"// changed {time.time_ns()}\n")
PY
}

# The result cache's invariant on one tree: prints "yes" when a run with the cache in CACHE reports exactly
# what a `--no-cache` run reports (wall time aside), "NO" otherwise.
#   cache_invariant DIR CACHE
cache_invariant() {
  (cd "$1" && python3 - "$H" "$2" <<'PY'
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
}
