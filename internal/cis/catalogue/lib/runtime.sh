# ---- runtime library (internal/cis/catalogue/lib/runtime.sh) ---------------
# Helpers the control bodies are written with. Checks print what they
# observed and return 0 pass, 1 fail, 2 not-applicable, 3 manual. Fixes change
# the image's persistent configuration only: no sysctl -w, no modprobe -r, no
# service start or restart, nothing outside the guest's own files.
#
# Variables a control may read: H_BENCH (debian12, ubuntu2204, ubuntu2404),
# H_CHROOT (1 inside a chroot), H_CLOUD (aws, gcp, none), P_<parameter>.
# Packages and services go through the platform layer (plat_*, in
# lib/platform/<family>.sh and lib/systemd.sh): no rule calls dpkg, apt-get
# or systemctl itself.

h_say() { printf '%s\n' "$*"; }
h_has() { command -v "$1" >/dev/null 2>&1; }

# pkg_installed PKG: pass when the package (a logical name, see
# plat_pkg_name) is installed.
pkg_installed() {
	_pn=$(plat_pkg_name "$1")
	if _v=$(plat_pkg_version "$_pn"); then
		h_say "$_pn is installed ($_v)"
		return 0
	fi
	h_say "$_pn is not installed"
	return 1
}

# pkg_absent PKG...: pass when none of the packages is installed.
pkg_absent() {
	_rc=0
	for _p in "$@"; do
		if pkg_installed "$_p" >/dev/null; then
			h_say "$_p is installed"
			_rc=1
		fi
	done
	[ $_rc = 0 ] && h_say "not installed: $*"
	return $_rc
}

# unit_exists UNIT: the unit file is known to systemd.
unit_exists() { plat_svc_exists "$1"; }

# svc_enabled UNIT: pass when the unit is enabled (or static).
svc_enabled() {
	_s=$(plat_svc_state "$1")
	h_say "$1: ${_s:-not installed}"
	case $_s in enabled | enabled-runtime | static | alias | indirect) return 0 ;; esac
	return 1
}

# svc_not_enabled UNIT...: pass when each unit is absent, disabled or masked.
svc_not_enabled() {
	_rc=0
	for _u in "$@"; do
		_s=$(plat_svc_state "$_u")
		h_say "$_u: ${_s:-not installed}"
		case $_s in enabled | enabled-runtime | static | alias | indirect | generated) _rc=1 ;; esac
	done
	return $_rc
}

# svc_enable UNIT: enable for the next boot; never start it now.
svc_enable() {
	plat_svc_unmask "$1" >/dev/null 2>&1 || true
	plat_svc_enable "$1" && h_say "enabled $1"
}

# svc_mask UNIT...: mask for the next boot; never stop it now.
svc_mask() {
	for _u in "$@"; do
		unit_exists "$_u" || continue
		plat_svc_mask "$_u" && h_say "masked $_u"
	done
}

# sysctl_value KEY: the value the image's sysctl.d files set at boot, in
# systemd-sysctl's order (a file in /etc masks one of the same name below
# /usr; later files win). Prints nothing when no file sets the key.
sysctl_value() {
	_key=$(printf '%s' "$1" | tr / .)
	_files=
	for _d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
		for _f in "$_d"/*.conf; do
			[ -e "$_f" ] || continue
			_b=${_f##*/}
			case " $_files " in *"/$_b "*) continue ;; esac
			_files="$_files $_f"
		done
	done
	_sorted=$(for _f in $_files; do printf '%s %s\n' "${_f##*/}" "$_f"; done | sort | cut -d' ' -f2)
	# /etc/sysctl.conf counts unless 99-sysctl.conf is the same file (Debian's
	# symlink), which the loop above already took.
	if [ -f /etc/sysctl.conf ] && [ "$(stat -Lc %d:%i /etc/sysctl.conf)" != "$(stat -Lc %d:%i /etc/sysctl.d/99-sysctl.conf 2>/dev/null)" ]; then
		_sorted="$_sorted /etc/sysctl.conf"
	fi
	# shellcheck disable=SC2086
	[ -n "$_sorted" ] && awk -v k="$_key" '
		/^[ \t]*[#;]/ { next }
		{ line = $0; sub(/^[ \t]*-/, "", line); i = index(line, "=") }
		i > 0 {
			name = substr(line, 1, i - 1); val = substr(line, i + 1)
			gsub(/[ \t]/, "", name); gsub(/\//, ".", name)
			gsub(/^[ \t]+|[ \t]+$/, "", val)
			if (name == k) { v = val; f = FILENAME }
		}
		END { if (f != "") print v " (" f ")" }' $_sorted
}

# sysctl_is KEY VALUE: pass when the image sets KEY to VALUE at boot.
sysctl_is() {
	_got=$(sysctl_value "$1")
	if [ -z "$_got" ]; then
		h_say "$1 is not set by any sysctl.d file"
		return 1
	fi
	h_say "$1 = $_got"
	[ "${_got% (*}" = "$2" ]
}

H_SYSCTL_FILE=/etc/sysctl.d/99-zz-hardening.conf

# sysctl_set KEY VALUE: persist KEY=VALUE in a file that sorts after the
# distribution's own. The running kernel is not touched.
sysctl_set() {
	mkdir -p /etc/sysctl.d
	[ -f "$H_SYSCTL_FILE" ] || printf '# Written by packer-plugin-hardening; applied at boot.\n' >"$H_SYSCTL_FILE"
	_tmp="$H_SYSCTL_FILE.tmp"
	grep -v "^[ \t]*$1[ \t]*=" "$H_SYSCTL_FILE" >"$_tmp" || true
	printf '%s = %s\n' "$1" "$2" >>"$_tmp"
	chmod 0644 "$_tmp" && mv "$_tmp" "$H_SYSCTL_FILE"
	h_say "set $1 = $2 in $H_SYSCTL_FILE"
}

# kmod_disabled NAME: pass when modprobe will neither autoload nor load the
# module by name (an install line to /bin/false or /bin/true and a
# blacklist line), whatever kernel the image boots.
kmod_disabled() {
	_m=$(printf '%s' "$1" | tr - _)
	_conf=$(cat /etc/modprobe.d/*.conf /run/modprobe.d/*.conf /usr/lib/modprobe.d/*.conf /lib/modprobe.d/*.conf 2>/dev/null | tr - _)
	_inst=$(printf '%s\n' "$_conf" | grep -E "^[[:space:]]*install[[:space:]]+${_m}[[:space:]]+(/usr)?/bin/(false|true)")
	_bl=$(printf '%s\n' "$_conf" | grep -E "^[[:space:]]*blacklist[[:space:]]+$_m([[:space:]]|\$)")
	h_say "$1: install rule: ${_inst:-none}; blacklist: ${_bl:-none}"
	[ -n "$_inst" ] && [ -n "$_bl" ]
}

# kmod_disable NAME: write the modprobe rules kmod_disabled looks for.
kmod_disable() {
	_f=/etc/modprobe.d/hardening-$1.conf
	mkdir -p /etc/modprobe.d
	printf 'install %s /bin/false\nblacklist %s\n' "$1" "$1" >"$_f"
	chmod 0644 "$_f"
	h_say "wrote $_f"
}

# fstab_entry MOUNTPOINT: print the fstab line that mounts MOUNTPOINT.
fstab_entry() {
	awk -v m="$1" '$1 !~ /^#/ && $2 == m { print; found = 1 } END { exit !found }' /etc/fstab 2>/dev/null
}

# fstab_opts MOUNTPOINT OPTION...: pass when MOUNTPOINT is in fstab with
# every OPTION; not-applicable when it is not a separate mount.
fstab_opts() {
	_m=$1
	shift
	_e=$(fstab_entry "$_m") || { h_say "$_m is not a separate mount in /etc/fstab"; return 2; }
	h_say "fstab: $_e"
	_o=,$(printf '%s\n' "$_e" | awk '{ print $4 }'),
	for _x in "$@"; do
		case $_o in *",$_x,"*) ;; *) h_say "missing option $_x"; return 1 ;; esac
	done
	return 0
}

# fstab_add_opts MOUNTPOINT OPTION...: add the options to MOUNTPOINT's fstab
# line. Takes effect at the next mount (boot); nothing is remounted.
fstab_add_opts() {
	_m=$1
	shift
	_add=$(printf '%s,' "$@")
	awk -v m="$_m" -v add="${_add%,}" '
		$1 !~ /^#/ && $2 == m {
			n = split(add, a, ","); o = "," $4 ","
			for (i = 1; i <= n; i++) if (index(o, "," a[i] ",") == 0) $4 = $4 "," a[i]
			sub(/^defaults,/, "", $4)
		}
		{ print }' OFS='\t' /etc/fstab >/etc/fstab.hardening.tmp &&
		cat /etc/fstab.hardening.tmp >/etc/fstab && rm -f /etc/fstab.hardening.tmp
	h_say "fstab: $(fstab_entry "$_m")"
}

# file_mode PATH MAXMODE [OWNER [GROUP]]: pass when PATH (if it exists) has
# no permission bit outside MAXMODE and the given owner and group (names or
# numbers; "-" skips). A missing path passes: nothing to protect.
file_mode() {
	[ -e "$1" ] || { h_say "$1 does not exist"; return 0; }
	set -- "$1" "$2" "${3:--}" "${4:--}" "$(stat -c '%a %U %G %u %g' "$1")"
	h_say "$1: mode $(printf '%s' "$5" | cut -d' ' -f1) owner $(printf '%s' "$5" | cut -d' ' -f2):$(printf '%s' "$5" | cut -d' ' -f3)"
	# shellcheck disable=SC2086
	set -- "$1" "$2" "$3" "$4" $5
	[ $((0$5 & ~0$2 & 07777)) = 0 ] || return 1
	[ "$3" = - ] || [ "$3" = "$6" ] || [ "$3" = "$8" ] || return 1
	[ "$4" = - ] || [ "$4" = "$7" ] || [ "$4" = "$9" ] || return 1
}

# file_fix_mode PATH MAXMODE [OWNER [GROUP]]: remove the bits outside
# MAXMODE and set owner and group.
file_fix_mode() {
	[ -e "$1" ] || return 0
	_cur=$(stat -c %a "$1")
	chmod "$(printf '%o' $((0$_cur & 0$2)))" "$1"
	[ "${3:--}" = - ] || chown "$3" "$1"
	[ "${4:--}" = - ] || chgrp "$4" "$1"
	h_say "$1: now $(stat -c '%a %U:%G' "$1")"
}

# kv_value FILE KEY: the last active value of "KEY value" or "KEY=value"
# in FILE (case-sensitive key).
kv_value() {
	[ -f "$1" ] || return 0
	awk -v k="$2" '
		/^[ \t]*#/ { next }
		{ line = $0; sub(/^[ \t]+/, "", line) }
		index(line, k) == 1 {
			rest = substr(line, length(k) + 1)
			if (rest ~ /^[ \t]*=/ || rest ~ /^[ \t]/) {
				sub(/^[ \t]*=?[ \t]*/, "", rest); sub(/[ \t]+$/, "", rest); v = rest; found = 1
			}
		}
		END { if (found) print v }' "$1"
}

# kv_set FILE KEY VALUE [SEP]: set KEY in FILE, replacing the active lines
# that set it, or append; SEP defaults to a space.
kv_set() {
	_sep=${4:- }
	[ -f "$1" ] || : >"$1"
	awk -v k="$2" -v line="$2$_sep$3" '
		{ l = $0; sub(/^[ \t]+/, "", l) }
		l !~ /^#/ && index(l, k) == 1 && (substr(l, length(k) + 1) ~ /^[ \t]*=/ || substr(l, length(k) + 1) ~ /^[ \t]/) {
			if (!done) print line; done = 1; next
		}
		{ print }
		END { if (!done) print line }' "$1" >"$1.hardening.tmp" &&
		cat "$1.hardening.tmp" >"$1" && rm -f "$1.hardening.tmp"
	h_say "$1: $2$_sep$3"
}

# ---- kernel command line of the local builder's disks ----------------------
# The hardening-rootfs builder's disk images boot through a grub.cfg on the
# EFI system partition (mounted at /boot/efi) that holds the kernel command
# line as it was when the disk was made; update-grub does not write it. A
# fix that adds kernel arguments adds them there too.
H_ESP_GRUB_CFG=/boot/efi/EFI/BOOT/grub.cfg

# esp_grub_cfg: prints H_ESP_GRUB_CFG when this image boots through it.
esp_grub_cfg() {
	grep -qs '^# GRUB configuration of this disk image, written by the hardening-rootfs' "$H_ESP_GRUB_CFG" && echo "$H_ESP_GRUB_CFG"
}

# esp_kernel_lines: the linux lines of that grub.cfg, if any.
esp_kernel_lines() {
	_ef=$(esp_grub_cfg) || return 0
	grep -E '^[[:space:]]*linux[[:space:]]' "$_ef"
}

# esp_cmdline_set ARG...: set each argument (NAME or NAME=VALUE, replacing
# another value of NAME) on every linux line of that grub.cfg.
esp_cmdline_set() {
	_ef=$(esp_grub_cfg) || return 0
	awk -v args="$*" '
		/^[ \t]*linux[ \t]/ {
			n = split(args, a, " ")
			for (i = 1; i <= n; i++) {
				name = a[i]; sub(/=.*/, "", name)
				m = split($0, w, " "); line = ""
				for (j = 1; j <= m; j++) {
					wn = w[j]; sub(/=.*/, "", wn)
					if (j > 2 && wn == name) continue
					line = line (line == "" ? "" : " ") w[j]
				}
				match($0, /^[ \t]*/)
				$0 = substr($0, 1, RLENGTH) line " " a[i]
			}
		}
		{ print }' "$_ef" >"$_ef.hardening" && cat "$_ef.hardening" >"$_ef" && rm -f "$_ef.hardening"
	h_say "$_ef: kernel lines now end with $*"
}

# ---- OpenSSH server -----------------------------------------------------
# Settings go to a drop-in that sorts before cloud-init's (50-cloud-init.conf)
# and the cloud images' own, so ours win; every change is validated with
# sshd -t and undone when sshd would refuse the configuration. sshd is never
# restarted: the build's own SSH session keeps the configuration it started
# with, and the image gets the new one at boot.
H_SSHD_DROPIN=/etc/ssh/sshd_config.d/10-hardening.conf

# sshd_args: extra sshd options for -t/-T: a throwaway host key when the
# image has none yet (keys are generated at first boot).
sshd_args() {
	mkdir -p /run/sshd 2>/dev/null
	if ! ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
		[ -f "$H_WORK/hostkey" ] || ssh-keygen -q -t ed25519 -N '' -f "$H_WORK/hostkey" >/dev/null 2>&1
		printf '%s' "-h $H_WORK/hostkey"
	fi
}

# sshd_effective: sshd -T output (lower-case keys) for a typical connection,
# computed once until sshd_set changes the configuration.
sshd_effective() {
	if ! [ -s "$H_WORK/sshd-T" ]; then
		# shellcheck disable=SC2046
		sshd -T $(sshd_args) -C user=root,host=localhost,addr=127.0.0.1 >"$H_WORK/sshd-T.tmp" 2>&1
		mv "$H_WORK/sshd-T.tmp" "$H_WORK/sshd-T"
	fi
	cat "$H_WORK/sshd-T"
}

# sshd_value KEY: the effective value of KEY (lower-case) as sshd sees it.
sshd_value() {
	sshd_effective | awk -v k="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}

# sshd_installed: not-applicable when there is no OpenSSH server.
sshd_installed() { [ -x /usr/sbin/sshd ] || { h_say "openssh-server is not installed"; return 2; }; }

# sshd_is KEY VALUE: pass when sshd's effective KEY equals VALUE (any case).
sshd_is() {
	sshd_installed || return 2
	_v=$(sshd_value "$1")
	h_say "sshd $1 = ${_v:-(unset)}"
	[ "$(printf '%s' "$_v" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" ]
}

# sshd_ensure_include: the main sshd_config must include the drop-in folder
# before its own settings, so the drop-in wins.
sshd_ensure_include() {
	grep -Eqi '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config && return 0
	{ printf 'Include /etc/ssh/sshd_config.d/*.conf\n'; cat /etc/ssh/sshd_config; } >/etc/ssh/sshd_config.hardening.tmp &&
		cat /etc/ssh/sshd_config.hardening.tmp >/etc/ssh/sshd_config && rm -f /etc/ssh/sshd_config.hardening.tmp
	h_say "added Include /etc/ssh/sshd_config.d/*.conf to /etc/ssh/sshd_config"
}

# sshd_set KEY VALUE: set KEY in our drop-in, validated with sshd -t; the
# previous drop-in is restored when sshd would reject the result.
sshd_set() {
	mkdir -p /etc/ssh/sshd_config.d
	sshd_ensure_include
	[ -f "$H_SSHD_DROPIN" ] || printf '# Written by packer-plugin-hardening. Sorted before cloud-init so these win.\n' >"$H_SSHD_DROPIN"
	rm -f "$H_WORK/sshd-T"
	cp -p "$H_SSHD_DROPIN" "$H_WORK/sshd-dropin.bak"
	grep -vi "^[[:space:]]*$1[[:space:]]" "$H_SSHD_DROPIN" >"$H_SSHD_DROPIN.tmp" || true
	printf '%s %s\n' "$1" "$2" >>"$H_SSHD_DROPIN.tmp"
	chmod 0600 "$H_SSHD_DROPIN.tmp" && mv "$H_SSHD_DROPIN.tmp" "$H_SSHD_DROPIN"
	# The main file says the same, outside any Match block, for people and
	# scanners that read only sshd_config; the drop-in still decides. Not
	# for the access lists: sshd applies every AllowUsers, AllowGroups,
	# DenyUsers and DenyGroups line (they are not first-wins), so they stay
	# on one line, in the drop-in, and a copy of it in the main file (from
	# an earlier version of this function) goes.
	_dup=0
	case $(printf '%s' "$1" | tr '[:upper:]' '[:lower:]') in allowusers | allowgroups | denyusers | denygroups) _dup=1 ;; esac
	cp -p /etc/ssh/sshd_config "$H_WORK/sshd_config.bak"
	awk -v k="$1" -v line="$1 $2" -v dup="$_dup" '
		BEGIN { lk = tolower(k) }
		/^[[:space:]]*[Mm]atch[[:space:]]/ { if (!done && !dup) print line; done = 1; inmatch = 1 }
		!inmatch && dup && tolower($1) == lk { l = $0; sub(/^[[:space:]]*[^[:space:]]+[[:space:]]+/, "", l); sub(/[[:space:]]+$/, "", l); if (k " " l == line) next }
		!inmatch && !dup && tolower($1) == lk { if (!done) print line; done = 1; next }
		{ print }
		END { if (!done && !dup) print line }' /etc/ssh/sshd_config >/etc/ssh/sshd_config.hardening.tmp &&
		cat /etc/ssh/sshd_config.hardening.tmp >/etc/ssh/sshd_config && rm -f /etc/ssh/sshd_config.hardening.tmp
	# shellcheck disable=SC2046
	if ! _err=$(sshd -t $(sshd_args) 2>&1); then
		cat "$H_WORK/sshd_config.bak" >/etc/ssh/sshd_config
		cp -p "$H_WORK/sshd-dropin.bak" "$H_SSHD_DROPIN"
		h_say "sshd -t rejected '$1 $2', restored the previous drop-in: $_err"
		return 1
	fi
	rm -f "$H_WORK/sshd-T"
	h_say "set $1 $2 in $H_SSHD_DROPIN (sshd -t passed; applies when sshd next starts)"
}

# ---- running system ---------------------------------------------------
# Runtime checks (a rule's runtime body) run only in the after-boot audit
# of a booted guest (H_MODE=boot), once the rule's check passed on the
# files: they judge what is in effect. They read, never change.

# rt_active UNIT...: pass when each unit is active in the running system.
rt_active() {
	_rrc=0
	for _ru in "$@"; do
		_rs=$(plat_svc_active "$_ru")
		h_say "running: $_ru is ${_rs:-unknown}"
		[ "$_rs" = active ] || _rrc=1
	done
	return $_rrc
}

# rt_inactive UNIT...: pass when no unit is active (or activating).
rt_inactive() {
	_rrc=0
	for _ru in "$@"; do
		_rs=$(plat_svc_active "$_ru")
		h_say "running: $_ru is ${_rs:-unknown}"
		case $_rs in active | activating | reloading) _rrc=1 ;; esac
	done
	return $_rrc
}

# rt_sysctl KEY=VALUE...: pass when the running kernel has each value
# (net.ipv6.* keys are skipped when the ipv6 parameter is false).
rt_sysctl() {
	_rrc=0
	for _rkv in "$@"; do
		_rk=${_rkv%%=*}
		case $_rk in net.ipv6.*) [ "$P_ipv6" = false ] && continue ;; esac
		_rv=$(sysctl -n "$_rk" 2>/dev/null) || { h_say "running: $_rk is not in this kernel"; _rrc=1; continue; }
		h_say "running: $_rk = $_rv"
		[ "$_rv" = "${_rkv#*=}" ] || _rrc=1
	done
	return $_rrc
}

# rt_sysctl_in KEY VALUE...: pass when the running value is one of VALUEs.
rt_sysctl_in() {
	_rv=$(sysctl -n "$1" 2>/dev/null) || { h_say "running: $1 is not in this kernel"; return 1; }
	h_say "running: $1 = $_rv"
	shift
	for _rw in "$@"; do [ "$_rv" = "$_rw" ] && return 0; done
	return 1
}

# rt_mount MOUNTPOINT OPTION...: pass when MOUNTPOINT is mounted with each
# option.
rt_mount() {
	_ro=$(findmnt -kn -o OPTIONS --mountpoint "$1" 2>/dev/null | head -n 1)
	[ -n "$_ro" ] || { h_say "running: $1 is not mounted"; return 1; }
	h_say "running: $1 mounted $(findmnt -kn -o FSTYPE --mountpoint "$1" | head -n 1) $_ro"
	_rm=$1
	shift
	for _rx in "$@"; do
		case ,$_ro, in *",$_rx,"*) ;; *) h_say "running: $_rm lacks $_rx"; return 1 ;; esac
	done
}

# rt_kmod NAME: pass when the module is not loaded and modprobe would not
# load it.
rt_kmod() {
	_rm=$(printf '%s' "$1" | tr - _)
	if grep -q "^$_rm " /proc/modules; then
		h_say "running: module $1 is loaded"
		return 1
	fi
	h_say "running: module $1 is not loaded; modprobe -n -v: $(modprobe -n -v "$1" 2>&1 | head -n 2 | tr '\n' ' ')"
}

# rt_cmdline ARG...: pass when the running kernel was booted with each
# argument.
rt_cmdline() {
	_rc=$(cat /proc/cmdline)
	h_say "running: /proc/cmdline: $_rc"
	for _ra in "$@"; do
		case " $_rc " in *" $_ra "*) ;; *) h_say "running: the kernel was not booted with $_ra"; return 1 ;; esac
	done
}

# rt_cmdline_min NAME MIN: pass when the kernel was booted with NAME=N and
# N >= MIN.
rt_cmdline_min() {
	_rv=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1)
	h_say "running: /proc/cmdline $1=${_rv:-(absent)}"
	[ -n "$_rv" ] && [ "$_rv" -ge "$2" ] 2>/dev/null
}

# rt_listen_local PROTO PORT: pass when nothing listens on PORT, or only on
# loopback addresses.
rt_listen_local() {
	h_has ss || { h_say 'running: ss is not installed'; return 1; }
	_rl=$(ss -Hln"$(printf '%.1s' "$1")" "sport = :$2" 2>/dev/null | awk '{ print $4 }')
	h_say "running: $1 port $2 listeners: $(h_flat "${_rl:-none}")"
	! printf '%s\n' "$_rl" | grep -v '^$' | grep -Evq '^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):'
}

# rt_sshd: the SSH server runs, so the configuration sshd -T reports is the
# one in effect (sshd reads it when it starts).
rt_sshd() {
	rt_active ssh.service >/dev/null || rt_active sshd.service || { h_say 'running: the SSH server is not active'; return 1; }
	h_say 'running: the SSH server is active'
}

# ---- runner (not for control bodies) --------------------------------------
H_PROTECTED='cloud-init|openssh-server|openssh-sftp-server|sudo|chrony|systemd-timesyncd|amazon-ssm-agent|google-guest-agent|google-osconfig-agent|google-compute-engine|ec2-instance-connect|systemd|systemd-sysv|apt|dpkg|libpam-modules|libpam-runtime'

# h_json: stdin as the body of a JSON string, at most 2 KiB of it.
h_json() {
	head -c 2048 | tr -d '\000-\010\013-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
		awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

h_emit() { printf '%s\n' "$1" >>"$H_RESULTS"; }

# h_emit_control RULE BEFORE AFTER FIX MS: one JSON line from the evidence
# files of RULE, in a single awk run (this runs once per control).
h_emit_control() {
	awk -v rule="$1" -v b="$2" -v a="$3" -v f="$4" -v ms="$5" \
		-v fb="$H_WORK/before.$1" -v fa="$H_WORK/after.$1" -v ff="$H_WORK/fix.$1" '
		# Replacement strings with backslashes differ between awks: split
		# and join instead (patterns as strings: mawk cannot pass /re/).
		function rep(s, re, with,   n, i, p, out) {
			n = split(s, p, re)
			out = p[1]
			for (i = 2; i <= n; i++) out = out with p[i]
			return out
		}
		function esc(s) {
			s = substr(s, 1, 2048)
			gsub(/[\001-\010\013-\037]/, "", s)
			s = rep(s, "\\\\", "\\\\")
			s = rep(s, "\"", "\\\"")
			s = rep(s, "\t", "\\t")
			return rep(s, "\n", "\\n")
		}
		!(FILENAME in seen) { seen[FILENAME] = 1; t[FILENAME] = $0; next }
		{ t[FILENAME] = t[FILENAME] "\n" $0 }
		END {
			printf "{\"t\":\"control\",\"rule\":\"%s\",\"before\":%d,\"after\":%d,\"fix\":%d,\"ms\":%d,", rule, b, a, f, ms
			printf "\"evidence_before\":\"%s\",\"evidence\":\"%s\",\"action\":\"%s\"}\n", esc(t[fb]), esc(t[fa]), esc(t[ff])
		}' "$H_WORK/before.$1" "$H_WORK/after.$1" "$H_WORK/fix.$1" >>"$H_RESULTS"
}

# h_clock sets H_NOW to a millisecond clock without starting a process
# (/proc/uptime has 10 ms resolution; date is the fallback).
h_clock() {
	if read -r _up _idle </proc/uptime 2>/dev/null; then
		_cs=${_up#*.}
		H_NOW=$(( ${_up%.*} * 1000 + ${_cs#0} * 10 ))
	else
		H_NOW=$(($(date +%s) * 1000))
	fi
}

h_now_ms() { h_clock; echo "$H_NOW"; }

h_fatal() {
	h_emit "{\"t\":\"fatal\",\"reason\":\"$(printf '%s' "$1" | h_json)\"}"
	printf 'hardening: %s\n' "$1" >&2
	h_finish
	exit 3
}

# h_finish publishes the results to the user who uploaded the script, so
# they can download and remove it (g_results_publish).
h_finish() {
	# An interrupted run leaves no download behind it.
	[ -n "${H_PREFETCH:-}" ] && kill "$H_PREFETCH" 2>/dev/null
	g_results_publish
	[ -n "${H_WORK:-}" ] && rm -rf "$H_WORK"
}

h_detect_os() {
	_osr=${H_OS_RELEASE:-/etc/os-release}
	[ -r "$_osr" ] || h_fatal "no /etc/os-release in the guest; supported: $H_SUPPORTED"
	# shellcheck source=/dev/null # os-release is the guest's
	H_OS_ID=$(. "$_osr" && printf '%s' "${ID:-}")
	# shellcheck source=/dev/null
	H_VERSION_ID=$(. "$_osr" && printf '%s' "${VERSION_ID:-}")
	# shellcheck source=/dev/null
	H_PRETTY=$(. "$_osr" && printf '%s' "${PRETTY_NAME:-}")
	# h_bench_for (generated from benchmarks/*.yml) sets H_BENCH and
	# H_PLATFORM; h_platform_<family> defines the platform layer.
	h_bench_for "$H_OS_ID:$H_VERSION_ID" ||
		h_fatal "unsupported distribution ${H_PRETTY:-$H_OS_ID $H_VERSION_ID} (os-release ID=$H_OS_ID VERSION_ID=$H_VERSION_ID); supported: $H_SUPPORTED"
	h_platform
}

h_detect_env() {
	H_CHROOT=0
	if ! [ -r /proc/1/root ] || [ "$(stat -Lc %d:%i / 2>/dev/null)" != "$(stat -Lc %d:%i /proc/1/root/. 2>/dev/null)" ]; then
		H_CHROOT=1
	fi
	H_CLOUD=$H_CLOUD_WANT
	if [ "$H_CLOUD" = auto ]; then
		H_CLOUD=none
		if [ "$H_CHROOT" = 0 ]; then
			_dmi=$(cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name /sys/class/dmi/id/bios_vendor 2>/dev/null)
			case $_dmi in *"Amazon EC2"* | *amazon*) H_CLOUD=aws ;; *Google*) H_CLOUD=gcp ;; esac
		fi
	fi
}

# h_check RULE PHASE: run RULE's check in a subshell; sets H_RC and leaves
# the evidence in $H_WORK/PHASE.RULE.
h_check() {
	( "chk_$1" ) >"$H_WORK/$2.$1" 2>&1 </dev/null
	H_RC=$?
	# After a boot, what the files say must also be what is in effect.
	if [ "$H_MODE" = boot ] && [ "$H_RC" = 0 ] && command -v "rt_$1" >/dev/null 2>&1; then
		( "rt_$1" ) >>"$H_WORK/$2.$1" 2>&1 </dev/null || H_RC=1
	fi
}

# h_flat TEXT: TEXT on one line, runs of white space as one space, trimmed.
h_flat() { printf '%s\n' "$*" | tr -s '[:space:]' ' ' | sed -e 's/^ //' -e 's/ $//'; }

# h_words LIST: the words of LIST, sorted and unique, space separated.
h_words() { printf '%s\n' "$1" | tr ' ' '\n' | grep . | sort -u | tr '\n' ' '; }

# h_pkg_sets ALL: set _inst and _rm to the packages to install and to purge
# (inst_RULE and rm_RULE print logical names, which plat_pkg_name maps) for
# the remediable controls that failed, or, when ALL is 1 (before the audit),
# for every remediable control that can apply.
h_pkg_sets() {
	_inst='' _rm='' _b='' _flag=''
	for _r in $H_RULES; do
		eval "_b=\${B_$_r-} _flag=\$X_$_r"
		[ "$_flag" = r ] || continue
		if [ "$1" = 1 ]; then
			if h_has "when_$_r" && ! "when_$_r" >/dev/null 2>&1; then continue; fi
		elif [ "$_b" != 1 ]; then
			continue
		fi
		if h_has "inst_$_r"; then
			for _p in $("inst_$_r"); do
				_p=$(plat_pkg_name "$_p")
				plat_pkg_is_installed "$_p" || _inst="$_inst $_p"
			done
		fi
		if h_has "rm_$_r"; then
			for _p in $("rm_$_r"); do
				_p=$(plat_pkg_name "$_p")
				if plat_pkg_is_installed "$_p"; then _rm="$_rm $_p"; fi
			done
		fi
	done
	_inst=$(h_words "$_inst")
	_rm=$(h_words "$_rm")
}

# h_pkg_fetch PKG...: refresh the package lists unless they are fresh, then
# download PKG; lists that looked fresh but miss a package are refreshed
# once. Sets _lists (fresh or updated), _upd and _dl (milliseconds).
h_pkg_fetch() {
	_lists=fresh _upd=0 _dl=0 _frc=0
	if ! plat_pkg_lists_fresh; then
		_lists=updated _fs=$(h_now_ms)
		plat_pkg_refresh || _frc=$?
		_upd=$(($(h_now_ms) - _fs))
	fi
	_fs=$(h_now_ms)
	[ $_frc = 0 ] && { plat_pkg_download "$@" || _frc=$?; }
	_dl=$(($(h_now_ms) - _fs))
	if [ $_frc != 0 ] && [ $_lists = fresh ]; then
		_lists=updated _frc=0 _fs=$(h_now_ms)
		plat_pkg_refresh || _frc=$?
		_upd=$((_upd + $(h_now_ms) - _fs)) _fs=$(h_now_ms)
		[ $_frc = 0 ] && { plat_pkg_download "$@" || _frc=$?; }
		_dl=$((_dl + $(h_now_ms) - _fs))
	fi
	return $_frc
}

# h_pkg_prefetch runs, in the background while a remediation audits, the
# network half of the package step for the packages the controls that can
# apply would install: the lists and the downloads. Nothing is installed.
# h_packages waits for it and uses what it fetched; a package it fetched
# that no failed control needs is deleted with the step's other downloads.
h_pkg_prefetch() {
	H_PREFETCH=
	h_pkg_sets 1
	[ -n "${_inst# }" ] || return 0
	plat_pkg_cached >"$H_WORK/cached.before"
	(
		trap - EXIT INT TERM HUP
		set -f
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		h_pkg_fetch $_inst >"$H_WORK/prefetch.log" 2>&1
		echo "_pf_rc=$? _pf_inst='$_inst' _pf_lists=$_lists _pf_upd=$_upd _pf_dl=$_dl" >"$H_WORK/prefetch"
	) </dev/null &
	H_PREFETCH=$!
}

# h_packages installs and purges, in one batch each, the packages the failed
# controls need, timed apart from the controls and split into the lists'
# update, the download, the install and the purge. The package files it
# downloaded are deleted afterwards: the image does not carry them.
h_packages() {
	_pf_rc='' _pf_inst='' _pf_lists='' _pf_upd=0 _pf_dl=0
	if [ -n "${H_PREFETCH:-}" ]; then
		wait "$H_PREFETCH"
		H_PREFETCH=
		# shellcheck source=/dev/null # written by h_pkg_prefetch
		[ -s "$H_WORK/prefetch" ] && . "$H_WORK/prefetch"
	fi
	[ -f "$H_WORK/cached.before" ] || plat_pkg_cached >"$H_WORK/cached.before"
	h_pkg_sets 0
	_t0=$(h_now_ms) _rc=0 _lists='' _upd=0 _dl=0 _ins=0 _rmms=0 _pre=false
	: >"$H_WORK/apt.log"
	[ -f "$H_WORK/prefetch.log" ] && cat "$H_WORK/prefetch.log" >>"$H_WORK/apt.log"
	set -f # package lists split into words below, never globbed
	if [ -n "${_inst# }" ]; then
		h_say "packages: installing $_inst"
		_need=''
		for _p in $_inst; do
			case " $_pf_inst " in *" $_p "*) ;; *) _need="$_need $_p" ;; esac
		done
		if [ "$_pf_rc" = 0 ] && [ -z "$_need" ]; then
			# Fetched while the audit ran.
			_pre=true _lists=$_pf_lists _upd=$_pf_upd _dl=$_pf_dl
		else
			# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
			h_pkg_fetch $_inst >>"$H_WORK/apt.log" 2>&1 || _rc=$?
		fi
		if [ $_rc = 0 ]; then
			_s=$(h_now_ms)
			# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
			plat_pkg_install $_inst >>"$H_WORK/apt.log" 2>&1 || _rc=$?
			_ins=$(($(h_now_ms) - _s))
		fi
	fi
	if [ -n "${_rm# }" ] && [ $_rc = 0 ]; then
		# Never purge what keeps the image reachable and managed, even as a
		# dependency of something a control removes.
		# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
		_hit=$(plat_pkg_simulate_purge $_rm 2>/dev/null | grep -xE "$H_PROTECTED" | tr '\n' ' ')
		if [ -n "$_hit" ]; then
			h_say "packages: refusing to purge $_rm: it would remove $_hit"
			printf 'refused: purging %s would remove %s\n' "$_rm" "$_hit" >>"$H_WORK/apt.log"
			_rc=1
		else
			h_say "packages: purging $_rm"
			_s=$(h_now_ms)
			# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
			plat_pkg_purge $_rm >>"$H_WORK/apt.log" 2>&1 || _rc=$?
			_rmms=$(($(h_now_ms) - _s))
		fi
	fi
	set +f
	plat_pkg_cached | comm -13 "$H_WORK/cached.before" - | while IFS= read -r _f; do rm -f -- "$_f"; done
	[ -n "${_inst# }${_rm# }" ] || return 0
	H_PKG_RAN=1
	h_emit "{\"t\":\"packages\",\"install\":\"$(printf '%s' "$_inst" | h_json)\",\"remove\":\"$(printf '%s' "$_rm" | h_json)\",\"rc\":$_rc,\"ms\":$(($(h_now_ms) - _t0)),\"lists\":\"$_lists\",\"prefetched\":$_pre,\"update_ms\":$_upd,\"download_ms\":$_dl,\"install_ms\":$_ins,\"remove_ms\":$_rmms,\"log\":\"$(tail -c 2048 "$H_WORK/apt.log" | h_json)\"}"
	[ $_rc = 0 ] || h_say "packages: the package manager failed ($_rc); the controls that need them will report error"
}

h_main() {
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	LC_ALL=C
	export PATH LC_ALL
	g_results_open "${1:?usage: sh script RESULTS_FILE}" || exit 70
	H_RESULTS=$G_RESULTS_PART
	umask 022
	H_WORK=$(mktemp -d) || h_fatal "cannot create a work directory"
	trap 'h_finish' EXIT
	trap 'h_finish; exit 130' INT TERM HUP
	_t0=$(h_now_ms)
	h_detect_os
	h_detect_env
	h_apply_cloud
	# The boot ID names this boot of the kernel: the after-boot audit's
	# differs from the build-time run's when the guest really rebooted.
	_boot=
	[ "$H_CHROOT" = 1 ] || _boot=$(tr -dc '0-9a-f-' </proc/sys/kernel/random/boot_id 2>/dev/null)
	if [ "$H_MODE" = boot ] && [ -z "$_boot" ]; then
		h_fatal "the after-boot audit needs a booted guest (this is a chroot or has no boot ID)"
	fi
	h_emit "{\"t\":\"start\",\"bench\":\"$H_BENCH\",\"os\":\"$(printf '%s' "$H_PRETTY" | h_json)\",\"chroot\":$H_CHROOT,\"cloud\":\"$H_CLOUD\",\"mode\":\"$H_MODE\",\"uid\":$(id -u),\"boot_id\":\"$_boot\"}"
	if [ "$H_WAIT_CLOUD_INIT" = 1 ] && [ "$H_CHROOT" = 0 ] && h_has cloud-init; then
		h_say "waiting for cloud-init to finish"
		cloud-init status --wait >/dev/null 2>&1 || h_say "cloud-init status --wait returned $? (continuing)"
	fi
	H_RULES=$("h_list_$H_BENCH" | awk '{ print $1 }')
	eval "$("h_list_$H_BENCH" | awk '{ print "X_" $1 "=" $2 }')"
	_n=$(printf '%s\n' "$H_RULES" | grep -c .)
	[ "$H_MODE" = remediate ] && h_pkg_prefetch
	h_say "auditing $_n controls for $H_PRETTY${H_CHROOT:+ }$([ "$H_CHROOT" = 1 ] && echo '(chroot)')"
	for _r in $H_RULES; do
		h_clock; _s=$H_NOW
		h_check "$_r" before
		h_clock
		eval "B_$_r=$H_RC T_$_r=$((H_NOW - _s)) F_$_r=-1"
	done
	if [ "$H_MODE" = remediate ]; then
		H_PKG_RAN=
		h_packages
		_fixed=0
		for _r in $H_RULES; do
			eval "_b=\$B_$_r _flag=\$X_$_r"
			[ "$_flag" = r ] || continue
			if [ "$_b" != 1 ]; then
				# Packages write files (logs, configuration) that a control
				# which passed may judge: check it again and fix it if the
				# package step broke it.
				if [ "$_b" != 0 ] || [ "$H_PKG_RAN" != 1 ]; then continue; fi
				h_clock; _s=$H_NOW
				h_check "$_r" recheck
				h_clock
				eval "T_$_r=\$((T_$_r + H_NOW - _s))"
				if [ "$H_RC" = 0 ] || ! command -v "fix_$_r" >/dev/null 2>&1; then continue; fi
				h_clock; _s=$H_NOW
				{
					echo "the package step changed what this control judges; fixed again:"
					( set -e; "fix_$_r" ) 2>&1 </dev/null
				} >"$H_WORK/fix.$_r"
				_frc=$? # the fix's status (the group's last command)
				eval "F_$_r=$_frc"
				_fixed=$((_fixed + 1))
				h_clock
				eval "T_$_r=\$((T_$_r + H_NOW - _s))"
				continue
			fi
			h_clock; _s=$H_NOW
			# Controls that share a file are often fixed by an earlier
			# control's remediation: check again before fixing.
			h_check "$_r" recheck
			if [ "$H_RC" = 0 ]; then
				echo "compliant after the package step or an earlier remediation in this run" >"$H_WORK/fix.$_r"
				eval "F_$_r=0"
			elif command -v "fix_$_r" >/dev/null 2>&1; then
				( set -e; "fix_$_r" ) >"$H_WORK/fix.$_r" 2>&1 </dev/null
				eval "F_$_r=$?"
			else
				echo "packages only" >"$H_WORK/fix.$_r"
				eval "F_$_r=0"
			fi
			_fixed=$((_fixed + 1))
			h_clock
			eval "T_$_r=\$((T_$_r + H_NOW - _s))"
		done
		h_say "remediated $_fixed controls; auditing again"
	fi
	_b='' _f='' _ms=''
	for _r in $H_RULES; do
		h_clock; _s=$H_NOW
		if [ "$H_MODE" = remediate ]; then
			h_check "$_r" after
		else
			eval "H_RC=\$B_$_r"
			cp "$H_WORK/before.$_r" "$H_WORK/after.$_r"
		fi
		h_clock
		eval "_b=\$B_$_r _f=\$F_$_r _ms=\$((T_$_r + H_NOW - _s))"
		[ -f "$H_WORK/fix.$_r" ] || : >"$H_WORK/fix.$_r"
		h_emit_control "$_r" "$_b" "$H_RC" "$_f" "$_ms"
	done
	h_emit "{\"t\":\"done\",\"ms\":$(($(h_now_ms) - _t0))}"
	h_say "done in $(($(h_now_ms) - _t0)) ms"
}
