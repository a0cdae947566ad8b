#!/usr/bin/env bash
# measure-ansible.sh [ROOTFS_TARBALL] times the public Ansible CIS role for
# Debian 12 (ansible-lockdown/DEBIAN12-CIS, Level 1 server) hardening an
# unpacked Debian 12 root filesystem through the community.general.chroot
# connection, so the result can be compared with this plugin's builder.
# Run as root; it takes about five minutes (two runs here: 308 s and 279 s of
# playbook time, about 110 s of it AIDE's install and database init).
# Prints, on stdout:
#   ansible_role=DEBIAN12-CIS version=<tag@commit> seconds=<N> ok=<n> changed=<n> failed=<n> skipped=<n>
#   recap_extra unreachable=<n> rescued=<n> ignored=<n> ansible_core=<v> unpack_seconds=<N> prereq_seconds=<N> playbook_rc=<n>
#   hardened_rootfs=<dir>
#   ansible_log=<file>
# where seconds is ansible-playbook's wall time alone, and leaves the
# hardened tree in place for a scanner. Ansible's own output goes to stderr
# and to ANSIBLE_LOG. Exits with ansible-playbook's status.
#
# Inputs (environment):
#   ROLE_DIR     the role's files, default /var/tmp/ansible-roles/DEBIAN12-CIS.
#                Nothing is fetched at run time: put the snapshot there first,
#                e.g. from a bare mirror of the GitHub repository:
#                  mkdir -p "$ROLE_DIR"
#                  git --git-dir=MIRROR archive 2.0.5 | tar -x -C "$ROLE_DIR"
#                  echo "$(git --git-dir=MIRROR rev-parse '2.0.5^{commit}') 2.0.5" > "$ROLE_DIR/.role-version"
#                The version printed comes from $ROLE_DIR/.role-version
#                ("<commit> [tag]") or, for a git checkout, git describe.
#   OUT_DIR      where the rootfs is unpacked and hardened (kept afterwards),
#                default /var/tmp/ansible-hardened-rootfs. A previous tree
#                there is deleted first (refused if anything is mounted below).
#   ANSIBLE_LOG  full ansible-playbook output, default $OUT_DIR.log
#   SKIP_TAGS    comma-separated tags skipped (default: see DEFAULT_SKIP_TAGS)
#   ROLE_TAGS    tags run, default level1-server
#   ANSIBLE_VERBOSITY_FLAGS e.g. -vv (default none)
#
# Ansible is Debian 12's (ansible 7.7.0 = ansible-core 2.14.18 with
# community.general 6.6.2, ansible.posix 1.5.4, community.crypto 2.14.0, the
# three collections the role's requirements name). What differs from running
# the role on a booted VM, each explained where it is done below:
#   - variables: min_ansible_version 2.14.0 (the role asks 2.16.1),
#     deb12cis_level_2 false, deb12cis_rule_5_4_2_4 false (see vars.yml);
#   - skipped tags: rule_1.3.1.2, rule_1.4.2 (no boot loader in the tarball);
#   - the handler restarting sshd is skipped (needs a running systemd);
#   - community.general.modprobe reports no module loaded (it reads the
#     host's kernel state);
#   - python3-apt, the role's prerequisite, is installed before the clock
#     starts; /run/sshd exists, as on a booted system.
#
# Isolation (the play runs on the build host's kernel, as any chroot build
# does). Everything below happens in a private mount namespace and a private
# network namespace:
#   - /proc, read-only /sys, a private tmpfs /dev (null, zero, full, random,
#     urandom, tty, pts, shm) and a tmpfs /run are mounted into the tree; the
#     mounts vanish with the namespace and are also unmounted by a trap;
#   - /proc/sys inside the tree is a tmpfs copy of the host's values, so the
#     role's "sysctl --system" / ansible.posix.sysctl write to a throwaway
#     copy instead of the host kernel (the persistent /etc/sysctl.d files are
#     what ends up in the image either way);
#   - the private network namespace gets user-mode networking from
#     slirp4netns (outbound only, no change to the host's routes or
#     firewall), so apt inside the chroot works while the role's ufw/iptables
#     rules land in that namespace, not on the host;
#   - the host's resolv.conf is copied in and a policy-rc.d (exit 101) keeps
#     packages from starting daemons, as the builder does; both are removed
#     (the tree's own files restored) afterwards.
set -euo pipefail

ROLE_DIR=${ROLE_DIR:-/var/tmp/ansible-roles/DEBIAN12-CIS}
OUT_DIR=${OUT_DIR:-/var/tmp/ansible-hardened-rootfs}
ANSIBLE_LOG=${ANSIBLE_LOG:-$OUT_DIR.log}
ROLE_TAGS=${ROLE_TAGS:-level1-server}
# The tarball has a kernel but no boot loader (no grub package, no
# /etc/default/grub, no /boot/grub), so the role's GRUB edits can only fail:
#   rule_1.3.1.2 adds apparmor=1 security=apparmor to /etc/default/grub;
#   rule_1.4.2   touches /boot/grub/grub.cfg to set its mode.
# (rule_1.4.1, the GRUB password, is off by default: deb12cis_set_boot_pass.)
DEFAULT_SKIP_TAGS=rule_1.3.1.2,rule_1.4.2
SKIP_TAGS=${SKIP_TAGS-$DEFAULT_SKIP_TAGS}

log() { printf 'measure-ansible: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# mounts_below DIR prints the mount points at or below DIR in this namespace.
mounts_below() {
	awk -v d="$1" '{ m = $5; gsub(/\\040/, " ", m); if (m == d || index(m, d "/") == 1) print m }' /proc/self/mountinfo
}

# Globals of the inner half, read by its EXIT trap.
root='' work=''
mounted=() placed=()

inner() {
	local tarball=$1
	root=$OUT_DIR
	work=$(mktemp -d /var/tmp/measure-ansible.XXXXXX)

	cleanup() {
		local rc=$? i m
		set +e
		[ -n "$root" ] && [ "$root" != / ] || exit "$rc"
		for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
			m=${mounted[i]}
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
		done
		# Anything the role mounted itself (it remounts /dev/shm, for one).
		for m in $(mounts_below "$root" | sort -r); do umount -l "$m" 2>/dev/null; done
		if [ -n "$(mounts_below "$root")" ]; then
			log "mounts left below $root: $(mounts_below "$root" | tr '\n' ' ')"
		fi
		# Restore the files we placed: the tree's own copy, or none.
		for ((i = ${#placed[@]} - 1; i >= 0; i--)); do
			local rel=${placed[i]}
			if [ -e "$work/orig/$rel" ] || [ -L "$work/orig/$rel" ]; then
				mv -f "$work/orig/$rel" "$root/$rel"
			else
				rm -f "$root/$rel"
			fi
		done
		[ -n "$work" ] && rm -rf "$work"
		exit "$rc"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	# place REL MODE: install stdin as $root/REL for the run, keeping the
	# tree's own copy to restore.
	place() {
		local rel=$1 mode=$2
		mkdir -p "$work/orig/$(dirname "$rel")"
		if [ -e "$root/$rel" ] || [ -L "$root/$rel" ]; then mv "$root/$rel" "$work/orig/$rel"; fi
		cat >"$root/$rel"
		chmod "$mode" "$root/$rel"
		placed+=("$rel")
	}
	mnt() { # mnt TARGET mount-args...
		local target=$1
		shift
		[ -L "$target" ] && die "refusing to mount on symlink $target"
		mkdir -p "$target"
		mount "$@" "$target"
		mounted+=("$target")
	}

	log "unpacking $tarball into $root"
	local t0 tu t1 t2
	t0=$(date +%s.%N)
	mkdir -p "$root"
	tar --numeric-owner --xattrs --xattrs-include='*' -xpf "$tarball" -C "$root"
	tu=$(date +%s.%N)
	[ -x "$root/usr/bin/python3" ] || die "$root has no /usr/bin/python3"

	mnt "$root/proc" -t proc -o nosuid,nodev,noexec proc
	# Shadow /proc/sys with a copy (see the header).
	mnt "$root/proc/sys" -t tmpfs -o mode=0555,size=16m measure-procsys
	(cd /proc/sys && find . -path ./fs/binfmt_misc -prune -o -type d -print) |
		while IFS= read -r d; do mkdir -p "$root/proc/sys/$d"; done
	(cd /proc/sys && find . -path ./fs/binfmt_misc -prune -o -type f -print) |
		while IFS= read -r f; do
			cat "/proc/sys/$f" >"$root/proc/sys/$f" 2>/dev/null || : >"$root/proc/sys/$f"
		done
	mnt "$root/sys" -t sysfs -o ro,nosuid,nodev,noexec sysfs
	mnt "$root/dev" -t tmpfs -o nosuid,noexec,mode=0755,size=16m measure-dev
	local n
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r name maj min <<<"$n"
		mknod -m 0666 "$root/dev/$name" c "$maj" "$min"
	done
	ln -s /proc/self/fd "$root/dev/fd"
	ln -s /proc/self/fd/0 "$root/dev/stdin"
	ln -s /proc/self/fd/1 "$root/dev/stdout"
	ln -s /proc/self/fd/2 "$root/dev/stderr"
	ln -s pts/ptmx "$root/dev/ptmx"
	mnt "$root/dev/pts" -t devpts -o nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5 devpts
	mnt "$root/dev/shm" -t tmpfs -o nosuid,nodev,mode=1777 measure-shm
	mnt "$root/run" -t tmpfs -o nosuid,nodev,mode=0755 measure-run
	# What a booted system has in /run and the role relies on: /run/sshd
	# (ssh.service's RuntimeDirectory) for its "sshd -t" validations.
	install -d -m 1777 "$root/run/lock"
	install -d -m 0755 "$root/run/sshd"

	place etc/resolv.conf 0644 </etc/resolv.conf
	place usr/sbin/policy-rc.d 0755 <<'EOF'
#!/bin/sh
# measure-ansible.sh: no service starts in the chroot.
exit 101
EOF

	# Wait for the user-mode network the outer process attaches.
	local i
	for i in $(seq 100); do
		ip -4 -o addr show tap0 2>/dev/null | grep -q 'inet ' && break
		sleep 0.1
	done
	ip -4 -o addr show tap0 2>/dev/null | grep -q 'inet ' || die "no network in the private namespace"

	# The role's stated prerequisite (README: python3-apt; its own
	# check_prereqs.yml is never imported), without which package_facts
	# fails at once. Timed separately as prereq_seconds.
	local tp0 tp1
	tp0=$(date +%s.%N)
	if ! chroot "$root" dpkg-query -W -f '${Status}' python3-apt 2>/dev/null | grep -q 'install ok installed'; then
		log "installing the role's prerequisite python3-apt in the tree"
		chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-apt' >&2
	fi
	tp1=$(date +%s.%N)

	# The role runs from a copy with one change: its "Restart sshd | Restart
	# sshd service" handler is skipped. It calls ansible.builtin.systemd on
	# the unit "sshd", an alias of ssh.service; without a running systemd
	# "systemctl show" fails, "is-enabled sshd" prints "alias" (not a state
	# the module accepts) and "list-unit-files sshd" finds nothing, so the
	# module fails, the host is dropped and every later handler (pam-auth-
	# update, ufw reload, ...) is lost. Restarting sshd means nothing for an
	# image; its "sshd -t" validation handler still runs.
	cp -a "$ROLE_DIR" "$work/role"
	python3 - "$work/role/handlers/main.yml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "- name: Restart sshd | Restart sshd service\n  listen: Restart sshd\n"
assert s.count(old) == 1, "handlers/main.yml: sshd restart handler not found"
s = s.replace(old, old + "  when: not (measure_ansible_chroot | default(false))  # measure-ansible.sh\n")
open(p, "w").write(s)
PY

	# The play: the role by path, as root (no become), against the tree.
	mkdir -p "$work/collections" "$work/tmp"
	cat >"$work/inventory.yml" <<EOF
all:
  hosts:
    "$root":
      ansible_connection: community.general.chroot
      ansible_python_interpreter: /usr/bin/python3
EOF
	cat >"$work/site.yml" <<EOF
- name: Apply ansible-lockdown DEBIAN12-CIS (Level 1 server)
  hosts: all
  become: false
  roles:
    - role: "$work/role"
EOF
	# Variables set (everything else keeps the role's defaults/main.yml).
	cat >"$work/vars.yml" <<'EOF'
# Debian 12 ships ansible-core 2.14.18; the role asserts >= 2.16.1
# (vars/main.yml) although it uses nothing newer that this run reaches.
min_ansible_version: "2.14.0"
# Level selection is by tag (--tags level1-server); these two only feed the
# compliance facts file the role writes.
deb12cis_level_1: true
deb12cis_level_2: false
# 5.4.2.4 is an assertion only (tasks/main.yml): it stops the play unless
# root has a password ("passwd -S root" = P). Cloud images lock root ('*').
deb12cis_rule_5_4_2_4: false
# Read by the one handler guard measure-ansible.sh adds (sshd restart).
measure_ansible_chroot: true
# Never reboot (the default; set explicitly).
skip_reboot: true
# No audit (goss) download/run: the default; set explicitly.
run_audit: false
setup_audit: false
EOF

	# community.general.modprobe reads /proc/modules and
	# /lib/modules/$(uname -r)/modules.builtin: the *host's* kernel, not the
	# image's (this host has no /proc/modules at all, and the image has no
	# modules for the host's release, so every "state: absent" task fails;
	# on a host with the module loaded it would unload it from the host).
	# Use a copy of Debian's community.general whose modprobe reports every
	# module as not loaded, as on a booted image whose kernel never loaded
	# it. The role only uses modprobe with state: absent (a no-op then).
	local cg=/usr/lib/python3/dist-packages/ansible_collections/community/general
	mkdir -p "$work/collections/ansible_collections/community"
	cp -a "$cg" "$work/collections/ansible_collections/community/general"
	python3 - "$work/collections/ansible_collections/community/general/plugins/modules/modprobe.py" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "    def module_loaded(self):\n"
assert s.count(old) == 1, "modprobe.py: module_loaded not found"
s = s.replace(old, old + "        return False  # measure-ansible.sh: the image's kernel is not running\n")
open(p, "w").write(s)
PY

	local -a cmd=(ansible-playbook -i "$work/inventory.yml" -e "@$work/vars.yml" --tags "$ROLE_TAGS")
	[ -n "$SKIP_TAGS" ] && cmd+=(--skip-tags "$SKIP_TAGS")
	# shellcheck disable=SC2206
	[ -n "${ANSIBLE_VERBOSITY_FLAGS:-}" ] && cmd+=($ANSIBLE_VERBOSITY_FLAGS)
	cmd+=("$work/site.yml")
	log "running: ${cmd[*]}"
	: >"$ANSIBLE_LOG"
	local rc
	t1=$(date +%s.%N)
	set +e
	(
		cd "$work"
		time -p env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 TERM=dumb \
			ANSIBLE_COLLECTIONS_PATH="$work/collections" \
			ANSIBLE_LOCAL_TEMP="$work/tmp" \
			ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False \
			ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
			ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks \
			PROFILE_TASKS_TASK_OUTPUT_LIMIT=40 \
			"${cmd[@]}"
	) 2>&1 | tee -a "$ANSIBLE_LOG" >&2
	rc=${PIPESTATUS[0]}
	set -e
	t2=$(date +%s.%N)

	local recap
	recap=$(grep -E '^\S.*: ok=[0-9]+ +changed=' "$ANSIBLE_LOG" | tail -n1 || true)
	field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$recap"; }
	local version=unknown
	if [ -s "$ROLE_DIR/.role-version" ]; then
		read -r commit tag <"$ROLE_DIR/.role-version" || true
		version=${tag:+$tag@}$commit
	elif git -C "$ROLE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
		version=$(git -C "$ROLE_DIR" describe --tags --always)@$(git -C "$ROLE_DIR" rev-parse HEAD)
	fi
	printf 'ansible_role=DEBIAN12-CIS version=%s seconds=%.1f ok=%s changed=%s failed=%s skipped=%s\n' \
		"$version" "$(echo "$t2 - $t1" | bc)" "$(field ok)" "$(field changed)" "$(field failed)" "$(field skipped)"
	printf 'recap_extra unreachable=%s rescued=%s ignored=%s ansible_core=%s unpack_seconds=%.1f prereq_seconds=%.1f playbook_rc=%s\n' \
		"$(field unreachable)" "$(field rescued)" "$(field ignored)" \
		"$(ansible --version | sed -n 's/.*core \([0-9.]*\).*/\1/p')" "$(echo "$tu - $t0" | bc)" "$(echo "$tp1 - $tp0" | bc)" "$rc"
	printf 'hardened_rootfs=%s\n' "$root"
	printf 'ansible_log=%s\n' "$ANSIBLE_LOG"
	[ -n "$recap" ] || rc=1
	return "$rc"
}

if [ "${1:-}" = "--inner" ]; then
	shift
	inner "$@"
	exit $?
fi

[ "$(id -u)" = 0 ] || die "run as root"
export DEBIAN_FRONTEND=noninteractive
need=()
command -v ansible-playbook >/dev/null || need+=(ansible)
command -v slirp4netns >/dev/null || need+=(slirp4netns)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	apt-get update -qq >&2
	apt-get install -y -qq "${need[@]}" >&2
fi
for c in community.general ansible.posix community.crypto; do
	ansible-galaxy collection list "$c" 2>/dev/null | grep -q "^$c " || die "collection $c missing"
done
[ -f "$ROLE_DIR/tasks/main.yml" ] || die "no role at ROLE_DIR=$ROLE_DIR (see the header for how to put it there)"

repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=${1:-$("$repo/scripts/cloudlike-rootfs.sh")}
[ -s "$tarball" ] || die "no rootfs tarball at $tarball"
tarball=$(realpath "$tarball")
OUT_DIR=$(realpath -m "$OUT_DIR")
export ROLE_DIR OUT_DIR ANSIBLE_LOG ROLE_TAGS SKIP_TAGS

if [ -e "$OUT_DIR" ]; then
	[ -z "$(mounts_below "$OUT_DIR")" ] || die "mounts below $OUT_DIR: $(mounts_below "$OUT_DIR" | tr '\n' ' ')"
	log "removing the previous $OUT_DIR"
	rm -rf --one-file-system "$OUT_DIR"
fi

# The inner half runs in private mount and network namespaces; slirp4netns
# gives the latter outbound access once unshare has made it.
unshare --mount --propagation private --net -- "$0" --inner "$tarball" &
child=$!
slirp=
stop_slirp() { [ -n "$slirp" ] && kill "$slirp" 2>/dev/null; wait "$slirp" 2>/dev/null || true; }
trap 'stop_slirp' EXIT
trap 'kill "$child" 2>/dev/null' INT TERM
self_ns=$(readlink /proc/self/ns/net)
for _ in $(seq 100); do
	ns=$(readlink "/proc/$child/ns/net" 2>/dev/null || true)
	[ -n "$ns" ] && [ "$ns" != "$self_ns" ] && break
	sleep 0.05
done
if [ -z "$ns" ] || [ "$ns" = "$self_ns" ]; then
	kill "$child" 2>/dev/null
	die "the private network namespace did not appear"
fi
slirp4netns --configure --mtu=65520 --disable-host-loopback "$child" tap0 >/dev/null 2>&1 &
slirp=$!
rc=0
wait "$child" || rc=$?
exit "$rc"
