#!/usr/bin/env bash
# Tries the Neovim setup of docs/editors.md as written, with a real Neovim 0.10, and fails when hindsight's
# diagnostics, hover or "allow" code action do not reach it. Optional (not part of scripts/test): it
# downloads Neovim from Debian.
#
# Debian 12 has Neovim 0.7.2 only; Debian 13 (trixie) has 0.10.4, which needs a newer glibc than Debian 12's.
# So the script unpacks Neovim and its libraries from trixie into target/neovim-try (scripts/fetch-trixie.sh)
# and runs it headless with trixie's dynamic loader: nothing is installed on the system.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
root=$repo/target/neovim-try/root
if [ ! -x "$root/usr/bin/nvim" ]; then
    echo "downloading Neovim from Debian trixie" >&2
    scripts/fetch-trixie.sh "$root" neovim neovim-runtime libluajit-5.1-2 libluajit-5.1-common libmsgpack-c2 \
        libtree-sitter0.22 libunibilium4 libuv1t64 libvterm0 lua-lpeg lua-luv libc6 libgcc-s1
fi
libs=$root/usr/lib/x86_64-linux-gnu

cargo build --locked --quiet -p hindsight
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/config/nvim"
ln -s "$repo/target/debug/hindsight" "$scratch/bin/hindsight"
cat > "$scratch/bin/nvim" <<SH
#!/bin/sh
export VIMRUNTIME=$root/usr/share/nvim/runtime
exec $libs/ld-linux-x86-64.so.2 --library-path $libs:$libs/lua/5.1 $root/usr/bin/nvim "\$@"
SH
chmod +x "$scratch/bin/nvim"
scripts/editors-doc-block.sh Neovim lua > "$scratch/config/nvim/init.lua"
grep -q 'cmd = { "hindsight", "lsp" }' "$scratch/config/nvim/init.lua" ||
    { echo "error: no init.lua block found in the Neovim section of docs/editors.md" >&2; exit 2; }
cp -r examples/feature-service "$scratch/project"
# A Dockerfile and a Terraform file of the bundled examples, for the configuration checks.
mkdir -p "$scratch/project/infra"
cp examples/container/api/Dockerfile "$scratch/project/Dockerfile"
cp examples/terraform/waf.tf "$scratch/project/infra/waf.tf"

export PATH=$scratch/bin:$PATH HOME=$scratch XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data \
    XDG_STATE_HOME=$scratch/state
echo "$(nvim --version | head -n 1) with $(hindsight --version)"
cd "$scratch/project"
timeout 60 nvim --headless src/bot.rs -c "luafile $repo/scripts/check_neovim.lua" 2>&1
echo
echo "Neovim: all checks passed"
