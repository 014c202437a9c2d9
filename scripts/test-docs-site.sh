#!/usr/bin/env bash
# Builds the docs site with `hindsight docs` and checks it in a real browser (headless Chromium, Debian's
# package, driven by Playwright from PyPI): no broken internal link, no console error, no request that leaves
# the site, a working search box. Tools are installed once (Chromium with apt-get when missing, Playwright
# into target/docs-site-venv); later runs reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=1.65.2
work=target/docs-site-check
venv=target/docs-site-venv
log() { echo "test-docs-site: $*"; }

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  log "installing Debian's chromium"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=sudo; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  chromium=$(command -v chromium)
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import playwright" 2>/dev/null; then
  log "installing Playwright $PLAYWRIGHT_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "playwright==$PLAYWRIGHT_VERSION"
fi

rm -rf "$work"
mkdir -p "$work"
cargo run --quiet --locked -p hindsight -- docs --out "$work/site"
"$venv/bin/python" scripts/check_docs_site.py "$work/site" --chromium "$chromium" --screenshots "$work/screenshots"
