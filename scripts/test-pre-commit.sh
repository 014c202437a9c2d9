#!/usr/bin/env bash
# Runs this repository's `.pre-commit-hooks.yaml` with the real pre-commit tool (from PyPI, installed once into
# target/pre-commit-venv) in a temporary git repository, the way a user's configuration would:
#   1. `hindsight` on a commit: a staged unwrap in a configuration reload fails the commit; a partially staged file is judged on its
#      staged content; a clean commit passes;
#   2. `hindsight-all` on pre-push: the whole repository, whatever was passed.
# The hooks are `language: system`, so the hindsight under test is put first on PATH.
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
export PATH="$root/target/debug:$PATH" HINDSIGHT_TODAY=2026-06-01 PRE_COMMIT_HOME="$root/target/pre-commit-home"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com

# This repository's hooks, committed as they are now, as the hook repository.
hooks=$(mktemp -d)
work=$(mktemp -d)
log=$hooks/out.txt
trap 'rm -rf "$hooks" "$work"' EXIT
cp .pre-commit-hooks.yaml "$hooks/"
git -C "$hooks" init -q -b main
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" -c commit.gpgsign=false commit -q -m hooks
rev=$(git -C "$hooks" rev-parse HEAD)

cd "$work"
git init -q -b main
git config commit.gpgsign false
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: hindsight
      - id: hindsight-all
YAML
mkdir src
echo 'pub fn ok() {}' >src/lib.rs
git add -A
git commit -q -m init
"$pre_commit" install --hook-type pre-commit --hook-type pre-push >/dev/null

fail() { echo "test-pre-commit: FAILED: $*" >&2; exit 1; }

# 1. A staged panic in a configuration reload is refused (HS1003, an error under the default profile).
printf 'pub fn reload_config(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n' >src/lib.rs
git add src/lib.rs
if git commit -q -m bad >"$log" 2>&1; then cat "$log"; fail "a commit with an unwrap passed"; fi
grep -q 'HS1003' "$log" || { cat "$log"; fail "the hook did not report HS1003"; }
echo "test-pre-commit: hindsight refused a staged unwrap"

# 2. Partial staging: the staged version is clean, the unstaged edit is not: the commit passes.
printf 'pub fn ok() {}\npub fn ok2() {}\n' >src/lib.rs
git add src/lib.rs
printf 'pub fn reload_rules(&mut self, text: &str) { self.rules = toml::from_str(text).unwrap(); }\n' >>src/lib.rs
git commit -q -m clean >"$log" 2>&1 || { cat "$log"; fail "a clean staged version was refused"; }
git diff --quiet && fail "the unstaged edit was lost"
echo "test-pre-commit: hindsight judged the staged version of a partially staged file"

# 3. hindsight-all runs on pre-push, over the whole repository (the unstaged unwrap is in the working tree).
if "$pre_commit" run hindsight-all --hook-stage pre-push --all-files >"$log" 2>&1; then
  cat "$log"; fail "hindsight-all passed with an unwrap in the tree"
fi
grep -q 'HS1003' "$log" || { cat "$log"; fail "hindsight-all did not report HS1003"; }
git checkout -q src/lib.rs
"$pre_commit" run hindsight-all --hook-stage pre-push --all-files >"$log" 2>&1 || { cat "$log"; fail "hindsight-all failed on a clean tree"; }
echo "test-pre-commit: hindsight-all checks the whole repository on pre-push"
echo "test-pre-commit: 3 passed, 0 failed"
