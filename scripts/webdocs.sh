#!/usr/bin/env bash
# webdocs.sh SRC DST turns the rendered docs in SRC (docs/ after packer-sdc
# renderdocs) into the .web-docs layout Packer's integration registry reads:
# DST/README.md and DST/components/<type>/<slug>/README.md, each without its
# front matter and top-level heading.
set -euo pipefail
src=$1 dst=$2
mkdir -p "$dst"
rm -rf "$dst/components"
cp "$src/README.md" "$dst/README.md"
for file in "$src"/*/*.mdx; do
	folder=$(basename "$(dirname "$file")")
	case "$folder" in
	builders) type=builder ;;
	provisioners) type=provisioner ;;
	post-processors) type=post-processor ;;
	datasources) type=data-source ;;
	*) continue ;; # guides and reference pages stay in docs/ only
	esac
	slug=$(basename "$file" .mdx)
	mkdir -p "$dst/components/$type/$slug"
	# Drop the front matter (between the first two --- lines), then the first
	# H1 heading, which the registry adds itself.
	awk '
		fm < 2 && /^---[[:space:]]*$/ { fm++; next }
		fm == 1 { next }
		!h1 && /^# / { h1 = 1; next }
		{ print }
	' "$file" | sed '/./,$!d' >"$dst/components/$type/$slug/README.md"
done
