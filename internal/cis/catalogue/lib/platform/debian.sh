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

# plat_apt ARGS...: apt-get, unattended, keeping configuration files the
# image already has. dpkg skips its per-file fsync (--force-unsafe-io, as
# debootstrap and image builders do): an image is synced once, when it is
# captured, and a build that dies half way is not captured.
plat_apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		-o Dpkg::Options::=--force-unsafe-io "$@"
}

# plat_pkg_lists_fresh: the package lists were fetched less than an hour
# ago (by an earlier provisioner, cloud-init or this script) and no source
# changed since, so installing needs no update first. apt gives the files it
# fetches the server's modification time; their change time (ctime) is when
# they were fetched.
plat_pkg_lists_fresh() {
	_pl=/var/lib/apt/lists
	_pold=$(find "$_pl" -maxdepth 1 -type f -name '*Release' -printf '%C@ %p\n' 2>/dev/null | sort -n | head -n 1)
	[ -n "$_pold" ] || return 1
	_pold=${_pold#* }
	[ -z "$(find "$_pold" -cmin +60)" ] || return 1
	[ -z "$(find /etc/apt/sources.list /etc/apt/sources.list.d -newermc "$_pold" 2>/dev/null | head -n 1)" ]
}

# plat_pkg_refresh: fetch the package lists.
plat_pkg_refresh() { plat_apt update; }

# plat_pkg_download PKG...: fetch PKG and what it depends on into the
# package cache, installing nothing.
plat_pkg_download() { plat_apt install --no-install-recommends --download-only "$@"; }

# plat_pkg_cached: the package files in the download cache, one a line.
plat_pkg_cached() { find /var/cache/apt/archives -maxdepth 1 -type f -name '*.deb' 2>/dev/null | sort; }

# plat_pkg_install PKG...: install from the distribution's repositories (or
# the download cache), with the lists as they are: plat_pkg_refresh first.
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
	plat_apt install --no-install-recommends "$@" || _prc=$?
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
