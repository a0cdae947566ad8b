#!/usr/bin/env bash
# measure-aide.sh ROOTFS_TAR times `aide --init` over a hardened image's root
# filesystem (a hardening-rootfs tarball with aide installed, such as the
# demo's example/output/rootfs.tar) with Debian's default checksums (H: every
# algorithm AIDE has) and one worker, against what the hardening provisioner
# configures (aide_checksums, sha512 by default, and one worker per CPU).
# Root, Linux; nothing is mounted: aide reads the unpacked tree in a chroot.
set -euo pipefail
tar=${1:?usage: measure-aide.sh ROOTFS_TAR}
work=$(mktemp -d /var/tmp/measure-aide.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xf "$tar" -C "$work"
[ -x "$work/usr/bin/aide" ] || { echo "no aide in $tar" >&2; exit 1; }
conf=$work/etc/aide/aide.conf
cp "$conf" "$work/aide.conf.orig"
echo "cpus: $(nproc); files in the image: $(find "$work" -xdev | wc -l)"
run() { # CHECKSUMS WORKERS
	sed -e "s/^Checksums[[:space:]]*=.*/Checksums = $1/" -e '/^num_workers[[:space:]]*=/d' \
		-e '/^# Set by packer-plugin-hardening/d' "$work/aide.conf.orig" >"$conf"
	printf 'num_workers = %s\n' "$2" >>"$conf"
	rm -f "$work/var/lib/aide/aide.db.new"
	local start end
	start=$(date +%s.%N)
	chroot "$work" aide --init --config /etc/aide/aide.conf >/dev/null 2>&1 || true
	end=$(date +%s.%N)
	printf '%-8s workers %-5s %6.1f s  database %s bytes\n' "$1" "$2" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
		"$(stat -c %s "$work/var/lib/aide/aide.db.new" 2>/dev/null || echo none)"
}
run H 1
run H 100%
run sha512 1
run sha512 100%
