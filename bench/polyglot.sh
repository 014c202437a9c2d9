#!/usr/bin/env bash
# One language of the benchmark (run by bench/run.sh, which passes H, SG, THREADS, RUNS and WORK): fetches its
# pinned corpus once, drops the files the ecosystem declares test code, writes ast-grep rules equivalent to the
# hindsight rules for the language, and times, side by side in one hyperfine run:
#   parse-only        hindsight parsing every file a check must parse, and nothing else (the hidden
#                     `check --parse-only`: not the files no rule of theirs looks at, such as vendored bundles);
#   hindsight         `hindsight check` with the whole built-in pack (whatever forms it holds for the language);
#   hindsight+bench   the pack plus the draft forms of bench/rules/<lang>/ (everything ast-grep runs, and the
#                     pack's rules ast-grep cannot express: Rego code rules, review lessons);
#   same-rules        hindsight+bench narrowed with `--select` to the codes ast-grep runs: the equivalent rules;
#   ast-grep          `ast-grep scan` with the same forms, translated by bench/ast-grep/translate.py.
# Every hindsight run is cold (`--no-cache`): the result cache is measured by bench/cache.sh.
# Writes $WORK/<lang>.json (hyperfine) and $WORK/<lang>.md (the table).
#
#   bench/polyglot.sh go|python|ts
set -euo pipefail
lang=$1
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
: "${H:?} ${SG:?} ${THREADS:?} ${RUNS:?} ${WORK:?}"
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

# The pinned corpora: exact versions, so every run reads the same bytes.
case $lang in
  go)
    # Debian bookworm's Go packages: the sources are under usr/share/gocode/src/.
    PACKAGES=(
      golang-google-grpc-dev=1.33.3-2
      golang-github-prometheus-client-golang-dev=1.14.0-3
      golang-github-go-git-go-git-dev=5.4.2-3
      golang-github-gin-gonic-gin-dev=1.8.1-1
    )
    LANGUAGES=go
    ;;
  python)
    # Source distributions from PyPI.
    PACKAGES=(SQLAlchemy==2.0.36 celery==5.4.0 flask==3.1.0 requests==2.32.3 rich==13.9.4 httpx==0.28.1)
    LANGUAGES=python
    ;;
  ts)
    # npm packages: two that ship their TypeScript sources (src/*.ts) and one plain JavaScript library.
    PACKAGES=(rxjs@7.8.1 @trpc/server@10.45.2 lodash@4.17.21)
    LANGUAGES=typescript,tsx,javascript
    ;;
  *)
    echo "error: unknown language \`$lang\` (go, python, ts)" >&2
    exit 2
    ;;
esac

CORPUS=$WORK/corpus-$lang
# A corpus fetched for another package list is fetched again.
if [ -d "$CORPUS" ] && [ "$(cat "$CORPUS.packages" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
  rm -rf "$CORPUS"
fi
if [ ! -d "$CORPUS" ]; then
  fetch=$WORK/fetch-$lang
  rm -rf "$fetch" "$CORPUS.tmp"
  mkdir -p "$fetch" "$CORPUS.tmp"
  for package in "${PACKAGES[@]}"; do
    case $lang in
      go)
        name=${package%%=*} version=${package#*=}
        (cd "$fetch" && apt-get download "$package" >&2)
        dpkg-deb -x "$fetch/${name}_${version#*:}"_*.deb "$fetch/$name"
        mkdir -p "$CORPUS.tmp/$name-$version"
        cp -r "$fetch/$name/usr/share/gocode/src/." "$CORPUS.tmp/$name-$version/"
        ;;
      python)
        name=${package%%==*} version=${package#*==}
        # Only this package from source: its build dependencies (setuptools, Cython) may come as wheels.
        pip download --quiet --no-deps --no-binary "$name" -d "$fetch" "$package" >&2
        archive=$(ls "$fetch"/*.tar.gz | grep -i "/${name//-/[-_]}-$version.tar.gz$")
        tar xzf "$archive" -C "$CORPUS.tmp"
        ;;
      ts)
        name=${package%@*} version=${package##*@}
        tarball=$(cd "$fetch" && npm pack --silent "$package" | tail -n 1)
        dir=$CORPUS.tmp/${name//\//-}-$version
        mkdir -p "$dir"
        tar xzf "$fetch/$tarball" -C "$dir" --strip-components 1
        # What a TypeScript package ships besides its sources is its own build output: keep src/ only.
        if [ -d "$dir/src" ]; then
          find "$dir" -mindepth 1 -maxdepth 1 -not -name src -not -name package.json -exec rm -rf {} +
        fi
        ;;
    esac
  done
  # The files each ecosystem declares test code, and examples, which the pack's rules skip and ast-grep would
  # not: without them every tool reads the same production files.
  find "$CORPUS.tmp" -path '*/examples/*' -type f -delete
  case $lang in
    go) find "$CORPUS.tmp" \( -name '*_test.go' -o -path '*/testdata/*' \) -delete ;;
    python)
      find "$CORPUS.tmp" \( -name 'test_*.py' -o -name '*_test.py' -o -name conftest.py \
        -o -path '*/tests/*' -o -path '*/test/*' -o -path '*/testing/*' \) -type f -delete ;;
    ts)
      find "$CORPUS.tmp" \( -name '*.test.*' -o -name '*.spec.*' -o -path '*/__tests__/*' -o -path '*/test/*' \
        -o -path '*/tests/*' -o -name '*.d.ts' \) -type f -delete ;;
  esac
  find "$CORPUS.tmp" -type d -empty -delete
  mv "$CORPUS.tmp" "$CORPUS"
  echo "${PACKAGES[*]}" > "$CORPUS.packages"
fi

# ast-grep rules for the same forms: the pack's forms in this language (rules/code) and the bench's drafts.
SGDIR=$BENCH/ast-grep/$lang
(cd "$ROOT" && python3 bench/ast-grep/translate.py --languages "$LANGUAGES" --out "$SGDIR/rules" \
  rules/code "bench/rules/$lang")
printf '# Generated by bench/ast-grep/translate.py from rules/code and bench/rules/%s.\nruleDirs:\n  - rules\n' \
  "$lang" > "$SGDIR/sgconfig.yml"
# The codes of the translated rules (files CODE-LANG-N.yml): hindsight's same-rules row selects exactly these.
SAME=$(cd "$SGDIR/rules" && ls -- *.yml | sed 's/-.*//' | sort -u | paste -sd, -)

# hindsight reads only the files of languages some loaded rule checks: the parse-only pass loads the bench's
# drafts too, so that it parses every file of the language even while the pack has no form for it.
EXTRA=(--rules "$BENCH/rules/$lang")
EMPTY=$WORK/empty
mkdir -p "$EMPTY"
cd "$CORPUS"
hyperfine -N -i --style none -w 2 -r "$RUNS" --export-json "$WORK/$lang.json" \
  -n parse-only "$H check --no-cache . --parse-only -j $THREADS --format json ${EXTRA[*]}" \
  -n hindsight "$H check --no-cache . -j $THREADS --format json" \
  -n hindsight+bench "$H check --no-cache . -j $THREADS --format json ${EXTRA[*]}" \
  -n bench-only "$H check --no-cache . -j $THREADS --format json --no-builtin ${EXTRA[*]}" \
  -n same-rules "$H check --no-cache . -j $THREADS --format json ${EXTRA[*]} --select $SAME" \
  -n ast-grep "$SG scan -c $SGDIR/sgconfig.yml -j $THREADS --json=compact ." \
  -n loading "$H check --no-cache $EMPTY -j $THREADS --format json ${EXTRA[*]}" >/dev/null
"$H" check --no-cache . -j "$THREADS" --format json --parse-only "${EXTRA[@]}" > "$WORK/$lang.parse.json" || true
"$H" check --no-cache . -j "$THREADS" --format json > "$WORK/$lang.hindsight.json" || true
"$H" check --no-cache . -j "$THREADS" --format json "${EXTRA[@]}" > "$WORK/$lang.bench.json" || true
"$H" check --no-cache . -j "$THREADS" --format json "${EXTRA[@]}" --select "$SAME" > "$WORK/$lang.same.json" || true
"$SG" scan -c "$SGDIR/sgconfig.yml" -j "$THREADS" --json=compact . > "$WORK/$lang.sg.json" || true
# CPU time on one thread, in interleaved rounds (steadier than wall time on a shared machine).
python3 "$BENCH/cpu-interleaved.py" --dir "$CORPUS" --rounds "${CPU_ROUNDS:-5}" \
  parse-only="$H check --no-cache . --parse-only -j 1 --format json ${EXTRA[*]}" \
  hindsight+bench="$H check --no-cache . -j 1 --format json ${EXTRA[*]}" \
  bench-only="$H check --no-cache . -j 1 --format json --no-builtin ${EXTRA[*]}" \
  same-rules="$H check --no-cache . -j 1 --format json ${EXTRA[*]} --select $SAME" \
  ast-grep="$SG scan -c $SGDIR/sgconfig.yml -j 1 --json=compact ." \
  loading="$H check --no-cache $EMPTY -j 1 --format json ${EXTRA[*]}" > "$WORK/$lang.cpu.md"

python3 - "$WORK" "$lang" "$CORPUS" "${PACKAGES[*]}" "$SGDIR/rules" <<'PY' > "$WORK/$lang.md"
import collections, json, os, statistics, sys
work, lang, corpus, packages, sgrules = sys.argv[1:6]
title = {"go": "Go", "python": "Python", "ts": "TypeScript and JavaScript"}[lang]
def load(path):
    with open(path) as f:
        return json.load(f)
def codes(doc):
    return collections.Counter(f["code"] for f in doc["findings"] if f["suppressed"] is None)
runs = {r["command"]: r for r in load(f"{work}/{lang}.json")["results"]}
parse = load(f"{work}/{lang}.parse.json")["summary"]
files, mb = parse["files_checked"], parse["bytes_checked"] / 1e6
per_ext = collections.Counter(os.path.splitext(f)[1] for _, _, fs in os.walk(corpus) for f in fs)
exts = ", ".join(f"{n} `{e}`" for e, n in per_ext.most_common() if e in (".go", ".py", ".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"))
pack_doc = load(f"{work}/{lang}.hindsight.json")
pack, bench = codes(pack_doc), codes(load(f"{work}/{lang}.bench.json"))
same = codes(load(f"{work}/{lang}.same.json"))
sg = collections.Counter(m["ruleId"].split("-")[0] for m in load(f"{work}/{lang}.sg.json"))
n_rules = len([f for f in os.listdir(sgrules) if f.endswith(".yml")])
findings = {"parse-only": "-", "hindsight": sum(pack.values()), "hindsight+bench": sum(bench.values()),
            "bench-only": sum(bench.values()) - sum(pack.values()), "same-rules": sum(same.values()), "ast-grep": sum(sg.values()), "loading": "-"}
base = statistics.median(runs["parse-only"]["times"])
cpu_base = runs["parse-only"]["user"] + runs["parse-only"]["system"]
print(f"## {title}: {files} files ({exts}), {mb:.1f} MB\n")
print(f"Corpus: {packages.replace(' ', ', ')}, without the files the ecosystem declares test code and without `examples/`.\n")
print("| command | median s | vs parse-only | CPU s | CPU vs parse-only | files/s | MB/s | findings |")
print("|---|---|---|---|---|---|---|---|")
for cmd, r in runs.items():
    med = statistics.median(r["times"])
    cpu = r["user"] + r["system"]
    rate = "- | -" if cmd == "loading" else f"{files / med:,.0f} | {mb / med:.1f}"
    print(f"| {cmd} | {med:.3f} | {med / base:.2f}x | {cpu:.3f} | {cpu / cpu_base:.2f}x | {rate} | {findings[cmd]} |")
def cpu(name):
    return runs[name]["user"] + runs[name]["system"]
print(f"\nThe built-in pack alone read {pack_doc['summary']['files_checked']} of the {files} files: hindsight reads "
      "only files of languages some loaded rule checks.")
print(f"ast-grep ran {n_rules} rules translated from the same forms (`bench/ast-grep/{lang}/`). CPU time, "
      f"hindsight+bench vs ast-grep: {cpu('ast-grep') / cpu('hindsight+bench'):.2f}x faster; bench-only (the "
      f"drafts without the built-in pack) vs ast-grep: {cpu('ast-grep') / cpu('bench-only'):.2f}x faster; "
      f"**same-rules (`--select` of the codes ast-grep runs: the equivalent rules) vs ast-grep: "
      f"{cpu('ast-grep') / cpu('same-rules'):.2f}x faster**, wall "
      f"{statistics.median(runs['ast-grep']['times']) / statistics.median(runs['same-rules']['times']):.2f}x. "
      f"`loading` is the pack and the drafts checking an empty directory: the fixed cost of every run (the "
      f"built-in pack's matchers and policies compile when a file needs them, so the rows over the corpus "
      f"include compiling this language's).")
print("Findings per code, hindsight+bench: " + (", ".join(f"{c} {n}" for c, n in sorted(bench.items())) or "none")
      + "; same-rules: " + (", ".join(f"{c} {n}" for c, n in sorted(same.items())) or "none")
      + "; ast-grep: " + (", ".join(f"{c} {n}" for c, n in sorted(sg.items())) or "none") + ".\n")
print("CPU time on one thread, interleaved rounds (`bench/cpu-interleaved.py`):\n")
print(open(f"{work}/{lang}.cpu.md").read())
PY
