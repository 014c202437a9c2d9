#!/usr/bin/env bash
# `hindsight check --staged` in a big repository: 10,000 committed files, 5 of them staged with changes.
# It must answer in under 100 ms wall without walking the tree. Generates the repository under /tmp (or $1)
# and times the check with hyperfine (median of the runs).
#   bench/staged.sh [DIR] [BINARY]    BINARY defaults to target/release/hindsight (built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${1:-/tmp/hindsight-bench-staged}
bin=$(realpath -m "${2:-$root/target/release/hindsight}")
if [ ! -x "$bin" ]; then
  cargo build --quiet --locked --release -p hindsight
fi
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

if [ ! -f "$dir/.git/bench-ready" ]; then
  echo "staged.sh: generating 10,000 files in $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  cd "$dir"
  git init -q -b main
  printf '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n' >Cargo.toml
  python3 - <<'PY'
import os
n = 0
for d in range(100):
    path = f"src/m{d:03}"
    os.makedirs(path, exist_ok=True)
    for f in range(100 if d else 99):
        with open(f"{path}/f{f:03}.rs", "w") as out:
            out.write(f"//! Module {d}/{f}.\n\npub fn add_{f}(a: u32, b: u32) -> Option<u32> {{\n    a.checked_add(b)\n}}\n")
        n += 1
print(n + 1, "files")
PY
  git add -A
  git -c commit.gpgsign=false commit -q -m "10,000 files"
  touch .git/bench-ready
fi
cd "$dir"
git reset -q --hard
echo "staged.sh: $(git ls-files | wc -l) files in the index"
# Five changed files, staged: each gains a finding.
for f in src/m001/f001.rs src/m020/f002.rs src/m040/f003.rs src/m060/f004.rs src/m099/f099.rs; do
  printf 'pub fn parse(s: &str) -> u32 {\n    s.parse().unwrap()\n}\n' >>"$f"
done
git add -A
echo "staged.sh: $(git diff --cached --name-only | wc -l) files staged"
"$bin" check --staged | tail -1 || true
hyperfine --warmup 3 --runs 30 -N -i --export-json /tmp/hindsight-bench-staged.json "$bin check --staged"
python3 -c "import json; r=json.load(open('/tmp/hindsight-bench-staged.json'))['results'][0]; print(f\"staged.sh: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, min {r['min']*1000:.1f} ms over {len(r['times'])} runs\")"
git reset -q --hard
