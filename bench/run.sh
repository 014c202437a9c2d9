#!/usr/bin/env bash
# Benchmark: `hindsight check` against a parse-only pass over the same files, and against ast-grep running
# equivalent rules, side by side in one hyperfine run, on the sources of real crates (cargo, tokio, regex,
# hyper), and per language on real Go, Python and TypeScript/JavaScript packages (bench/polyglot.sh).
# Prints a markdown table of medians, ratios, files/s and MB/s, and the findings each tool reports.
# The cold run of issue 16 (pingora, tokio, cargo; with Semgrep, peak RSS, warm and 1 % changed) is
# bench/cold.sh; the result cache alone on this corpus, bench/cache.sh.
#
#   bench/run.sh                 # every part: rust go python ts yaml iac; THREADS=2 RUNS=10 by default
#   bench/run.sh go              # one part alone (or several: bench/run.sh go python)
#   HINDSIGHT=path/to/hindsight bench/run.sh ts   # a prebuilt binary instead of `cargo build --release`
#
# Needs cargo and python3; installs hyperfine (Debian) and ast-grep (PyPI, in bench/.venv) when missing; the
# language parts need apt-get (Go), pip (Python) and npm (TS/JS) to fetch their pinned corpora once.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
PARTS=("$@")
[ ${#PARTS[@]} -gt 0 ] || PARTS=(rust go python ts yaml iac)
for part in "${PARTS[@]}"; do
  case $part in
    rust | go | python | ts | yaml | iac) ;;
    *) echo "error: unknown part \`$part\` (rust, go, python, ts, yaml, iac)" >&2; exit 2 ;;
  esac
done
want() {
  local part
  for part in "${PARTS[@]}"; do [ "$part" = "$1" ] && return 0; done
  return 1
}
# The settings, hyperfine, the binary under test and ast-grep (bench/lib.sh), once the parts are known.
bench_init
bench_ast_grep
# Each run writes its own results; a part not run this time is not reported from an older run.
rm -f "$WORK"/{full,src,yaml,go,python,ts,hcl,docker}.json "$WORK/cpu.md" "$WORK/helm.jsonl"

if want rust; then
# The corpus lives outside the repository, so no .gitignore of ours hides it from either tool.
FULL=$WORK/corpus
SRC=$WORK/corpus-src
if [ ! -d "$FULL" ]; then
  mkdir -p "$WORK/fetch"
  cp "$BENCH/corpus.toml" "$WORK/fetch/Cargo.toml"
  touch "$WORK/fetch/lib.rs"
  cargo fetch --manifest-path "$WORK/fetch/Cargo.toml" >&2
  registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
  mkdir -p "$FULL.tmp"
  for crate in cargo-0.91.0 tokio-1.47.1 regex-1.11.2 hyper-1.7.0; do
    cp -r "$registry/$crate" "$FULL.tmp/"
  done
  mv "$FULL.tmp" "$FULL"
fi
# The same crates without what Cargo treats as test code (tests/, benches/, examples/, build.rs): the
# files every tool has to parse, so the parse-only comparison is like for like.
if [ ! -d "$SRC" ]; then
  (cd "$FULL" && find . -name '*.rs' \
    -not -path './*/tests/*' -not -path './*/benches/*' -not -path './*/examples/*' -not -path './*/build.rs' \
    -exec cp --parents {} "$SRC.tmp" \; 2>/dev/null) || true
  mkdir -p "$SRC.tmp"
  (cd "$FULL" && find . -name '*.rs' \
    -not -path './*/tests/*' -not -path './*/benches/*' -not -path './*/examples/*' -not -path './*/build.rs' \
    -exec cp --parents {} "$SRC.tmp" \;)
  # Cargo.toml files mark package roots, which decide test code.
  (cd "$FULL" && find . -maxdepth 2 -name Cargo.toml -exec cp --parents {} "$SRC.tmp" \;)
  mv "$SRC.tmp" "$SRC"
fi

SGCONFIG=$BENCH/ast-grep/sgconfig.yml
EQUIV=$BENCH/hs1001-hs1002.toml

run_suite() {
  local name=$1 dir=$2
  (cd "$dir" && hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/$name.json" \
    -n parse-only "$H check --no-cache . --parse-only -j $THREADS --format json" \
    -n hindsight "$H check --no-cache . -j $THREADS --format json" \
    -n hindsight-no-macros "$H check --no-cache . -j $THREADS --format json --no-macro-expansion" \
    -n hindsight-HS1001-HS1002 "$H check --no-cache . -j $THREADS --format json --config $EQUIV" \
    -n ast-grep "$SG scan -c $SGCONFIG -j $THREADS --json=compact ." >/dev/null)
  (cd "$dir" && "$H" check --no-cache . -j "$THREADS" --format json > "$WORK/$name.hindsight.json" || true)
  (cd "$dir" && "$H" check --no-cache . -j "$THREADS" --format json --no-macro-expansion > "$WORK/$name.nomacro.json" || true)
  (cd "$dir" && "$H" check --no-cache . -j "$THREADS" --format json --config "$EQUIV" > "$WORK/$name.equiv.json" || true)
  (cd "$dir" && "$H" check --no-cache . -j "$THREADS" --format json --config "$EQUIV" --no-macro-expansion > "$WORK/$name.equiv-nomacro.json" || true)
  (cd "$dir" && "$H" check --no-cache . -j "$THREADS" --format json --parse-only > "$WORK/$name.parse.json" || true)
  (cd "$dir" && "$SG" scan -c "$SGCONFIG" -j "$THREADS" --json=compact . > "$WORK/$name.sg.json" || true)
}

echo "running the benchmark: corpus $FULL, $THREADS threads, $RUNS runs per command" >&2
run_suite full "$FULL"
run_suite src "$SRC"

# CPU time on the source files, in interleaved rounds (steadier than wall time on a shared machine).
python3 "$BENCH/cpu-interleaved.py" --dir "$SRC" --rounds "${CPU_ROUNDS:-7}" \
  parse-only="$H check --no-cache . --parse-only -j 1 --format json" \
  hindsight="$H check --no-cache . -j 1 --format json" \
  hindsight-no-macros="$H check --no-cache . -j 1 --format json --no-macro-expansion" \
  hindsight-HS1001-HS1002="$H check --no-cache . -j 1 --format json --config $EQUIV" \
  ast-grep="$SG scan -c $SGCONFIG -j 1 --json=compact ." > "$WORK/cpu.md"

fi

# YAML: the configuration corpus (Kubernetes manifests, Helm charts, workflows) with a declarative YAML rule
# alone, and with the built-in Rego rules over configuration added.
YAML_CORPUS=${YAML_CORPUS:-$ROOT/../shared/corpus}
if want yaml && [ -d "$YAML_CORPUS" ]; then
  # The same two commands in an empty directory: what loading each rule pack costs before any file is read.
  mkdir -p "$WORK/empty"
  hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/yaml.json" \
    -n declarative "$H check --no-cache $YAML_CORPUS -j $THREADS --format json --no-builtin --rules $BENCH/yaml-rules" \
    -n declarative+rego "$H check --no-cache $YAML_CORPUS -j $THREADS --format json --rules $BENCH/yaml-rules --config $BENCH/yaml-rego.toml" \
    -n declarative-empty "$H check --no-cache $WORK/empty -j $THREADS --format json --no-builtin --rules $BENCH/yaml-rules" \
    -n declarative+rego-empty "$H check --no-cache $WORK/empty -j $THREADS --format json --rules $BENCH/yaml-rules --config $BENCH/yaml-rego.toml" >/dev/null
  "$H" check --no-cache "$YAML_CORPUS" -j "$THREADS" --format json --rules "$BENCH/yaml-rules" --config "$BENCH/yaml-rego.toml" > "$WORK/yaml.findings.json" || true
fi

# Infrastructure as code: Terraform modules and Dockerfiles, each read alone (`--parse-only`, the same walk) and
# with Rego over it: the built-in rules of the format, and a conftest-style policy that reads every resource or
# instruction (bench/iac/). Helm rendering is timed apart (bench/helm-charts.py), with helm when installed.
TF_CORPUS=${TF_CORPUS:-/work/corpora/terraform}
DOCKER_CORPUS=${DOCKER_CORPUS:-/work/corpora}
iac_suite() {
  local name=$1 dir=$2 rules=$3 policy=$4
  mkdir -p "$WORK/empty"
  hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/$name.json" \
    -n parse-only "$H check --no-cache $dir -j $THREADS --format json --select $rules --parse-only" \
    -n builtin-rego "$H check --no-cache $dir -j $THREADS --format json --select $rules" \
    -n policy-parse-only "$H check --no-cache $dir -j $THREADS --format json --no-builtin --policy $policy --parse-only" \
    -n policy-rego "$H check --no-cache $dir -j $THREADS --format json --no-builtin --policy $policy" \
    -n builtin-empty "$H check --no-cache $WORK/empty -j $THREADS --format json --select $rules" >/dev/null
  "$H" check --no-cache "$dir" -j "$THREADS" --format json --select "$rules" > "$WORK/$name.builtin.json" || true
  "$H" check --no-cache "$dir" -j "$THREADS" --format json --no-builtin --policy "$policy" > "$WORK/$name.policy.json" || true
}
if want iac && [ -d "$TF_CORPUS" ]; then
  iac_suite hcl "$TF_CORPUS" HS8001,HS8002,HS8003,HS8004,HS8005,HS8006 "$BENCH/iac/hcl-policy"
elif want iac; then
  # Said, not skipped in silence: the Terraform repositories are not in any registry this machine reaches, so
  # the set is whatever the runner points TF_CORPUS at (bench/RESULTS.md lists the 34 repositories and commits
  # of the set its figures come from).
  echo "note: no Terraform corpus at $TF_CORPUS (set TF_CORPUS to a directory of Terraform repositories); the HCL part of iac is skipped" >&2
fi
if want iac && [ -d "$DOCKER_CORPUS" ]; then
  DOCKERFILES=$WORK/dockerfiles
  if [ ! -d "$DOCKERFILES" ]; then
    mkdir -p "$DOCKERFILES.tmp"
    n=0
    while IFS= read -r file; do
      n=$((n + 1))
      mkdir -p "$DOCKERFILES.tmp/$n"
      cp "$file" "$DOCKERFILES.tmp/$n/"
    done < <(find "$DOCKER_CORPUS" -type f \( -name Dockerfile -o -name 'Dockerfile.*' -o -name '*.dockerfile' \
      -o -name Containerfile \) -not -path '*/.git/*' -not -name '*.md' -not -name '*.j2' -not -name '*.tmpl' | sort)
    mv "$DOCKERFILES.tmp" "$DOCKERFILES"
  fi
  iac_suite docker "$DOCKERFILES" HS8020,HS8021,HS8022 "$BENCH/iac/docker-policy"
fi
HELM=${HELM:-$ROOT/target/helm/bin/helm}
if want iac && [ -x "$HELM" ] && [ -d "$YAML_CORPUS/prometheus-helm-charts/charts" ]; then
  HELM=$HELM HINDSIGHT=$H python3 "$BENCH/helm-charts.py" "$YAML_CORPUS"/prometheus-helm-charts/charts/*/ \
    > "$WORK/helm.jsonl" 2> "$WORK/helm.summary" || true
fi

# Go, Python and TypeScript/JavaScript: one corpus each, fetched and pinned by bench/polyglot.sh.
for lang in go python ts; do
  if want "$lang"; then
    H=$H SG=$SG THREADS=$THREADS RUNS=$RUNS WORK=$WORK bash "$BENCH/polyglot.sh" "$lang"
  fi
done

python3 - "$WORK" "$THREADS" <<'PY'
import json, os, sys, statistics
work, threads = sys.argv[1], sys.argv[2]
def load(path):
    with open(path) as f:
        return json.load(f)
def count(doc):
    return sum(1 for f in doc["findings"] if f["suppressed"] is None)
print(f"# hindsight benchmark ({threads} threads)\n")
for name, title in [("full", "All files of the crates"), ("src", "Without tests/, benches/, examples/, build.rs (what every tool must parse)")]:
    if not os.path.exists(f"{work}/{name}.json"):
        continue
    runs = {r["command"]: r for r in load(f"{work}/{name}.json")["results"]}
    parse = load(f"{work}/{name}.parse.json")["summary"]
    files, mb = parse["files_checked"], parse["bytes_checked"] / 1e6
    base = statistics.median(runs["parse-only"]["times"])
    findings = {
        "parse-only": "-",
        "hindsight": count(load(f"{work}/{name}.hindsight.json")),
        "hindsight-no-macros": count(load(f"{work}/{name}.nomacro.json")),
        "hindsight-HS1001-HS1002": count(load(f"{work}/{name}.equiv.json")),
        "ast-grep": len(load(f"{work}/{name}.sg.json")),
    }
    print(f"## {title}: {files} files, {mb:.1f} MB\n")
    # CPU time (user + system, mean over the runs) is steadier than wall time on a shared machine.
    cpu_base = runs["parse-only"]["user"] + runs["parse-only"]["system"]
    print("| command | median s | vs parse-only | CPU s | CPU vs parse-only | files/s | MB/s | findings |")
    print("|---|---|---|---|---|---|---|---|")
    for cmd, r in runs.items():
        med = statistics.median(r["times"])
        cpu = r["user"] + r["system"]
        print(f"| {cmd} | {med:.3f} | {med / base:.2f}x | {cpu:.3f} | {cpu / cpu_base:.2f}x | {files / med:,.0f} | {mb / med:.1f} | {findings.get(cmd, '-')} |")
    equiv = count(load(f"{work}/{name}.equiv.json"))
    equiv_nomacro = count(load(f"{work}/{name}.equiv-nomacro.json"))
    sg = statistics.median(runs["ast-grep"]["times"])
    hs = statistics.median(runs["hindsight-HS1001-HS1002"]["times"])
    print(f"\nhindsight with the equivalent rules vs ast-grep: {sg / hs:.2f}x faster.")
    print(f"Findings only visible inside macro arguments (HS1001+HS1002): {equiv - equiv_nomacro} "
          f"({equiv_nomacro} without opening macros, {equiv} with).")
    print("ast-grep reports test code too; hindsight's HS1001/HS1002 skip it, so the counts differ by design.\n")
if os.path.exists(f"{work}/cpu.md"):
    print("## The source files again, CPU time on one thread (`bench/cpu-interleaved.py`)\n")
    print(open(f"{work}/cpu.md").read())
if os.path.exists(f"{work}/yaml.json"):
    runs = {r["command"]: r for r in load(f"{work}/yaml.json")["results"]}
    summary = load(f"{work}/yaml.findings.json")["summary"]
    base = statistics.median(runs["declarative"]["times"])
    both = statistics.median(runs["declarative+rego"]["times"])
    print(f"## Configuration corpus: {summary['files_checked']} files, {summary['bytes_checked'] / 1e6:.1f} MB\n")
    print("| command | median s | vs declarative |")
    print("|---|---|---|")
    print(f"| declarative YAML rule | {base:.3f} | 1.00x |")
    print(f"| plus the Rego rules over configuration | {both:.3f} | {both / base:.2f}x |")
    base_empty = statistics.median(runs["declarative-empty"]["times"])
    both_empty = statistics.median(runs["declarative+rego-empty"]["times"])
    print(f"| declarative YAML rule, empty directory (loading the pack) | {base_empty:.3f} | - |")
    print(f"| plus the Rego rules, empty directory (loading the pack) | {both_empty:.3f} | - |")
    # The built-in policies compile when the first file that needs them is checked, not at load: the empty
    # directory shows only reading the rule files, and compiling the policies is in the corpus rows.
    print(f"\nRego adds {100 * (both / base - 1):.0f}% over the declarative-only check of the same files, "
          f"compiling the built-in policies once included (they compile when the first configuration file "
          f"is checked; loading the pack's files alone is the {1000 * (both_empty - base_empty):.0f} ms of "
          f"the empty directory).\n")
for name, title in [("hcl", "Terraform / HCL"), ("docker", "Dockerfiles")]:
    if not os.path.exists(f"{work}/{name}.json"):
        continue
    runs = {r["command"]: r for r in load(f"{work}/{name}.json")["results"]}
    summary = load(f"{work}/{name}.builtin.json")["summary"]
    med = {cmd: statistics.median(r["times"]) for cmd, r in runs.items()}
    cpu = {cmd: r["user"] + r["system"] for cmd, r in runs.items()}
    print(f"## {title}: {summary['files_checked']} files, {summary['bytes_checked'] / 1e6:.1f} MB\n")
    print("| command | median s | CPU s | findings |")
    print("|---|---|---|---|")
    found = {"builtin-rego": count(load(f"{work}/{name}.builtin.json")),
             "policy-rego": count(load(f"{work}/{name}.policy.json"))}
    for cmd in runs:
        print(f"| {cmd} | {med[cmd]:.3f} | {cpu[cmd]:.3f} | {found.get(cmd, '-')} |")
    for rego, parse in [("builtin-rego", "parse-only"), ("policy-rego", "policy-parse-only")]:
        print(f"\n{rego} over {parse}: {100 * (med[rego] / med[parse] - 1):+.0f}% wall, "
              f"{100 * (cpu[rego] / cpu[parse] - 1):+.0f}% CPU (target: at most +20%).", end="")
    print("\n")
if os.path.exists(f"{work}/helm.jsonl"):
    charts = [json.loads(line) for line in open(f"{work}/helm.jsonl") if line.strip()]
    times = [c["helm_ms"] for c in charts if c.get("rendered")]
    if times:
        print(f"## Helm rendering (apart from checking): {len(times)} of {len(charts)} charts rendered, "
              f"median {statistics.median(times):.0f} ms per chart ({min(times):.0f} to {max(times):.0f} ms)\n")
for lang in ["go", "python", "ts"]:
    if os.path.exists(f"{work}/{lang}.json") and os.path.exists(f"{work}/{lang}.md"):
        print(open(f"{work}/{lang}.md").read())
PY
