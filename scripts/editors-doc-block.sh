#!/usr/bin/env bash
# scripts/editors-doc-block.sh SECTION LANG: the first ```LANG block of the `## SECTION` section of
# docs/editors.md, exactly as the docs show it, so the editor try-out scripts test the setup as written.
# Fails when the section has no such block.
set -euo pipefail
cd "$(dirname "$0")/.."
block=$(awk -v section="## $1" -v fence="\`\`\`$2" '
    index($0, "## ") == 1 { in_section = (index($0, section) == 1) }
    in_section && $0 == fence { in_block = 1; next }
    in_block && /^```/ { exit }
    in_block { print }' docs/editors.md)
[ -n "$block" ] || { echo "error: no $2 block in the \"$1\" section of docs/editors.md" >&2; exit 2; }
printf '%s\n' "$block"
