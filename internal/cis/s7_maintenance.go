package cis

// sectionMaintenance is CIS section 7: permissions of system files and the
// consistency of local users and groups.
//
// Fixes are limited to what is safe and has one right answer: permission
// bits, owners of the account files, sticky bits, ownership and modes of
// home directories and dot files, converting to shadowed passwords, locking
// accounts whose password is empty (except the build user) and emptying the
// shadow group's member list. Duplicate IDs and names, unknown groups,
// unowned files and unpackaged SUID/SGID programs are reported only: fixing
// them needs a decision about who owns what.
var sectionMaintenance = Section{
	Name: "7 System maintenance",
	Lib:  maintLib,
	Controls: []Control{
		{
			Rule:  "file_etc_passwd_permissions",
			Title: "/etc/passwd is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.1:s1w1 u22:7.1.1:s1w1 u24:7.1.1:s1w1",
			Check: "file_mode /etc/passwd 0644 root root",
			Fix:   "file_fix_mode /etc/passwd 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root",
		},
		{
			Rule:  "file_etc_passwd_backup_permissions",
			Title: "/etc/passwd- is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.2:s1w1 u22:7.1.2:s1w1 u24:7.1.2:s1w1",
			Check: "file_mode /etc/passwd- 0644 root root",
			Fix:   "file_fix_mode /etc/passwd- 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root (or no backup file)",
		},
		{
			Rule:  "file_etc_group_permissions",
			Title: "/etc/group is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.3:s1w1 u22:7.1.3:s1w1 u24:7.1.3:s1w1",
			Check: "file_mode /etc/group 0644 root root",
			Fix:   "file_fix_mode /etc/group 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root",
		},
		{
			Rule:  "file_etc_group_backup_permissions",
			Title: "/etc/group- is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.4:s1w1 u22:7.1.4:s1w1 u24:7.1.4:s1w1",
			Check: "file_mode /etc/group- 0644 root root",
			Fix:   "file_fix_mode /etc/group- 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root (or no backup file)",
		},
		{
			Rule:  "file_etc_shadow_permissions",
			Title: "/etc/shadow is mode 640 or stricter, owned by root with group shadow or root",
			CIS:   "d12:7.1.5:s1w1 u22:7.1.5:s1w1 u24:7.1.5:s1w1",
			Check: "maint_perm /etc/shadow 0640 shadow root",
			Fix:   "maint_perm_fix /etc/shadow 0640 shadow root",
			Pass:  "no permission bit outside 0640; owner root; group shadow or root",
		},
		{
			Rule:  "file_etc_shadow_backup_permissions",
			Title: "/etc/shadow- is mode 640 or stricter, owned by root with group shadow or root",
			CIS:   "d12:7.1.6:s1w1 u22:7.1.6:s1w1 u24:7.1.6:s1w1",
			Check: "maint_perm /etc/shadow- 0640 shadow root",
			Fix:   "maint_perm_fix /etc/shadow- 0640 shadow root",
			Pass:  "no permission bit outside 0640; owner root; group shadow or root (or no backup file)",
		},
		{
			Rule:  "file_etc_gshadow_permissions",
			Title: "/etc/gshadow is mode 640 or stricter, owned by root with group shadow or root",
			CIS:   "d12:7.1.7:s1w1 u22:7.1.7:s1w1 u24:7.1.7:s1w1",
			Check: "maint_perm /etc/gshadow 0640 shadow root",
			Fix:   "maint_perm_fix /etc/gshadow 0640 shadow root",
			Pass:  "no permission bit outside 0640; owner root; group shadow or root",
		},
		{
			Rule:  "file_etc_gshadow_backup_permissions",
			Title: "/etc/gshadow- is mode 640 or stricter, owned by root with group shadow or root",
			CIS:   "d12:7.1.8:s1w1 u22:7.1.8:s1w1 u24:7.1.8:s1w1",
			Check: "maint_perm /etc/gshadow- 0640 shadow root",
			Fix:   "maint_perm_fix /etc/gshadow- 0640 shadow root",
			Pass:  "no permission bit outside 0640; owner root; group shadow or root (or no backup file)",
		},
		{
			Rule:  "file_etc_shells_permissions",
			Title: "/etc/shells is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.9:s1w1 u22:7.1.9:s1w1 u24:7.1.9:s1w1",
			Check: "file_mode /etc/shells 0644 root root",
			Fix:   "file_fix_mode /etc/shells 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root",
		},
		{
			Rule:  "file_opasswd_permissions",
			Title: "The old-password history (/etc/security/opasswd) is mode 600 or stricter, owned by root:root",
			CIS:   "d12:7.1.10:s1w1 u22:7.1.10:s1w1 u24:7.1.10:s1w1",
			Check: "_m=0\nfor _f in /etc/security/opasswd /etc/security/opasswd.old; do file_mode $_f 0600 root root || _m=1; done\nreturn $_m",
			Fix:   "file_fix_mode /etc/security/opasswd 0600 root root\nfile_fix_mode /etc/security/opasswd.old 0600 root root",
			Pass:  "opasswd and opasswd.old, where present, have no bit outside 0600 and belong to root:root",
		},
		{
			Rule:   "file_world_writable_secured",
			Title:  "No file is world-writable and every world-writable directory has the sticky bit",
			CIS:    "d12:7.1.11:s1w1 u22:7.1.11:s1w1 u24:7.1.11:s1w1",
			Check:  "maint_ww_check",
			Fix:    "maint_ww_fix",
			Pass:   "a walk of the local filesystems finds no world-writable regular file and no world-writable directory without the sticky bit",
			Safety: "One find per local filesystem with -xdev; /proc, /sys, /dev, /run, /snap and container storage are pruned. The fix only removes o+w from files and adds the sticky bit to directories.",
		},
		{
			Rule:   "file_unowned_none",
			Title:  "Every file and directory has a known owner and group",
			CIS:    "d12:7.1.12:s1w1 u22:7.1.12:s1w1 u24:7.1.12:s1w1",
			Check:  "maint_unowned_check",
			Pass:   "every UID and GID found on the local filesystems resolves to a user and a group (files first, then NSS for the unknown ones)",
			Safety: "Check only: which account should own an orphaned file is a decision. Unknown IDs are resolved through NSS once each, so OS Login users are not reported.",
		},
		{
			Rule:   "file_suid_sgid_packaged",
			Title:  "Every SUID and SGID program comes from an installed package",
			CIS:    "d12:7.1.13:s1w1 u22:7.1.13:s1w1 u24:7.1.13:s1w1",
			Check:  "maint_suid_check",
			Pass:   "the SUID/SGID files found on the local filesystems are all listed by dpkg; the evidence lists them for review",
			Safety: "Check only: the benchmark asks for a review. Programs added outside packages fail the check so that someone reviews them (waive the control once reviewed).",
		},
		{
			Rule:  "user_passwords_shadowed",
			Title: "Every account keeps its password hash in /etc/shadow",
			CIS:   "d12:7.2.1:s1w1 u22:7.2.1:s1w1 u24:7.2.1:s1w1",
			Check: "maint_names 'accounts whose /etc/passwd password field is not x' awk -F: '$2 != \"x\" { print $1 }' /etc/passwd",
			Fix:   "pwconv\nh_say 'ran pwconv: password hashes moved to /etc/shadow'",
			Pass:  "the password field of every /etc/passwd entry is x",
		},
		{
			Rule:   "user_no_empty_passwords",
			Title:  "No account has an empty password field",
			CIS:    "d12:7.2.2:s1w1 u22:7.2.2:s1w1 u24:7.2.2:s1w1",
			Check:  "maint_names 'accounts with an empty password field in /etc/shadow' awk -F: '$2 == \"\" { print $1 }' /etc/shadow",
			Fix:    "maint_lock_empty",
			Pass:   "no /etc/shadow entry has an empty password field (only account names are reported)",
			Safety: "The fix locks the password (usermod -L) of such accounts, which keeps SSH key logins working; the build user (SUDO_USER) is never locked and is left failing for you to decide.",
		},
		{
			Rule:   "user_groups_exist",
			Title:  "Every primary group in /etc/passwd exists in /etc/group",
			CIS:    "d12:7.2.3:s1w1 u22:7.2.3:s1w1 u24:7.2.3:s1w1",
			Check:  "maint_names 'accounts whose primary GID is not in /etc/group' awk -F: 'NR == FNR { g[$3]; next } !($4 in g) { print $1 \"(gid \" $4 \")\" }' /etc/group /etc/passwd",
			Pass:   "each GID in /etc/passwd has a group in /etc/group",
			Safety: "Check only: which group was meant is a decision.",
		},
		{
			Rule:   "user_shadow_group_empty",
			Title:  "The shadow group has no members",
			CIS:    "d12:7.2.4:s1w1 u22:7.2.4:s1w1 u24:7.2.4:s1w1",
			Check:  "maint_shadow_group_check",
			Fix:    "maint_shadow_group_fix",
			Pass:   "the shadow group lists no members and no account has it as primary group",
			Safety: "The fix empties the member list (gpasswd -M ''); an account whose primary group is shadow is reported, not changed.",
		},
		{
			Rule:   "user_unique_uids",
			Title:  "No two accounts share a UID",
			CIS:    "d12:7.2.5:s1w1 u22:7.2.5:s1w1 u24:7.2.5:s1w1",
			Check:  "maint_dups /etc/passwd 3 UID",
			Pass:   "every UID in /etc/passwd is used once",
			Safety: "Check only: renumbering accounts changes file ownership.",
		},
		{
			Rule:   "user_unique_gids",
			Title:  "No two groups share a GID",
			CIS:    "d12:7.2.6:s1w1 u22:7.2.6:s1w1 u24:7.2.6:s1w1",
			Check:  "maint_dups /etc/group 3 GID",
			Pass:   "every GID in /etc/group is used once",
			Safety: "Check only: renumbering groups changes file ownership.",
		},
		{
			Rule:   "user_unique_names",
			Title:  "No two accounts share a user name",
			CIS:    "d12:7.2.7:s1w1 u22:7.2.7:s1w1 u24:7.2.7:s1w1",
			Check:  "maint_dups /etc/passwd 1 'user name'",
			Pass:   "every user name in /etc/passwd is used once",
			Safety: "Check only: which entry is the right one is a decision.",
		},
		{
			Rule:   "user_unique_group_names",
			Title:  "No two groups share a group name",
			CIS:    "d12:7.2.8:s1w1 u22:7.2.8:s1w1 u24:7.2.8:s1w1",
			Check:  "maint_dups /etc/group 1 'group name'",
			Pass:   "every group name in /etc/group is used once",
			Safety: "Check only: which entry is the right one is a decision.",
		},
		{
			Rule:   "user_home_dirs",
			Title:  "Interactive users have a home directory they own, mode 750 or stricter",
			CIS:    "d12:7.2.9:s1w1 u22:7.2.9:s1w1 u24:7.2.9:s1w1",
			Check:  "maint_homes check",
			Fix:    "maint_homes fix",
			Pass:   "every account with a login shell from /etc/shells has an existing home directory owned by it without group write or any other-user access",
			Safety: "The fix creates missing homes (mode 750), sets the owner and removes g+w and o+rwx; homes that are system directories (/, /usr, /var, /nonexistent...) are never touched. sshd's StrictModes is satisfied by 750.",
		},
		{
			Rule:   "user_dot_files",
			Title:  "Interactive users' dot files belong to them and are not writable by others",
			CIS:    "d12:7.2.10:s1w1 u22:7.2.10:s1w1 u24:7.2.10:s1w1",
			Check:  "maint_dots check",
			Fix:    "maint_dots fix",
			Pass:   "no .forward or .rhosts; .netrc and .bash_history 600 or stricter; other dot files 644 or stricter; all owned by the user and their primary group",
			Safety: "The fix only changes modes and owners; .forward and .rhosts files are reported, never deleted.",
		},
	},
}

// maintLib holds the section 7 helpers.
const maintLib = `
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
	h_say "$_mw: $(echo $_mo)"
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
	for _mu in $(awk -F: '$2 == "" { print $1 }' /etc/shadow); do
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
	h_say "shadow group (gid ${_mg%%:*}) members: ${_mmem:-none}; accounts with it as primary group: $(echo ${_mprim:-none})"
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
	_mx=$(printf '%s\n' "$_mo" | awk '
		FILENAME != "-" { have[$0] = 1; next }
		{ q = $0; sub(/^\/usr\//, "/", q); if (!($0 in have) && !(q in have)) print }' /var/lib/dpkg/info/*.list -)
	h_say "$(printf '%s\n' "$_mo" | wc -l) SUID/SGID files: $(echo $_mo)"
	[ -z "$_mx" ] && { h_say 'all of them come from installed packages'; return 0; }
	h_say "not from any installed package (review them): $(echo $_mx)"
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
		[ -n "$_mu" ] && [ -d "$_mh" ] || continue
		! maint_home_unsafe "$_mh" || continue
		for _mf in "$_mh"/.[!.]* "$_mh"/..?*; do
			[ -f "$_mf" ] && ! [ -L "$_mf" ] || continue
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
`
