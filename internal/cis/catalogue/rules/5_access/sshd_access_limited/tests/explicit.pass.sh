# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'AllowGroups sudo rt-ssh\n'; grep -vi '^[[:space:]]*AllowGroups[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
