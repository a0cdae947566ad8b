sshd_installed || return 2
_eff=$(sshd_effective | grep -Ei '^(allowusers|allowgroups|denyusers|denygroups) ')
if [ -n "$_eff" ]; then
	h_say "$_eff"
	# sshd applies every line of these keywords (they are not first-wins):
	# one line each, outside Match blocks, so what a reader (or scanner)
	# finds is what applies.
	_dup=$(for _f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do
		[ -f "$_f" ] && awk 'tolower($1) == "match" { exit } tolower($1) ~ /^(allowusers|allowgroups|denyusers|denygroups)$/ { print tolower($1) }' "$_f"
	done | sort | uniq -d | tr '\n' ' ')
	[ -z "$_dup" ] && return 0
	h_say "on more than one line (sshd applies them all): $_dup"; return 1
fi
if [ -z "$P_ssh_allow_users$P_ssh_allow_groups$P_ssh_deny_users$P_ssh_deny_groups" ]; then
	h_say 'no AllowUsers/AllowGroups/DenyUsers/DenyGroups; set parameters ssh_allow_groups (or ssh_allow_users, ssh_deny_users, ssh_deny_groups) to users or groups that include the build user and the cloud default users'
	return 3
fi
h_say 'no access list yet'; return 1
