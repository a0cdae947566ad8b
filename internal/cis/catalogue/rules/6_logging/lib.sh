# ---- journald ---------------------------------------------------------------
LOG_JD_DROPIN=/etc/systemd/journald.conf.d/99-zz-hardening.conf

# log_jd_files: journald.conf and its drop-ins in systemd's order (an /etc
# drop-in masks a /usr one of the same name). /run is left out: it is empty
# at the next boot.
log_jd_files() {
	if [ -f /etc/systemd/journald.conf ]; then
		echo /etc/systemd/journald.conf
	elif [ -f /usr/lib/systemd/journald.conf ]; then
		echo /usr/lib/systemd/journald.conf
	fi
	_ljd=
	for _d in /etc/systemd/journald.conf.d /usr/local/lib/systemd/journald.conf.d /usr/lib/systemd/journald.conf.d /lib/systemd/journald.conf.d; do
		for _f in "$_d"/*.conf; do
			[ -f "$_f" ] || continue
			case " $_ljd " in *"/${_f##*/} "*) continue ;; esac
			_ljd="$_ljd $_f"
		done
	done
	for _f in $_ljd; do printf '%s %s\n' "${_f##*/}" "$_f"; done | sort | cut -d' ' -f2
}

# log_jd_value KEY: the effective [Journal] KEY and the file that sets it.
log_jd_value() {
	# shellcheck disable=SC2046
	awk -v k="$1" '
		FNR == 1 { sec = "" }
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t\[\]]/, "", sec); next }
		sec == "Journal" {
			i = index($0, "="); if (i == 0) next
			n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n)
			if (n != k) next
			v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); f = FILENAME
		}
		END { if (f != "") print v " (" f ")" }' $(log_jd_files) /dev/null
}

# log_jd_is KEY VALUE: pass when journald's effective KEY is VALUE.
log_jd_is() {
	_v=$(log_jd_value "$1")
	h_say "journald $1=${_v:-(not set)}"
	[ -n "$_v" ] && [ "$(printf '%s' "${_v% (*}" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" ]
}

# log_jd_set KEY VALUE: set KEY in our drop-in, which sorts last.
log_jd_set() {
	mkdir -p "${LOG_JD_DROPIN%/*}"
	[ -f "$LOG_JD_DROPIN" ] || printf '# Written by packer-plugin-hardening.\n[Journal]\n' >"$LOG_JD_DROPIN"
	grep -v "^[ \t]*$1[ \t]*=" "$LOG_JD_DROPIN" >"$LOG_JD_DROPIN.tmp" || true
	printf '%s=%s\n' "$1" "$2" >>"$LOG_JD_DROPIN.tmp"
	chmod 0644 "$LOG_JD_DROPIN.tmp" && mv "$LOG_JD_DROPIN.tmp" "$LOG_JD_DROPIN"
	h_say "set $1=$2 in $LOG_JD_DROPIN (journald reads it at boot)"
}

# log_jd_main_is KEY VALUE: /etc/systemd/journald.conf itself sets KEY, and
# only to VALUE. Auditors' scanners (OpenSCAP's CIS content) read that file
# and not the drop-ins, so the value is written there too.
log_jd_main_is() {
	_f=/etc/systemd/journald.conf
	_v=$(awk -v k="$1" '
		/^[ \t]*[#;]/ { next }
		{ i = index($0, "="); if (i == 0) next; n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n) }
		n == k { v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); print tolower(v) }' "$_f" 2>/dev/null | sort -u)
	_want=$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')
	[ "$_v" = "$_want" ] && return 0
	h_say "$_f sets $1 to ${_v:-nothing} itself (scanners read only this file); $1=$2 will be written there as well"
	return 1
}

# log_jd_main_set KEY VALUE: KEY=VALUE in the [Journal] section of
# /etc/systemd/journald.conf, in place of its other KEY lines (the
# distribution's commented default included). Without the file, it starts
# from the vendor copy in /usr/lib, if any.
log_jd_main_set() {
	_f=/etc/systemd/journald.conf
	if [ ! -f "$_f" ]; then
		mkdir -p "${_f%/*}"
		if [ -f /usr/lib/systemd/journald.conf ]; then cp /usr/lib/systemd/journald.conf "$_f"; else printf '[Journal]\n' >"$_f"; fi
		chmod 0644 "$_f"
	fi
	awk -v k="$1" -v v="$2" '
		function put() { if (!done) print k "=" v; done = 1 }
		/^[ \t]*\[/ { if (sec == "Journal") put(); sec = $0; gsub(/[ \t\[\]]/, "", sec); print; next }
		{ l = $0; sub(/^[ \t]*[#;]?[ \t]*/, "", l); i = index(l, "="); n = i ? substr(l, 1, i - 1) : ""; gsub(/[ \t]/, "", n) }
		n == k && sec == "Journal" { put(); next }
		n == k && $0 !~ /^[ \t]*[#;]/ { next }
		{ print }
		END { if (!done) { if (sec != "Journal") print "[Journal]"; put() } }' "$_f" >"$_f.tmp"
	cat "$_f.tmp" >"$_f" && rm -f "$_f.tmp"
	h_say "set $1=$2 in $_f too (where scanners read it)"
}

log_jd_rotation_check() {
	_lrc=0
	for _kv in $P_journald_rotation; do
		log_jd_is "${_kv%%=*}" "${_kv#*=}" || _lrc=1
	done
	return $_lrc
}

# log_journal_tmpfiles_check: the journal entries of the effective
# tmpfiles.d systemd.conf: files 0640, directories 2755 or stricter.
log_journal_tmpfiles_check() {
	_tf=
	for _f in /etc/tmpfiles.d/systemd.conf /usr/lib/tmpfiles.d/systemd.conf /lib/tmpfiles.d/systemd.conf; do
		[ -f "$_f" ] && { _tf=$_f; break; }
	done
	[ -n "$_tf" ] || { h_say "no tmpfiles.d/systemd.conf: journald creates its files 0640 root:systemd-journal itself"; return 0; }
	awk -v f="$_tf" '
		function bad(m, max,   i, a, b, bit) {
			while (length(m) < 4) m = "0" m
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 0) return 1
			}
			return 0
		}
		/^[ \t]*#/ || NF < 3 { next }
		$2 ~ /^\/(var|run)\/log\/journal/ && $1 ~ /^[zZdDfFvq]/ {
			m = $3; sub(/^[~:]+/, "", m)
			max = ($2 ~ /\.journal$/) ? "0640" : "2755"
			ok = 1
			if (m != "-" && m ~ /^[0-7]+$/ && bad(m, max)) ok = 0
			if (NF >= 4 && $4 != "-" && $4 != "root") ok = 0
			if (NF >= 5 && $5 != "-" && $5 != "root" && $5 != "systemd-journal") ok = 0
			printf "%s: %s %s (%s)\n", f, $2, $3 " " $4 " " $5, ok ? "ok" : "too open, want " max " root systemd-journal"
			if (!ok) rc = 1
		}
		END { exit rc }' "$_tf"
}

# log_single_check: only the chosen logger is enabled.
log_single_check() {
	h_say "log_logger=$P_log_logger"
	if [ "$P_log_logger" = rsyslog ]; then
		_lrc=0
		svc_enabled rsyslog.service || _lrc=1
		svc_not_enabled syslog-ng.service || _lrc=1
		return $_lrc
	fi
	_lrc=0
	svc_enabled systemd-journald.service || _lrc=1
	svc_not_enabled rsyslog.service syslog-ng.service || _lrc=1
	return $_lrc
}

log_single_fix() {
	if [ "$P_log_logger" = rsyslog ]; then
		svc_enable rsyslog.service
		_others=syslog-ng.service
	else
		plat_svc_unmask systemd-journald.service
		_others="rsyslog.service syslog-ng.service"
	fi
	for _u in $_others; do
		if unit_exists "$_u"; then plat_svc_disable "$_u" && h_say "disabled $_u (log_logger=$P_log_logger)"; fi
	done
}

# log_upload_value KEY: [Upload] KEY of journal-upload.conf and its drop-ins.
log_upload_value() {
	# shellcheck disable=SC2046
	awk -v k="$1" '
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { next }
		{ i = index($0, "="); if (i == 0) next
		  n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n); if (n != k) next
		  v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v) }
		END { if (v != "") print v }' $(ls /etc/systemd/journal-upload.conf /etc/systemd/journal-upload.conf.d/*.conf 2>/dev/null) /dev/null
}

# log_upload_url: print the URL the upload will use (configured, or the
# parameter); fails when there is none.
log_upload_url() {
	_u=$(log_upload_value URL)
	[ -n "$_u" ] || _u=$P_journald_upload_url
	[ -n "$_u" ] && printf '%s\n' "$_u"
}

log_upload_check() {
	_cur=$(log_upload_value URL)
	if [ -z "$_cur" ] && [ -z "$P_journald_upload_url" ]; then
		h_say 'no URL in journal-upload.conf and parameter journald_upload_url is empty: set it to your systemd-journal-remote server'
		return 3
	fi
	_lrc=0
	if [ -n "$P_journald_upload_url" ] && [ "$_cur" != "$P_journald_upload_url" ]; then
		h_say "URL=${_cur:-(not set)}, want $P_journald_upload_url"
		_lrc=1
	else
		h_say "URL=$_cur"
	fi
	for _k in ServerKeyFile ServerCertificateFile TrustedCertificateFile; do
		_v=$(log_upload_value "$_k")
		if [ -z "$_v" ]; then
			h_say "$_k is not set"
			_lrc=1
		elif [ -e "$_v" ]; then
			h_say "$_k=$_v (present)"
		else
			h_say "$_k=$_v (not in the image yet: provide it before the first boot)"
		fi
	done
	return $_lrc
}

log_upload_fix() {
	[ -n "$P_journald_upload_url" ] || { h_say 'journald_upload_url is empty: nothing to configure'; return 0; }
	_f=/etc/systemd/journal-upload.conf
	[ -f "$_f" ] || printf '[Upload]\n' >"$_f"
	grep -q '^[ \t]*\[Upload\]' "$_f" || printf '[Upload]\n' >>"$_f"
	kv_set "$_f" URL "$P_journald_upload_url" =
	[ -n "$(log_upload_value ServerKeyFile)" ] || kv_set "$_f" ServerKeyFile "$P_journald_upload_key" =
	[ -n "$(log_upload_value ServerCertificateFile)" ] || kv_set "$_f" ServerCertificateFile "$P_journald_upload_cert" =
	[ -n "$(log_upload_value TrustedCertificateFile)" ] || kv_set "$_f" TrustedCertificateFile "$P_journald_upload_trust" =
	chmod 0644 "$_f"
}

# ---- rsyslog ------------------------------------------------------------------
log_rs_files() { ls /etc/rsyslog.conf /etc/rsyslog.d/*.conf 2>/dev/null; }

# log_rs_active: active (uncommented) lines of the rsyslog configuration,
# prefixed by their file.
log_rs_active() {
	# shellcheck disable=SC2046
	awk '/^[ \t]*#/ || /^[ \t]*$/ { next } { print FILENAME ": " $0 }' $(log_rs_files) /dev/null
}

log_rs_valid() {
	h_has rsyslogd || return 0
	rsyslogd -N1 >/dev/null 2>&1
}

log_rs_mode_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 1; }
	# shellcheck disable=SC2016 # rsyslog's $FileCreateMode directive
	_m=$(log_rs_active | grep -Ei '\$FileCreateMode|fileCreateMode[ \t]*=')
	[ -n "$_m" ] || { h_say "no FileCreateMode set: rsyslog's default is 0644"; return 1; }
	printf '%s\n' "$_m"
	_lrc=0
	for _v in $(printf '%s\n' "$_m" | sed -E 's/.*[Ff]ile[Cc]reate[Mm]ode[ \t]*=?[ \t]*"?([0-7]+).*/\1/'); do
		[ $((0$_v & 0137)) = 0 ] || { h_say "mode $_v is more permissive than 0640"; _lrc=1; }
	done
	return $_lrc
}

log_rs_mode_fix() {
	for _f in $(log_rs_files); do
		awk '
			/^[ \t]*#/ { print; next }
			/^[ \t]*\$FileCreateMode[ \t]/ { m = $2; if (m !~ /^0?[0246][04]0$/) { print "$FileCreateMode 0640"; next } }
			{ print }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f" && rm -f "$_f.hardening.tmp"
		sed -i -E '/^[ \t]*#/! s/(fileCreateMode[ \t]*=[ \t]*")[0-7]+(")/\10640\2/I' "$_f"
	done
	# shellcheck disable=SC2016 # rsyslog's $FileCreateMode directive
	if ! log_rs_active | grep -Eqi '\$FileCreateMode|fileCreateMode[ \t]*='; then
		{ printf '%s\n' "\$FileCreateMode 0640"; cat /etc/rsyslog.conf; } >/etc/rsyslog.conf.hardening.tmp &&
			cat /etc/rsyslog.conf.hardening.tmp >/etc/rsyslog.conf && rm -f /etc/rsyslog.conf.hardening.tmp
	fi
	log_rs_mode_check
}

log_rs_remote_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 1; }
	_fw=$(log_rs_active | grep -Ei 'omfwd|[^a-z]@@?[a-z0-9\[]')
	if [ -z "$P_rsyslog_remote" ]; then
		[ -n "$_fw" ] && { printf '%s\n' "$_fw"; return 0; }
		h_say 'no forwarding rule and parameter rsyslog_remote is empty: set it to your log host'
		return 3
	fi
	_host=${P_rsyslog_remote%:*}
	printf '%s\n' "$_fw" | grep -F -- "$_host" && return 0
	h_say "no rule forwards to $P_rsyslog_remote"
	return 1
}

log_rs_remote_fix() {
	[ -n "$P_rsyslog_remote" ] || { h_say 'rsyslog_remote is empty: nothing to configure'; return 0; }
	_host=${P_rsyslog_remote%:*} _port=514
	case $P_rsyslog_remote in *:*) _port=${P_rsyslog_remote##*:} ;; esac
	_f=/etc/rsyslog.d/90-hardening-remote.conf
	printf '# Written by packer-plugin-hardening: forward everything to the log host.\n*.* action(type="omfwd" target="%s" port="%s" protocol="tcp" action.resumeRetryCount="100" queue.type="LinkedList" queue.size="1000")\n' "$_host" "$_port" >"$_f"
	chmod 0644 "$_f"
	if ! log_rs_valid; then rm -f "$_f"; h_say "rsyslogd -N1 rejected the forwarding rule for $P_rsyslog_remote"; return 1; fi
	h_say "wrote $_f ($_host:$_port, TCP)"
}

LOG_RS_LISTEN='imtcp|imudp|imrelp|InputTCPServerRun|UDPServerRun|InputUDPServerRun|InputRELPServerRun'

log_rs_listen_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 0; }
	# "|| true": the fix ends with this check, and fixes run under set -e.
	_l=$(log_rs_active | grep -E "$LOG_RS_LISTEN" || true)
	[ -z "$_l" ] && { h_say "no network input in the rsyslog configuration"; return 0; }
	printf '%s\n' "$_l"
	return 1
}

log_rs_listen_fix() {
	for _f in $(log_rs_files); do
		cp -p "$_f" "$_f.hardening.bak"
		sed -i -E "/^[ \t]*#/! { /$LOG_RS_LISTEN/ s/^/# disabled by packer-plugin-hardening: / }" "$_f"
	done
	if ! log_rs_valid; then
		for _f in $(log_rs_files); do mv "$_f.hardening.bak" "$_f"; done
		h_say "rsyslogd -N1 rejected the result (multi-line input block?): restored; edit the configuration by hand"
		return 1
	fi
	for _f in $(log_rs_files); do rm -f "$_f.hardening.bak"; done
	log_rs_listen_check
}

log_logrotate_check() {
	_lrc=0
	pkg_installed logrotate || _lrc=1
	if [ -f /etc/logrotate.d/rsyslog ]; then h_say "/etc/logrotate.d/rsyslog exists"; else h_say "no /etc/logrotate.d/rsyslog"; _lrc=1; fi
	if unit_exists logrotate.timer; then
		svc_enabled logrotate.timer || _lrc=1
	elif [ -x /etc/cron.daily/logrotate ]; then
		h_say "/etc/cron.daily/logrotate runs it"
	else
		h_say "nothing runs logrotate"; _lrc=1
	fi
	return $_lrc
}

# ---- /var/log --------------------------------------------------------------------
# log_varlog_scan: one walk of /var/log; prints "path<TAB>mode<TAB>owner<TAB>group<TAB>why"
# with the corrected values for each file outside what CIS expects.
log_varlog_scan() {
	_umin=$(awk '/^[ \t]*UID_MIN[ \t]/ { v = $2 } END { print (v + 0 ? v : 1000) }' /etc/login.defs 2>/dev/null)
	# system accounts (uid < UID_MIN) may own their service's logs: taking
	# them away would stop the service logging (postgres, www-data, _chrony...).
	_svc=$(awk -F: -v m="${_umin:-1000}" '$3 > 0 && $3 < m { printf "%s ", $1 }' /etc/passwd)
	_adm=root
	getent group adm >/dev/null 2>&1 && _adm=adm
	_utmp=root
	getent group utmp >/dev/null 2>&1 && _utmp=utmp
	find /var/log -xdev -type f -exec stat -c '%a	%U	%G	%u	%g	%n' {} + 2>/dev/null | awk -F'\t' -v svc=" $_svc" -v adm="$_adm" -v utmp="$_utmp" '
		function fixmode(m, max,   i, a, b, bit, out, d) {
			while (length(m) < 4) m = "0" m
			out = ""
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0; d = 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 1) d += bit
				out = out d
			}
			return out
		}
		function inlist(x, l) { return index(" " l " ", " " x " ") > 0 }
		{
			mode = $1; own = $2; grp = $3; path = $6
			# systemd DynamicUser ids have no passwd entry: keep them
			if (own == "UNKNOWN" && $4 >= 61184 && $4 <= 65519) own = "dynamic"
			if (grp == "UNKNOWN" && $5 >= 61184 && $5 <= 65519) grp = "dynamic"
			n = split(path, parts, "/"); base = parts[n]
			if (base ~ /^(lastlog|wtmp|btmp)([.-].*)?$/ || base == "README") {
				max = "0664"; owners = "root"; groups = "root utmp"; fo = "root"; fg = utmp
			} else if (base ~ /^(secure|auth\.log|syslog|messages)([.-].*)?$/) {
				max = "0640"; owners = "root syslog"; groups = "root adm"; fo = "root"; fg = adm
			} else if (path ~ /\/(sssd|SSSD)\//) {
				max = "0660"; owners = "root sssd SSSD"; groups = "root sssd SSSD"; fo = "root"; fg = "root"
			} else if (path ~ /\/gdm3?\//) {
				max = "0660"; owners = "root"; groups = "root gdm gdm3"; fo = "root"; fg = "root"
			} else if (base ~ /\.journal~?$/) {
				max = "0640"; owners = "root"; groups = "root systemd-journal"; fo = "root"; fg = "systemd-journal"
			} else {
				max = "0640"; owners = "root syslog"; groups = "root adm"; fo = "root"; fg = adm
				if (inlist(own, svc)) { owners = owners " " own; groups = groups " " own }
				if (own == "dynamic") { owners = owners " dynamic"; groups = groups " dynamic" }
			}
			nm = fixmode(mode, max); why = ""
			if (nm + 0 != mode + 0) why = why " mode " mode ">" max
			no = "-"; ng = "-"
			if (!inlist(own, owners)) { no = fo; why = why " owner " (own == "UNKNOWN" ? $4 : own) }
			if (!inlist(grp, groups)) { ng = fg; why = why " group " (grp == "UNKNOWN" ? $5 : grp) }
			if (why != "") printf "%s\t%s\t%s\t%s\t%s\n", path, nm, no, ng, why
			total++
		}
		END { printf "#\t%d\n", total }'
}

log_varlog_check() {
	_out=$(log_varlog_scan)
	_n=$(printf '%s\n' "$_out" | awk -F'\t' '$1 == "#" { print $2 }')
	_bad=$(printf '%s\n' "$_out" | grep -vc '^#	')
	h_say "/var/log: ${_n:-0} files, $_bad outside what CIS expects"
	printf '%s\n' "$_out" | awk -F'\t' '$1 != "#" && n++ < 40 { print $1 ":" $5 }'
	[ "$_bad" = 0 ]
}

log_varlog_fix() {
	log_varlog_scan | while IFS='	' read -r _p _m _o _g _why; do
		[ "$_p" = "#" ] && continue
		chmod "$_m" "$_p"
		[ "$_o" = - ] || chown "$_o" "$_p"
		[ "$_g" = - ] || chgrp "$_g" "$_p"
		h_say "$_p: now $(stat -c '%a %U:%G' "$_p") (was$_why)"
	done
}

# ---- auditd: kernel command line -----------------------------------------------
AUDIT_GRUB_DROPIN=/etc/default/grub.d/99-hardening-audit.cfg

# audit_grub_defaults: the kernel arguments /etc/default/grub and grub.d give.
audit_grub_defaults() {
	(
		GRUB_CMDLINE_LINUX='' GRUB_CMDLINE_LINUX_DEFAULT=
		{
			# shellcheck source=/dev/null # the image's GRUB settings
			[ -f /etc/default/grub ] && . /etc/default/grub
			# shellcheck source=/dev/null
			for _f in /etc/default/grub.d/*.cfg; do [ -f "$_f" ] && . "$_f"; done
		} >/dev/null 2>&1
		printf '%s %s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
	)
}

# audit_arg_ok NAME WANT MODE ARGS...: the last NAME= in ARGS equals WANT
# (MODE min: is at least WANT).
audit_arg_ok() {
	_n=$1 _w=$2 _md=$3
	shift 3
	_got=
	for _a in "$@"; do case $_a in "$_n="*) _got=${_a#*=} ;; esac; done
	[ -n "$_got" ] || return 1
	if [ "$_md" = min ]; then
		case $_got in *[!0-9]*) return 1 ;; esac
		[ "$_got" -ge "$_w" ]
	else
		[ "$_got" = "$_w" ]
	fi
}

# audit_boot_arg_check NAME VALUE [min]
audit_boot_arg_check() {
	_lrc=0
	_grubcfg=
	for _f in /boot/grub/grub.cfg /boot/grub2/grub.cfg; do [ -f "$_f" ] && { _grubcfg=$_f; break; }; done
	# shellcheck disable=SC2046
	if audit_arg_ok "$1" "$2" "${3:-eq}" $(audit_grub_defaults); then
		h_say "grub defaults give $1=$2${3:+ or more}"
	else
		h_say "grub defaults (/etc/default/grub, grub.d) do not give $1=$2${3:+ or more}"
		_lrc=1
	fi
	if [ -n "$_grubcfg" ]; then
		_bad=0 _cnt=0
		_lines=$(grep -E '^[[:space:]]*linux(efi)?[[:space:]]' "$_grubcfg")
		while read -r _l; do
			[ -n "$_l" ] || continue
			_cnt=$((_cnt + 1))
			# shellcheck disable=SC2086
			audit_arg_ok "$1" "$2" "${3:-eq}" $_l || _bad=$((_bad + 1))
		done <<EOF
$_lines
EOF
		h_say "$_grubcfg: $_bad of $_cnt kernel entries lack $1=$2${3:+ or more}"
		[ "$_bad" = 0 ] && [ "$_cnt" -gt 0 ] || _lrc=1
	else
		h_say "no grub.cfg in the image: the bootloader installed later must read /etc/default/grub.d"
	fi
	_el=$(esp_kernel_lines)
	if [ -n "$_el" ]; then
		_bad=0
		while read -r _l; do
			# shellcheck disable=SC2086
			audit_arg_ok "$1" "$2" "${3:-eq}" $_l || _bad=$((_bad + 1))
		done <<EOF
$_el
EOF
		h_say "$H_ESP_GRUB_CFG (the disk's boot configuration): $_bad kernel lines lack $1=$2${3:+ or more}"
		[ "$_bad" = 0 ] || _lrc=1
	fi
	if [ -f /etc/kernel/cmdline ]; then
		# shellcheck disable=SC2046
		if audit_arg_ok "$1" "$2" "${3:-eq}" $(cat /etc/kernel/cmdline); then h_say "/etc/kernel/cmdline has it"; else h_say "/etc/kernel/cmdline lacks it"; _lrc=1; fi
	fi
	return $_lrc
}

# audit_boot_arg_set NAME VALUE: our grub.d drop-in appends NAME=VALUE to
# GRUB_CMDLINE_LINUX; grub.cfg is regenerated when grub is installed.
audit_boot_arg_set() {
	mkdir -p /etc/default/grub.d
	[ -f "$AUDIT_GRUB_DROPIN" ] || printf '# Written by packer-plugin-hardening: kernel arguments for auditing.\n' >"$AUDIT_GRUB_DROPIN"
	grep -v "[ \"]$1=" "$AUDIT_GRUB_DROPIN" >"$AUDIT_GRUB_DROPIN.tmp" || true
	# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX is for GRUB's shell, not ours
	printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX %s=%s"\n' "$1" "$2" >>"$AUDIT_GRUB_DROPIN.tmp"
	chmod 0644 "$AUDIT_GRUB_DROPIN.tmp" && mv "$AUDIT_GRUB_DROPIN.tmp" "$AUDIT_GRUB_DROPIN"
	h_say "wrote $1=$2 to $AUDIT_GRUB_DROPIN"
	# shellcheck disable=SC2046
	if ! audit_arg_ok "$1" "$2" eq $(audit_grub_defaults); then
		# GRUB_CMDLINE_LINUX_DEFAULT comes later on the command line: repeat it there.
		# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX_DEFAULT is for GRUB's shell
		printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT %s=%s"\n' "$1" "$2" >>"$AUDIT_GRUB_DROPIN"
		h_say "GRUB_CMDLINE_LINUX_DEFAULT sets another $1: repeated $1=$2 there"
	fi
	if [ -f /etc/kernel/cmdline ]; then
		_c=$(tr ' ' '\n' </etc/kernel/cmdline | grep -v "^$1=" | tr '\n' ' ')
		printf '%s%s=%s\n' "$_c" "$1" "$2" >/etc/kernel/cmdline
		h_say "added $1=$2 to /etc/kernel/cmdline"
	fi
	esp_cmdline_set "$1=$2"
	if [ -f /boot/grub/grub.cfg ] && h_has update-grub; then
		update-grub >/dev/null 2>&1 && h_say "ran update-grub"
	else
		h_say "grub is not installed: grub.cfg not regenerated (the bootloader must use /etc/default/grub.d)"
	fi
}

# ---- auditd: auditd.conf ------------------------------------------------------------
audit_conf_value() { kv_value /etc/audit/auditd.conf "$1"; }

# audit_conf_is KEY WANT [ACCEPTED...]: pass when KEY is WANT or, when a
# list is given, any accepted value.
audit_conf_is() {
	[ -f /etc/audit/auditd.conf ] || { h_say "no /etc/audit/auditd.conf (auditd is not installed)"; return 1; }
	_k=$1 _w=$2
	shift 2
	_v=$(audit_conf_value "$_k" | tr '[:upper:]' '[:lower:]')
	h_say "auditd.conf $_k = ${_v:-(not set)}"
	[ $# -gt 0 ] || set -- "$_w"
	for _a in "$@"; do [ "$_v" = "$_a" ] && return 0; done
	return 1
}

audit_conf_set() { kv_set /etc/audit/auditd.conf "$1" "$2" " = "; }

# ---- auditd: rules ----------------------------------------------------------------
AUDIT_RULES_D=/etc/audit/rules.d

audit_uid_min() {
	_u=$(awk '/^[ \t]*UID_MIN[ \t]/ { v = $2 } END { print v }' /etc/login.defs 2>/dev/null)
	echo "${_u:-1000}"
}

# audit_arches: "arch:table" pairs for the image (not the build host).
audit_arches() {
	case $(plat_arch) in
	amd64) echo "b64:x86_64 b32:i386" ;;
	arm64) echo "b64:aarch64 b32:arm" ;;
	i386) echo "b32:i386" ;;
	armhf | armel) echo "b32:arm" ;;
	*) echo "b64: b32:" ;;
	esac
}

# audit_sys TABLE LIST: the syscalls of LIST the table knows (all of LIST
# when ausyscall is not available), comma separated.
audit_sys() {
	if [ -z "$1" ] || ! h_has ausyscall; then printf '%s' "$2"; return 0; fi
	_c="${H_WORK:-/tmp}/ausyscall.$1"
	[ -s "$_c" ] || ausyscall "$1" --dump 2>/dev/null | awk 'NF == 2 && $1 ~ /^[0-9]+$/ { print $2 }' >"$_c"
	printf '%s' "$2" | tr ',' '\n' | grep -Fxf "$_c" | paste -sd, -
}

# audit_sc SYSCALLS REST: one rule per architecture of the image.
audit_sc() {
	for _ar in $(audit_arches); do
		_s=$(audit_sys "${_ar#*:}" "$1")
		[ -n "$_s" ] && printf '%s\n' "-a always,exit -F arch=${_ar%%:*} -S $_s $2"
	done
	return 0
}

# audit_sudo_log: the file sudo logs to (Defaults logfile=), or the CIS one.
audit_sudo_log() {
	_s=$(cat /etc/sudoers /etc/sudoers.d/* 2>/dev/null | grep -E '^[[:space:]]*Defaults.*logfile[[:space:]]*=' |
		sed -E 's/.*logfile[[:space:]]*=[[:space:]]*"?([^",[:space:]]+).*/\1/' | tail -n 1)
	echo "${_s:-/var/log/sudo.log}"
}

# audit_priv_files: setuid and setgid files on the image's local filesystems.
audit_priv_files() {
	_c="${H_WORK:-/tmp}/audit-priv.$(plat_pkg_db_stamp)"
	if ! [ -f "$_c" ]; then
		_roots=/
		if [ "${H_CHROOT:-1}" = 0 ] && h_has findmnt; then
			_roots=$(findmnt -n -l -o TARGET,OPTIONS -t ext2,ext3,ext4,xfs,btrfs,f2fs,jfs,zfs | awk '$2 !~ /(^|,)(nosuid|noexec)(,|$)/ { print $1 }')
		fi
		# shellcheck disable=SC2086
		find $_roots -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \) -prune -o \
			-type f \( -perm -4000 -o -perm -2000 \) -print 2>/dev/null | sort -u >"$_c"
	fi
	cat "$_c"
}

# audit_expect TOPIC: the rules CIS wants for TOPIC on this image.
audit_expect() {
	_um=$(audit_uid_min)
	_usr="-F auid>=$_um -F auid!=unset"
	case $1 in
	scope)
		printf '%s\n' "-w /etc/sudoers -p wa -k scope" "-w /etc/sudoers.d -p wa -k scope" ;;
	user_emulation)
		audit_sc execve "-C euid!=uid -F auid!=unset -k user_emulation" ;;
	sudo_log)
		echo "-w $(audit_sudo_log) -p wa -k sudo_log_file" ;;
	time_change)
		audit_sc adjtimex,settimeofday "-k time-change"
		audit_sc clock_settime "-F a0=0x0 -k time-change"
		echo "-w /etc/localtime -p wa -k time-change" ;;
	network)
		audit_sc sethostname,setdomainname "-k system-locale"
		for _p in /etc/issue /etc/issue.net /etc/hosts /etc/hostname /etc/networks /etc/network /etc/netplan; do
			echo "-w $_p -p wa -k system-locale"
		done ;;
	privileged)
		audit_priv_files | while read -r _p; do echo "-a always,exit -F path=$_p -F perm=x $_usr -k privileged"; done ;;
	access)
		audit_sc creat,open,openat,truncate,ftruncate "-F exit=-EACCES $_usr -k access"
		audit_sc creat,open,openat,truncate,ftruncate "-F exit=-EPERM $_usr -k access" ;;
	identity)
		for _p in /etc/group /etc/passwd /etc/gshadow /etc/shadow /etc/security/opasswd /etc/nsswitch.conf /etc/pam.conf /etc/pam.d; do
			echo "-w $_p -p wa -k identity"
		done ;;
	perm_mod)
		audit_sc chmod,fchmod,fchmodat "$_usr -k perm_mod"
		audit_sc chown,fchown,lchown,fchownat "$_usr -k perm_mod"
		audit_sc setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr "$_usr -k perm_mod" ;;
	mounts)
		audit_sc mount "$_usr -k mounts" ;;
	session)
		printf '%s\n' "-w /var/run/utmp -p wa -k session" "-w /var/log/wtmp -p wa -k session" "-w /var/log/btmp -p wa -k session" ;;
	logins)
		printf '%s\n' "-w /var/log/lastlog -p wa -k logins" "-w /var/run/faillock -p wa -k logins" ;;
	delete)
		audit_sc unlink,unlinkat,rename,renameat "$_usr -k delete" ;;
	mac_policy)
		printf '%s\n' "-w /etc/apparmor -p wa -k MAC-policy" "-w /etc/apparmor.d -p wa -k MAC-policy" ;;
	chcon | setfacl | chacl)
		echo "-a always,exit -F path=/usr/bin/$1 -F perm=x $_usr -k perm_chng" ;;
	usermod)
		echo "-a always,exit -F path=/usr/sbin/usermod -F perm=x $_usr -k usermod" ;;
	kernel_modules)
		audit_sc init_module,finit_module,delete_module,create_module,query_module "$_usr -k kernel_modules"
		echo "-a always,exit -F path=/usr/bin/kmod -F perm=x $_usr -k kernel_modules" ;;
	immutable)
		echo "-e 2" ;;
	esac
}

audit_rules_file() {
	case $1 in
	immutable) echo "$AUDIT_RULES_D/99-zz-hardening-finalize.rules" ;;
	*) echo "$AUDIT_RULES_D/60-hardening-$(echo "$1" | tr _ -).rules" ;;
	esac
}

# audit_covered: reads wanted rules on stdin; pass when each is covered by
# the active rules of rules.d (same action and filters, whatever the key,
# the order of fields or the split of syscalls over lines; watches with at
# least the wanted permissions).
audit_covered() {
	_want="${H_WORK:-/tmp}/audit-want.$$"
	cat >"$_want"
	# shellcheck disable=SC2046
	awk -v wf="$_want" '
		function canon(line,   n, t, i, f, k, fl, a, j, tmp) {
			C_act = ""; C_sys = ""; C_w = ""; C_p = ""; fl = ""; k = 0
			gsub(/^[ \t]+|[ \t]+$/, "", line)
			n = split(line, t, /[ \t]+/)
			for (i = 1; i <= n; i++) {
				if (t[i] == "-a" || t[i] == "-A") { C_act = t[++i]; if (C_act == "exit,always") C_act = "always,exit" }
				# auditctl -l prints path rules with "-S all": no syscall list.
				else if (t[i] == "-S") { if (t[++i] != "all") C_sys = C_sys "," t[i] }
				else if (t[i] == "-F" || t[i] == "-C") {
					f = t[++i]
					if (f ~ /^(key|k)=/) continue
					sub(/^auid!=(-1|4294967295)$/, "auid!=unset", f)
					# A comparison of two fields reads the same both ways
					# (auditctl -l prints -C euid!=uid as -C uid!=euid).
					if (t[i - 1] == "-C" && match(f, /!?=/)) {
						lhs = substr(f, 1, RSTART - 1); op = substr(f, RSTART, RLENGTH); rhs = substr(f, RSTART + RLENGTH)
						if (lhs > rhs) f = rhs op lhs
					}
					a[++k] = (t[i - 1] == "-C" ? "C:" : "") f
				}
				else if (t[i] == "-k") i++
				else if (t[i] == "-w") { C_w = t[++i]; sub(/\/+$/, "", C_w) }
				else if (t[i] == "-p") C_p = t[++i]
			}
			for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j >= 1 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
			for (i = 1; i <= k; i++) fl = fl " " a[i]
			C_key = C_act "|" fl
		}
		FILENAME == wf {
			if ($0 !~ /^[ \t]*$/) want[++nw] = $0
			next
		}
		/^[ \t]*#/ { next }
		/^[ \t]*-[aAw][ \t]/ {
			canon($0)
			if (C_w != "") { W[C_w] = W[C_w] C_p; next }
			if (C_sys == "") NOSYS[C_key] = 1
			else SYS[C_key] = SYS[C_key] C_sys ","
		}
		END {
			for (r = 1; r <= nw; r++) {
				canon(want[r]); ok = 1
				if (C_w != "") {
					for (i = 1; i <= length(C_p); i++) if (index(W[C_w], substr(C_p, i, 1)) == 0) ok = 0
				} else if (C_sys == "") {
					ok = (C_key in NOSYS)
				} else {
					ns = split(substr(C_sys, 2), s, ",")
					for (i = 1; i <= ns; i++) if (index("," SYS[C_key], "," s[i] ",") == 0) ok = 0
				}
				if (ok) good++
				else { bad++; if (bad <= 25) print "missing: " want[r] }
			}
			printf "%d of %d wanted rules present in %s\n", good, nw, where
			exit bad > 0
		}' where="${AUDIT_COVER_WHERE:-/etc/audit/rules.d}" "$_want" $(if [ -n "${AUDIT_COVER_FROM:-}" ]; then echo "$AUDIT_COVER_FROM"; else ls "$AUDIT_RULES_D"/*.rules 2>/dev/null; fi)
	_arc=$?
	rm -f "$_want"
	return $_arc
}

audit_rules_check() {
	[ -d "$AUDIT_RULES_D" ] || { h_say "no $AUDIT_RULES_D (auditd is not installed)"; return 1; }
	_exp=$(audit_expect "$1")
	[ -n "$_exp" ] || { h_say "no rule applies to this image"; return 0; }
	printf '%s\n' "$_exp" | audit_covered
}

# audit_regen: compile rules.d into /etc/audit/audit.rules; never loads them.
audit_regen() {
	h_has augenrules || { h_say "augenrules is not installed"; return 1; }
	augenrules
}

# audit_rules_write TOPIC: our file for TOPIC holds exactly the wanted rules.
audit_rules_write() {
	mkdir -p "$AUDIT_RULES_D"
	_f=$(audit_rules_file "$1")
	{
		printf '## Written by packer-plugin-hardening (%s). Loaded by auditd at boot.\n' "$1"
		audit_expect "$1"
	} >"$_f.tmp"
	chmod 0640 "$_f.tmp" && mv "$_f.tmp" "$_f"
	h_say "wrote $_f ($(grep -c '^-' "$_f") rules)"
	audit_regen >/dev/null
}

audit_immutable_check() {
	[ -d "$AUDIT_RULES_D" ] || { h_say "no $AUDIT_RULES_D (auditd is not installed)"; return 1; }
	_e=
	_fs=$(ls -1v "$AUDIT_RULES_D") # version order, as augenrules reads them
	for _f in $_fs; do
		case $_f in *.rules) ;; *) continue ;; esac
		_l=$(grep -E '^[[:space:]]*-e[[:space:]]' "$AUDIT_RULES_D/$_f" | tail -n 1)
		[ -n "$_l" ] && _e="$_f: $_l"
	done
	h_say "last -e: ${_e:-none}"
	case ${_e#*: } in *"-e 2"*) return 0 ;; esac
	return 1
}

audit_loaded_check() {
	h_has augenrules || { h_say "augenrules is not installed"; return 1; }
	_lrc=0
	_o=$(augenrules --check 2>&1)
	h_say "$_o"
	case $_o in *"No change"*) ;; *) _lrc=1 ;; esac
	# shellcheck disable=SC2046
	if cat $(ls /etc/systemd/system/auditd.service /usr/lib/systemd/system/auditd.service /lib/systemd/system/auditd.service \
		/etc/systemd/system/auditd.service.d/*.conf /usr/lib/systemd/system/auditd.service.d/*.conf 2>/dev/null) /dev/null | grep -Eq '^ExecStart(Post)?=.*(augenrules[[:space:]]+--load|auditctl[[:space:]]+-R)'; then
		h_say "auditd.service loads the compiled rules at start"
	else
		h_say "auditd.service does not load /etc/audit/audit.rules at start"
		_lrc=1
	fi
	return $_lrc
}

# ---- auditd: files -------------------------------------------------------------------
audit_logdir() {
	_lf=$(audit_conf_value log_file)
	_lf=${_lf:-/var/log/audit/audit.log}
	echo "${_lf%/*}"
}

# audit_logfiles_check WHAT: mode, owner, group or dir.
audit_logfiles_check() {
	[ -f /etc/audit/auditd.conf ] || { h_say "auditd is not installed"; return 1; }
	_d=$(audit_logdir)
	[ -d "$_d" ] || { h_say "$_d does not exist yet (auditd creates it)"; return 0; }
	_lrc=0
	case $1 in
	dir) file_mode "$_d" 0750 || _lrc=1 ;;
	group)
		_g=$(audit_conf_value log_group)
		h_say "auditd.conf log_group = ${_g:-root (default)}"
		case ${_g:-root} in root | adm) ;; *) _lrc=1 ;; esac
		;;
	esac
	[ "$1" = dir ] && return $_lrc
	_n=0
	for _f in "$_d"/*; do
		[ -f "$_f" ] || continue
		_n=$((_n + 1))
		case $1 in
		mode) file_mode "$_f" 0640 || _lrc=1 ;;
		owner) file_mode "$_f" 7777 root || _lrc=1 ;;
		group) file_mode "$_f" 7777 - root || file_mode "$_f" 7777 - adm >/dev/null || _lrc=1 ;;
		esac
	done
	[ $_n -gt 0 ] || h_say "no audit log files in $_d yet"
	return $_lrc
}

audit_logfiles_fix() {
	_d=$(audit_logdir)
	case $1 in
	dir) file_fix_mode "$_d" 0750; return 0 ;;
	group)
		case $(audit_conf_value log_group) in root | adm | "") ;; *) audit_conf_set log_group adm ;; esac
		;;
	esac
	for _f in "$_d"/*; do
		[ -f "$_f" ] || continue
		case $1 in
		mode) file_fix_mode "$_f" 0640 ;;
		owner) file_fix_mode "$_f" 7777 root ;;
		group) file_mode "$_f" 7777 - root >/dev/null || file_mode "$_f" 7777 - adm >/dev/null || file_fix_mode "$_f" 7777 - root ;;
		esac
	done
}

# audit_stat_check MAXMODE OWNER GROUP FILE...: one stat for all files; prints
# each with its verdict (OWNER/GROUP "-": any).
audit_stat_check() {
	_mx=$1 _ow=$2 _gr=$3
	shift 3
	[ $# -gt 0 ] || return 0
	stat -c '%a %U %G %n' "$@" | awk -v mx="$_mx" -v ow="$_ow" -v gr="$_gr" '
		function bad(m, max,   i, a, b, bit) {
			while (length(m) < 4) m = "0" m
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 0) return 1
			}
			return 0
		}
		{
			v = ""
			if (bad($1, mx)) v = v " mode outside " mx
			if (ow != "-" && $2 != ow) v = v " owner not " ow
			if (gr != "-" && $3 != gr) v = v " group not " gr
			printf "%s: %s %s:%s%s\n", $4, $1, $2, $3, (v == "" ? "" : " (" substr(v, 2) ")")
			if (v != "") rc = 1
		}
		END { exit rc }'
}

# audit_conffiles WHAT check|fix: .conf and .rules files under /etc/audit.
audit_conffiles() {
	[ -d /etc/audit ] || { h_say "auditd is not installed"; [ "$2" = fix ]; return; }
	case $1 in mode) _a="0640 - -" ;; owner) _a="7777 root -" ;; group) _a="7777 - root" ;; esac
	_files=$(find /etc/audit -type f \( -name '*.conf' -o -name '*.rules' \) | sort)
	# shellcheck disable=SC2086
	if [ "$2" != fix ]; then audit_stat_check $_a $_files; return; fi
	for _f in $_files; do
		# shellcheck disable=SC2086
		audit_stat_check $_a "$_f" >/dev/null || file_fix_mode "$_f" $_a
	done
}

AUDIT_TOOLS="auditctl aureport ausearch autrace auditd augenrules"

# audit_tools WHAT check|fix
audit_tools() {
	case $1 in mode) _a="0755 - -" ;; owner) _a="7777 root -" ;; group) _a="7777 - root" ;; esac
	_files=
	for _t in $AUDIT_TOOLS; do [ -e "/sbin/$_t" ] && _files="$_files /sbin/$_t"; done
	[ -n "$_files" ] || { h_say "no audit tools in /sbin (auditd is not installed)"; [ "$2" = fix ]; return; }
	# shellcheck disable=SC2086
	if [ "$2" != fix ]; then audit_stat_check $_a $_files; return; fi
	for _f in $_files; do
		# shellcheck disable=SC2086
		audit_stat_check $_a "$_f" >/dev/null || file_fix_mode "$_f" $_a
	done
}

# ---- AIDE ---------------------------------------------------------------------------------
AIDE_INIT_UNIT=/etc/systemd/system/hardening-aide-init.service

# aide_init_mode: when the database is built. auto builds it now on a booted
# guest, whose disk becomes the image as it is; in a chroot the files get new
# inode numbers and change times when the disk is made, so a database built
# there would report every file changed: it is built at first boot instead.
aide_init_mode() {
	case $P_aide_init in
	auto) [ "$H_CHROOT" = 1 ] && echo first_boot || echo build ;;
	*) echo "$P_aide_init" ;;
	esac
}

aide_installed_check() {
	_lrc=0
	pkg_installed aide || _lrc=1
	pkg_installed aide-common || _lrc=1
	if [ -s /var/lib/aide/aide.db ]; then
		h_say "database /var/lib/aide/aide.db exists"
	elif [ "$P_aide_init" != build ] && [ "$P_aide_init" != none ] && [ -f "$AIDE_INIT_UNIT" ] && svc_enabled hardening-aide-init.service; then
		h_say "no database yet: hardening-aide-init.service builds it at the first boot, after cloud-init"
	else
		h_say "no database /var/lib/aide/aide.db (aide_init=$P_aide_init: $(aide_init_mode))"
		_lrc=1
	fi
	return $_lrc
}

# aide_tune: the checksums of the database (aide_checksums; Debian's default H
# computes every algorithm AIDE has, most of them weak) and one worker per
# CPU, so that building and checking the database take a fraction of the
# time.
aide_tune() {
	_ac=/etc/aide/aide.conf
	[ -f "$_ac" ] || return 0
	sed -e "s/^Checksums[[:space:]]*=.*/Checksums = $P_aide_checksums/" -e '/^num_workers[[:space:]]*=/d' -e '/^# Set by packer-plugin-hardening: one worker/d' "$_ac" >"$_ac.hardening" &&
		printf '# Set by packer-plugin-hardening: one worker per CPU.\nnum_workers = 100%%\n' >>"$_ac.hardening" &&
		cat "$_ac.hardening" >"$_ac" && rm -f "$_ac.hardening"
	h_say "$_ac: Checksums = $P_aide_checksums, num_workers = 100%"
}

aide_init_fix() {
	[ -s /var/lib/aide/aide.db ] && return 0
	aide_tune
	case $(aide_init_mode) in
	first_boot)
		cat >"$AIDE_INIT_UNIT" <<'EOF'
# Written by packer-plugin-hardening: build the AIDE database at the first
# boot of an instance (the condition skips it once the database exists),
# after cloud-init's final stage, at idle priority: it delays neither
# logins nor user data.
[Unit]
Description=Build the AIDE database on first boot
ConditionPathExists=!/var/lib/aide/aide.db
After=multi-user.target cloud-final.service

[Service]
# exec, not oneshot: a oneshot's start job would keep the system
# "starting" (is-system-running, systemd-analyze) until the database is
# built.
Type=exec
ExecStart=/usr/sbin/aideinit --yes --force
UMask=0027
Nice=19
CPUSchedulingPolicy=idle
IOSchedulingClass=idle

[Install]
WantedBy=multi-user.target
EOF
		chmod 0644 "$AIDE_INIT_UNIT"
		svc_enable hardening-aide-init.service
		;;
	build)
		h_say "running aideinit"
		_as=$(h_now_ms)
		(umask 027 && aideinit --yes --force >/dev/null 2>&1) || { h_say "aideinit failed"; return 1; }
		h_say "built /var/lib/aide/aide.db in $(($(h_now_ms) - _as)) ms"
		;;
	none) h_say "aide_init=none: build the database yourself (aideinit)" ;;
	esac
}

aide_schedule_check() {
	if unit_exists dailyaidecheck.timer; then
		svc_enabled dailyaidecheck.timer && return 0
	fi
	if [ -f /etc/systemd/system/aidecheck.timer ]; then
		svc_enabled aidecheck.timer && return 0
	fi
	_cron=$(grep -lsE '(^|[[:space:]/])aide(\.wrapper)?[[:space:]].*--check|dailyaidecheck' /etc/crontab /etc/cron.d/* /etc/cron.daily/* /etc/cron.weekly/* /var/spool/cron/crontabs/* 2>/dev/null | head -n 3)
	[ -x /etc/cron.daily/aide ] && _cron="$_cron /etc/cron.daily/aide"
	if [ -n "$_cron" ] && ! unit_exists dailyaidecheck.timer; then
		h_say "cron jobs: $_cron"
		svc_enabled cron.service && return 0
	fi
	h_say "nothing runs aide --check regularly"
	return 1
}

aide_schedule_fix() {
	if unit_exists dailyaidecheck.timer; then svc_enable dailyaidecheck.timer; return 0; fi
	cat >/etc/systemd/system/aidecheck.service <<'EOF'
# Written by packer-plugin-hardening.
[Unit]
Description=AIDE filesystem integrity check
ConditionPathExists=/var/lib/aide/aide.db

[Service]
Type=oneshot
ExecStart=/usr/bin/aide --config /etc/aide/aide.conf --check
Nice=19
IOSchedulingClass=idle
EOF
	cat >/etc/systemd/system/aidecheck.timer <<'EOF'
# Written by packer-plugin-hardening.
[Unit]
Description=Daily AIDE filesystem integrity check

[Timer]
OnCalendar=*-*-* 05:00:00
RandomizedDelaySec=1h
Persistent=true
Unit=aidecheck.service

[Install]
WantedBy=timers.target
EOF
	chmod 0644 /etc/systemd/system/aidecheck.service /etc/systemd/system/aidecheck.timer
	svc_enable aidecheck.timer
}

AIDE_TOOL_ATTRS="p i n u g s b acl xattrs sha512"

aide_conf_files() { ls /etc/aide/aide.conf /etc/aide/aide.conf.d/* 2>/dev/null; }

aide_tools_check() {
	[ -f /etc/aide/aide.conf ] || { h_say "AIDE is not installed"; return 1; }
	# shellcheck disable=SC2046
	awk -v tools="$AUDIT_TOOLS" -v attrs="$AIDE_TOOL_ATTRS" '
		/^[ \t]*(\/usr)?\/sbin\/[a-z]+[ \t]/ { n = split($1, p, "/"); rule[p[n]] = $0 }
		END {
			nt = split(tools, t, " "); na = split(attrs, a, " ")
			for (i = 1; i <= nt; i++) {
				l = rule[t[i]]; miss = ""
				if (l == "") { print t[i] ": no rule"; rc = 1; continue }
				split(l, f, /[ \t]+/); if (f[1] == "") f[2] = f[3]
				for (j = 1; j <= na; j++) if (index("+" f[2] "+", "+" a[j] "+") == 0) miss = miss " " a[j]
				print t[i] ": " l (miss == "" ? "" : " (missing" miss ")")
				if (miss != "") rc = 1
			}
			exit rc
		}' $(aide_conf_files)
}

aide_tools_fix() {
	_dir=/sbin
	[ -L /sbin ] && _dir=/usr/sbin
	if [ -d /etc/aide/aide.conf.d ]; then _f=/etc/aide/aide.conf.d/99_hardening_audit_tools; else _f=/etc/aide/aide.conf; fi
	_ok_before=1
	h_has aide && aide --config-check --config /etc/aide/aide.conf >/dev/null 2>&1 || _ok_before=0
	[ -f "$_f" ] && cp -p "$_f" "$_f.hardening.bak"
	{
		[ "$_f" = /etc/aide/aide.conf ] && grep -vE "^[[:space:]]*(/usr)?/sbin/($(echo "$AUDIT_TOOLS" | tr ' ' '|'))[[:space:]]" /etc/aide/aide.conf
		[ "$_f" = /etc/aide/aide.conf ] || printf '# Written by packer-plugin-hardening: protect the audit tools.\n'
		for _t in $AUDIT_TOOLS; do printf '%s/%s p+i+n+u+g+s+b+acl+xattrs+sha512\n' "$_dir" "$_t"; done
	} >"$_f.tmp"
	chmod 0644 "$_f.tmp" && mv "$_f.tmp" "$_f"
	if [ $_ok_before = 1 ] && ! aide --config-check --config /etc/aide/aide.conf >/dev/null 2>&1; then
		if [ -f "$_f.hardening.bak" ]; then mv "$_f.hardening.bak" "$_f"; else rm -f "$_f"; fi
		h_say "aide --config-check rejected the rules: restored"
		return 1
	fi
	rm -f "$_f.hardening.bak"
	h_say "wrote the audit tool rules to $_f"
}

# ---- running system (after-boot audit)
# audit_rt_running: auditd is active and the kernel's audit is enabled.
audit_rt_running() {
	rt_active auditd.service || return 1
	h_has auditctl || { h_say 'running: auditctl is not installed'; return 1; }
	_le=$(auditctl -s 2>&1 | awk '$1 == "enabled" { print $2 }')
	h_say "running: auditctl -s: enabled ${_le:-unknown}"
	case $_le in 1 | 2) return 0 ;; esac
	return 1
}

# audit_rt_covered: the rules on stdin are loaded in the kernel (auditctl -l).
audit_rt_covered() {
	_live="${H_WORK:-/tmp}/auditctl-l.$$"
	if ! auditctl -l >"$_live" 2>&1; then
		h_say "running: auditctl -l failed: $(head -c 200 "$_live")"
		rm -f "$_live"
		return 1
	fi
	AUDIT_COVER_FROM=$_live AUDIT_COVER_WHERE='the running kernel (auditctl -l)' audit_covered
	_arc=$?
	rm -f "$_live"
	return $_arc
}

# audit_rt_rules SET: the rule set is loaded in the running kernel.
audit_rt_rules() {
	audit_rt_running || return 1
	_exp=$(audit_expect "$1")
	[ -n "$_exp" ] || return 0
	printf '%s\n' "$_exp" | audit_rt_covered
}

# audit_rt_loaded: every rule compiled into /etc/audit/audit.rules is
# loaded in the running kernel.
audit_rt_loaded() {
	audit_rt_running || return 1
	grep -E '^[[:space:]]*-[aAw][[:space:]]' /etc/audit/audit.rules | audit_rt_covered
}

# audit_rt_immutable: the running audit configuration is locked (enabled 2).
audit_rt_immutable() {
	audit_rt_running || return 1
	[ "$(auditctl -s 2>/dev/null | awk '$1 == "enabled" { print $2 }')" = 2 ]
}

# log_rt_journald: journald runs; with Storage=persistent it writes to
# /var/log/journal.
log_rt_journald() {
	rt_active systemd-journald.service || return 1
	_lv=$(log_jd_value Storage)
	case $(printf '%s' "${_lv% (*}" | tr '[:upper:]' '[:lower:]') in
	persistent)
		_lj=
		for _lf in /var/log/journal/*/system.journal; do [ -f "$_lf" ] && _lj=$_lf; done
		h_say "running: persistent journal: ${_lj:-none in /var/log/journal}"
		[ -n "$_lj" ] ;;
	esac
}

# aide_rt_ready: the database exists, or the first-boot unit is building it
# (or has not failed).
aide_rt_ready() {
	if [ -s /var/lib/aide/aide.db ]; then
		h_say "running: /var/lib/aide/aide.db exists ($(wc -c </var/lib/aide/aide.db) bytes)"
		return 0
	fi
	_ls=$(plat_svc_active hardening-aide-init.service)
	h_say "running: no database yet; hardening-aide-init.service is ${_ls:-unknown}"
	case $_ls in activating | active) return 0 ;; esac
	# Inactive and never started: it waits for cloud-final; failed: fail.
	[ "$_ls" = inactive ] && svc_enabled hardening-aide-init.service
}

# aide_rt_timer: the periodic check is scheduled in the running system.
aide_rt_timer() {
	for _at in dailyaidecheck.timer aidecheck.timer; do
		[ "$(plat_svc_active "$_at")" = active ] && { h_say "running: $_at is active"; return 0; }
	done
	h_say 'running: neither dailyaidecheck.timer nor aidecheck.timer is active'
	grep -qs 'aide' /etc/cron.d/* /etc/crontab /var/spool/cron/crontabs/* && { h_say 'running: a cron entry runs aide'; rt_active cron.service; }
}

# log_rt_single: only the chosen logger runs.
log_rt_single() {
	if [ "$P_log_logger" = rsyslog ]; then
		rt_active rsyslog.service && rt_inactive syslog-ng.service
		return
	fi
	rt_active systemd-journald.service && rt_inactive rsyslog.service syslog-ng.service
}
