# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'LogLevel VERBOSE\n'; grep -vi '^[[:space:]]*LogLevel[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
