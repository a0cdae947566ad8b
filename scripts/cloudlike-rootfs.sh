#!/usr/bin/env bash
# cloudlike-rootfs.sh prints the path of the cloud-like Debian 12 test rootfs
# tarball (internal/e2e/testdata/cloudlike.pkr.hcl), building it with this
# plugin when the cache has no copy for the current template.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening"
export PATH="$cache/bin:$PATH"
tpl="$repo/internal/e2e/testdata/cloudlike.pkr.hcl"
key=$(sha256sum "$tpl" | cut -c1-12)
out="$cache/fixtures/cloudlike-$key"
if [ -s "$out/cloudlike-bookworm.tar" ]; then
	echo "$out/cloudlike-bookworm.tar"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$repo" && go build -o "$work/packer-plugin-hardening" .)
PACKER_PLUGIN_PATH="$work/plugins" packer plugins install --path "$work/packer-plugin-hardening" github.com/imagesmith/hardening >&2
mkdir -p "$work/tpl" && cp "$tpl" "$work/tpl/build.pkr.hcl"
(cd "$work/tpl" && CHECKPOINT_DISABLE=1 PACKER_PLUGIN_PATH="$work/plugins" \
	packer build -color=false -var "output_directory=$work/out" . >&2)
mkdir -p "$out"
mv "$work/out/cloudlike-bookworm.tar" "$out/"
echo "$out/cloudlike-bookworm.tar"
