#!/usr/bin/env bash
# measure-finalize.sh compares hardening-finalize with Packer's own SBOM
# engine on the Debian 12 demo rootfs (example/output/rootfs.tar, from
# `make demo`):
#   - `packer sbom-generate -o cyclonedx-json <rootfs>` (the command behind
#     hcp-sbom's auto mode): wall time, peak RSS, package count;
#   - a hardening-rootfs build of the same tarball with only
#     hardening-finalize: guest and host time per phase (from
#     finalize-results.json), the plugin's peak RSS (VmHWM sampled from /proc)
#     and the guest processes' peak RSS, package count.
# Run after `make install`, as root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=${1:-$repo/example/output/rootfs.tar}
[ -f "$tarball" ] || { echo "no $tarball: run make demo first" >&2; exit 1; }
work=$(mktemp -d /var/tmp/measure-finalize.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== packer sbom-generate on $(basename "$tarball")"
mkdir "$work/root"
tar --numeric-owner -xpf "$tarball" -C "$work/root"
/usr/bin/time -f '%e %M' -o "$work/time" packer sbom-generate -o cyclonedx-json "$work/root" >"$work/packer.cdx.json" 2>"$work/packer.err" ||
	{ cat "$work/packer.err"; exit 1; }
read -r wall rss <"$work/time"
python3 - "$work/packer.cdx.json" "$wall" "$rss" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = d.get("components", [])
types = collections.Counter(x.get("type") for x in c)
debs = [x for x in c if (x.get("purl") or "").startswith("pkg:deb/")]
other = [x["purl"] for x in c if (x.get("purl") or "") and not x["purl"].startswith("pkg:deb/")]
keys = [(x["name"], x.get("version"), x["purl"]) for x in debs]
print(f"wall {sys.argv[2]} s, peak RSS {int(sys.argv[3])} kB")
print(f"components {len(c)} {dict(types)}; deb packages {len(debs)} (duplicates {len(keys) - len(set(keys))}); other purls {other}")
PY
rm -rf "$work/root"
echo "dpkg-query -W in the same rootfs: $(tar -xOf "$tarball" ./var/lib/dpkg/status | grep -c '^Package: ') stanzas in /var/lib/dpkg/status"

echo "== hardening-finalize in a hardening-rootfs build of the same tarball"
cat >"$work/measure.pkr.hcl" <<HCL
source "hardening-rootfs" "measure" {
  source_tarball   = "$tarball"
  output_directory = "$work/out"
  temp_directory   = "$work"
}
build {
  sources = ["source.hardening-rootfs.measure"]
  provisioner "hardening-finalize" {
    evidence_dir = "$work/evidence"
  }
}
HCL
(cd "$work" && packer build -color=false measure.pkr.hcl >"$work/log" 2>&1) &
build=$!
plugin=0 guest=0
while kill -0 "$build" 2>/dev/null; do
	for pid in $(pgrep -f 'packer-plugin-hardening.* start provisioner' || true); do
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${hwm:-0}" -gt "$plugin" ] && plugin=$hwm
	done
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/root" 2>/dev/null)" in "$work"/*)
			hwm=$(awk '/^VmHWM:/ {print $2}' "$p/status" 2>/dev/null || echo 0)
			[ "${hwm:-0}" -gt "$guest" ] && guest=$hwm ;;
		esac
	done
	sleep 0.05
done
wait "$build" || { cat "$work/log"; exit 1; }
python3 - "$work/evidence/measure/finalize-results.json" "$plugin" "$guest" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["execution"]["phases_ms"]
s, m = r["sbom"], r["manifest"]
sbom_ms = p["packages"] + p["host_sbom"]
manifest_ms = p["listing"] + p["hashing"] + p["host_manifest"]
print(f"SBOM: {s['packages']} {s['package_manager']} packages, {sbom_ms} ms (guest capture {p['packages']} ms + host parse and both encodings {p['host_sbom']} ms)")
print(f"manifest: {m['entries']} entries, {m['files']} files, {m['file_bytes']} bytes, {manifest_ms} ms (listing {p['listing']} ms + hashing {p['hashing']} ms with {r['execution']['hash_jobs']} jobs + host {p['host_manifest']} ms)")
print(f"whole provisioner: guest {p['total']} ms (cleanup {p['cleanup']}, secret scan {p['secret_scan']}), wall {r['execution']['wall_ms']} ms")
print(f"peak RSS: plugin {int(sys.argv[2])} kB, largest guest process {int(sys.argv[3])} kB")
PY
