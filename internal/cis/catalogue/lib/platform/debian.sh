# ---- platform: Debian family (Debian, Ubuntu) ------------------------------
# The only place that knows dpkg, apt-get, debconf, policy-rc.d and
# pam-auth-update. A benchmark names its platform (benchmarks/*.yml); the
# script defines these functions when the guest turns out to be one.

# plat_pkg_name NAME: the package that provides the logical package NAME on
# this platform. Rules name packages as Debian does; an RPM platform maps
# them here (auditd -> audit, libpam-pwquality -> libpwquality, ...).
plat_pkg_name() { printf '%s\n' "$1"; }

# plat_pkg_version PKG: print PKG's version and succeed when it is installed
# (not just its configuration files left).
plat_pkg_version() {
	_pv=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) || return 1
	case $_pv in "installed "*) printf '%s\n' "${_pv#installed }" ;; *) return 1 ;; esac
}

# plat_pkg_is_installed PKG: quietly true when PKG is installed.
plat_pkg_is_installed() { plat_pkg_version "$1" >/dev/null; }

# plat_pkgs_installed PKG...: the installed packages among PKG (globs
# allowed), sorted, space separated.
plat_pkgs_installed() {
	dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$@" 2>/dev/null | awk '$1 == "installed" { print $2 }' | sort -u | tr '\n' ' '
}

# plat_pkg_simulate_purge PKG...: the packages purging PKG would remove, one
# a line; nothing changes. Fails (with apt-get's output) when apt-get does.
plat_pkg_simulate_purge() {
	_ps=$(apt-get -s -q -o APT::Get::AutomaticRemove=false purge "$@" 2>&1) || { printf '%s\n' "$_ps"; return 1; }
	printf '%s\n' "$_ps" | awk '$1 == "Purg" || $1 == "Remv" { sub(/:.*/, "", $2); print $2 }'
}

plat_apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# plat_pkg_install PKG...: install from the distribution's repositories.
plat_pkg_install() {
	# In a chroot no package may start a service against the build host's
	# kernel; the rootfs builder already installs a policy-rc.d, others may not.
	_policy=
	if [ "$H_CHROOT" = 1 ] && ! [ -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && _policy=1
	fi
	# iptables-persistent would otherwise save the running (host's) rules.
	case " $* " in *" iptables-persistent "*)
		printf 'iptables-persistent iptables-persistent/autosave_v4 boolean false\niptables-persistent iptables-persistent/autosave_v6 boolean false\n' |
			debconf-set-selections >/dev/null 2>&1 ;;
	esac
	_prc=0
	{ plat_apt update && plat_apt install --no-install-recommends "$@"; } || _prc=$?
	[ -n "$_policy" ] && rm -f /usr/sbin/policy-rc.d
	return "$_prc"
}

# plat_pkg_purge PKG...: remove packages with their configuration.
plat_pkg_purge() { plat_apt purge "$@"; }

# plat_pkg_db_stamp: changes whenever a package is installed or removed.
plat_pkg_db_stamp() { stat -c %Y /var/lib/dpkg/status 2>/dev/null; }

# plat_pkg_files: every path the installed packages own, one a line.
plat_pkg_files() { cat /var/lib/dpkg/info/*.list 2>/dev/null; }

# plat_arch: the image's package architecture (amd64, arm64, ...).
plat_arch() { dpkg --print-architecture 2>/dev/null; }

# plat_pam_enable PROFILE... / plat_pam_disable PROFILE...: switch PAM
# profiles (/usr/share/pam-configs) on or off.
plat_pam_enable() { DEBIAN_FRONTEND=noninteractive pam-auth-update --enable "$@"; }
plat_pam_disable() { DEBIAN_FRONTEND=noninteractive pam-auth-update --disable "$@"; }

# plat_firewall_default: the firewall the auto setting chooses.
plat_firewall_default() { case $H_BENCH in ubuntu*) echo ufw ;; *) echo nftables ;; esac; }

# plat_mac: the mandatory access control system the benchmark requires.
plat_mac() { echo apparmor; }
