#!/usr/bin/env bash
# demo.sh runs example/ with the installed plugin and says where everything is.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out="${DEMO_OUTPUT:-$repo/example/output}"
if [ "$(id -u)" != 0 ]; then
	echo "The demo bootstraps a Debian root filesystem and chroots into it: run it as root (sudo -E make demo)." >&2
	exit 1
fi
cd "$repo/example"
start=$(date +%s)
evidence="${DEMO_EVIDENCE:-$repo/example/evidence}"
packer build -force -var "output_directory=$out" -var "evidence_dir=$evidence" .
echo
echo "Demo finished in $(( $(date +%s) - start ))s. Output:"
ls -l "$out"
echo "Verify the checksum with: (cd $out && sha256sum -c rootfs.tar.sha256)"
echo "Evidence: CIS results (JSON, JUnit XML), SBOMs (CycloneDX, SPDX), filesystem manifest, the exact scripts:"
ls -l "$evidence/debian12"
echo "Manifest digest (the image's content digest): $(sed -n 's/.*"digest": "\(sha256:[0-9a-f]*\)".*/\1/p' "$evidence/debian12/finalize-results.json")"
