sshd_installed || return 2
_eff=$(sshd_effective | grep -Ei '^(allowusers|allowgroups|denyusers|denygroups) ')
if [ -n "$_eff" ]; then h_say "$_eff"; return 0; fi
if [ -z "$P_ssh_allow_users$P_ssh_allow_groups$P_ssh_deny_users$P_ssh_deny_groups" ]; then
	h_say 'no AllowUsers/AllowGroups/DenyUsers/DenyGroups; set parameters ssh_allow_groups (or ssh_allow_users, ssh_deny_users, ssh_deny_groups) to users or groups that include the build user and the cloud default users'
	return 3
fi
h_say 'no access list yet'; return 1
