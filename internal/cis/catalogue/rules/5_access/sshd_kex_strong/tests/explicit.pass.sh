# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'KexAlgorithms curve25519-sha256,diffie-hellman-group16-sha512\n'; grep -vi '^[[:space:]]*KexAlgorithms[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
