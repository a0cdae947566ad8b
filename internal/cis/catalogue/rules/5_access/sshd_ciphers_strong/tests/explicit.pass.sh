# The administrator set it in sshd_config itself, before any Match.
_t=$(mktemp)
{ printf 'Ciphers aes256-gcm@openssh.com,aes256-ctr\n'; grep -vi '^[[:space:]]*Ciphers[[:space:]]' /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
