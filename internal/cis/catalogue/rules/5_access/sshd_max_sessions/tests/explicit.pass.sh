# The administrator set it in sshd_config itself.
_t=$(mktemp)
{ printf 'MaxSessions 5\n'; grep -vi '^[[:space:]]*MaxSessions[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
