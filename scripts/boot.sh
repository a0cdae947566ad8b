#!/usr/bin/env bash
# boot.sh DISK [--grow SIZE] boots a disk image built by hardening-rootfs in
# QEMU with the tests' harness (internal/vm): UEFI firmware, a cloud-init
# seed that creates a key-only sudo user, SSH on 127.0.0.1. It prints the
# ssh command and keeps the VM running until Ctrl-C. The disk is not
# modified; the VM writes to an overlay that is removed at exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: scripts/boot.sh [DISK] [--grow SIZE]   (DISK defaults to example/output/disk.qcow2)" >&2
	exit 2
}

disk=""
grow=""
while [ $# -gt 0 ]; do
	case "$1" in
	--grow)
		[ $# -ge 2 ] || usage
		grow=$2
		shift 2
		;;
	--grow=*)
		grow=${1#--grow=}
		shift
		;;
	-h | --help) usage ;;
	-*)
		echo "boot.sh: unknown option $1" >&2
		usage
		;;
	*)
		[ -z "$disk" ] || usage
		disk=$1
		shift
		;;
	esac
done
disk=${disk:-$repo/example/output/disk.qcow2}
if [ ! -f "$disk" ]; then
	echo "boot.sh: no disk image at $disk: build one first (make demo) or name one" >&2
	exit 1
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$repo" && go build -o "$bin/vm-boot" ./tools/vm-boot)
# Ctrl-C reaches vm-boot, which stops the VM and removes its files.
"$bin/vm-boot" -disk "$disk" -grow "$grow"
