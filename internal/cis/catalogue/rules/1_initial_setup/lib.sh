# Packages that need the overlay module (container engines).
S1_CONTAINER_PKGS='docker.io docker-ce containerd containerd.io podman cri-o'

# s1_pkg PKG: quietly true when PKG is installed.
s1_pkg() { plat_pkg_is_installed "$1"; }

# s1_kmod_blockers MODULE PKG...: print and succeed when an installed
# package among PKG needs MODULE.
s1_kmod_blockers() {
	_m=$1
	shift
	_got=
	for _p in "$@"; do s1_pkg "$_p" && _got="$_got $_p"; done
	[ -n "$_got" ] || return 1
	h_say "$_m is needed by installed package(s):$_got; not disabled"
}

s1_kmod_check() {
	_m=$1
	shift
	kmod_disabled "$_m" && return 0
	s1_kmod_blockers "$_m" "$@"
	return 1
}

s1_kmod_fix() {
	_m=$1
	shift
	# Leave the module loadable; the check keeps failing and says why.
	if s1_kmod_blockers "$_m" "$@"; then return 0; fi
	kmod_disable "$_m"
}

# s1_tmp_source: prints what mounts /tmp at boot (fstab or tmp.mount).
s1_tmp_source() {
	fstab_entry /tmp >/dev/null && { echo /etc/fstab; return 0; }
	case $(plat_svc_state tmp.mount) in
	enabled | enabled-runtime | static | alias) echo tmp.mount; return 0 ;;
	esac
	return 1
}

# s1_tmp_unit_opts: the Options= tmp.mount ends up with.
s1_tmp_unit_opts() {
	for _f in /etc/systemd/system/tmp.mount /usr/lib/systemd/system/tmp.mount /lib/systemd/system/tmp.mount; do
		[ -f "$_f" ] && break
	done
	cat "$_f" /etc/systemd/system/tmp.mount.d/*.conf 2>/dev/null |
		sed -n 's/^[[:space:]]*Options[[:space:]]*=[[:space:]]*//p' | tail -n 1
}

# s1_tmp_opts OPTION...: /tmp's boot-time mount has every OPTION;
# not-applicable when /tmp is not a separate mount.
s1_tmp_opts() {
	case $(s1_tmp_source) in
	/etc/fstab) fstab_opts /tmp "$@" ;;
	tmp.mount)
		_o=$(s1_tmp_unit_opts)
		h_say "tmp.mount Options=$_o"
		for _x in "$@"; do
			case ,$_o, in *",$_x,"*) ;; *) h_say "missing option $_x"; return 1 ;; esac
		done
		;;
	*) h_say '/tmp is not a separate mount (not in /etc/fstab, tmp.mount not enabled)'; return 2 ;;
	esac
}

# s1_tmp_add_opts OPTION...: add options to /tmp's fstab line or tmp.mount.
s1_tmp_add_opts() {
	case $(s1_tmp_source) in
	/etc/fstab) fstab_add_opts /tmp "$@" ;;
	tmp.mount)
		_o=$(s1_tmp_unit_opts)
		for _x in "$@"; do
			case ,$_o, in *",$_x,"*) ;; *) _o="${_o:+$_o,}$_x" ;; esac
		done
		mkdir -p /etc/systemd/system/tmp.mount.d
		printf '# Written by packer-plugin-hardening.\n[Mount]\nOptions=%s\n' "$_o" >/etc/systemd/system/tmp.mount.d/60-hardening.conf
		h_say "tmp.mount drop-in: Options=$_o"
		;;
	esac
}

# s1_shm_opts OPTION...: /dev/shm's boot-time options include every OPTION.
# Without an fstab line systemd mounts it with nosuid,nodev.
s1_shm_opts() {
	fstab_entry /dev/shm >/dev/null && { fstab_opts /dev/shm "$@"; return; }
	h_say '/dev/shm is not in /etc/fstab: systemd mounts it with nosuid,nodev'
	for _x in "$@"; do
		case $_x in nosuid | nodev) ;; *) h_say "missing option $_x"; return 1 ;; esac
	done
}

# s1_shm_add_opts OPTION...: add options to /dev/shm's fstab line, or add
# a hardened tmpfs line when there is none.
s1_shm_add_opts() {
	if fstab_entry /dev/shm >/dev/null; then
		fstab_add_opts /dev/shm "$@"
		return
	fi
	printf 'tmpfs\t/dev/shm\ttmpfs\trw,nosuid,nodev,noexec,relatime\t0\t0\n' >>/etc/fstab
	h_say "added to /etc/fstab: $(fstab_entry /dev/shm)"
}

# s1_grub_cmdline: GRUB_CMDLINE_LINUX as grub-mkconfig would compute it.
s1_grub_cmdline() {
	(
		GRUB_CMDLINE_LINUX=
		# shellcheck source=/dev/null # the image's GRUB settings
		[ -f /etc/default/grub ] && . /etc/default/grub
		# shellcheck source=/dev/null
		for _f in /etc/default/grub.d/*.cfg; do [ -f "$_f" ] && . "$_f"; done
		printf '%s' "$GRUB_CMDLINE_LINUX"
	) 2>/dev/null
}

# s1_grub_missing: the AppArmor words GRUB_CMDLINE_LINUX lacks.
s1_grub_missing() {
	_c=" $(s1_grub_cmdline) "
	for _w in apparmor=1 security=apparmor; do
		case $_c in *" $_w "*) ;; *) printf ' %s' "$_w" ;; esac
	done
}

s1_grub_apparmor_check() {
	_rc=0
	h_say "GRUB_CMDLINE_LINUX=\"$(s1_grub_cmdline)\""
	_miss=$(s1_grub_missing)
	[ -z "$_miss" ] || { h_say "missing:$_miss"; _rc=1; }
	_el=$(esp_kernel_lines)
	if [ -n "$_el" ]; then
		_bad=$(printf '%s\n' "$_el" | grep -v 'apparmor=1' | grep -c .)
		_bad2=$(printf '%s\n' "$_el" | grep -v 'security=apparmor' | grep -c .)
		h_say "$H_ESP_GRUB_CFG (the disk's boot configuration): $_bad kernel lines without apparmor=1, $_bad2 without security=apparmor"
		[ "$_bad" = 0 ] && [ "$_bad2" = 0 ] || _rc=1
	fi
	if [ -f /boot/grub/grub.cfg ]; then
		_n=$(grep -cE '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg)
		_bad=$(grep -E '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg | grep -v 'apparmor=1' | grep -c .)
		_bad2=$(grep -E '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg | grep -v 'security=apparmor' | grep -c .)
		h_say "/boot/grub/grub.cfg: $_n kernel lines, $_bad without apparmor=1, $_bad2 without security=apparmor"
		[ "$_bad" = 0 ] && [ "$_bad2" = 0 ] || _rc=1
	else
		h_say 'no /boot/grub/grub.cfg: GRUB is not installed, only its defaults are checked'
	fi
	return $_rc
}

s1_grub_apparmor_fix() {
	_miss=$(s1_grub_missing)
	if [ -n "$_miss" ]; then
		mkdir -p /etc/default/grub.d
		# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX is for GRUB's shell, not ours
		printf '# Written by packer-plugin-hardening: enable AppArmor at boot.\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX%s"\n' "$_miss" >/etc/default/grub.d/99-hardening-apparmor.cfg
		h_say "wrote /etc/default/grub.d/99-hardening-apparmor.cfg (adds$_miss)"
	fi
	esp_cmdline_set apparmor=1 security=apparmor
	if [ -f /boot/grub/grub.cfg ] && h_has update-grub; then
		_mode=$(stat -c %a /boot/grub/grub.cfg)
		if ! _out=$(update-grub 2>&1); then
			h_say "update-grub failed: $(printf '%s' "$_out" | tail -n 3)"
			return 1
		fi
		chmod "$_mode" /boot/grub/grub.cfg
		h_say "ran update-grub (grub.cfg mode kept at $_mode)"
	else
		h_say 'GRUB is not installed: update-grub not run'
	fi
}

# s1_grub_cfg_hook: keep grub.cfg root-only after update-grub runs from apt.
s1_grub_cfg_hook() {
	printf '%s\n' '// Written by packer-plugin-hardening: update-grub makes grub.cfg world-readable.' \
		'DPkg::Post-Invoke { "if [ -f /boot/grub/grub.cfg ]; then chown 0:0 /boot/grub/grub.cfg; chmod 0600 /boot/grub/grub.cfg; fi || true"; };' \
		>/etc/apt/apt.conf.d/99-hardening-grub-cfg
	h_say 'wrote /etc/apt/apt.conf.d/99-hardening-grub-cfg'
}

# s1_aa_profiles: "MODE NAME" per profile file in /etc/apparmor.d, MODE one
# of enforce, complain, unconfined (flag), disabled.
s1_aa_profiles() {
	for _f in /etc/apparmor.d/*; do
		[ -f "$_f" ] || continue
		_b=${_f##*/}
		case $_b in README | *.dpkg-* | *.rpm* | *~ | *.orig | *.rej | *.save) continue ;; esac
		if [ -e "/etc/apparmor.d/disable/$_b" ] || [ -L "/etc/apparmor.d/disable/$_b" ]; then
			_m=disabled
		elif [ -e "/etc/apparmor.d/force-complain/$_b" ] || [ -L "/etc/apparmor.d/force-complain/$_b" ] ||
			grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*complain' "$_f"; then
			_m=complain
		elif grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*unconfined' "$_f"; then
			_m=unconfined
		else
			_m=enforce
		fi
		echo "$_m $_b"
	done
}

# s1_aa_check BADMODE...: AppArmor is installed and enabled at boot, has
# profiles, and none is in one of BADMODE.
s1_aa_check() {
	pkg_installed apparmor || return 1
	_rc=0
	svc_enabled apparmor.service || _rc=1
	_l=$(s1_aa_profiles)
	[ -n "$_l" ] || { h_say 'no profile in /etc/apparmor.d'; return 1; }
	h_say "profiles: $(printf '%s\n' "$_l" | awk '{ n[$1]++ } END { for (m in n) printf "%s %d  ", m, n[m] }')"
	for _bm in "$@"; do
		_x=$(printf '%s\n' "$_l" | awk -v m="$_bm" '$1 == m { printf "%s ", $2 }')
		[ -z "$_x" ] || { h_say "$_bm: $_x"; _rc=1; }
	done
	_u=$(printf '%s\n' "$_l" | awk '$1 == "unconfined" { n++ } END { print n + 0 }')
	[ "$_u" = 0 ] || h_say "$_u profiles are flagged unconfined by the distribution (accepted)"
	return $_rc
}

# s1_aa_fix_disabled: enable apparmor at boot; disabled profiles go to
# complain mode.
s1_aa_fix_disabled() {
	svc_enable apparmor.service
	s1_aa_profiles | while read -r _m _b; do
		[ "$_m" = disabled ] || continue
		rm -f "/etc/apparmor.d/disable/$_b"
		mkdir -p /etc/apparmor.d/force-complain
		ln -sf "/etc/apparmor.d/$_b" "/etc/apparmor.d/force-complain/$_b"
		h_say "$_b: disabled -> complain"
	done
}

# s1_aa_fix_enforce: every disabled or complain profile enforces from the
# next boot (aa-enforce --no-reload: the running kernel is not touched).
s1_aa_fix_enforce() {
	svc_enable apparmor.service
	h_has aa-enforce || { h_say 'aa-enforce (apparmor-utils) is missing'; return 1; }
	s1_aa_profiles | while read -r _m _b; do
		case $_m in disabled | complain) ;; *) continue ;; esac
		rm -f "/etc/apparmor.d/disable/$_b" "/etc/apparmor.d/force-complain/$_b"
		if grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*complain' "/etc/apparmor.d/$_b"; then
			aa-enforce --no-reload "/etc/apparmor.d/$_b" >/dev/null
		fi
		h_say "$_b: $_m -> enforce"
	done
}

# s1_core_value KEY: systemd-coredump's setting KEY (drop-ins win).
s1_core_value() {
	_v=
	for _f in /etc/systemd/coredump.conf /usr/lib/systemd/coredump.conf.d/*.conf /etc/systemd/coredump.conf.d/*.conf; do
		[ -f "$_f" ] || continue
		_x=$(kv_value "$_f" "$1")
		[ -z "$_x" ] || _v=$_x
	done
	printf '%s' "$_v"
}

s1_core_check() {
	_rc=0
	_l=$(grep -HE '^[[:space:]]*\*[[:space:]]+hard[[:space:]]+core[[:space:]]+0[[:space:]]*$' /etc/security/limits.conf /etc/security/limits.d/*.conf 2>/dev/null | head -n 1)
	if [ -n "$_l" ]; then h_say "limits: $_l"; else h_say 'no "* hard core 0" in /etc/security/limits.conf or limits.d'; _rc=1; fi
	sysctl_is fs.suid_dumpable 0 || _rc=1
	if [ -x /lib/systemd/systemd-coredump ] || [ -x /usr/lib/systemd/systemd-coredump ]; then
		_s=$(s1_core_value Storage) _p=$(s1_core_value ProcessSizeMax)
		h_say "systemd-coredump: Storage=${_s:-(default)} ProcessSizeMax=${_p:-(default)}"
		[ "$_s" = none ] && [ "$_p" = 0 ] || _rc=1
	else
		h_say 'systemd-coredump is not installed'
	fi
	return $_rc
}

s1_core_fix() {
	printf '# Written by packer-plugin-hardening: no core dumps.\n*\thard\tcore\t0\n' >/etc/security/limits.d/60-hardening-coredump.conf
	h_say 'wrote /etc/security/limits.d/60-hardening-coredump.conf'
	sysctl_set fs.suid_dumpable 0
	mkdir -p /etc/systemd/coredump.conf.d
	printf '# Written by packer-plugin-hardening.\n[Coredump]\nStorage=none\nProcessSizeMax=0\n' >/etc/systemd/coredump.conf.d/60-hardening.conf
	h_say 'wrote /etc/systemd/coredump.conf.d/60-hardening.conf'
}

# s1_banner_check FILE [optional]: FILE has no OS name or getty escapes
# (\m \r \s \v) and, unless optional, exists with text.
s1_banner_check() {
	if ! [ -e "$1" ]; then
		h_say "$1 does not exist"
		[ "${2:-}" = optional ]
		return
	fi
	# shellcheck source=/dev/null # the image's os-release
	_os=$(. /etc/os-release 2>/dev/null && printf '%s' "$ID")
	# shellcheck disable=SC2086
	_bad=$(grep -Ein -e '\\[mrsv]' ${_os:+-e "$_os"} "$1" | head -n 5)
	if [ -n "$_bad" ]; then
		h_say "$1 shows the OS name or \\m \\r \\s \\v escapes:"
		h_say "$_bad"
		return 1
	fi
	if [ "${2:-}" != optional ] && ! grep -q '[^[:space:]]' "$1"; then
		h_say "$1 is empty"
		return 1
	fi
	h_say "$1: $(head -c 160 "$1" | tr '\n' ' ')"
}

# s1_banner_write FILE TEXT: replace FILE (not a symlink's target) by TEXT.
s1_banner_write() {
	[ -L "$1" ] && rm -f "$1"
	printf '%s\n' "$2" >"$1.hardening.tmp"
	chmod 0644 "$1.hardening.tmp"
	chown 0:0 "$1.hardening.tmp"
	mv "$1.hardening.tmp" "$1"
	h_say "wrote the banner text to $1"
}

# s1_banner_mode FILE: FILE, or its target, is root:root 0644 at most.
s1_banner_mode() {
	_t=$(readlink -f "$1" 2>/dev/null) || _t=$1
	[ "$_t" = "$1" ] || h_say "$1 -> $_t"
	file_mode "${_t:-$1}" 644 root root
}

# s1_gvariant_str TEXT: TEXT as a GVariant string literal.
s1_gvariant_str() {
	printf "'%s'" "$(printf '%s' "$1" | sed -e "s/[\\\\']/\\\\&/g")"
}

# s1_dconf_vals DB PATH: "file: value" for every keyfile line of DB that
# sets PATH (section/key, no leading slash).
s1_dconf_vals() {
	_sec=${2%/*} _key=${2##*/}
	for _f in /etc/dconf/db/"$1".d/*; do
		[ -f "$_f" ] || continue
		awk -v s="$_sec" -v k="$_key" -v f="$_f" '
			{ l = $0; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
			l ~ /^[#;]/ { next }
			l ~ /^\[/ { sec = substr(l, 2, length(l) - 2); next }
			sec == s && (i = index(l, "=")) > 0 {
				n = substr(l, 1, i - 1); sub(/[ \t]+$/, "", n)
				if (n == k) { v = substr(l, i + 1); sub(/^[ \t]+/, "", v); print f ": " v }
			}' "$_f"
	done
}

# s1_dconf_is DB PATH VALUE: every keyfile of DB that sets PATH sets it to
# VALUE (* accepts any non-empty value), and at least one does.
s1_dconf_is() {
	_vals=$(s1_dconf_vals "$1" "$2")
	[ -n "$_vals" ] || { h_say "/$2 is not set in /etc/dconf/db/$1.d"; return 1; }
	h_say "$_vals"
	printf '%s\n' "$_vals" | while IFS= read -r _l; do
		_v=${_l#*: }
		if [ "$3" = '*' ]; then
			[ -n "$_v" ] && [ "$_v" != "''" ] || exit 1
		else
			[ "$_v" = "$3" ] || exit 1
		fi
	done
}

# s1_dconf_uint DB PATH MIN MAX: every setting of PATH is uint32 MIN..MAX.
s1_dconf_uint() {
	_vals=$(s1_dconf_vals "$1" "$2")
	[ -n "$_vals" ] || { h_say "/$2 is not set in /etc/dconf/db/$1.d"; return 1; }
	h_say "$_vals"
	printf '%s\n' "$_vals" | while IFS= read -r _l; do
		_v=${_l#*: }
		_v=${_v#uint32 }
		case $_v in '' | *[!0-9]*) exit 1 ;; esac
		[ "$_v" -ge "$3" ] && [ "$_v" -le "$4" ] || exit 1
	done
}

# s1_dconf_locked DB PATH: a lock file of DB names PATH (or a parent dir).
s1_dconf_locked() {
	_h=$(cat /etc/dconf/db/"$1".d/locks/* 2>/dev/null | sed 's/[[:space:]]*$//' |
		awk -v p="$2" '$0 == p || (substr($0, length($0)) == "/" && index(p, $0) == 1) { print; exit }')
	[ -n "$_h" ] && { h_say "locked in $1: $_h"; return 0; }
	h_say "$2 is not locked in /etc/dconf/db/$1.d/locks"
	return 1
}

# s1_dconf_profile_file NAME: the profile dconf reads for NAME.
s1_dconf_profile_file() {
	[ -f "/etc/dconf/profile/$1" ] && { echo "/etc/dconf/profile/$1"; return; }
	echo "/usr/share/dconf/profile/$1"
}

# s1_dconf_ready DB PROFILE: PROFILE reads system-db:DB and DB is compiled
# from its current keyfiles.
s1_dconf_ready() {
	_pf=$(s1_dconf_profile_file "$2")
	if grep -Eq "^[[:space:]]*system-db:$1[[:space:]]*\$" "$_pf" 2>/dev/null; then
		h_say "$_pf reads system-db:$1"
	else
		h_say "dconf profile $2 ($_pf) does not read system-db:$1"
		return 1
	fi
	[ -f "/etc/dconf/db/$1" ] || { h_say "/etc/dconf/db/$1 is not compiled"; return 1; }
	_new=$(find "/etc/dconf/db/$1.d" -newer "/etc/dconf/db/$1" 2>/dev/null | head -n 3 | tr '\n' ' ')
	[ -z "$_new" ] || { h_say "/etc/dconf/db/$1 is older than $_new"; return 1; }
}

# s1_dconf_profile NAME: the dconf profile NAME reads its system database
# (user: local, gdm: gdm).
s1_dconf_profile() {
	_db=local
	[ "$1" = gdm ] && _db=gdm
	_pf=$(s1_dconf_profile_file "$1")
	grep -Eq "^[[:space:]]*system-db:${_db}[[:space:]]*\$" "$_pf" 2>/dev/null && return 0
	mkdir -p /etc/dconf/profile
	if [ -f "$_pf" ]; then
		{ cat "$_pf"; echo "system-db:$_db"; } >"/etc/dconf/profile/$1.hardening.tmp"
	elif [ "$1" = gdm ]; then
		printf 'user-db:user\nsystem-db:gdm\nfile-db:/usr/share/gdm/greeter-dconf-defaults\n' >"/etc/dconf/profile/$1.hardening.tmp"
	else
		printf 'user-db:user\nsystem-db:%s\n' "$_db" >"/etc/dconf/profile/$1.hardening.tmp"
	fi
	chmod 0644 "/etc/dconf/profile/$1.hardening.tmp"
	mv "/etc/dconf/profile/$1.hardening.tmp" "/etc/dconf/profile/$1"
	h_say "/etc/dconf/profile/$1 now reads system-db:$_db"
}

# s1_dconf_write DB NAME PATH VALUE [PATH VALUE]...: write keyfile NAME of
# DB with the settings (pairs grouped by section), commenting out the same
# keys in the other keyfiles of DB so no file contradicts them.
s1_dconf_write() {
	_db=$1 _kf=/etc/dconf/db/$1.d/$2
	shift 2
	mkdir -p "/etc/dconf/db/$_db.d"
	_body='' _last=
	while [ $# -ge 2 ]; do
		_sec=${1%/*} _key=${1##*/}
		for _f in /etc/dconf/db/"$_db".d/*; do
			if ! [ -f "$_f" ] || [ "$_f" = "$_kf" ]; then continue; fi
			awk -v s="$_sec" -v k="$_key" '
				{ l = $0; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
				l ~ /^\[/ { sec = substr(l, 2, length(l) - 2) }
				sec == s && l !~ /^[#;]/ && (i = index(l, "=")) > 0 {
					n = substr(l, 1, i - 1); sub(/[ \t]+$/, "", n)
					if (n == k) { print "# replaced by packer-plugin-hardening: " $0; c++; next }
				}
				{ print }
				END { exit c == 0 }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f" && h_say "$_f: commented out $_key"
			rm -f "$_f.hardening.tmp"
		done
		[ "$_sec" = "$_last" ] || _body="$_body
[$_sec]"
		_body="$_body
$_key=$2"
		_last=$_sec
		shift 2
	done
	printf '# Written by packer-plugin-hardening.%s\n' "$_body" >"$_kf"
	chmod 0644 "$_kf"
	h_say "wrote $_kf"
}

# s1_dconf_lock DB NAME PATH...: lock the keys in DB's lock file NAME.
s1_dconf_lock() {
	_lf=/etc/dconf/db/$1.d/locks/$2
	shift 2
	mkdir -p "${_lf%/*}"
	printf '%s\n' "$@" >"$_lf"
	chmod 0644 "$_lf"
	h_say "wrote $_lf"
}

# s1_dconf_update: compile every dconf database from its keyfiles.
s1_dconf_update() {
	h_has dconf || { h_say 'dconf (dconf-cli) is missing'; return 1; }
	for _d in /etc/dconf/db/*.d; do [ -d "$_d" ] && touch "$_d"; done
	dconf update 2>&1 || true
	for _d in /etc/dconf/db/*.d; do
		[ -d "$_d" ] || continue
		[ -f "${_d%.d}" ] && [ -z "$(find "$_d" -newer "${_d%.d}" | head -n 1)" ] && continue
		dconf compile "${_d%.d}" "$_d"
	done
	h_say 'compiled the dconf databases'
}

# s1_xdmcp_enabled: "file: line" for each [xdmcp] Enable=true in GDM's files.
s1_xdmcp_enabled() {
	for _f in /etc/gdm3/custom.conf /etc/gdm3/daemon.conf; do
		[ -f "$_f" ] || continue
		awk -v f="$_f" '
			{ l = $0; gsub(/[ \t]/, "", l) }
			l ~ /^\[/ { sec = tolower(l); next }
			sec == "[xdmcp]" && tolower(l) ~ /^enable=(true|1|yes)$/ { printf "%s: %s ", f, $0 }' "$_f"
	done
}

s1_xdmcp_disable() {
	for _f in /etc/gdm3/custom.conf /etc/gdm3/daemon.conf; do
		[ -f "$_f" ] || continue
		awk '
			{ l = $0; gsub(/[ \t]/, "", l) }
			l ~ /^\[/ { sec = tolower(l) }
			sec == "[xdmcp]" && tolower(l) ~ /^enable=/ { print "# disabled by packer-plugin-hardening: " $0; next }
			{ print }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f"
		rm -f "$_f.hardening.tmp"
		h_say "$_f: [xdmcp] Enable lines commented out"
	done
}

# s1_rt_apparmor [enforce]: AppArmor is enabled in the running kernel with
# profiles loaded; with enforce, none of them in complain mode.
s1_rt_apparmor() {
	_ae=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)
	h_say "running: apparmor enabled: ${_ae:-no (module absent)}"
	[ "$_ae" = Y ] || return 1
	_ap=/sys/kernel/security/apparmor/profiles
	[ -r "$_ap" ] || { h_say "running: $_ap is not readable"; return 1; }
	_an=$(grep -c . "$_ap")
	_ac=$(grep -c '(complain)$' "$_ap")
	h_say "running: $_an profiles loaded, $_ac in complain mode"
	[ "$_an" -gt 0 ] || return 1
	[ "${1:-}" != enforce ] || [ "$_ac" = 0 ]
}
