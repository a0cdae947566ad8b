#!/usr/bin/env bash
# tools.sh installs what the build, demo and tests need on a fresh Debian/Ubuntu
# machine and prints nothing else but progress; `tools.sh packer-sdc` builds
# only packer-sdc, without root. Safe to re-run: every step is
# skipped when its result is already there.
#
# Packer and packer-sdc are built from the Go module proxy at pinned versions into a
# cache outside the repository, because `go install` cannot resolve hashicorp
# modules that pin a replace directive.
set -euo pipefail

PACKER_VERSION="${PACKER_VERSION:-v1.16.0}"
SDK_VERSION="${SDK_VERSION:-v0.6.10}"
COSIGN_VERSION="${COSIGN_VERSION:-v3.1.3}"
GRYPE_VERSION="${GRYPE_VERSION:-v0.121.3}"
SYFT_VERSION="${SYFT_VERSION:-v1.57.2}"
TRIVY_VERSION="${TRIVY_VERSION:-v0.74.0}"
TOOLS_DIR="${HARDENING_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening/bin}"
mkdir -p "$TOOLS_DIR"

log() { printf '==> tools: %s\n' "$*" >&2; }

# build_from_module MODULE VERSION PKG OUT builds PKG of MODULE@VERSION into OUT.
build_from_module() {
	local module=$1 version=$2 pkg=$3 out=$4 dir tmp
	dir=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [ -z "$dir" ]; then
		log "could not download $module@$version from the Go module proxy"
		return 1
	fi
	# The module cache is read-only; build from a writable copy so go.sum updates work.
	tmp=$(mktemp -d)
	cp -r "$dir/." "$tmp/"
	chmod -R u+w "$tmp"
	(cd "$tmp" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$out.tmp" "$pkg")
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
}

# build_sdc builds packer-sdc, all that `make generate` and
# `make plugin-check` need (release CI runs only this: `tools.sh packer-sdc`).
build_sdc() {
	if [ ! -x "$TOOLS_DIR/packer-sdc-$SDK_VERSION" ]; then
		log "building packer-sdc $SDK_VERSION into $TOOLS_DIR"
		build_from_module github.com/hashicorp/packer-plugin-sdk "$SDK_VERSION" ./cmd/packer-sdc "$TOOLS_DIR/packer-sdc-$SDK_VERSION"
	fi
	ln -sf "packer-sdc-$SDK_VERSION" "$TOOLS_DIR/packer-sdc"
}
if [ "${1:-}" = packer-sdc ]; then
	build_sdc
	exit 0
fi

# build_scanners builds stock grype, syft and trivy, and the vulnerability DB
# fixture writer (tools/vulnfixture), for the scanner interoperability tests of
# the SBOMs (internal/scaninterop); `tools.sh scanners` builds only these.
build_scanners() {
	local name module version pkg experiment src hash
	while read -r name module version pkg experiment; do
		if [ ! -x "$TOOLS_DIR/$name-$version" ]; then
			log "building $name $version into $TOOLS_DIR (about 5 minutes)"
			GOEXPERIMENT="${experiment#-}" build_from_module "$module" "$version" "$pkg" "$TOOLS_DIR/$name-$version"
		fi
		ln -sf "$name-$version" "$TOOLS_DIR/$name"
	done <<-EOF
		grype github.com/anchore/grype $GRYPE_VERSION ./cmd/grype -
		syft github.com/anchore/syft $SYFT_VERSION ./cmd/syft -
		trivy github.com/aquasecurity/trivy $TRIVY_VERSION ./cmd/trivy jsonv2
	EOF
	# The fixture writer is keyed by a hash of its sources, so an edit rebuilds it.
	src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/vulnfixture" && pwd)"
	hash=$(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
	if [ ! -x "$TOOLS_DIR/vulnfixture-$hash" ]; then
		log "building vulnfixture $hash into $TOOLS_DIR (about a minute)"
		(cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$TOOLS_DIR/vulnfixture-$hash.tmp" .)
		mv "$TOOLS_DIR/vulnfixture-$hash.tmp" "$TOOLS_DIR/vulnfixture-$hash"
	fi
	ln -sf "vulnfixture-$hash" "$TOOLS_DIR/vulnfixture"
	# Earlier builds are stale (about 100 MB each).
	find "$TOOLS_DIR" -maxdepth 1 -name 'vulnfixture-*' ! -name "vulnfixture-$hash" -delete
}
if [ "${1:-}" = scanners ]; then
	build_scanners
	exit 0
fi

need_apt=()
command -v mmdebstrap >/dev/null || need_apt+=(mmdebstrap)
command -v debootstrap >/dev/null || need_apt+=(debootstrap)
command -v unzip >/dev/null || need_apt+=(unzip)
# Headless Chromium renders the verify command's HTML report in the tests.
command -v chromium >/dev/null || need_apt+=(chromium)
# pdftotext reads the report Chromium prints to PDF (internal/verifycli).
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
# The builder's disk output: partition table, ESP, qcow2.
command -v sfdisk >/dev/null || need_apt+=(fdisk)
command -v mkfs.vfat >/dev/null || need_apt+=(dosfstools)
command -v mcopy >/dev/null || need_apt+=(mtools)
command -v qemu-img >/dev/null || need_apt+=(qemu-utils)
# QEMU, UEFI firmware and a seed ISO maker boot built disks (internal/vm, make boot).
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
[ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || need_apt+=(ovmf)
command -v genisoimage >/dev/null || need_apt+=(genisoimage)
# The CIS catalogue's shell is linted by a Go test (internal/cis TestShellcheck).
command -v shellcheck >/dev/null || need_apt+=(shellcheck)
if [ ${#need_apt[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		log "missing ${need_apt[*]}: run as root or install them with apt-get"
		exit 1
	fi
	log "apt-get install ${need_apt[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

packer_ok() {
	local v
	v=$("$1" version 2>/dev/null | sed -n '1s/^Packer v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	[ -n "$v" ] && set -- $v && { [ "$1" -gt 1 ] || [ "$2" -ge 11 ]; }
}

if ! { command -v packer >/dev/null && packer_ok "$(command -v packer)"; } && ! packer_ok "$TOOLS_DIR/packer"; then
	log "building packer $PACKER_VERSION into $TOOLS_DIR (about 3 minutes)"
	build_from_module github.com/hashicorp/packer "$PACKER_VERSION" . "$TOOLS_DIR/packer"
fi

build_sdc

# Stock cosign, for the interoperability tests of the attest bundles.
if [ ! -x "$TOOLS_DIR/cosign-$COSIGN_VERSION" ]; then
	log "building cosign $COSIGN_VERSION into $TOOLS_DIR (about 5 minutes)"
	build_from_module github.com/sigstore/cosign/v3 "$COSIGN_VERSION" ./cmd/cosign "$TOOLS_DIR/cosign-$COSIGN_VERSION"
fi
ln -sf "cosign-$COSIGN_VERSION" "$TOOLS_DIR/cosign"

build_scanners
log "ready: $TOOLS_DIR"
