#!/usr/bin/env bash
# scan-cis.sh ROOTFS_DIR [REPORT_DIR] scores an unpacked Debian 12 root
# filesystem with an independent open-source CIS scanner and prints one line:
#   scanner=openscap-1.3.7 profile=cis_level1_server pass=N fail=M notapplicable=K other=L score=XX.X%
# score = pass/(pass+fail); "other" = unknown + notchecked + error + ...
# With REPORT_DIR it also writes results.xml (XCCDF results), report.html,
# oscap.log (per-rule stdout), oscap-stderr.log, failing-rules.txt, summary.txt.
#
# Scanner: OpenSCAP `oscap` 1.3.7 from bookworm (openscap-scanner), in its
# offline ("oscap-chroot") mode: OSCAP_PROBE_ROOT makes the probes read files
# under the rootfs instead of the host, so nothing is booted or chrooted into.
# Content: ComplianceAsCode/scap-security-guide 0.1.82-1 (Debian package
# ssg-debian, arch all), profile xccdf_org.ssgproject.content_profile_cis_level1_server
# = "CIS Debian 12 Benchmark v1.1.0, Level 1 - Server". Why not bookworm's own
# ssg-debian 0.1.65: it has no debian12 data stream and no Debian CIS profile
# at all (only ANSSI/standard for Debian 10/11; the Ubuntu 22.04 CIS profile
# does not apply to Debian 12 through its CPE). 0.1.82 is fetched once with
# `apt-get download` from Debian testing/sid using a private apt state (the
# host's sources.list is not touched), unpacked with dpkg-deb and cached.
# Override with SSG_VERSION=... / PROFILE=... (e.g. cis_level2_server).
#
# Offline, the rules that judge the running system fail whatever the image
# holds: mounts (partition_for_*), /sys (AppArmor's loaded profiles), a
# process's environment (root_path_*), and SCE scripts that query the
# scanning host (set_nftables_base_chain runs nft there).
# docs/guides/openscap.md lists every rule that still fails, and why.
#
# Run as root (bind mount). The rootfs is never changed: it is scanned through
# a read-only bind mount in a private mount namespace, so the mount vanishes
# with the process even on SIGKILL, and the EXIT trap unmounts it anyway.
set -euo pipefail

ssg_version=${SSG_VERSION:-0.1.82-1}
profile=${PROFILE:-cis_level1_server}
profile=xccdf_org.ssgproject.content_profile_${profile#xccdf_org.ssgproject.content_profile_}

args=("$@")
usage() {
	echo "usage: $0 ROOTFS_DIR [REPORT_DIR]" >&2
	echo "       $0 --booted DISK [REPORT_DIR]" >&2
	exit 64
}
booted=
if [ "${1:-}" = --booted ]; then
	booted=1
	shift
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
[ "$(id -u)" = 0 ] || { echo "scan-cis: must run as root" >&2; exit 1; }
if [ -n "$booted" ]; then
	disk=$(realpath "$1")
	[ -f "$disk" ] || { echo "scan-cis: no disk image at $1" >&2; exit 1; }
else
	root=$(cd "$1" && pwd)
	[ -f "$root/etc/debian_version" ] || { echo "scan-cis: $root is not a Debian rootfs" >&2; exit 1; }
fi

# Re-exec in a private mount namespace so our mounts are invisible to (and
# never leaked onto) the host. Done before anything else creates state.
if [ -z "${_SCAN_CIS_NS:-}" ]; then
	exec env _SCAN_CIS_NS=1 unshare --mount --propagation private -- bash "$0" "${args[@]}"
fi

# 1. Scanner from bookworm, installed only when missing.
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
command -v oscap >/dev/null || apt_install openscap-scanner

work=$(mktemp -d /var/tmp/scan-cis.XXXXXX)
mnt=$work/root
cleanup() {
	# Lazy unmount if a killed probe still holds it; rm -rf only once nothing
	# is mounted under $work.
	if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" || umount -l "$mnt"; fi
	findmnt -rn -o TARGET | grep -q "^$work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP # make signals run the EXIT trap too

# 2. Content: cached copy of the pinned ssg-debian's debian12 data stream.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-hardening/ssg-$ssg_version
ds=$cache/ssg-debian12-ds.xml
if [ ! -s "$ds" ]; then
	a=$work/apt && mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/deb"
	for suite in testing sid; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
	done >"$a/sources.list"
	aptopts=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o APT::Sandbox::User=root
		-o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
	apt-get "${aptopts[@]}" update -qq >/dev/null
	(cd "$a/deb" && apt-get "${aptopts[@]}" download -qq "ssg-debian=$ssg_version" >/dev/null) || {
		echo "scan-cis: ssg-debian=$ssg_version not in Debian testing/sid any more;" \
			"pick one from 'apt-cache policy ssg-debian' there and set SSG_VERSION" >&2
		exit 1
	}
	dpkg-deb -x "$a"/deb/ssg-debian_*.deb "$a/x"
	mkdir -p "$cache"
	cp "$a/x/usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml" "$ds.tmp" && mv "$ds.tmp" "$ds"
fi

# scan_rootfs: the offline scan of ROOTFS_DIR.
scan_rootfs() {
	# 3. Read-only view of the rootfs. Non-recursive bind: mounts the caller may
	# have under ROOTFS_DIR (proc, dev) are not scanned.
	mkdir "$mnt"
	mount --bind "$root" "$mnt"
	mount -o remount,bind,ro "$mnt"

	# The dpkginfo probe uses libapt-pkg with RootDir=rootfs. Give it a private
	# apt config: ignore the host's apt.conf.d (a docker-style `pkgcache ""` there
	# makes apt try to read the rootfs directory as its cache and every package
	# check silently becomes "notapplicable"), keep the package cache in memory
	# (the view is read-only anyway), and name the architectures so apt does not
	# exec the rootfs's own dpkg to ask.
	archs=$(cat "$root/var/lib/dpkg/arch" 2>/dev/null || dpkg --print-architecture)
	{
		echo 'Dir::Etc::parts "/dev/null"; Dir::Etc::main "/dev/null";'
		echo 'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";'
		# shellcheck disable=SC2086 # one word per architecture
		echo "APT::Architectures { $(printf '"%s"; ' $archs)};"
	} >"$work/apt.conf"

	# 4. Scan. oscap exits 2 when some rule failed; 1 is a real error.
	scanner_version=$(oscap --version | awk 'NR==1{print $NF}')
	start=$(date +%s)
	rc=0
	APT_CONFIG=$work/apt.conf OSCAP_PROBE_ROOT=$mnt OSCAP_EVALUATION_TARGET=chroot://$root \
		oscap xccdf eval --profile "$profile" --results "$out/results.xml" --report "$out/report.html" \
		"$ds" >"$out/oscap.log" 2>"$out/oscap-stderr.log" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat "$out/oscap-stderr.log" >&2; exit 1; }
	if grep -q 'dpkginfo_init has failed' "$out/oscap-stderr.log"; then
		echo "scan-cis: dpkginfo probe failed; package rules would be bogus" >&2
		exit 1
	fi
}

# scan_booted: boot DISK in the QEMU harness (tools/vm-boot: UEFI, a
# cloud-init seed with a key-only sudo user, SSH on 127.0.0.1; the disk is
# only read, the VM writes to an overlay removed at exit), install the
# scanner from bookworm in the guest, as an auditor scanning an instance
# would, and scan the running system: mounts, processes, the loaded
# AppArmor profiles and nftables ruleset are then there to be judged.
scan_booted() {
	repo=$(cd "$(dirname "$0")/.." && pwd)
	(cd "$repo" && go build -o "$work/vm-boot" ./tools/vm-boot)
	"$work/vm-boot" -disk "$disk" -grow 6G -timeout "${BOOT_TIMEOUT:-20m}" >"$work/vm.out" 2>"$out/vm-boot.log" &
	vm=$!
	# Stop the VM (vm-boot removes its files on SIGTERM) before cleanup.
	trap 'kill "$vm" 2>/dev/null; wait "$vm" 2>/dev/null; cleanup' EXIT
	until grep -q '^ssh ' "$work/vm.out"; do
		kill -0 "$vm" 2>/dev/null || { cat "$out/vm-boot.log" >&2; echo "scan-cis: the VM did not come up" >&2; exit 1; }
		sleep 2
	done
	read -r -a ssh <"$work/vm.out"
	ssh+=(-o BatchMode=yes -o ConnectTimeout=30)
	"${ssh[@]}" 'sudo -n cloud-init status --wait >/dev/null 2>&1; sudo -n sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openscap-scanner" >/dev/null' ||
		{ echo "scan-cis: installing openscap-scanner in the guest failed" >&2; exit 1; }
	scanner_version=$("${ssh[@]}" 'oscap --version' | awk 'NR==1{print $NF}')
	"${ssh[@]}" 'cat >ssg-ds.xml' <"$ds"
	start=$(date +%s)
	rc=0
	"${ssh[@]}" "sudo -n oscap xccdf eval --profile '$profile' --results results.xml --report report.html ssg-ds.xml" \
		>"$out/oscap.log" 2>"$out/oscap-stderr.log" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat "$out/oscap-stderr.log" >&2; exit 1; }
	"${ssh[@]}" 'sudo -n cat results.xml' >"$out/results.xml"
	"${ssh[@]}" 'sudo -n cat report.html' >"$out/report.html"
}

# summarise: the one-line score from oscap's stdout (in $out/oscap.log).
summarise() {
	# 5. Summarise oscap's "Rule<TAB>id / Result<TAB>res" stdout (it may add \r).
	tr -d '\r' <"$out/oscap.log" | awk -F'\t' -v scanner="openscap-$scanner_version" -v target="${booted:+booted}" \
		-v prof="${profile#xccdf_org.ssgproject.content_profile_}" -v ssg="$ssg_version" \
		-v failing="$out/failing-rules.txt" -v secs=$(($(date +%s) - start)) '
		$1 == "Rule" { id = $2; sub(/^xccdf_org\.ssgproject\.content_rule_/, "", id) }
		$1 == "Result" { n[$2]++; if ($2 == "fail") print id > failing }
		END {
			close(failing); p = n["pass"] + 0; f = n["fail"] + 0; na = n["notapplicable"] + 0
			for (r in n) t += n[r]
			if (p + f == 0) { print "scan-cis: no rule passed or failed (CPE mismatch?)" > "/dev/stderr"; exit 1 }
			printf "scanner=%s profile=%s content=ssg-%s target=%s pass=%d fail=%d notapplicable=%d other=%d score=%.1f%% secs=%d\n",
				scanner, prof, ssg, target == "" ? "rootfs" : target, p, f, na, t - p - f - na, 100 * p / (p + f), secs
		}' | tee "$out/summary.txt"
}

out=${2:-$work/report}
mkdir -p "$out"
: >"$out/failing-rules.txt"
if [ -n "$booted" ]; then
	scan_booted
else
	scan_rootfs
fi
summarise
