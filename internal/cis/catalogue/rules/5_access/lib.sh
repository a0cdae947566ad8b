# s5_sshd_range KEY MIN MAX: sshd's effective numeric KEY is within MIN..MAX.
s5_sshd_range() {
	sshd_installed || return 2
	_v=$(sshd_value "$1"); h_say "sshd $1 = ${_v:-(unset)}"
	case $_v in '' | *[!0-9]*) return 1 ;; esac
	[ "$_v" -ge "$2" ] && [ "$_v" -le "$3" ]
}

# s5_sshd_none_of KEY 'WEAK...': sshd's effective list KEY has none of WEAK.
s5_sshd_none_of() {
	_v=$(sshd_value "$1"); h_say "sshd $1 = $_v"; _rc=0
	for _w in $2; do
		case ",$_v," in *",$_w,"*) h_say "weak: $_w"; _rc=1 ;; esac
	done
	[ $_rc = 0 ] && s5_sshd_explicit "$1"
}

# s5_sshd_explicit KEY: KEY is set in sshd_config or a drop-in, so the value
# does not depend on the OpenSSH version's default.
s5_sshd_explicit() {
	grep -Eqis "^[[:space:]]*$1[[:space:]]" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf && return 0
	h_say "$1 is only sshd's built-in default; it will be set explicitly"; return 1
}

# s5_sudo_defaults: the active Defaults lines of sudoers and its drop-ins.
s5_sudo_defaults() { grep -hEs '^[[:space:]]*Defaults' /etc/sudoers /etc/sudoers.d/*; }

# s5_sudo_default SETTING: add "Defaults SETTING" to our sudoers drop-in,
# validated by visudo before it is used.
s5_sudo_default() {
	_f=/etc/sudoers.d/99-hardening
	_key=${1%%=*}
	{ [ -f "$_f" ] && grep -v "^Defaults[[:space:]]*$_key\b" "$_f"; printf 'Defaults %s\n' "$1"; } >"$H_WORK/sudoers" || true
	visudo -cqf "$H_WORK/sudoers" || { h_say "visudo rejected Defaults $1"; return 1; }
	# Judge the whole policy only if it was valid before (a broken file of
	# someone else's must not block us), and undo our change if we broke it.
	_was_ok=0; visudo -cq >/dev/null 2>&1 && _was_ok=1
	rm -f "$H_WORK/sudoers.bak"; [ -f "$_f" ] && cp -p "$_f" "$H_WORK/sudoers.bak"
	install -m 0440 -o root -g root "$H_WORK/sudoers" "$_f"
	if [ $_was_ok = 1 ] && ! visudo -cq >/dev/null 2>&1; then
		if [ -f "$H_WORK/sudoers.bak" ]; then cp -p "$H_WORK/sudoers.bak" "$_f"; else rm -f "$_f"; fi
		h_say "sudoers became invalid with Defaults $1: restored the previous $_f"; return 1
	fi
	h_say "Defaults $1 in $_f"
}

# s5_sudo_drop SETTING: take "!SETTING" out of every Defaults line of
# sudoers and its drop-ins (a negation anywhere wins over our drop-in's
# SETTING); a line left with nothing is commented out. Each edited file is
# validated by visudo before it replaces the original.
s5_sudo_drop() {
	for _f in /etc/sudoers /etc/sudoers.d/*; do
		[ -f "$_f" ] || continue
		grep -Eq "^[[:space:]]*Defaults.*!$1([,[:space:]]|\$)" "$_f" || continue
		sed -E "/^[[:space:]]*Defaults/{
			s/!$1[[:space:]]*,[[:space:]]*//
			s/[[:space:]]*,[[:space:]]*!$1([[:space:]]*\$)/\1/
			s/^([[:space:]]*Defaults[^[:space:]]*[[:space:]]+!$1[[:space:]]*)\$/# \1/
		}" "$_f" >"$H_WORK/sudoers.drop"
		visudo -cqf "$H_WORK/sudoers.drop" || { h_say "visudo rejected $_f without !$1"; return 1; }
		cat "$H_WORK/sudoers.drop" >"$_f"
		h_say "removed !$1 from $_f"
	done
}

# s5_faillock KEY: the value of KEY in faillock.conf.
s5_faillock() { awk -F= -v k="$1" '{ gsub(/[ \t]/, "", $1) } $1 == k { gsub(/[ \t]/, "", $2); v = $2 } END { print v }' /etc/security/faillock.conf 2>/dev/null; }

# s5_pwq_all: pwquality.conf and its drop-ins in the order they are read.
s5_pwq_all() { cat /etc/security/pwquality.conf /etc/security/pwquality.conf.d/*.conf 2>/dev/null; }

# s5_pwq_value KEY: the last value of KEY.
s5_pwq_value() { s5_pwq_all | awk -F= -v k="$1" '{ gsub(/[ \t]/, "", $1) } $1 == k { gsub(/[ \t]/, "", $2); v = $2 } END { print v }'; }

# s5_pwq_cmp KEY ge|le BOUND: the effective KEY compared with BOUND.
s5_pwq_cmp() {
	_v=$(s5_pwq_value "$1"); h_say "pwquality $1 = ${_v:-unset}"
	case $_v in '' | *[!0-9-]*) return 1 ;; esac
	case $2 in
	ge) [ "$_v" -ge "$3" ] ;;
	le) [ "$_v" -le "$3" ] ;;
	*) return 1 ;;
	esac && [ "$_v" -gt 0 ]
}

# s5_pwq_set KEY VALUE: set KEY in /etc/security/pwquality.conf (no
# "= VALUE" when empty), where administrators and scanners look first.
s5_pwq_set() {
	_f=/etc/security/pwquality.conf
	[ -f "$_f" ] || : >"$_f"
	grep -Ev "^[[:space:]]*$1([[:space:]=]|\$)" "$_f" >"$H_WORK/pwq" || true
	if [ -n "$2" ]; then printf '%s = %s\n' "$1" "$2" >>"$H_WORK/pwq"; else printf '%s\n' "$1" >>"$H_WORK/pwq"; fi
	cat "$H_WORK/pwq" >"$_f"
	# A drop-in read later would win: take the key out of them.
	for _d in /etc/security/pwquality.conf.d/*.conf; do
		[ -f "$_d" ] && sed -i -E "s/^([[:space:]]*$1([[:space:]=]|\$))/# \1/" "$_d"
	done
	h_say "pwquality $1 ${2:+= $2} in $_f"
}

# s5_pam_profiles writes our pam-auth-update profiles for faillock and
# pwhistory (Debian's way of composing the common-* stacks). The faillock
# lines have the form auditors' scanners (OpenSCAP's CIS and STIG content)
# look for: preauth "required" (a locked account fails at the end of the
# stack instead of at once: denied all the same), then authfail, then
# "sufficient ... authsucc". A successful pam_unix jumps past both
# (pam-auth-update's success=end), so the count is reset by the account
# line, as in the benchmark's own profiles.
s5_pam_profiles() {
	cat >/usr/share/pam-configs/hardening-faillock <<EOF
Name: Lock accounts after repeated failed logins (packer-plugin-hardening)
Default: yes
Priority: 0
Auth-Type: Primary
Auth:
	[default=die] pam_faillock.so authfail
	sufficient pam_faillock.so authsucc
EOF
	cat >/usr/share/pam-configs/hardening-faillock-notify <<EOF
Name: Count failed logins and reset the count on success (packer-plugin-hardening)
Default: yes
Priority: 1024
Auth-Type: Primary
Auth:
	required pam_faillock.so preauth
Account-Type: Primary
Account:
	required pam_faillock.so
EOF
	cat >/usr/share/pam-configs/hardening-pwhistory <<EOF
Name: Refuse reused passwords (packer-plugin-hardening)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so remember=$P_pwhistory_remember enforce_for_root try_first_pass use_authtok
EOF
	chmod 0644 /usr/share/pam-configs/hardening-*
}

# s5_pam_update PROFILE...: enable the profiles, non-interactively.
s5_pam_update() {
	plat_pam_enable "$@" && h_say "PAM profiles enabled: $*"
}

# s5_unix_profile_drop: use hardening-unix, a copy of the distribution's
# unix pam-auth-update profile without nullok and remember=, in place of
# unix, so a libpam-runtime update cannot bring them back.
s5_unix_profile_drop() {
	_src=/usr/share/pam-configs/unix
	[ -f "$_src" ] || { h_say "no $_src"; return 1; }
	awk '/^Name:/ { print "Name: Unix authentication without nullok (packer-plugin-hardening)"; next }
		/pam_unix\.so/ { gsub(/[ \t]+nullok[a-z_]*/, ""); gsub(/[ \t]+remember=[0-9]*/, "") }
		{ print }' "$_src" >/usr/share/pam-configs/hardening-unix
	chmod 0644 /usr/share/pam-configs/hardening-unix
	plat_pam_enable hardening-unix
	plat_pam_disable unix
	h_say 'PAM profiles: hardening-unix (no nullok, no remember=) in place of unix'
}

# s5_logindefs_between KEY MIN MAX
s5_logindefs_between() {
	_v=$(kv_value /etc/login.defs "$1"); h_say "login.defs $1 = ${_v:-unset}"
	case $_v in '' | *[!0-9]*) return 1 ;; esac
	[ "$_v" -ge "$2" ] && [ "$_v" -le "$3" ]
}

# s5_hashed_users: users whose shadow field is a password hash.
s5_hashed_users() { awk -F: '$2 ~ /^\$/ { print $1 }' /etc/shadow; }

# s5_users_field N MIN MAX: shadow field N of every hashed user within MIN..MAX.
s5_users_field() {
	_bad=$(awk -F: -v n="$1" -v lo="$2" -v hi="$3" '$2 ~ /^\$/ && ($n == "" || $n < lo || $n > hi) { print $1 }' /etc/shadow | tr '\n' ' ')
	[ -z "$_bad" ] && return 0
	h_say "users outside $2..$3: $_bad"; return 1
}

# s5_valid_shells: the login shells of /etc/shells, nologin excluded.
s5_valid_shells() { grep -Ev '^[[:space:]]*(#|$)|nologin' /etc/shells; }

# s5_system_with_shell: system accounts that have a valid login shell.
s5_system_with_shell() {
	_min=$(kv_value /etc/login.defs UID_MIN); _shells=$(s5_valid_shells | tr '\n' ' ')
	awk -F: -v min="${_min:-1000}" -v shells=" $_shells " '
		$1 !~ /^(root|sync|shutdown|halt|nfsnobody)$/ && ($3 < min || $3 == 65534) && index(shells, " " $7 " ") { print $1 }' /etc/passwd
}

# s5_unlocked_nologin: accounts without a valid shell whose password is not
# locked (root and the build user excepted).
s5_unlocked_nologin() {
	_shells=$(s5_valid_shells | tr '\n' ' ')
	awk -F: -v shells=" $_shells " '!index(shells, " " $7 " ") { print $1 }' /etc/passwd |
		while read -r _u; do
			[ "$_u" = root ] || [ "$_u" = "${SUDO_USER:-}" ] && continue
			case $(awk -F: -v u="$_u" '$1 == u { print substr($2, 1, 1) }' /etc/shadow) in '!' | '*') ;; *) echo "$_u" ;; esac
		done
}
