# svc2_installed PKG...: the installed packages among PKG (globs allowed).
svc2_installed() { plat_pkgs_installed "$@"; }

# svc2_blockers "INSTALLED" "ALLOWED": packages outside the ALLOWED globs
# that purging INSTALLED would also remove (simulated, nothing changes).
svc2_blockers() {
	# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
	_out=$(plat_pkg_simulate_purge $1) || { printf '(simulated purge failed: %s)' "$(printf '%s' "$_out" | tail -n 1)"; return 0; }
	_bl=
	_allow=$2
	[ "$P_svc_purge_metapackages" != true ] || _allow="$_allow ubuntu-standard ubuntu-server"
	set -f
	for _x in $_out; do
		_ok=0
		for _g in $_allow; do
			# shellcheck disable=SC2254
			case $_x in $_g) _ok=1 && break ;; esac
		done
		[ $_ok = 1 ] || _bl="$_bl $_x"
	done
	set +f
	printf '%s' "${_bl# }"
}

# svc2_purgeable "PKGS" "ALSO": the installed PKGS, when purging them removes
# nothing outside PKGS and the ALSO globs; else nothing. Used in Remove.
svc2_purgeable() {
	# shellcheck disable=SC2086 # PKGS is a list of globs
	_pi=$(svc2_installed $1)
	[ -n "$_pi" ] || return 0
	[ -z "$(svc2_blockers "$_pi" "$1 $2")" ] && printf '%s' "$_pi"
	return 0
}

# svc2_off "PKGS" "ALSO" "UNITS": pass when no package of PKGS is installed,
# or when one is kept because other packages need it and UNITS are not
# enabled. Fails when the packages can be purged.
svc2_off() {
	# shellcheck disable=SC2086 # PKGS is a list of globs
	_pi=$(svc2_installed $1)
	if [ -z "$_pi" ]; then h_say "not installed: $1"; return 0; fi
	_pb=$(svc2_blockers "$_pi" "$1 $2")
	if [ -z "$_pb" ]; then
		h_say "installed: $_pi(nothing else needs it: to be purged)"
		return 1
	fi
	h_say "installed: $_pi(purging would also remove: $_pb; kept)"
	if [ -z "$3" ]; then h_say "no service to mask: remove or waive by hand"; return 1; fi
	# shellcheck disable=SC2086
	svc_not_enabled $3
}

# ---- MTA local-only mode
# svc2_loopback_list WORDS...: pass when every address is a loopback one.
svc2_loopback_list() {
	[ $# -gt 0 ] || return 1
	for _a in "$@"; do
		case $_a in loopback-only | localhost | 127.* | ::1 | '[::1]' | '<::1>') ;; *) return 1 ;; esac
	done
}

svc2_mta_check() {
	_seen='' _mrc=0
	if pkg_installed postfix >/dev/null; then
		_seen=postfix
		_v=$(postconf -h inet_interfaces 2>/dev/null)
		h_say "postfix inet_interfaces = ${_v:-(unset: all)}"
		# shellcheck disable=SC2046
		svc2_loopback_list $(printf '%s' "$_v" | tr ',' ' ') || _mrc=1
	fi
	if pkg_installed exim4-daemon-light >/dev/null || pkg_installed exim4-daemon-heavy >/dev/null; then
		_seen="$_seen exim4"
		_v=$(kv_value /etc/exim4/update-exim4.conf.conf dc_local_interfaces | tr -d "'\"")
		h_say "exim4 dc_local_interfaces = ${_v:-(unset: all)}"
		# shellcheck disable=SC2046
		svc2_loopback_list $(printf '%s' "$_v" | tr ';' ' ') || _mrc=1
	fi
	for _m in sendmail-bin opensmtpd; do
		if pkg_installed $_m >/dev/null; then
			h_say "$_m is installed: check by hand that it listens on loopback only"
			[ $_mrc = 0 ] && _mrc=3
			_seen="$_seen $_m"
		fi
	done
	[ -n "$_seen" ] || { h_say "no mail transfer agent is installed"; return 2; }
	return $_mrc
}

svc2_mta_fix() {
	if pkg_installed postfix >/dev/null; then
		postconf -e 'inet_interfaces = loopback-only'
		h_say "postfix: inet_interfaces = loopback-only"
	fi
	if [ -f /etc/exim4/update-exim4.conf.conf ]; then
		kv_set /etc/exim4/update-exim4.conf.conf dc_local_interfaces "'127.0.0.1 ; ::1'" =
		! h_has update-exim4.conf || update-exim4.conf
	fi
}

# ---- time synchronisation
# svc2_time_daemon: chrony or systemd-timesyncd, as time_sync chooses.
svc2_time_daemon() {
	case $P_time_sync in
	chrony | systemd-timesyncd) printf '%s' "$P_time_sync" ;;
	*)
		if pkg_installed chrony >/dev/null; then
			printf chrony
		elif pkg_installed systemd-timesyncd >/dev/null; then
			printf systemd-timesyncd
		else
			printf chrony
		fi
		;;
	esac
}

# svc2_time_others: the units of the installed time daemons other than the
# chosen one (a removed daemon's leftover enable links are not counted: no
# unit, nothing starts).
svc2_time_others() {
	for _tp in chrony systemd-timesyncd ntp ntpsec openntpd; do
		[ "$_tp" != "$(svc2_time_daemon)" ] || continue
		pkg_installed "$_tp" >/dev/null && printf '%s.service ' "$_tp"
	done
	return 0
}

svc2_time_check() {
	_d=$(svc2_time_daemon)
	h_say "chosen time daemon: $_d (time_sync=$P_time_sync)"
	_trc=0
	pkg_installed "$_d" || _trc=1
	svc_enabled "$_d.service" || _trc=1
	_to=$(svc2_time_others)
	h_say "other time daemons installed: ${_to:-none}"
	# shellcheck disable=SC2086
	[ -z "$_to" ] || svc_not_enabled $_to || _trc=1
	return $_trc
}

svc2_time_fix() {
	svc_enable "$(svc2_time_daemon).service"
	for _tu in $(svc2_time_others); do
		svc_not_enabled "$_tu" >/dev/null || svc_mask "$_tu"
	done
}

# svc2_time_pool: the distribution's default pool.
svc2_time_pool() {
	case $H_BENCH in
	debian12) printf '0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org' ;;
	*) printf 'ntp.ubuntu.com' ;;
	esac
}

# svc2_tsd_value KEY: KEY's list in timesyncd's files (an empty assignment
# resets it, like systemd does).
svc2_tsd_value() {
	_files=/etc/systemd/timesyncd.conf
	for _f in /usr/lib/systemd/timesyncd.conf.d/*.conf /etc/systemd/timesyncd.conf.d/*.conf; do
		[ -f "$_f" ] && _files="$_files $_f"
	done
	# shellcheck disable=SC2086
	cat $_files 2>/dev/null | awk -v k="$1" '
		{ sub(/^[ \t]+/, "") }
		index($0, k "=") == 1 { v = substr($0, length(k) + 2); if (v == "") l = ""; else l = l " " v }
		END { sub(/^ +/, "", l); print l }'
}

svc2_tsd_check() {
	pkg_installed systemd-timesyncd || return 1
	_ntp=$(svc2_tsd_value NTP)
	_fb=$(svc2_tsd_value FallbackNTP)
	h_say "timesyncd NTP=${_ntp:-(unset)} FallbackNTP=${_fb:-(unset)}; time_servers=${P_time_servers:-(distribution pool)}"
	if [ -n "$P_time_servers" ]; then
		# shellcheck disable=SC2086
		[ "$(h_flat "$_ntp")" = "$(h_flat "$P_time_servers")" ]
	else
		[ -n "$_ntp$_fb" ]
	fi
}

svc2_tsd_fix() {
	mkdir -p /etc/systemd/timesyncd.conf.d
	_s=${P_time_servers:-$(svc2_time_pool)}
	printf '# Written by packer-plugin-hardening.\n[Time]\nNTP=\nNTP=%s\n' "$(h_flat "$_s")" >/etc/systemd/timesyncd.conf.d/60-hardening.conf
	chmod 0644 /etc/systemd/timesyncd.conf.d/60-hardening.conf
	h_say "wrote /etc/systemd/timesyncd.conf.d/60-hardening.conf: NTP=$(h_flat "$_s")"
}

# svc2_chrony_files: chrony's configuration files.
svc2_chrony_files() {
	for _f in /etc/chrony/chrony.conf /etc/chrony/conf.d/*.conf /etc/chrony/sources.d/*.sources; do
		[ -f "$_f" ] && printf '%s\n' "$_f"
	done
}

svc2_chrony_check() {
	pkg_installed chrony || return 1
	# shellcheck disable=SC2046
	_src=$(awk '$1 == "server" || $1 == "pool" || $1 == "peer" { print FILENAME ": " $1 " " $2 }' $(svc2_chrony_files) 2>/dev/null)
	if [ -z "$_src" ]; then h_say "no server or pool lines"; return 1; fi
	h_say "$_src"
	_rc=0
	for _s in $P_time_servers; do
		printf '%s\n' "$_src" | awk -v s="$_s" '$3 == s { f = 1 } END { exit !f }' || { h_say "missing time server $_s"; _rc=1; }
	done
	return $_rc
}

svc2_chrony_fix() {
	_f=/etc/chrony/conf.d/60-hardening.conf
	grep -Eq '^[[:space:]]*confdir[[:space:]]+/etc/chrony/conf\.d' /etc/chrony/chrony.conf || _f=/etc/chrony/chrony.conf
	[ "$_f" = /etc/chrony/chrony.conf ] || { mkdir -p /etc/chrony/conf.d; printf '# Written by packer-plugin-hardening.\n' >"$_f"; }
	if [ -n "$P_time_servers" ]; then
		for _s in $P_time_servers; do printf 'server %s iburst\n' "$_s" >>"$_f"; done
	elif ! svc2_chrony_check >/dev/null; then
		for _s in $(svc2_time_pool); do printf 'pool %s iburst\n' "$_s" >>"$_f"; done
	fi
	chmod 0644 "$_f"
	h_say "time sources in $_f: $(grep -E '^(server|pool) ' "$_f" | tr '\n' ';')"
}

svc2_chrony_user_check() {
	pkg_installed chrony || return 1
	# shellcheck disable=SC2046
	_u=$(awk '$1 == "user" { print FILENAME ": user " $2 }' $(svc2_chrony_files) 2>/dev/null)
	_o=$(kv_value /etc/default/chrony DAEMON_OPTS | tr -d '"')
	h_say "user directives: ${_u:-none (chronyd defaults to _chrony)}; DAEMON_OPTS=$_o"
	_rc=0
	printf '%s\n' "$_u" | awk 'NF && $3 != "_chrony" { exit 1 }' || _rc=1
	case " $_o " in *" -u "*) case " $_o " in *" -u _chrony "*) ;; *) _rc=1 ;; esac ;; esac
	getent passwd _chrony >/dev/null || { h_say "no _chrony account"; _rc=1; }
	return $_rc
}

svc2_chrony_user_fix() {
	for _f in $(svc2_chrony_files); do
		sed -i -e '/^[[:space:]]*user[[:space:]]/{/[[:space:]]_chrony[[:space:]]*$/!s/^/#/;}' "$_f"
	done
	if [ -f /etc/default/chrony ]; then
		sed -i -e 's/-u[[:space:]]\{1,\}[^[:space:]"]*/-u _chrony/' /etc/default/chrony
	fi
	h_say "commented out user directives other than _chrony"
}

# ---- job schedulers
# svc2_cron: 0 when cron is installed; 1 when it is missing and will be
# installed (cron_install); 2 (not-applicable) otherwise.
svc2_cron() {
	pkg_installed cron >/dev/null && return 0
	if [ "$P_cron_install" = true ]; then
		h_say "cron is not installed (cron_install=true: it will be)"
		return 1
	fi
	h_say "cron is not installed (cron_install=false)"
	return 2
}

# svc2_allow_check FILE GROUP: FILE exists, owner root, group root or GROUP,
# no permission outside 640.
svc2_allow_check() {
	[ -e "$1" ] || { h_say "$1 does not exist"; return 1; }
	# shellcheck disable=SC2046 # three words: mode, owner, group
	set -- "$1" "$2" $(stat -c '%a %U %G' "$1")
	h_say "$1: mode $3 owner $4:$5"
	[ $((0$3 & ~0640 & 07777)) = 0 ] && [ "$4" = root ] && { [ "$5" = root ] || [ "$5" = "$2" ]; }
}

# svc2_allow_fix FILE GROUP: create FILE listing root when missing; owner
# root, group GROUP when it exists (else root), mode 640.
svc2_allow_fix() {
	[ -e "$1" ] || printf 'root\n' >"$1"
	_g=root
	getent group "$2" >/dev/null && _g=$2
	chown "root:$_g" "$1"
	chmod 0640 "$1"
	h_say "$1: now $(stat -c '%a %U:%G' "$1")"
}

# svc2_rt_chrony_user: the chronyd daemon runs as _chrony (its privileged
# helper process stays root by design: it only sets the clock).
svc2_rt_chrony_user() {
	rt_active chrony.service || return 1
	_cu=$(for _cp in /proc/[0-9]*; do
		[ "$(cat "$_cp/comm" 2>/dev/null)" = chronyd ] || continue
		getent passwd "$(awk '/^Uid:/ { print $2 }' "$_cp/status")" | cut -d: -f1
	done | sort -u | tr '\n' ' ')
	_cu=${_cu% }
	h_say "running: chronyd processes run as ${_cu:-nobody (not running)}"
	case " $_cu " in *" _chrony "*) return 0 ;; esac
	return 1
}

# svc2_rt_time: exactly one time synchronisation daemon runs.
svc2_rt_time() {
	_ct=0
	for _cu in chrony.service systemd-timesyncd.service ntp.service ntpsec.service openntpd.service; do
		[ "$(plat_svc_active "$_cu")" = active ] && { h_say "running: $_cu is active"; _ct=$((_ct + 1)); }
	done
	h_say "running: $_ct time daemons active"
	[ "$_ct" = 1 ]
}
