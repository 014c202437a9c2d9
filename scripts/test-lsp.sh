#!/usr/bin/env bash
# End-to-end tests of `hindsight lsp` through a real LSP client (pytest-lsp), as `scripts/test` runs them.
# Installs the pinned client into target/lsp-venv once (again when the pins change), builds the binary, runs
# lsp/tests/e2e. Extra arguments go to pytest (`scripts/test-lsp.sh -k hover`).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/lsp-venv
requirements=lsp/tests/e2e/requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv" || {
        echo "error: python3 with the venv module is needed for the LSP tests (Debian: apt-get install python3-venv)" >&2
        exit 2
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
cargo build --locked --quiet -p hindsight
binary=$(realpath "${CARGO_TARGET_DIR:-target}/debug/hindsight")
HINDSIGHT_BIN="$binary" "$venv/bin/python" -m pytest lsp/tests/e2e -q "$@"
