# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'ClientAliveInterval 10\n'; grep -vi '^[[:space:]]*ClientAliveInterval[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
{ printf 'ClientAliveCountMax 2\n'; grep -vi '^[[:space:]]*ClientAliveCountMax[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
