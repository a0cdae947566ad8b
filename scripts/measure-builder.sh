#!/usr/bin/env bash
# measure-builder.sh runs the demo build and reports bootstrap time, export
# time, tarball size and the plugin process's peak resident memory (VmHWM),
# sampled from /proc while the build runs. Run after `make install`, as root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
log=$(mktemp)
(cd "$repo/example" && packer build -color=false -force -var "output_directory=$out" . >"$log" 2>&1) &
build=$!
peak=0
while kill -0 "$build" 2>/dev/null; do
	for pid in $(pgrep -f 'packer-plugin-hardening.* start builder' || true); do
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
	done
	sleep 0.1
done
wait "$build" || { cat "$log"; exit 1; }
grep -E 'Root filesystem ready|Exported' "$log" | sed 's/^.*: //'
echo "tarball: $(stat -c %s "$out/rootfs.tar") bytes"
echo "plugin peak RSS (VmHWM): ${peak} kB"
rm -rf "$out" "$log"
