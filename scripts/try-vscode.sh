#!/usr/bin/env bash
# Tries the bundled VS Code extension (editors/vscode) in a real VS Code: code-server from npm (VS Code in the
# browser) on a copy of examples/feature-service, checked in headless Chromium (Debian's package, driven by
# Playwright from PyPI): hindsight's findings in the Problems panel, the quick fix, the hover, a finding that
# appears while typing. Screenshots go to target/vscode-try/screenshots.
#
# Optional and slow (the first run builds code-server's native modules, a few minutes): not part of
# scripts/test or .ci/run. Later runs reuse the installation. Set HINDSIGHT to an already built binary to skip
# `cargo build --release`, PORT to move code-server off 8765.
#
# It needs only the npm, PyPI and Debian registries: code-server's own postinstall is not run because one of
# its dependencies (@vscode/ripgrep 1.15) downloads ripgrep from GitHub, so the steps are done here by hand
# with Debian's ripgrep instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# The last code-server that runs on Node 20 (4.103 and later want Node 22); VS Code 1.100.3.
CODE_SERVER_VERSION=4.100.3
# The last vsce that runs on Node 20.
VSCE_VERSION=3.9.2
PLAYWRIGHT_VERSION=1.65.2
PORT=${PORT:-8765}
repo=$(pwd)
work=$repo/target/vscode-try
server=$work/code-server
venv=target/docs-site-venv
log() { echo "try-vscode: $*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  log "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $(node --version)" >&2
  exit 1
fi

missing=()
for pkg in chromium ripgrep libkrb5-dev python3-venv make g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt-get"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=sudo; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import playwright" 2>/dev/null; then
  log "installing Playwright $PLAYWRIGHT_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "playwright==$PLAYWRIGHT_VERSION"
fi

code_server=$server/node_modules/.bin/code-server
if [ ! -f "$server/.installed-$CODE_SERVER_VERSION" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $server"
  rm -rf "$server"
  mkdir -p "$server"
  npm install --prefix "$server" --ignore-scripts --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >/dev/null
  # What code-server's postinstall.sh does, minus @vscode/ripgrep's download.
  (
    cd "$server/node_modules/code-server/lib/vscode"
    npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null
    # The native modules, built against this Node's headers (kerberos needs libkrb5-dev). node-pty's
    # install script runs `npx node-gyp`: npm_config_yes lets it fetch node-gyp without a prompt.
    npm_config_yes=true npm rebuild kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty >/dev/null
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    ln -sfn node_modules node_modules.asar
    ln -sfn code-linux.sh bin/remote-cli/code-server
    ln -sfn browser-linux.sh bin/helpers/browser.sh
    cd extensions
    npm install --omit=dev --no-audit --no-fund >/dev/null
  )
  # code-server's own native module (password hashing); its prebuilt binary is on GitHub, so build it.
  (cd "$server" && npm_config_build_from_source=true npm rebuild argon2 >/dev/null 2>&1)
  touch "$server/.installed-$CODE_SERVER_VERSION"
fi
log "$("$code_server" --config /dev/null --version | tail -1)"

hindsight=${HINDSIGHT:-}
if [ -z "$hindsight" ]; then
  cargo build --quiet --release --locked -p hindsight
  hindsight=target/release/hindsight
fi
hindsight=$(realpath "$hindsight")

log "packaging editors/vscode"
(
  cd editors/vscode
  npm ci --no-audit --no-fund >/dev/null
  npx --yes "@vscode/vsce@$VSCE_VERSION" package --allow-missing-repository --skip-license \
    -o "$work/hindsight.vsix" </dev/null >/dev/null
)

rm -rf "$work/data" "$work/extensions" "$work/workspace" "$work/screenshots"
mkdir -p "$work/data/User" "$work/workspace" "$work/screenshots"
"$code_server" --config /dev/null --user-data-dir "$work/data" --extensions-dir "$work/extensions" \
  --install-extension "$work/hindsight.vsix" >/dev/null
# No workspace trust prompt in a headless run: an extension does not start in Restricted Mode.
cat > "$work/data/User/settings.json" <<JSON
{
  "hindsight.path": "$hindsight",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off"
}
JSON
cp -r examples/feature-service "$work/workspace/"
# A Dockerfile and a Terraform file of the bundled examples, for the configuration checks.
mkdir -p "$work/workspace/feature-service/infra"
cp examples/container/api/Dockerfile "$work/workspace/feature-service/Dockerfile"
cp examples/terraform/waf.tf "$work/workspace/feature-service/infra/waf.tf"

log "starting code-server on 127.0.0.1:$PORT"
setsid "$code_server" --config /dev/null --auth none --bind-addr "127.0.0.1:$PORT" \
  --user-data-dir "$work/data" --extensions-dir "$work/extensions" --disable-telemetry \
  --disable-update-check >"$work/code-server.log" 2>&1 &
pid=$!
# code-server, its extension host and the hindsight server it starts share one process group.
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 1
done

"$venv/bin/python" scripts/check_vscode.py "http://127.0.0.1:$PORT" "$work/workspace/feature-service" \
  --chromium "$(command -v chromium)" --screenshots "$work/screenshots"
