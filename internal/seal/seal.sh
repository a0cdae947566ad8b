# The body of the finalize script. Settings (H_*) come before it; see
# script.go. It runs as root, as one POSIX sh process, in this order:
# capture cleanup, leftover-secret scan, package database capture,
# filesystem listing and hashing. Everything it reports goes to the results
# file ($1) as frames: "=frame <name> <bytes>\n<bytes>\n", ending with
# "=end\n", so the reader can tell a finished run from a cut-off one.

set -u
umask 077
export LC_ALL=C
H_SELF=$0
H_WORK=$1.d
rm -rf "$H_WORK" && mkdir -m 700 "$H_WORK" || { echo "hardening-finalize: cannot create $H_WORK" >&2; exit 3; }
g_results_open "$1" || exit 3
H_OUT=$G_RESULTS_PART
# The results reach the build user, who downloads them, when the script ends
# on any path: a cut-off run is told by its missing end marker.
trap 'rm -rf "$H_WORK"; g_results_publish' EXIT
trap 'exit 143' HUP INT TERM
: > "$H_WORK/events"

h_clock() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime 2>/dev/null || echo 0; }
H_T0=$(h_clock)

h_frame() { # name file
	[ -f "$2" ] || : > "$2"
	printf '=frame %s %s\n' "$1" "$(wc -c < "$2" | tr -d ' ')" >> "$H_OUT"
	cat "$2" >> "$H_OUT"
	printf '\n' >> "$H_OUT"
}

# h_event kind a b c: one tab-separated line; tabs and newlines in fields
# become spaces.
h_event() {
	_k=$1; shift
	_line=$_k
	for _f; do _line="$_line	$(printf '%s' "$_f" | tr '\t\n' '  ')"; done
	printf '%s\n' "$_line" >> "$H_WORK/events"
}

h_fatal() {
	h_event fatal "$*"
	h_frame events "$H_WORK/events"
	echo "hardening-finalize: $*" >&2
	exit 2
}

h_phase() { # name start
	h_event phase "$1" "$(( $(h_clock) - $2 ))"
}

[ "$(id -u)" -eq 0 ] || h_fatal "the finalize script must run as root (it ran as uid $(id -u))"

# Home directories: root's and every login user's, one per line.
{
	echo /root
	awk -F: '($3 == 0 || $3 >= 1000) && $3 != 65534 && $6 != "" && $6 != "/" { print $6 }' /etc/passwd 2>/dev/null
	for _d in /home/*; do echo "$_d"; done
} | sort -u | while IFS= read -r _d; do
	[ -d "$_d" ] && [ ! -L "$_d" ] && printf '%s\n' "$_d"
done > "$H_WORK/homes"

h_step_on() { case " $H_STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

# --- capture cleanup ---------------------------------------------------------

c_build_key() {
	if [ -z "$H_KEYS" ]; then
		h_event cleanup build_key not-applicable "Packer connected without an SSH key (chroot or password)"
		return
	fi
	_removed=0 _files=""
	while IFS= read -r _h; do
		for _f in "$_h/.ssh/authorized_keys" "$_h/.ssh/authorized_keys2"; do
			[ -f "$_f" ] && [ ! -L "$_f" ] || continue
			_n=$(awk -v keys="$H_KEYS" '
				BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
				{ for (i = 1; i <= NF; i++) if ($i in want) { c++; break } }
				END { print c + 0 }' "$_f")
			[ "$_n" -gt 0 ] || continue
			# cat > keeps the file's inode, owner and mode.
			awk -v keys="$H_KEYS" '
				BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
				{ hit = 0; for (i = 1; i <= NF; i++) if ($i in want) { hit = 1; break } }
				!hit' "$_f" > "$H_WORK/ak" && cat "$H_WORK/ak" > "$_f" || h_fatal "cannot rewrite $_f"
			_removed=$((_removed + _n))
			_files="$_files $_f"
		done
	done < "$H_WORK/homes"
	if [ "$_removed" -gt 0 ]; then
		h_event cleanup build_key "done" "removed $_removed authorized key line(s) of the build key from$_files"
	else
		h_event cleanup build_key clean "the build key is in no authorized_keys file"
	fi
}

c_host_keys() {
	_keys=""
	for _f in /etc/ssh/ssh_host_*key /etc/ssh/ssh_host_*key.pub /etc/ssh/ssh_host_*key-cert.pub; do
		[ -e "$_f" ] && _keys="$_keys $_f"
	done
	if [ -z "$_keys" ]; then
		h_event cleanup host_keys clean "no SSH host keys"
		return
	fi
	if [ -x /usr/bin/cloud-init ] || [ -x /usr/local/bin/cloud-init ]; then
		_regen="cloud-init"
	elif ls /usr/lib/systemd/system/sshd-keygen* /lib/systemd/system/sshd-keygen* >/dev/null 2>&1; then
		_regen="sshd-keygen"
	elif [ -d /etc/systemd/system ] && [ -x /usr/bin/ssh-keygen ]; then
		# Without cloud-init, Debian's sshd would not start without host
		# keys: generate them at first boot, before sshd.
		cat > /etc/systemd/system/ssh-host-keys-firstboot.service <<-'EOF'
		# Added by packer-plugin-hardening (hardening-finalize): the image was
		# captured without SSH host keys, so every instance gets its own.
		[Unit]
		Description=Generate SSH host keys on first boot
		ConditionPathExistsGlob=!/etc/ssh/ssh_host_*_key
		Before=ssh.service sshd.service

		[Service]
		Type=oneshot
		ExecStart=/usr/bin/ssh-keygen -A

		[Install]
		WantedBy=multi-user.target
		EOF
		chmod 644 /etc/systemd/system/ssh-host-keys-firstboot.service
		mkdir -p /etc/systemd/system/multi-user.target.wants
		ln -sf ../ssh-host-keys-firstboot.service /etc/systemd/system/multi-user.target.wants/ssh-host-keys-firstboot.service
		_regen="ssh-host-keys-firstboot.service (added)"
	else
		h_event cleanup host_keys kept "nothing regenerates SSH host keys at first boot here (no cloud-init, no systemd): removing them would stop sshd"
		return
	fi
	set -- $_keys
	rm -f "$@" || h_fatal "cannot remove the SSH host keys"
	h_event cleanup host_keys "done" "removed $# host key files; regenerated at first boot by $_regen"
}

c_machine_id() {
	_d=""
	if [ -s /etc/machine-id ]; then
		: > /etc/machine-id || h_fatal "cannot empty /etc/machine-id"
		_d="emptied /etc/machine-id"
	fi
	if [ -f /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then
		rm -f /var/lib/dbus/machine-id
		_d="$_d; removed /var/lib/dbus/machine-id"
	fi
	if [ -f /var/lib/systemd/random-seed ]; then
		rm -f /var/lib/systemd/random-seed
		_d="$_d; removed /var/lib/systemd/random-seed"
	fi
	if [ -n "$_d" ]; then
		h_event cleanup machine_id "done" "${_d#; }"
	else
		h_event cleanup machine_id clean "/etc/machine-id is already empty"
	fi
}

c_shell_history() {
	_n=0
	while IFS= read -r _h; do
		for _f in .bash_history .zsh_history .ash_history .sh_history .history .lesshst .viminfo \
			.python_history .mysql_history .psql_history .sqlite_history .node_repl_history .wget-hsts; do
			if [ -f "$_h/$_f" ] || [ -L "$_h/$_f" ]; then
				rm -f "$_h/$_f" && _n=$((_n + 1))
			fi
		done
	done < "$H_WORK/homes"
	if [ "$_n" -gt 0 ]; then
		h_event cleanup shell_history "done" "removed $_n history files"
	else
		h_event cleanup shell_history clean "no history files"
	fi
}

c_package_cache() {
	_d=""
	if [ -d /var/lib/apt/lists ] || [ -d /var/cache/apt ]; then
		command -v apt-get >/dev/null 2>&1 && apt-get clean >/dev/null 2>&1
		find /var/cache/apt -type f \( -name '*.deb' -o -name '*.bin' \) -exec rm -f {} + 2>/dev/null
		find /var/lib/apt/lists -mindepth 1 -maxdepth 1 ! -name lock ! -name partial -exec rm -rf {} + 2>/dev/null
		find /var/lib/apt/lists/partial -mindepth 1 -exec rm -rf {} + 2>/dev/null
		_d="apt cache and lists"
	fi
	for _m in dnf yum; do
		if [ -d "/var/cache/$_m" ]; then
			command -v "$_m" >/dev/null 2>&1 && "$_m" clean all >/dev/null 2>&1
			find "/var/cache/$_m" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
			_d="$_d, $_m cache"
		fi
	done
	if [ -d /var/cache/apk ]; then
		find /var/cache/apk -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
		_d="$_d, apk cache"
	fi
	if [ -n "$_d" ]; then
		h_event cleanup package_cache "done" "emptied ${_d#, }"
	else
		h_event cleanup package_cache not-applicable "no apt, dnf, yum or apk cache"
	fi
}

c_logs() {
	if [ ! -d /var/log ]; then
		h_event cleanup logs not-applicable "no /var/log"
		return
	fi
	# Rotated logs and journal files go; live logs are truncated so their
	# owners and modes stay.
	_rm=$(find /var/log -type f \( -name '*.gz' -o -name '*.xz' -o -name '*.bz2' -o -name '*.zst' \
		-o -name '*.[0-9]' -o -name '*.[0-9].log' -o -name '*.old' -o -name '*.journal' -o -name '*.journal~' \) \
		-print -exec rm -f {} + | wc -l)
	_tr=$(find /var/log -type f ! -size 0 -print -exec sh -c 'for f; do : > "$f"; done' sh {} + | wc -l)
	h_event cleanup logs "done" "truncated $_tr log files, removed $_rm rotated or journal files"
}

c_cloud_init() {
	if [ -x /usr/bin/cloud-init ] || [ -x /usr/local/bin/cloud-init ]; then
		if cloud-init clean --logs > "$H_WORK/cloud-init.out" 2>&1; then
			h_event cleanup cloud_init "done" "cloud-init clean --logs: the next boot runs cloud-init as a first boot"
			return
		fi
		_why=$(tail -n 1 "$H_WORK/cloud-init.out")
	elif [ -d /var/lib/cloud ]; then
		_why="no cloud-init command"
	else
		h_event cleanup cloud_init not-applicable "no cloud-init"
		return
	fi
	rm -rf /var/lib/cloud/instances /var/lib/cloud/instance /var/lib/cloud/data /var/lib/cloud/sem /var/log/cloud-init.log /var/log/cloud-init-output.log
	h_event cleanup cloud_init "done" "removed the cloud-init instance state under /var/lib/cloud ($_why)"
}

c_backup_files() {
	# Backups of the account databases keep old password hashes; the -old
	# files and ldconfig's cache are build noise.
	_n=0
	for _f in /etc/passwd- /etc/group- /etc/shadow- /etc/gshadow- /etc/subuid- /etc/subgid- \
		/var/cache/debconf/config.dat-old /var/cache/debconf/templates.dat-old /var/cache/debconf/passwords.dat-old \
		/var/lib/dpkg/status-old /var/lib/dpkg/diversions-old /var/lib/dpkg/statoverride-old /var/cache/ldconfig/aux-cache; do
		if [ -f "$_f" ] || [ -L "$_f" ]; then
			rm -f "$_f" && _n=$((_n + 1))
		fi
	done
	if [ "$_n" -gt 0 ]; then
		h_event cleanup backup_files "done" "removed $_n backup files (account database backups, -old files, ldconfig cache)"
	else
		h_event cleanup backup_files clean "no backup files"
	fi
}

c_temp_files() {
	# Everything in /tmp and /var/tmp but this run's own files and the
	# private directories of running services.
	_n=0
	for _d in /tmp /var/tmp; do
		[ -d "$_d" ] && [ ! -L "$_d" ] || continue
		_n=$((_n + $(find "$_d" -mindepth 1 -maxdepth 1 ! -path "$H_SELF" ! -path "$H_OUT" ! -path "$H_WORK" \
			! -name 'systemd-private-*' -print -exec rm -rf {} + | wc -l)))
	done
	if [ "$_n" -gt 0 ]; then
		h_event cleanup temp_files "done" "removed $_n entries from /tmp and /var/tmp"
	else
		h_event cleanup temp_files clean "/tmp and /var/tmp hold nothing but this run's files"
	fi
}

H_T=$(h_clock)
for _s in build_key host_keys machine_id shell_history package_cache logs cloud_init backup_files temp_files; do
	if h_step_on "$_s"; then
		"c_$_s"
	else
		h_event cleanup "$_s" skipped "skip_cleanup"
	fi
done
h_phase cleanup "$H_T"

# --- leftover-secret scan ----------------------------------------------------
# Findings are NUL-terminated "rule<TAB>path" records: paths only, never
# content.

H_T=$(h_clock)
: > "$H_WORK/secrets"
h_found() { printf '%s\t%s\0' "$1" "$2" >> "$H_WORK/secrets"; }
export H_WORK

{
	cat "$H_WORK/homes"
	for _d in /etc /opt /srv /usr/local /tmp /var/tmp /var/lib/cloud /var/backups; do echo "$_d"; done
	printf '%s\n' "$H_SCAN_EXTRA"
} | while IFS= read -r _d; do
	[ -n "$_d" ] && [ -d "$_d" ] && printf '%s\n' "$_d"
done | sort -u > "$H_WORK/scan-roots"

# Content rules over every file under 5 MiB in the scan roots, walked once;
# grep -I skips binary files. One grep with every pattern reads the files;
# the few that match are then sorted by rule.
H_PRIVATE_KEY='-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|^PuTTY-User-Key-File-[0-9]'
H_AWS_KEY='(aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)["'"'"']?[[:space:]]*[:=][[:space:]]*["'"'"']?[A-Za-z0-9/+]{40}|aws_session_token[[:space:]]*='
while IFS= read -r _d; do
	find "$_d" \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path "$H_WORK" -o -path "$H_SELF" -o -path "$H_OUT" \) -prune \
		-o -type f -size -5121k -print0
done < "$H_WORK/scan-roots" | xargs -0 -r grep -lIZ -E -e "$H_PRIVATE_KEY" -e "$H_AWS_KEY" > "$H_WORK/secret-candidates" 2>/dev/null
xargs -0 -r grep -lIZ -E -e "$H_PRIVATE_KEY" < "$H_WORK/secret-candidates" > "$H_WORK/secret-private-key" 2>/dev/null
xargs -0 -r grep -lIZ -E -e "$H_AWS_KEY" < "$H_WORK/secret-candidates" > "$H_WORK/secret-aws-credentials" 2>/dev/null

# Well-known credential files, by path.
h_has() { [ -f "$1" ] && [ -s "$1" ] && { [ -z "${2:-}" ] || grep -qiE -e "$2" "$1" 2>/dev/null; }; }
while IFS= read -r _h; do
	h_has "$_h/.aws/credentials" 'aws_secret_access_key|aws_session_token' && h_found aws-credentials "$_h/.aws/credentials"
	h_has "$_h/.aws/config" 'aws_secret_access_key|aws_session_token' && h_found aws-credentials "$_h/.aws/config"
	for _f in credentials.db access_tokens.db application_default_credentials.json; do
		h_has "$_h/.config/gcloud/$_f" && h_found gcp-credentials "$_h/.config/gcloud/$_f"
	done
	[ -d "$_h/.config/gcloud/legacy_credentials" ] && [ -n "$(ls -A "$_h/.config/gcloud/legacy_credentials" 2>/dev/null)" ] &&
		h_found gcp-credentials "$_h/.config/gcloud/legacy_credentials"
	for _f in accessTokens.json msal_token_cache.json msal_token_cache.bin service_principal_entries.json; do
		h_has "$_h/.azure/$_f" && h_found azure-credentials "$_h/.azure/$_f"
	done
	h_has "$_h/.netrc" && h_found netrc "$_h/.netrc"
	h_has "$_h/_netrc" && h_found netrc "$_h/_netrc"
	h_has "$_h/.git-credentials" && h_found token-file "$_h/.git-credentials"
	h_has "$_h/.docker/config.json" '"auth"[[:space:]]*:[[:space:]]*"[^"]' && h_found token-file "$_h/.docker/config.json"
	h_has "$_h/.npmrc" '_auth' && h_found token-file "$_h/.npmrc"
	h_has "$_h/.pypirc" '^[[:space:]]*password' && h_found token-file "$_h/.pypirc"
	h_has "$_h/.vault-token" && h_found token-file "$_h/.vault-token"
	h_has "$_h/.config/gh/hosts.yml" 'oauth_token' && h_found token-file "$_h/.config/gh/hosts.yml"
	h_has "$_h/.kube/config" 'token:|client-key-data:|password:' && h_found token-file "$_h/.kube/config"
	h_has "$_h/.pgpass" && h_found token-file "$_h/.pgpass"
	h_has "$_h/.my.cnf" '^[[:space:]]*password' && h_found token-file "$_h/.my.cnf"
	h_has "$_h/.terraform.d/credentials.tfrc.json" && h_found token-file "$_h/.terraform.d/credentials.tfrc.json"
	# World-readable files others can reach: every directory on the way
	# lets others in. Empty files, files as shipped in /etc/skel, public
	# keys and authorized_keys are expected.
	case "$(stat -c %A "$_h" 2>/dev/null)" in
	?????????x | ?????????t) ;;
	*) continue ;;
	esac
	H_HOME=$_h find "$_h" -mindepth 1 -type d ! -perm -0001 -prune -o -type f -perm -0004 ! -empty \
		! -name '*.pub' ! -name authorized_keys ! -name authorized_keys2 ! -name known_hosts -print0 2>/dev/null |
		H_HOME=$_h xargs -0 -r sh -c 'for f; do r=${f#"$H_HOME"/}; [ -e "/etc/skel/$r" ] || printf "world-readable-home\t%s\0" "$f"; done' sh \
			>> "$H_WORK/secrets"
done < "$H_WORK/homes"
h_phase secret_scan "$H_T"

# --- package database ----------------------------------------------------------

H_T=$(h_clock)
if [ -f /etc/os-release ]; then
	cp /etc/os-release "$H_WORK/os-release"
elif [ -f /usr/lib/os-release ]; then
	cp /usr/lib/os-release "$H_WORK/os-release"
else
	h_fatal "neither /etc/os-release nor /usr/lib/os-release exists: cannot name the operating system"
fi
_db=""
if [ -s /var/lib/dpkg/status ]; then
	cp /var/lib/dpkg/status "$H_WORK/dpkg-status"
	_db="$_db dpkg-status"
	# Licenses from machine-readable copyright files: "<doc dir>\t<License: value>".
	# The glob follows doc directories that are symlinks to another package's.
	awk 'FNR == 1 { ok = ($0 ~ /copyright-format|dep5/); n = FILENAME; sub(/^\/usr\/share\/doc\//, "", n); sub(/\/copyright$/, "", n) }
			ok && /^License:[ \t]*[^ \t]/ { v = $0; sub(/^License:[ \t]*/, "", v); print n "\t" v }' /usr/share/doc/*/copyright > "$H_WORK/licenses" 2>/dev/null
	_db="$_db licenses"
fi
if command -v rpm >/dev/null 2>&1 && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then
	rpm -qa --queryformat "$H_RPM_QF" > "$H_WORK/rpm-query" 2> "$H_WORK/rpm.err" || h_fatal "rpm -qa failed: $(tail -n 1 "$H_WORK/rpm.err")"
	[ -s "$H_WORK/rpm-query" ] && _db="$_db rpm-query"
fi
if [ -s /lib/apk/db/installed ]; then
	cp /lib/apk/db/installed "$H_WORK/apk-installed"
	_db="$_db apk-installed"
fi
[ -n "$_db" ] || h_fatal "no package database found (dpkg, rpm or apk)"
h_phase packages "$H_T"

# --- filesystem manifest ---------------------------------------------------------

H_T=$(h_clock)
find / -maxdepth 0 -printf '' 2>/dev/null || h_fatal "the manifest needs GNU find (findutils) with -printf"
# Never descend into pseudo, volatile or network filesystems: they are not
# part of the image. /proc, /sys, /dev and /run always count as such so a
# listing from a running instance compares with one from a chroot.
{
	printf '%s\n' /proc /sys /dev /run
	awk '$2 != "/" && $3 ~ /^(proc|sysfs|devtmpfs|devpts|tmpfs|ramfs|cgroup2?|securityfs|debugfs|tracefs|pstore|bpf|mqueue|hugetlbfs|configfs|fusectl|efivarfs|autofs|binfmt_misc|rpc_pipefs|nsfs|selinuxfs|squashfs|nfs4?|cifs|smb3|9p|fuse\..*)$/ { print $2 }' /proc/mounts 2>/dev/null |
		sed -e 's/\\040/ /g' -e 's/[][*?]/\\&/g'
	printf '%s\n' "$H_EXCLUDE"
} | awk 'NF && !seen[$0]++' > "$H_WORK/pruned"
# find -path takes patterns: escape what the kernel reported; excludes from
# the configuration are patterns on purpose.
set -- -path "$H_WORK" -o -path "$H_SELF" -o -path "$H_OUT"
while IFS= read -r _p; do
	set -- "$@" -o -path "$_p"
done < "$H_WORK/pruned"
find / \( "$@" \) -prune -o -printf "$H_LISTING" > "$H_WORK/listing" 2> "$H_WORK/listing.err" ||
	h_fatal "listing the filesystem failed: $(head -n 3 "$H_WORK/listing.err" | tr '\n' ' ')"
h_phase listing "$H_T"

H_T=$(h_clock)
_jobs=$H_JOBS
[ "$_jobs" -gt 0 ] 2>/dev/null || _jobs=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
_z=""
sha256sum -z /dev/null >/dev/null 2>&1 && _z="-z"
mkdir "$H_WORK/sums"
# One output file per sha256sum process: parallel writers to one file could
# interleave records.
find / \( "$@" \) -prune -o -type f -print0 |
	xargs -0 -r -P "$_jobs" -n 256 sh -c 'sha256sum '"$_z"' -- "$@" >> "'"$H_WORK"'/sums/$$"' sh 2> "$H_WORK/hash-errors"
cat "$H_WORK"/sums/* > "$H_WORK/hashes" 2>/dev/null
h_event hashing "${_z:-lines}" "$_jobs"
h_phase hashing "$H_T"
h_phase total "$H_T0"

for _f in os-release dpkg-status licenses rpm-query apk-installed; do
	[ -f "$H_WORK/$_f" ] && h_frame "$_f" "$H_WORK/$_f"
done
h_frame secrets "$H_WORK/secrets"
for _r in private-key aws-credentials; do
	h_frame "grep-$_r" "$H_WORK/secret-$_r"
done
h_frame pruned "$H_WORK/pruned"
h_frame listing "$H_WORK/listing"
h_frame hashes "$H_WORK/hashes"
h_frame hash-errors "$H_WORK/hash-errors"
h_frame events "$H_WORK/events"
printf '=end\n' >> "$H_OUT"
exit 0
