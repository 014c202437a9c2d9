# Sourced by scripts/fuzz-smoke.sh and scripts/fuzz-long.sh: the toolchain, cargo-fuzz, the seeds and the build.
# FUZZ_TARGET_DIR: where the instrumented build goes (default fuzz/target, ignored by git).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzz_dir=$PWD/fuzz
fuzz_target_dir=${FUZZ_TARGET_DIR:-$fuzz_dir/target}
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# The seeds are rebuilt when missing or asked for (FUZZ_RESEED=1), never under a run reading them.
if [ ! -d fuzz/seeds ] || [ "${FUZZ_RESEED:-0}" = 1 ]; then
  fuzz/seed.sh >/dev/null
fi
# No sanitizer: the engine forbids unsafe code and cargo-fuzz does not instrument the C grammars, so
# AddressSanitizer would only halve the executions. Debug assertions stay on (integer overflow panics).
fuzz() {
  (cd fuzz && cargo +nightly fuzz "$@")
}
# FUZZ_DEV=1 (CI's smoke run): an unoptimised build, which compiles in a fraction of the time; the executions
# are slower, which a smoke run of seconds does not mind. The long runs build optimised.
flags=(-s none -a --target-dir "$fuzz_target_dir")
if [ "${FUZZ_DEV:-0}" = 1 ]; then
  flags+=(--dev)
fi
fuzz build "${flags[@]}"
targets=$(fuzz list)
# run TARGET CORPUS_DIR FLAGS...: one process (libFuzzer's `-jobs=1` would fork a child logging to
# ./fuzz-0.log, which concurrent runs overwrite); new inputs go to CORPUS_DIR, the seeds are read too; a crash,
# timeout or out-of-memory input is kept in fuzz/artifacts/TARGET/. Inputs up to 4 KiB: long enough for every
# shape the targets check, short enough that a seed file does not make each execution slow.
run_target() {
  local target=$1 corpus=$2
  shift 2
  mkdir -p "$corpus" "$fuzz_dir/artifacts/$target"
  fuzz run "${flags[@]}" "$target" "$corpus" "$fuzz_dir/seeds/$target" -- \
    -rss_limit_mb=2048 -timeout=10 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/artifacts/$target/" "$@"
}
