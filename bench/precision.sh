#!/usr/bin/env bash
# Precision corpora: reruns the built-in pack over the service and manifest repositories that
# rules/PRECISION.md reviews, and prints findings per rule (errors and warnings apart) and per 10,000 lines of
# code, so that a change in volume is seen on every change to the rules.
#
#   bench/precision.sh [CORPORA_DIR]     # default: $PRECISION_CORPORA or ../corpora
#
# CORPORA_DIR holds one checkout per line of bench/precision/corpora.tsv, named like its first column and at
# the commit of its third (clone them yourself: `git clone https://github.com/<repository> <name>` and
# `git -C <name> checkout <commit>`; set `origin` to the GitHub URL, which HS3001 reads to tell first-party
# actions). A checkout at another commit is reported and measured anyway. PROFILE=strict measures the
# strict profile; ARGS adds arguments to every `hindsight check`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${1:-${PRECISION_CORPORA:-$ROOT/../corpora}}
PROFILE=${PROFILE:-default}
cargo build --release --locked -p hindsight >&2
H=$ROOT/target/release/hindsight
OUT=${OUT:-${TMPDIR:-/tmp}/hindsight-precision}
mkdir -p "$OUT"
rows=()
while IFS=$'\t' read -r name repo commit set kind; do
  case "$name" in '#'*|'') continue ;; esac
  if [ ! -d "$DIR/$name" ]; then
    echo "missing: $DIR/$name ($repo at $commit)" >&2
    continue
  fi
  head=$(git -C "$DIR/$name" rev-parse --short=9 HEAD 2>/dev/null || echo unknown)
  case "$head" in "$commit"*|"${commit:0:9}"*) ;; *) echo "note: $name is at $head, not $commit" >&2 ;; esac
  # Lines of the files hindsight reads (Rust, YAML, JSON, TOML), as git tracks them.
  # (A snapshot may lack its largest files: `cat` skips them.)
  lines=$( (cd "$DIR/$name" && git ls-files -z -- '*.rs' '*.yaml' '*.yml' '*.json' '*.toml' | xargs -0 cat 2>/dev/null || true) | wc -l)
  (cd "$DIR" && "$H" check "$name" --profile "$PROFILE" --format json ${ARGS:-} > "$OUT/$name.json" 2>/dev/null || true)
  rows+=("$name	$set	$kind	$lines")
done < bench/precision/corpora.tsv
printf '%s\n' "${rows[@]}" > "$OUT/corpora.tsv"
python3 - "$OUT" "$PROFILE" <<'PY'
import collections, json, sys
out, profile = sys.argv[1], sys.argv[2]
print(f"# Findings per corpus (profile: {profile})\n")
print("| corpus | set | lines | errors | warnings | errors / 10k lines | by rule (e = error, w = warning) | notes |")
print("|---|---|---:|---:|---:|---:|---|---|")
totals = collections.Counter()
for row in open(f"{out}/corpora.tsv").read().splitlines():
    name, set_, kind, lines = row.split("\t")
    doc = json.load(open(f"{out}/{name}.json"))
    live = [f for f in doc["findings"] if f["suppressed"] is None and f["stage"] != "shadow"]
    by_rule = collections.Counter((f["code"], f["severity"][0]) for f in live)
    errors = sum(n for (c, s), n in by_rule.items() if s == "e")
    warnings = sum(n for (c, s), n in by_rule.items() if s == "w")
    notes = collections.Counter(n["kind"] for n in doc["notes"])
    per = errors / max(int(lines), 1) * 10000
    rules = " ".join(f"{c}{s}={n}" for (c, s), n in sorted(by_rule.items())) or "-"
    note = ", ".join(f"{k} {n}" for k, n in sorted(notes.items())) or "-"
    print(f"| {name} | {set_} | {int(lines):,} | {errors} | {warnings} | {per:.2f} | {rules} | {note} |")
    totals.update({(c, s): n for (c, s), n in by_rule.items()})
print("\nAll corpora:", " ".join(f"{c}{s}={n}" for (c, s), n in sorted(totals.items())))
PY
