#!/usr/bin/env bash
# The cold-run benchmark of issue 16, on the crates the issue names (pingora, tokio, cargo; pinned versions
# from the cargo registry), every tool side by side in one hyperfine run per crate:
#   hindsight            `hindsight check --no-cache` with the whole built-in pack;
#   hindsight HS1001+HS1002
#                        the same with only HS1001 and HS1002 in their strict form (every `.unwrap()`,
#                        `.expect()` and panic macro outside tests: the rules the other tools run);
#   parse-only           hindsight parsing the files a check must parse, and nothing else (`--parse-only`);
#   ast-grep             ast-grep 0.51.1 (PyPI) with the three rules of bench/ast-grep;
#   semgrep              Semgrep (PyPI, pinned below, `--metrics=off`) with the same three rules,
#                        bench/semgrep/rules.yml (its own hyperfine run right after, SEMGREP_RUNS=3 runs: one
#                        takes twenty to forty times as long as ast-grep's);
#   warm                 hindsight with the result cache primed, the tree unchanged;
#   1 % changed          hindsight after a line was appended to 1 % of the .rs files (its own hyperfine run on
#                        a copy of the crate, as each run changes files).
# Then peak RSS (`/usr/bin/time -f %M`, median of 5 runs of each command; Semgrep's from its timed runs), the
# findings of each tool, and the result cache's invariant (the warm report equals the cold one). Prints a
# markdown table (bench/cold-table.py) and writes it to $WORK/cold.md, with the date and the machine's load.
#
#   bench/cold.sh                                    # THREADS=2 RUNS=10 by default
#   HINDSIGHT=path/to/hindsight bench/cold.sh cargo  # a prebuilt binary; one crate (pingora, tokio, cargo)
#
# Needs cargo, python3 and /usr/bin/time; installs hyperfine (Debian), ast-grep (bench/.venv) and Semgrep
# (bench/.venv-semgrep) from PyPI when missing.
set -euo pipefail
# The crates to measure, checked before anything is installed or built.
CORPORA=("$@")
[ ${#CORPORA[@]} -gt 0 ] || CORPORA=(pingora tokio cargo)
for corpus in "${CORPORA[@]}"; do
  case $corpus in
    pingora | tokio | cargo) ;;
    *) echo "error: unknown crate \`$corpus\` (pingora, tokio, cargo)" >&2; exit 2 ;;
  esac
done
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
bench_ast_grep
bench_change_script
SGCONFIG=$BENCH/ast-grep/sgconfig.yml
SEMGREP_RULES=$BENCH/semgrep/rules.yml
SEMGREP_VERSION=1.185.0
# Semgrep takes tens of seconds a run on these crates (twenty to forty times ast-grep), so it has its own,
# smaller count.
SEMGREP_RUNS=${SEMGREP_RUNS:-3}
if [ -z "${SEMGREP:-}" ]; then
  SEMGREP=$BENCH/.venv-semgrep/bin/semgrep
  if [ ! -x "$SEMGREP" ]; then
    python3 -m venv "$BENCH/.venv-semgrep"
    "$BENCH/.venv-semgrep/bin/pip" install --quiet "semgrep==$SEMGREP_VERSION"
  fi
fi
# No version check or metrics over the network: they would time the network, not the scan.
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

PINGORA=(pingora-0.9.1 pingora-boringssl-0.9.1 pingora-cache-0.9.1 pingora-core-0.9.1 pingora-error-0.9.1
  pingora-header-serde-0.9.1 pingora-http-0.9.1 pingora-ketama-0.9.1 pingora-limits-0.9.1
  pingora-load-balancing-0.9.1 pingora-lru-0.9.1 pingora-memory-cache-0.9.1 pingora-openssl-0.9.1
  pingora-pool-0.9.1 pingora-proxy-0.9.1 pingora-runtime-0.9.1 pingora-rustls-0.9.1 pingora-s2n-0.9.1
  pingora-timeout-0.9.1)
COLD=$WORK/cold
mkdir -p "$COLD"
for corpus in "${CORPORA[@]}"; do
  case $corpus in
    pingora) registry_crates "$BENCH/cold-corpus.toml" "$COLD/pingora" "${PINGORA[@]}" ;;
    tokio) registry_crates "$BENCH/cold-corpus.toml" "$COLD/tokio" tokio-1.47.1 ;;
    cargo) registry_crates "$BENCH/cold-corpus.toml" "$COLD/cargo" cargo-0.91.0 ;;
  esac
  # Semgrep skips tests/ and test/ by its default ignore list when a tree has no .semgrepignore of its own:
  # an empty one makes it read every file, as ast-grep and hindsight do.
  touch "$COLD/$corpus/.semgrepignore"
done

# One crate: the commands (names and command lines, the same in hyperfine and under /usr/bin/time), run in
# the crate's directory.
measure() {
  local name=$1 tree=$COLD/$1 out=$COLD/$1.out cache=$COLD/$1.cache changing=$COLD/$1-changing
  local names=(hindsight "hindsight HS1001+HS1002" parse-only ast-grep warm)
  local cmds=(
    "$H check --no-cache . -j $THREADS --format json"
    "$H check --no-cache . -j $THREADS --format json --select HS1001,HS1002 --profile strict"
    "$H check --no-cache . -j $THREADS --format json --parse-only"
    "$SG scan -c $SGCONFIG -j $THREADS --json=compact ."
    "$H check . -j $THREADS --format json --cache-dir $cache"
  )
  local one_percent="$H check . -j $THREADS --format json --cache-dir $changing.cache"
  # Semgrep under /usr/bin/time inside hyperfine: its runs take tens of seconds, so its peak RSS and findings
  # come from the timed runs themselves (appending one figure a run; `time` adds about a millisecond).
  local semgrep="/usr/bin/time -f %M -a -o $out/semgrep.rss $SEMGREP scan --metrics=off --config $SEMGREP_RULES \
-j $THREADS --json --no-git-ignore --max-target-bytes 0 -q -o $out/semgrep.report.json ."
  rm -rf "$out" "$cache" "$changing" "$changing.cache"
  mkdir -p "$out"
  cp -r "$tree" "$changing"
  # Prime both caches.
  (cd "$tree" && { "$H" check . -j "$THREADS" --format json --cache-dir "$cache" >/dev/null || true; })
  (cd "$changing" && { "$H" check . -j "$THREADS" --format json --cache-dir "$changing.cache" >/dev/null || true; })

  local args=() i
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  echo "$name: hyperfine, ${#names[@]} commands, $RUNS runs each; Semgrep $SEMGREP_RUNS runs" >&2
  (cd "$tree" && hyperfine -N -i --style none -w 1 -r "$RUNS" --export-json "$out/cold.json" "${args[@]}" >/dev/null)
  (cd "$tree" && hyperfine -N -i --style none -r "$SEMGREP_RUNS" --export-json "$out/semgrep.json" \
    -n semgrep "$semgrep" >/dev/null)
  (cd "$changing" && hyperfine -N -i --style none -w 1 -r "$RUNS" --export-json "$out/one-percent.json" \
    --prepare "python3 $CHANGE ." -n "1 % changed" "$one_percent" >/dev/null)

  # Peak RSS, median of 5 runs; the last run's report gives the findings.
  echo "$name: peak RSS, 5 runs of each command" >&2
  names+=("1 % changed")
  cmds+=("$one_percent")
  local argv dir
  for i in "${!names[@]}"; do
    read -ra argv <<< "${cmds[$i]}"
    dir=$tree
    [ "${names[$i]}" = "1 % changed" ] && dir=$changing
    for _ in 1 2 3 4 5; do
      [ "${names[$i]}" = "1 % changed" ] && python3 "$CHANGE" "$dir"
      (cd "$dir" && { /usr/bin/time -f %M -a -o "$out/${names[$i]}.rss" "${argv[@]}" \
        > "$out/${names[$i]}.report.json" 2>/dev/null || true; })
    done
  done
  printf '%s\n' hindsight "hindsight HS1001+HS1002" parse-only ast-grep semgrep warm "1 % changed" > "$out/names"
  find "$tree" -name '*.rs' | wc -l > "$out/files"
  find "$tree" -name '*.rs' -print0 | xargs -0 cat | wc -c > "$out/rs-bytes"
  cache_invariant "$tree" "$cache" > "$out/invariant"
}

# The date and the machine's load (uptime) before and after: the machine is shared, and the table says so.
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(uptime | sed 's/.*load average: //')" > "$COLD/started"
for corpus in "${CORPORA[@]}"; do measure "$corpus"; done
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(uptime | sed 's/.*load average: //')" > "$COLD/finished"
python3 "$BENCH/cold-table.py" "$COLD" "$THREADS" "$RUNS" "$SEMGREP_RUNS" "$SEMGREP_VERSION" "${CORPORA[@]}" \
  | tee "$WORK/cold.md"
