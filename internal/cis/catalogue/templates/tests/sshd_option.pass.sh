# The administrator set the value in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf '%s %s\n' "$V_key" "$V_value"; grep -vi "^[[:space:]]*${V_key}[[:space:]]" /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
