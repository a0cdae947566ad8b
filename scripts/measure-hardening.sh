#!/usr/bin/env bash
# measure-hardening.sh [PROFILE] runs the hardening provisioner on the
# cloud-like Debian 12 rootfs (scripts/cloudlike-rootfs.sh) with real Packer
# and the hardening-rootfs builder, first audit-only and then remediating,
# and prints what the evidence recorded: guest time, package time (and its
# split: lists update, download, install, purge; update and download run
# during the audit when prefetched), communicator round trips, counts per
# status and score. The hardened tarball
# is left in $OUT (default /var/tmp/hardening-measure) for scanners.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-cis_level1_server}
out=${OUT:-/var/tmp/hardening-measure}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening"
export PATH="$cache/bin:$PATH"
tarball=$("$repo/scripts/cloudlike-rootfs.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$repo" && go build -o "$work/packer-plugin-hardening" .)
PACKER_PLUGIN_PATH="$work/plugins" packer plugins install --path "$work/packer-plugin-hardening" github.com/imagesmith/hardening >/dev/null
rm -rf "$out" && mkdir -p "$out"
for mode in audit remediate; do
	audit=false
	[ $mode = audit ] && audit=true
	cat >"$work/build.pkr.hcl" <<HCL
source "hardening-rootfs" "m" {
  source_tarball    = "$tarball"
  source_date_epoch = 1735689600
  output_directory  = "$out/$mode"
  temp_directory    = "/var/tmp"
}
build {
  sources = ["source.hardening-rootfs.m"]
  provisioner "hardening" {
    profile      = "$profile"
    audit_only   = $audit
    fail_on      = "none"
    evidence_dir = "$out/evidence-$mode"
  }
}
HCL
	start=$(date +%s.%N)
	(cd "$work" && CHECKPOINT_DISABLE=1 PACKER_PLUGIN_PATH="$work/plugins" packer build -color=false . >"$out/$mode.log" 2>&1) ||
		{ tail -30 "$out/$mode.log"; exit 1; }
	end=$(date +%s.%N)
	python3 - "$out/evidence-$mode/m/cis-results.json" "$mode" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e, s = r["execution"], r["summary"]
pk = e.get("packages") or {}
counts = " ".join(f"{k}={v}" for k, v in sorted(s["counts"].items()))
print(f"{sys.argv[2]}: profile={r['profile']} controls={len(r['controls'])} {counts} score={s['score']:.1f}% "
      f"guest_s={e['guest_ms']/1000:.2f} packages_s={pk.get('duration_ms', 0)/1000:.2f} "
      f"controls_s={(e['guest_ms'] - pk.get('duration_ms', 0))/1000:.2f} round_trips={e['communicator_round_trips']} "
      f"packer_build_s={float(sys.argv[4]) - float(sys.argv[3]):.1f} installed={len(pk.get('installed', []))} removed={len(pk.get('removed', []))}")
if pk:
    print(f"{sys.argv[2]} packages: lists={pk.get('lists', '')} prefetched={str(pk.get('prefetched', False)).lower()} "
          f"update_s={pk.get('update_ms', 0)/1000:.2f} download_s={pk.get('download_ms', 0)/1000:.2f} "
          f"install_s={pk.get('install_ms', 0)/1000:.2f} remove_s={pk.get('remove_ms', 0)/1000:.2f}")
PY
done
echo "hardened tarball: $out/remediate/rootfs.tar"
