# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'MaxStartups 10:30:60\n'; grep -vi '^[[:space:]]*MaxStartups[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
