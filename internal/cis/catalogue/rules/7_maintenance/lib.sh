# maint_perm FILE MAXMODE GROUP...: FILE, when present, has no bit outside
# MAXMODE, belongs to root and to one of the groups.
maint_perm() {
	_mf=$1 _mm=$2
	shift 2
	file_mode "$_mf" "$_mm" root || return 1
	[ -e "$_mf" ] || return 0
	_mg=$(stat -c %G "$_mf")
	for _mx in "$@"; do [ "$_mg" = "$_mx" ] && return 0; done
	h_say "group $_mg is not one of: $*"
	return 1
}

# maint_perm_fix FILE MAXMODE GROUP...: fix what maint_perm reports; the
# first group that exists is used.
maint_perm_fix() {
	_mf=$1 _mm=$2
	shift 2
	[ -e "$_mf" ] || return 0
	file_fix_mode "$_mf" "$_mm" root
	maint_perm "$_mf" "$_mm" "$@" >/dev/null && return 0
	for _mx in "$@"; do
		if getent group "$_mx" >/dev/null; then chgrp "$_mx" "$_mf"; h_say "$_mf: group $_mx"; return 0; fi
	done
	return 1
}

# maint_names WHAT COMMAND...: pass when COMMAND prints no name; print the
# names otherwise (never any other field).
maint_names() {
	_mw=$1
	shift
	_mo=$("$@") || { h_say "cannot read: $*"; return 1; }
	[ -z "$_mo" ] && { h_say "no $_mw"; return 0; }
	h_say "$_mw: $(h_flat "$_mo")"
	return 1
}

# maint_dups FILE FIELD LABEL: fields of FILE that appear more than once.
maint_dups() {
	_mo=$(awk -F: -v f="$2" '$0 !~ /^[ \t]*(#|$)/ { n[$f]++; w[$f] = w[$f] " " $1 }
		END { for (k in n) if (n[k] > 1) print k ":" w[k] }' "$1")
	[ -z "$_mo" ] && { h_say "no duplicate $3 in $1"; return 0; }
	h_say "duplicate $3 in $1 (value: entries):"
	printf '%s\n' "$_mo"
	return 1
}

# maint_lock_empty: lock the password of accounts whose password field is
# empty, except the build user.
maint_lock_empty() {
	_mus=$(awk -F: '$2 == "" { print $1 }' /etc/shadow)
	for _mu in $_mus; do
		if [ "$_mu" = "${SUDO_USER:-}" ]; then
			h_say "$_mu is the build user (SUDO_USER): not locked; set a password or lock it yourself"
			continue
		fi
		usermod -L "$_mu"
		h_say "locked the password of $_mu"
	done
}

maint_shadow_group_check() {
	_mg=$(awk -F: '$1 == "shadow" { print $3 ":" $4 }' /etc/group)
	[ -n "$_mg" ] || { h_say 'there is no shadow group'; return 0; }
	_mmem=${_mg#*:}
	_mprim=$(awk -F: -v g="${_mg%%:*}" '$4 == g { print $1 }' /etc/passwd)
	h_say "shadow group (gid ${_mg%%:*}) members: ${_mmem:-none}; accounts with it as primary group: $(h_flat "${_mprim:-none}")"
	[ -z "$_mmem" ] && [ -z "$_mprim" ]
}

maint_shadow_group_fix() {
	_mg=$(awk -F: '$1 == "shadow" { print $4 }' /etc/group)
	[ -z "$_mg" ] && return 0
	gpasswd -M '' shadow
	h_say "removed every member from the shadow group (were: $_mg)"
}

# maint_roots: where the local filesystems are: / and every disk
# filesystem mounted below it.
maint_roots() {
	{
		echo /
		awk '$3 ~ /^(ext[234]|xfs|btrfs|f2fs|jfs|zfs)$/ && $2 != "/" && $2 !~ /^\/(proc|sys|dev|run|snap)(\/|$)/ { print $2 }' /proc/self/mounts 2>/dev/null
	} | sort -u
}

# maint_find EXPR...: find over the local filesystems, one filesystem at a
# time, pruning pseudo filesystems, runtime state and container storage.
maint_find() {
	# shellcheck disable=SC2046
	find $(maint_roots) -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /snap \
		-o -path /var/lib/docker -o -path /var/lib/containerd -o -path /var/lib/kubelet \) -prune -o "$@" 2>/dev/null
}

maint_ww_check() {
	_mo=$(maint_find \( -type f -perm -0002 -printf 'file %p\n' \) -o \( -type d -perm -0002 ! -perm -1000 -printf 'directory %p\n' \))
	if [ -z "$_mo" ]; then
		h_say "no world-writable file and no world-writable directory without the sticky bit in $(maint_roots | tr '\n' ' ')"
		return 0
	fi
	h_say "$(printf '%s\n' "$_mo" | wc -l) world-writable files or directories without the sticky bit:"
	printf '%s\n' "$_mo" | head -n 30
	return 1
}

maint_ww_fix() {
	maint_find \( -type f -perm -0002 -printf 'removed o+w: %p\n' -exec chmod o-w {} + \) \
		-o \( -type d -perm -0002 ! -perm -1000 -printf 'added the sticky bit: %p\n' -exec chmod o+t {} + \)
}

maint_unowned_check() {
	_mo=$(maint_find -printf '%U %G %p\n' | awk '
		BEGIN {
			while ((getline l < "/etc/passwd") > 0) { split(l, f, ":"); u[f[3]] = 1 }
			while ((getline l < "/etc/group") > 0) { split(l, f, ":"); g[f[3]] = 1 }
		}
		function known(db, id,   cmd, line) {
			if (db == "passwd" && (id in u)) return u[id]
			if (db == "group" && (id in g)) return g[id]
			cmd = "getent " db " " id " 2>/dev/null"; line = ""
			cmd | getline line; close(cmd)
			if (db == "passwd") u[id] = (line != ""); else g[id] = (line != "")
			return line != ""
		}
		{
			p = substr($0, length($1) + length($2) + 3)
			ku = known("passwd", $1); kg = known("group", $2)
			if (!ku || !kg) print (ku ? "" : "uid " $1 " ") (kg ? "" : "gid " $2 " ") p
		}')
	if [ -z "$_mo" ]; then
		h_say "every file in $(maint_roots | tr '\n' ' ')has a known owner and group"
		return 0
	fi
	h_say "$(printf '%s\n' "$_mo" | wc -l) files or directories with an unknown owner or group:"
	printf '%s\n' "$_mo" | head -n 30
	return 1
}

maint_suid_check() {
	_mo=$(maint_find -type f \( -perm -4000 -o -perm -2000 \) -print)
	[ -n "$_mo" ] || { h_say 'no SUID or SGID files'; return 0; }
	# The packages' files, a "--" line, then the SUID/SGID files.
	_mx=$({ plat_pkg_files; echo --; printf '%s\n' "$_mo"; } | awk '
		!sep { if ($0 == "--") sep = 1; else have[$0] = 1; next }
		{ q = $0; sub(/^\/usr\//, "/", q); if (!($0 in have) && !(q in have)) print }')
	h_say "$(printf '%s\n' "$_mo" | wc -l) SUID/SGID files: $(h_flat "$_mo")"
	[ -z "$_mx" ] && { h_say 'all of them come from installed packages'; return 0; }
	h_say "not from any installed package (review them): $(h_flat "$_mx")"
	return 1
}

# maint_users: "name uid gid home" of each account whose shell is a login
# shell listed in /etc/shells (nologin excluded).
maint_users() {
	awk -F: 'NR == FNR { if ($0 ~ /^\// && $0 !~ /\/nologin$/) sh[$0] = 1; next }
		$0 !~ /^[ \t]*(#|$)/ && ($7 in sh) { print $1, $3, $4, $6 }' /etc/shells /etc/passwd
}

# maint_home_unsafe HOME: HOME is a system directory a fix must not touch.
maint_home_unsafe() {
	case $1 in
	"" | / | /bin* | /sbin* | /usr | /usr/* | /etc* | /var | /var/lib | /var/lib/* | /var/run* | /dev* | /proc* | /sys* | /run* | /tmp* | /boot* | /lib* | /opt | /srv | /nonexistent* | /var/spool* | /var/cache*) return 0 ;;
	esac
	case $1 in /*) return 1 ;; esac
	return 0
}

# maint_homes check|fix
maint_homes() {
	_mrc=0
	while read -r _mu _mid _mgid _mh; do
		[ -n "$_mu" ] || continue
		if [ ! -d "$_mh" ]; then
			if [ "$1" = fix ] && ! maint_home_unsafe "$_mh" && getent group "$_mgid" >/dev/null; then
				mkdir -p "$_mh" && chown "$_mid:$_mgid" "$_mh" && chmod 0750 "$_mh"
				h_say "$_mu: created $_mh (mode 750)"
			else
				h_say "$_mu: home $_mh does not exist"
				_mrc=1
			fi
			continue
		fi
		_mst=$(stat -Lc '%a %u %U' "$_mh")
		# shellcheck disable=SC2086 # the words of stat's output
		set -- "$1" $_mst
		_mbad=
		[ "$3" = "$_mid" ] || _mbad=" owner $4"
		[ $((0$2 & 027)) = 0 ] || _mbad="$_mbad mode $2"
		if [ -z "$_mbad" ]; then
			h_say "$_mu: $_mh mode $2 owner $4"
		elif [ "$1" = fix ] && ! maint_home_unsafe "$_mh"; then
			chown "$_mid" "$_mh"
			chmod g-w,o-rwx "$_mh"
			h_say "$_mu: $_mh now $(stat -Lc '%a %U' "$_mh")"
		else
			h_say "$_mu: $_mh has$_mbad (want owner $_mu, mode 750 or stricter)"
			_mrc=1
		fi
	done <<EOF
$(maint_users)
EOF
	[ "$1" = fix ] || return $_mrc
}

# maint_dots check|fix: dot files at the top of interactive users' homes.
maint_dots() {
	_mrc=0 _mn=0
	while read -r _mu _mid _mgid _mh; do
		if [ -z "$_mu" ] || ! [ -d "$_mh" ]; then continue; fi
		! maint_home_unsafe "$_mh" || continue
		for _mf in "$_mh"/.[!.]* "$_mh"/..?*; do
			if ! [ -f "$_mf" ] || [ -L "$_mf" ]; then continue; fi
			_mn=$((_mn + 1))
			case ${_mf##*/} in
			.forward | .rhosts)
				h_say "$_mu: $_mf exists (remove it: it is not removed automatically)"
				_mrc=1
				continue
				;;
			.netrc | .bash_history) _mmax=0600 ;;
			*) _mmax=0644 ;;
			esac
			_mst=$(stat -c '%a %u %g' "$_mf")
			# shellcheck disable=SC2086 # the words of stat's output
			set -- "$1" $_mst
			_mbad=
			[ $((0$2 & ~0$_mmax & 07777)) = 0 ] || _mbad=" mode $2 (want $_mmax or stricter)"
			[ "$3" = "$_mid" ] || _mbad="$_mbad owner uid $3"
			[ "$4" = "$_mgid" ] || _mbad="$_mbad group gid $4"
			[ -n "$_mbad" ] || continue
			if [ "$1" = fix ]; then
				chown "$_mid:$_mgid" "$_mf"
				chmod "$(printf '%o' $((0$2 & 0$_mmax)))" "$_mf"
				h_say "$_mu: $_mf now $(stat -c '%a %u:%g' "$_mf")"
			else
				h_say "$_mu: $_mf$_mbad"
				_mrc=1
			fi
		done
	done <<EOF
$(maint_users)
EOF
	[ "$1" = fix ] && return 0
	h_say "$_mn dot files of interactive users checked"
	return $_mrc
}
