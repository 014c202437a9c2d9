#!/usr/bin/env bash
# Client tests of `hindsight mcp` through the official MCP Python SDK, as `scripts/test` runs them. Installs the
# pinned SDK into target/mcp-venv once (again when the pins change), builds the binary, runs cli/tests/mcp.
# Extra arguments go to pytest (`scripts/test-mcp.sh -k lessons`).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/mcp-venv
requirements=cli/tests/mcp/requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv" || {
        echo "error: python3 with the venv module is needed for the MCP tests (Debian: apt-get install python3-venv)" >&2
        exit 2
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
cargo build --locked --quiet -p hindsight
binary=$(realpath "${CARGO_TARGET_DIR:-target}/debug/hindsight")
HINDSIGHT_BIN="$binary" "$venv/bin/python" -m pytest cli/tests/mcp -q "$@"
