#!/usr/bin/env bash
# measure-firstboot.sh builds three disk images of the same cloud-like
# Debian 12 image with the local builder (provisioner/hardening/testdata/
# bootdisk.pkr.hcl): unhardened, hardened to cis_level1_server and to
# cis_level2_server in the chroot, then boots each for the first time in the
# test harness (internal/vm, QEMU) and reports the time to SSH, to
# multi-user.target and to the end of cloud-init's final stage, from QEMU's
# start and on the guest's own clock. Root, Linux; about 15 minutes under
# emulation. Pass RUNS=n to boot each image n times, WORK=dir to keep the
# images in dir and boot them again without rebuilding, BOOT_TIMEOUT=d to
# wait longer than 20m for SSH on a busy host.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening"
export PATH="$cache/bin:$PATH" CHECKPOINT_DISABLE=1
runs=${RUNS:-1}
if [ -n "${WORK:-}" ]; then
	work=$WORK
	mkdir -p "$work"
else
	work=$(mktemp -d /var/tmp/measure-firstboot.XXXXXX)
fi
cleanup() {
	[ -z "${WORK:-}" ] || return 0
	# The builder unmounts its chroot itself; refuse to delete if it did not.
	if grep -q " $work" /proc/mounts; then
		echo "mounts left below $work; not deleting it" >&2
		return
	fi
	rm -rf "$work"
}
trap cleanup EXIT

tarball=$(bash "$repo/scripts/cloudlike-rootfs.sh")
(cd "$repo" && make install >/dev/null && go build -o "$work/vm-boot" ./tools/vm-boot)
cp "$repo/provisioner/hardening/testdata/bootdisk.pkr.hcl" "$work/build.pkr.hcl"

build() { # NAME AUDIT_ONLY PROFILE
	if [ -s "$work/$1/out/disk.qcow2" ]; then
		echo "reusing $work/$1/out/disk.qcow2"
		return
	fi
	mkdir -p "$work/$1"
	local start=$SECONDS
	(cd "$work" && packer build -color=false -var "source_tarball=$tarball" \
		-var "output_directory=$work/$1/out" -var "temp_directory=$work/$1" \
		-var "evidence_dir=$work/$1/evidence" -var "audit_only=$2" -var "profile=$3" . \
		>"$work/$1/build.log" 2>&1) || { tail -n 40 "$work/$1/build.log"; exit 1; }
	echo "built $1 in $((SECONDS - start)) s"
}
build unhardened true cis_level1_server
build level1 false cis_level1_server
build level2 false cis_level2_server

printf '\n%-11s %3s %8s %8s %14s %14s %14s  %s\n' image run ssh cloud-init 'ssh.service' 'multi-user' 'cloud-final' 'hardening-aide-init'
# Run by run, each image in turn: a change in the host's load then weighs on
# every image alike.
for run in $(seq "$runs"); do
	for image in unhardened level1 level2; do
		out=$("$work/vm-boot" -disk "$work/$image/out/disk.qcow2" -grow 6G -timeout "${BOOT_TIMEOUT:-20m}" -measure 2>"$work/$image/boot-$run.err") ||
			{ echo "$image: boot failed:" >&2; tail -n 20 "$work/$image/boot-$run.err" >&2; continue; }
		printf '%s\n' "$out" >"$work/$image/boot-$run.out"
		ssh=$(sed -n 's/^time to SSH: //p' <<<"$out")
		ci=$(sed -n 's/^time to cloud-init done: \([^ ]*\).*/\1/p' <<<"$out")
		read -r s m c < <(sed -n 's/^guest clock, since the kernel started: ssh.service \([^ ]*\) multi-user.target \([^ ]*\) cloud-final.service \([^ ]*\)/\1 \2 \3/p' <<<"$out") || true
		# systemctl show prints the properties in its own order.
		aide=$(grep -A1 -F 'hardening-aide-init.service' <<<"$out" | grep -o 'ActiveState=[a-z]*' | head -n 1 || true)
		printf '%-11s %3s %8s %8s %14s %14s %14s  %s\n' "$image" "$run" "$ssh" "$ci" "$s" "$m" "$c" "${aide:-none}"
	done
done
echo
echo "ssh and cloud-init: from QEMU's start, as a user waits; the three units: when they became active, on the guest's clock."
