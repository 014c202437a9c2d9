#!/usr/bin/env bash
# scripts/fetch-conftest-examples.sh [DIR]: fetch conftest's acceptance suite (open-policy-agent/conftest at
# the pinned commit: acceptance.bats and examples/) into DIR (default target/conftest-6a3fd60), then run it
# against hindsight: the test cli::conftest_suite reads HINDSIGHT_CONFTEST_EXAMPLES.
#
# Nothing is committed: conftest's examples are Apache-2.0 and stay in conftest's repository. conftest is
# on no package registry (Debian, PyPI, npm: none carry its source), so this needs GitHub: a clone at the
# commit, else GitHub's archive of it. With CONFTEST_SRC=/path/to/a/copy, that copy is used instead (it must
# hold acceptance.bats), for machines without GitHub.
#
#   scripts/fetch-conftest-examples.sh                     # fetch, then run the suite
#   CONFTEST_SRC=/srv/conftest scripts/fetch-conftest-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
commit=6a3fd60
dest=${1:-target/conftest-$commit}
if [ -n "${CONFTEST_SRC:-}" ]; then
    [ -f "$CONFTEST_SRC/acceptance.bats" ] || { echo "error: no acceptance.bats in $CONFTEST_SRC" >&2; exit 2; }
    dest=$CONFTEST_SRC
elif [ ! -f "$dest/acceptance.bats" ]; then
    rm -rf "$dest.tmp"
    if git clone --quiet --filter=blob:none --no-checkout https://github.com/open-policy-agent/conftest "$dest.tmp" \
        && git -C "$dest.tmp" checkout --quiet "$commit"; then
        :
    else
        echo "git clone failed; trying GitHub's archive of $commit" >&2
        rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
        curl -fsSL "https://github.com/open-policy-agent/conftest/archive/$commit.tar.gz" \
            | tar -xz -C "$dest.tmp" --strip-components=1
    fi
    [ -f "$dest.tmp/acceptance.bats" ] || { echo "error: the fetched tree has no acceptance.bats" >&2; exit 2; }
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
fi
examples=$(cd "$dest" && pwd)
echo "export HINDSIGHT_CONFTEST_EXAMPLES=$examples"
HINDSIGHT_CONFTEST_EXAMPLES=$examples cargo test -p hindsight --test cli --locked conftest_suite -- --nocapture
