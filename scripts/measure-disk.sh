#!/usr/bin/env bash
# measure-disk.sh builds the demo (scripts/demo.sh: bootstrap, CIS Level 1,
# finalize, tarball, disk, attest) into a scratch directory and reports the
# time and size of the disk step, then boots the demo's qcow2 in the test
# harness (internal/vm) and reports the time to SSH and to the end of
# cloud-init. Root, Linux; about as long as the demo plus one boot.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEMO_OUTPUT="$work/output" DEMO_EVIDENCE="$work/evidence" DEMO_ATTESTATIONS="$work/attestations" DEMO_KEYS="$work/keys"

(cd "$repo" && make install >/dev/null)
bash "$repo/scripts/demo.sh" >"$work/demo.log" 2>&1 || { tail -n 40 "$work/demo.log"; exit 1; }

echo "== disk step (hardening-rootfs, demo image)"
grep -E 'Disk image of|Exported [0-9]+ entries' "$work/demo.log" | sed 's/^==> [^:]*: //'
echo "== files: apparent size, allocated on the host"
for f in rootfs.tar disk.raw disk.qcow2 disk.tar.gz; do
	[ -f "$DEMO_OUTPUT/$f" ] || continue
	printf '%-12s %12s bytes  %6s allocated\n' "$f" "$(stat -c %s "$DEMO_OUTPUT/$f")" "$(du -h "$DEMO_OUTPUT/$f" | cut -f1)"
done

echo "== boot of disk.qcow2 in the harness (4 GiB virtual disk)"
(cd "$repo" && go build -o "$work/vm-boot" ./tools/vm-boot)
"$work/vm-boot" -disk "$DEMO_OUTPUT/disk.qcow2" -grow 4G -measure 2>&1 | grep -v '^==> serial console'
