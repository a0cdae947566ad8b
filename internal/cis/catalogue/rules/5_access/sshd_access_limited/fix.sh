[ -z "$P_ssh_allow_users" ] || sshd_set AllowUsers "$P_ssh_allow_users"
[ -z "$P_ssh_allow_groups" ] || sshd_set AllowGroups "$P_ssh_allow_groups"
[ -z "$P_ssh_deny_users" ] || sshd_set DenyUsers "$P_ssh_deny_users"
[ -z "$P_ssh_deny_groups" ] || sshd_set DenyGroups "$P_ssh_deny_groups"
