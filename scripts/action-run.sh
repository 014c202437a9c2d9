#!/usr/bin/env bash
# The run step of this repository's GitHub Action (action.yml), as a script so it can be run by hand:
#   INPUT_PATHS="src deploy" INPUT_RULES_FROM=origin/main INPUT_NEW_ONLY=origin/main INPUT_SARIF=true \
#     scripts/action-run.sh
# Inputs (environment): INPUT_PATHS (space-separated, default `.`), INPUT_RULES_FROM and INPUT_NEW_ONLY (a git
# ref or empty), INPUT_FORMAT (default `github`: annotations), INPUT_SARIF (`true` for hindsight.sarif, a path,
# or empty/`false` for none), HINDSIGHT (the binary, default `hindsight` on PATH).
# Exit code: hindsight's (0 clean, 1 findings, 2 error). With SARIF asked, the file is written in either case.
# On GitHub, the SARIF path is written to $GITHUB_OUTPUT as `sarif`.
set -euo pipefail
hindsight=${HINDSIGHT:-hindsight}
args=(check)
read -r -a paths <<<"${INPUT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
args+=("${paths[@]}")
[ -z "${INPUT_RULES_FROM:-}" ] || args+=(--rules-from "$INPUT_RULES_FROM")
[ -z "${INPUT_NEW_ONLY:-}" ] || args+=(--new-only "$INPUT_NEW_ONLY")
args+=(--format "${INPUT_FORMAT:-github}" --color never)
case "${INPUT_SARIF:-}" in
  '' | false) sarif= ;;
  true) sarif=hindsight.sarif ;;
  *) sarif=$INPUT_SARIF ;;
esac
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  args+=(--output "sarif=$sarif")
fi
if [ -n "$sarif" ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif=$sarif" >>"$GITHUB_OUTPUT"
fi
echo "action-run: $hindsight ${args[*]}" >&2
exec "$hindsight" "${args[@]}"
