# The administrator set it in sshd_config itself.
_t=$(mktemp)
{ printf 'MaxAuthTries 3\n'; grep -vi '^[[:space:]]*MaxAuthTries[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
