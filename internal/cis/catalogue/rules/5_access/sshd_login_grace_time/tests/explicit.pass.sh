# The administrator set it in sshd_config itself.
_t=$(mktemp)
{ printf 'LoginGraceTime 30\n'; grep -vi '^[[:space:]]*LoginGraceTime[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
