#!/usr/bin/env bash
# scripts/fetch-trixie.sh DIR PACKAGE...: unpack Debian 13 (trixie) packages into DIR without installing them.
#
# For editors that Debian 12 does not have in a recent enough version (Helix, Neovim 0.10). Their trixie
# builds need trixie's glibc, so pass libc6 and libgcc-s1 too and run the program with
# DIR/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path DIR/usr/lib/x86_64-linux-gnu PROGRAM.
# Nothing outside DIR changes. Dependencies are not resolved: list every package the program needs.
set -euo pipefail
root=$1
shift
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(dirname "$root")
mkdir -p "$work"
for tool in curl xz dpkg-deb; do
    if ! command -v "$tool" >/dev/null; then
        echo "installing $tool from Debian" >&2
        apt-get install -y "$([ "$tool" = xz ] && echo xz-utils || echo "$tool")" >/dev/null
    fi
done
if [ ! -s "$work/Packages" ]; then
    curl -fsS -o "$work/Packages.xz" "$mirror/dists/trixie/main/binary-amd64/Packages.xz"
    xz -dc "$work/Packages.xz" > "$work/Packages"
fi
rm -rf "$root.tmp" && mkdir -p "$root.tmp"
for package in "$@"; do
    file=$(awk -v p="$package" '$1 == "Package:" { cur = $2 } cur == p && $1 == "Filename:" { print $2; exit }' \
        "$work/Packages")
    [ -n "$file" ] || { echo "error: $package is not in trixie's package index" >&2; exit 2; }
    curl -fsS -o "$work/$package.deb" "$mirror/$file"
    dpkg-deb -x "$work/$package.deb" "$root.tmp"
done
rm -rf "$root" && mv "$root.tmp" "$root"
