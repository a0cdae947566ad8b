#!/usr/bin/env bash
# demo.sh runs example/ with the installed plugin, verifies the attestations
# with stock cosign, and says where everything is.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out="${DEMO_OUTPUT:-$repo/example/output}"
evidence="${DEMO_EVIDENCE:-$repo/example/evidence}"
attestations="${DEMO_ATTESTATIONS:-$repo/example/attestations}"
keys="${DEMO_KEYS:-$repo/example/keys}"
if [ "$(id -u)" != 0 ]; then
	echo "The demo bootstraps a Debian root filesystem and chroots into it: run it as root (sudo -E make demo)." >&2
	exit 1
fi
command -v cosign >/dev/null || { echo "cosign not found: run scripts/tools.sh (make demo does)" >&2; exit 1; }

# A demo signing key, made once with stock cosign. Its password is
# COSIGN_PASSWORD (empty unless you set it); use your organisation's key or
# a KMS key (kms_key) for real images.
export COSIGN_PASSWORD="${COSIGN_PASSWORD:-}"
if [ ! -f "$keys/cosign.key" ]; then
	mkdir -p "$keys"
	(cd "$keys" && cosign generate-key-pair >/dev/null 2>&1)
	echo "Made a demo signing key pair: $keys/cosign.key, $keys/cosign.pub"
fi

cd "$repo/example"
start=$(date +%s)
packer build -force -var "output_directory=$out" -var "evidence_dir=$evidence" \
	-var "attestations_dir=$attestations" -var "signing_key=$keys/cosign.key" .
echo
echo "Demo finished in $(( $(date +%s) - start ))s. Output:"
ls -l "$out"
echo "Verify the checksums with: (cd $out && sha256sum -c *.sha256)"
echo "Evidence: CIS results (JSON, JUnit XML), SBOMs (CycloneDX, SPDX), filesystem manifest, the exact scripts:"
ls -l "$evidence/debian12"
echo "Manifest digest (the image's content digest): $(sed -n 's/.*"digest": "\(sha256:[0-9a-f]*\)".*/\1/p' "$evidence/debian12/finalize-results.json")"

# Verify every bundle offline with stock cosign and the key pair's public key
# (not the key.pub that travels with the files): the tarball and each disk
# file is the subject of its own four bundles.
cis_type=https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/predicates/cis-results-v1.md
for file in rootfs.tar disk.qcow2 disk.raw disk.tar.gz; do
	[ -f "$out/$file" ] || continue
	dir="$attestations/debian12/rootfs/local/$file"
	echo
	echo "Attestations of $file: $dir"
	ls -l "$dir"
	for pair in provenance.sigstore.json:slsaprovenance1 sbom.cdx.sigstore.json:cyclonedx sbom.spdx.sigstore.json:spdxjson cis.sigstore.json:$cis_type; do
		bundle=${pair%%:*} type=${pair#*:}
		echo "+ COSIGN_MAX_ATTACHMENT_SIZE=4GiB cosign verify-blob-attestation --key $keys/cosign.pub --insecure-ignore-tlog --bundle $dir/$bundle --type $type $out/$file"
		COSIGN_MAX_ATTACHMENT_SIZE=4GiB cosign verify-blob-attestation --key "$keys/cosign.pub" --insecure-ignore-tlog --bundle "$dir/$bundle" --type "$type" "$out/$file" 2>&1 | grep -v '^WARNING: Skipping tlog'
	done
done

# And with the plugin's own verify command: signatures, binding to the
# file, and the default policy (provenance, SBOM and CIS present, no
# unwaived Level 1 failure), plus an HTML report from the verified data.
plugin=
for p in "${PACKER_PLUGIN_PATH:-$HOME/.config/packer/plugins}"/github.com/imagesmith/hardening/packer-plugin-hardening_v*; do
	case $p in *_SHA256SUM) ;; *) plugin=$p && break ;; esac
done
for file in disk.qcow2 rootfs.tar; do
	[ -f "$out/$file" ] || continue
	report="$attestations/report-${file%%.*}.html"
	echo
	echo "+ $plugin verify --key $keys/cosign.pub --location $attestations --html $report $out/$file"
	"$plugin" verify --key "$keys/cosign.pub" --location "$attestations" --html "$report" "$out/$file"
	echo "HTML report: $report"
done
if [ -f "$out/disk.qcow2" ]; then
	echo
	echo "Boot the disk image (QEMU, cloud-init user with a fresh SSH key): make boot"
	echo "Import it into AWS (disk.raw) or GCE (disk.tar.gz): see docs/builders/rootfs.mdx#formats"
fi
