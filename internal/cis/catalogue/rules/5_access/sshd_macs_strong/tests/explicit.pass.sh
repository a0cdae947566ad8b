# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n'; grep -vi '^[[:space:]]*MACs[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
