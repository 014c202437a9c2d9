#!/usr/bin/env bash
# Runs this repository's `.pre-commit-hooks.yaml` with the real pre-commit tool (from PyPI, installed once into
# target/pre-commit-venv) on a fresh pre-commit cache, in a temporary git repository whose configuration names
# a snapshot of this working tree (committed in a temporary hook repository) at its commit, as a user's would.
# For each pair of hooks, `hindsight-system` + `hindsight-all-system` (language: system, the hindsight under
# test first on PATH) and `hindsight` + `hindsight-all` (language: rust, built by pre-commit itself):
#   1. on commit, a staged unwrap in a configuration reload fails the commit (HS1003);
#   2. a partially staged file is judged on its staged content: a clean staged version passes;
#   3. on pre-push, the whole repository is checked, whatever was passed: fails with the unwrap, passes without.
# The language: rust hooks make pre-commit `cargo install` hindsight in release mode (minutes): both share one
# build (one PRE_COMMIT_HOME). They run when HINDSIGHT_TEST_PRE_COMMIT_RUST=1 (run by hand: the build takes 10-16 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PRE_COMMIT_VERSION=4.3.0

venv=target/pre-commit-venv
if ! "$venv/bin/pre-commit" --version >/dev/null 2>&1; then
  echo "test-pre-commit: installing pre-commit $PRE_COMMIT_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
fi
pre_commit=$root/$venv/bin/pre-commit

cargo build --quiet --locked -p hindsight
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
base_path=$PATH
export HINDSIGHT_TODAY=2026-06-01
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/out.txt
export PRE_COMMIT_HOME=$tmp/pre-commit-home

# The hook repository: this working tree as it is now (tracked and new files, not ignored ones), one commit.
hooks=$tmp/hooks
mkdir "$hooks"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  [ -e "$file" ] && printf '%s\0' "$file"
done | tar --null -T - -cf - | tar -xf - -C "$hooks"
git -C "$hooks" init -q -b main
git -C "$hooks" add -A
git -C "$hooks" -c commit.gpgsign=false commit -q -m hooks
rev=$(git -C "$hooks" rev-parse HEAD)

fail() { echo "test-pre-commit: FAILED: $*" >&2; exit 1; }

# The three cases for one pair of hooks, in a fresh repository in $tmp/$1.
cases() {
  local commit_hook=$1 push_hook=$2 work=$tmp/$1
  mkdir "$work"
  cd "$work"
  git init -q -b main
  git config commit.gpgsign false
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n      - id: %s\n' \
    "$hooks" "$rev" "$commit_hook" "$push_hook" >.pre-commit-config.yaml
  mkdir src
  echo 'pub fn ok() {}' >src/lib.rs
  git add -A
  git commit -q -m init
  "$pre_commit" install --hook-type pre-commit --hook-type pre-push >/dev/null

  # 1. A staged panic in a configuration reload is refused (HS1003, an error under the default profile).
  printf 'pub fn reload_config(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n' >src/lib.rs
  git add src/lib.rs
  if git commit -q -m bad >"$log" 2>&1; then cat "$log"; fail "$commit_hook: a commit with an unwrap passed"; fi
  grep -q 'HS1003' "$log" || { cat "$log"; fail "$commit_hook: the hook did not report HS1003"; }
  echo "test-pre-commit: $commit_hook refused a staged unwrap"

  # 2. Partial staging: the staged version is clean, the unstaged edit is not: the commit passes.
  printf 'pub fn ok() {}\npub fn ok2() {}\n' >src/lib.rs
  git add src/lib.rs
  printf 'pub fn reload_rules(&mut self, text: &str) { self.rules = toml::from_str(text).unwrap(); }\n' >>src/lib.rs
  git commit -q -m clean >"$log" 2>&1 || { cat "$log"; fail "$commit_hook: a clean staged version was refused"; }
  git diff --quiet && fail "$commit_hook: the unstaged edit was lost"
  echo "test-pre-commit: $commit_hook judged the staged version of a partially staged file"

  # 3. The push hook runs on pre-push, over the whole repository (the unstaged unwrap is in the working tree).
  if "$pre_commit" run "$push_hook" --hook-stage pre-push --all-files >"$log" 2>&1; then
    cat "$log"; fail "$push_hook passed with an unwrap in the tree"
  fi
  grep -q 'HS1003' "$log" || { cat "$log"; fail "$push_hook did not report HS1003"; }
  git checkout -q src/lib.rs
  "$pre_commit" run "$push_hook" --hook-stage pre-push --all-files >"$log" 2>&1 || { cat "$log"; fail "$push_hook failed on a clean tree"; }
  echo "test-pre-commit: $push_hook checks the whole repository on pre-push"
  cd "$root"
}

# language: system: the hindsight under test first on PATH.
PATH="$target_dir/debug:$base_path" cases hindsight-system hindsight-all-system
passed=6

# language: rust: pre-commit builds hindsight from the hook repository; the one under test is not on PATH.
if [ "${HINDSIGHT_TEST_PRE_COMMIT_RUST:-0}" = 1 ]; then
  echo "test-pre-commit: language: rust hooks (pre-commit builds hindsight with cargo install: minutes)"
  start=$SECONDS
  cases hindsight hindsight-all
  built=$(find "$PRE_COMMIT_HOME" -path '*/rustenv-*/bin/hindsight' | head -n 1)
  [ -n "$built" ] || fail "no hindsight in a rustenv of $PRE_COMMIT_HOME: the rust hooks did not build it"
  "$built" --version | grep -q "^hindsight " || fail "$built --version"
  echo "test-pre-commit: the rust hooks ran $("$built" --version), built by pre-commit ($((SECONDS - start)) s)"
  passed=$((passed + 6))
else
  echo "test-pre-commit: language: rust hooks skipped (set HINDSIGHT_TEST_PRE_COMMIT_RUST=1 to run them: the build takes minutes)"
fi
echo "test-pre-commit: $passed passed, 0 failed"
