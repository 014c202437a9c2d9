#!/usr/bin/env bash
# The patched Rust grammar (grammars/tree-sitter-rust) with the tree-sitter CLI:
#   1. src/ is exactly what grammar.js generates (nobody edited parser.c by hand or forgot to regenerate);
#   2. its corpus tests (test/corpus/*.txt) pass.
# Needs the CLI: `tree-sitter` on PATH or in target/ts-cli/bin/. With --install it is built once from crates.io
# into target/ts-cli (a few minutes); without it, and without a CLI, the script says so and exits 0: the
# engine's own tests (engine/src/grammar_tests.rs) already parse every added construct in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_VERSION=0.27.1
grammar=grammars/tree-sitter-rust
log() { echo "test-grammar: $*"; }

cli=""
if [ -x target/ts-cli/bin/tree-sitter ]; then
  cli=$PWD/target/ts-cli/bin/tree-sitter
elif command -v tree-sitter >/dev/null; then
  cli=$(command -v tree-sitter)
elif [ "${1:-}" = "--install" ]; then
  log "installing tree-sitter-cli $CLI_VERSION into target/ts-cli"
  cargo install tree-sitter-cli --version "$CLI_VERSION" --locked --no-default-features --root target/ts-cli
  cli=$PWD/target/ts-cli/bin/tree-sitter
else
  log "skipped: no tree-sitter CLI (run with --install to build tree-sitter-cli $CLI_VERSION into target/ts-cli)"
  exit 0
fi

version=$("$cli" --version | awk '{print $2}')
if [ "$version" = "$CLI_VERSION" ]; then
  # Generate into a scratch copy and compare: generation output depends on the CLI version, hence the pin.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cp -r "$grammar/." "$scratch/"
  (cd "$scratch" && "$cli" generate 2>/dev/null)
  for f in parser.c grammar.json node-types.json; do
    if ! cmp -s "$grammar/src/$f" "$scratch/src/$f"; then
      log "$grammar/src/$f is not what grammar.js generates: run \`tree-sitter generate\` in $grammar" >&2
      exit 1
    fi
  done
  log "src/ matches grammar.js"
else
  log "tree-sitter $version is not $CLI_VERSION: not comparing the generated parser"
fi

(cd "$grammar" && "$cli" test)
log "corpus tests passed"
