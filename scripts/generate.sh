#!/usr/bin/env bash
# generate.sh regenerates everything derived from the Config structs: the HCL2
# specs (*.hcl2spec.go), the docs partials (docs-partials/) and the rendered
# docs (.web-docs/). Never edit those by hand.
#
# packer-sdc finds the project root by looking for a parent directory named
# packer-plugin-*; a checkout under another name would make it loop forever,
# so generation runs through a symlink with the conventional name.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
TOOLS_DIR="${HARDENING_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening/bin}"
export PATH="$TOOLS_DIR:$PATH"
command -v packer-sdc >/dev/null || { echo "packer-sdc not found: run scripts/tools.sh" >&2; exit 1; }

link_dir=$(mktemp -d)
trap 'rm -rf "$link_dir"' EXIT
ln -s "$repo" "$link_dir/packer-plugin-hardening"
cd "$link_dir/packer-plugin-hardening"
export PWD="$link_dir/packer-plugin-hardening"

go generate ./...
# The control reference is generated from the catalogue itself.
go run ./tools/cis-docs -out docs/reference/cis-controls.md
rm -rf .docs
packer-sdc renderdocs -src docs -partials docs-partials/ -dst .docs/
bash scripts/webdocs.sh .docs .web-docs
rm -rf .docs
