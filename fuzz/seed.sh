#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora in fuzz/seeds/<target>/ (not committed: rebuilt in seconds) from the
# repository's examples/, rules/ and test data, and from ../shared/corpus/ (configuration nobody here wrote)
# when it is there (SHARED_CORPUS=DIR to point elsewhere). A target whose first byte picks a format, language or
# path gets that byte in front of each file. Files over SEED_MAX_BYTES (default 32768) are left out: big
# seeds slow every execution and add little the fuzzer cannot grow itself.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
seeds="$PWD/seeds"
shared=${SHARED_CORPUS:-$root/../shared/corpus}
[ -d "$shared" ] || shared=/work/shared/corpus
max=${SEED_MAX_BYTES:-32768}

rm -rf "$seeds"
for target in data_readers rule_load config suppressions macros backtracking check_rust check_yaml lsp_transport lsp_edits; do
  mkdir -p "$seeds/$target"
done

# add TARGET SELECTOR FILE: the file, with the selector byte (0-255, or - for none) in front, named by its hash.
add() {
  local target=$1 selector=$2 file=$3 tmp hash
  [ -f "$file" ] || return 0
  [ "$(stat -c %s "$file")" -le "$max" ] || return 0
  tmp="$seeds/$target/.partial"
  {
    if [ "$selector" != - ]; then printf "\\$(printf %03o "$selector")"; fi
    cat "$file"
  } >"$tmp"
  hash=$(sha1sum <"$tmp" | cut -c1-16)
  mv "$tmp" "$seeds/$target/$hash"
}

# add_text TARGET TEXT: a seed written here (printf escapes allowed).
add_text() {
  local tmp="$seeds/$1/.partial" hash
  printf "$2" >"$tmp"
  hash=$(sha1sum <"$tmp" | cut -c1-16)
  mv "$tmp" "$seeds/$1/$hash"
}

# The data format's row in engine/src/data/mod.rs FORMATS, from a file name.
format_of() {
  case "$(basename "$1")" in
    *.yaml | *.yml) echo 0 ;;
    *.json) echo 1 ;;
    *.toml) echo 2 ;;
    *.tf | *.tfvars | *.hcl) echo 3 ;;
    Dockerfile* | Containerfile* | *.dockerfile) echo 4 ;;
    *.ini) echo 5 ;;
    .env | .env.* | *.env) echo 6 ;;
    *.properties) echo 7 ;;
    .gitignore | .dockerignore) echo 8 ;;
    *) echo - ;;
  esac
}

# The suppression target's comment syntax: the language's row in LANGUAGES, else 7 + the format's row.
syntax_of() {
  case "$1" in
    *.rs) echo 0 ;;
    *.go) echo 2 ;;
    *.py) echo 3 ;;
    *.ts) echo 4 ;;
    *.tsx) echo 5 ;;
    *.js) echo 6 ;;
    *)
      local format
      format=$(format_of "$1")
      if [ "$format" = - ]; then echo -; else echo $((7 + format)); fi
      ;;
  esac
}

data_files() {
  find "$root/examples" "$root/rules" "$root/engine/src/data" "$root/engine/src/source/testdata" "$shared" \
    -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.toml' -o -name '*.tf' \
    -o -name '*.tfvars' -o -name '*.hcl' -o -name 'Dockerfile*' -o -name 'Containerfile*' -o -name '*.ini' \
    -o -name '.env' -o -name '.env.*' -o -name '*.env' -o -name '*.properties' -o -name '.gitignore' \
    -o -name '.dockerignore' \) 2>/dev/null | sort
}

# Data readers: every data file of the repository's examples and rules, and a sample of the shared corpus
# (every 8th file: 1,200 similar manifests would only slow the first pass).
n=0
while IFS= read -r file; do
  case "$file" in
    "$shared"/*) n=$((n + 1)); [ $((n % 8)) -eq 0 ] || continue ;;
  esac
  format=$(format_of "$file")
  [ "$format" = - ] || add data_readers "$format" "$file"
done < <(data_files)

# check_yaml: the target's paths are 0 manifests, 1 CI workflows, 2 Helm templates, 3 compose, 4 other YAML.
while IFS= read -r file; do
  case "$file" in
    "$shared"/*) n=$((n + 1)); [ $((n % 4)) -eq 0 ] || continue ;;
  esac
  case "$file" in
    */.github/workflows/* | */github-workflows/* | */ci/*) selector=1 ;;
    */templates/*) selector=2 ;;
    *compose*) selector=3 ;;
    */kubernetes/* | */kubernetes-examples/* | */k8s/*) selector=0 ;;
    *) selector=4 ;;
  esac
  add check_yaml "$selector" "$file"
done < <(find "$root/examples" "$root/rules/kubernetes" "$root/rules/ci" "$shared" -type f \( -name '*.yaml' -o -name '*.yml' \) 2>/dev/null | sort)

# Rust: examples, the engine's own sources (many macros) and test data; path 0 is `src/lib.rs`.
while IFS= read -r file; do
  add check_rust 0 "$file"
  add macros - "$file"
done < <(find "$root/examples" "$root/engine/src/source" "$root/engine/src/check" "$root/lsp/src/session" -type f -name '*.rs' | sort)

# Rule files whole (mode 0), and the patterns and regexes they hold as matcher seeds (mode 1: a Rust pattern,
# 17: a Rust regex) and as backtracking seeds.
tmp_line="$seeds/.line"
while IFS= read -r file; do
  add rule_load 0 "$file"
done < <(find "$root/rules" -name '*.yaml' -not -path '*/incidents/*' | sort)
# (Read through process substitution: `head` closing a pipeline early must not fail the script.)
while IFS= read -r pattern; do
  printf '%s' "$pattern" >"$tmp_line"
  add rule_load 1 "$tmp_line"
done < <(grep -rhoP '^\s*(- )?pattern: \K.+' "$root/rules" | sort -u | head -200)
while IFS= read -r regex; do
  printf '%s' "$regex" >"$tmp_line"
  add rule_load 17 "$tmp_line"
  add backtracking - "$tmp_line"
done < <(grep -rhoP '^\s*(- )?regex: \K.+' "$root/rules" | sort -u | head -300)
for pattern in '(a+)+$' '(a|aa)*b' '\d+\d+x' '(?:.*=.*)' '^(\w+\s?)*$' '(x+x+)+y' '[a-z]*[a-z0-9]*@' '(?i)(ab|a)*c'; do
  printf '%s' "$pattern" >"$tmp_line"
  add backtracking - "$tmp_line"
done
rm -f "$tmp_line"

# hindsight.toml: the repository's and the examples'.
while IFS= read -r file; do
  add config - "$file"
done < <(find "$root" -name hindsight.toml -not -path '*/target*' -not -path "$root/fuzz/*" | sort)

# Suppressions: every file of ours that writes one, in its comment syntax.
while IFS= read -r file; do
  syntax=$(syntax_of "$file")
  [ "$syntax" = - ] || add suppressions "$syntax" "$file"
done < <(grep -rl --exclude-dir=target --exclude-dir=fuzz --exclude-dir=.git 'hindsight-allow' "$root/examples" "$root/rules" "$root/engine/src" "$root/docs" 2>/dev/null | sort)

# The transport: well-formed and malformed frames.
frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
add_text lsp_transport "$(frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}')"
add_text lsp_transport "$(frame '{"jsonrpc":"2.0","method":"initialized","params":{}}')$(frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}')$(frame '{"jsonrpc":"2.0","method":"exit"}')"
add_text lsp_transport "$(frame '{not json')garbage\r\n\r\n$(frame '[1,2]')"
add_text lsp_transport 'Content-Length: 99999999999\r\n\r\n{}'
add_text lsp_transport 'content-length:  10 \r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"id":null}'
add_text lsp_transport "$(frame '{"jsonrpc":"2.0","id":3,"result":null}')"

# Text edits: arbitrary bytes become the initial text and a few edits; real files give realistic text.
for file in "$root/examples/feature-service/src/"*.rs; do
  add lsp_edits - "$file"
done
add_text lsp_edits 'fn main() {\n    let \xc2\xb5 = 1;\r\n}\n\xf0\x9d\x94\x98'

for target in "$seeds"/*/; do
  printf '%-14s %5d seeds\n' "$(basename "$target")" "$(find "$target" -type f | wc -l)"
done
