#!/usr/bin/env bash
# Tries the Helix setup of docs/editors.md as written, with a real Helix, and fails when hindsight's
# diagnostics, hover or "allow" code action do not reach it. Optional (not part of scripts/test): it
# downloads Helix from Debian.
#
# Debian 12 has no Helix package; Debian 13 (trixie) has `hx` 25.01, which needs a newer glibc than
# Debian 12's. So the script downloads `hx`, `libc6` and `libgcc-s1` from trixie into target/helix-try and
# runs Helix with trixie's dynamic loader: nothing is installed on the system. Helix is a terminal program,
# so it runs inside tmux; its verbose log (`hx -v`) records every LSP message, which is what is checked,
# together with what the screen shows.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$repo/target/helix-try
mkdir -p "$work"

if ! command -v tmux >/dev/null; then
    echo "installing tmux from Debian" >&2
    apt-get install -y tmux >/dev/null
fi
root=$work/root
if [ ! -x "$root/usr/lib/hx/hx" ]; then
    echo "downloading Helix (hx) from Debian trixie" >&2
    scripts/fetch-trixie.sh "$root" hx libc6 libgcc-s1
fi
libs=$root/usr/lib/x86_64-linux-gnu

cargo build --locked --quiet -p hindsight
scratch=$(mktemp -d)
session=hindsight-helix-$$
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

mkdir -p "$scratch/bin" "$scratch/home"
ln -s "$repo/target/debug/hindsight" "$scratch/bin/hindsight"
cat > "$scratch/bin/hx" <<EOF
#!/bin/sh
export HELIX_RUNTIME=$root/usr/lib/hx/runtime
exec $libs/ld-linux-x86-64.so.2 --library-path $libs $root/usr/lib/hx/hx "\$@"
EOF
chmod +x "$scratch/bin/hx"

# The project: the bundled Rust service (HS1001/HS1002/HS1003 findings), a Kubernetes app (Rego rules), and a
# Dockerfile and a Terraform file of the examples.
project=$scratch/project
cp -r examples/feature-service "$project"
cp -r examples/kubernetes/apps "$project/apps"
cp examples/container/api/Dockerfile "$project/Dockerfile"
mkdir -p "$project/infra"
cp examples/terraform/waf.tf "$project/infra/waf.tf"
mkdir -p "$project/.helix"
scripts/editors-doc-block.sh Helix toml > "$project/.helix/languages.toml"
grep -q '\[language-server.hindsight\]' "$project/.helix/languages.toml" ||
    { echo "error: no languages.toml block found in the Helix section of docs/editors.md" >&2; exit 2; }

export PATH=$scratch/bin:$PATH HOME=$scratch/home
log=$HOME/.cache/helix/helix.log
echo "$(hx --version) with $(hindsight --version)"
(cd "$project" && hx --health rust) | grep -F hindsight

failures=0
check() { # check DESCRIPTION COMMAND...: run COMMAND until it succeeds, for up to 20 s
    local description=$1
    shift
    for _ in $(seq 1 40); do
        if "$@" >/dev/null 2>&1; then
            echo "ok: $description"
            return 0
        fi
        sleep 0.5
    done
    echo "FAILED: $description" >&2
    failures=$((failures + 1))
}
screen() { tmux capture-pane -p -t "$session"; }
# Pause after each key group: an Escape followed at once by another key reads as Alt+key in a terminal.
keys() {
    tmux send-keys -t "$session" "$@"
    sleep 0.5
}

tmux new-session -d -s "$session" -x 160 -y 50 "cd '$project' && hx -v src/bot.rs"
check "Helix starts hindsight and receives its findings for src/bot.rs" \
    grep -q '"method":"textDocument/publishDiagnostics","params":{"uri":"file://[^"]*/src/bot.rs","diagnostics":\[{.*"code":"HS1003"' "$log"
check "the findings show on screen (gutter markers on lines 28, 34 and 40)" \
    sh -c "tmux capture-pane -p -t '$session' | grep -cE '^● +(28|34|40) ' | grep -qx 3"

keys '28G'
keys '/unwrap' Enter
keys ' ' 'k'
check "hover on the finding shows the rule's explanation" \
    sh -c "tmux capture-pane -p -t '$session' | grep -q 'HS1003 panic-in-config-ingestion'"
keys Escape
keys ' ' 'a'
check "code actions offer a reasoned suppression" \
    sh -c "tmux capture-pane -p -t '$session' | grep -q 'Allow HS1003 here (write why it is safe)'"
keys Escape

keys ':open apps/web.yaml' Enter
check "a Kubernetes manifest gets the Rego rules' findings" \
    grep -q '"uri":"file://[^"]*/apps/web.yaml","diagnostics":\[{.*"code":"HS2004"' "$log"

keys ':open Dockerfile' Enter
check "a Dockerfile gets its findings (HS8020)" \
    grep -q '"uri":"file://[^"]*/Dockerfile","diagnostics":\[{.*"code":"HS8020"' "$log"
keys ':open infra/waf.tf' Enter
check "a Terraform file gets its findings (HS8005)" \
    grep -q '"uri":"file://[^"]*/infra/waf.tf","diagnostics":\[{.*"code":"HS8005"' "$log"

printf '[rules]\ndisable = ["HS2004"]\n' > "$project/hindsight.toml"
keys ':open hindsight.toml' Enter
keys 'O' '# saved from Helix' Escape
keys ':w' Enter
check "saving hindsight.toml in Helix reloads the configuration (HS2004 disabled)" \
    sh -c "grep '\"uri\":\"file://[^\"]*/apps/web.yaml\"' '$log' | tail -n 1 | grep -q '\"code\":\"HS2005\"' &&
           ! grep '\"uri\":\"file://[^\"]*/apps/web.yaml\"' '$log' | tail -n 1 | grep -q '\"code\":\"HS2004\"'"
keys ':qa!' Enter

if [ "$failures" -ne 0 ]; then
    echo "--- screen" >&2
    screen >&2 || true
    echo "--- last lines of the Helix log" >&2
    tail -n 20 "$log" | cut -c1-400 >&2 || true
    exit 1
fi
echo "Helix: all checks passed"
