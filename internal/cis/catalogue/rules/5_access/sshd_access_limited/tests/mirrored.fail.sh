# An earlier version wrote the list to the drop-in and copied it to
# sshd_config: two lines sshd both applies.
P_ssh_allow_groups=sudo
mkdir -p /etc/ssh/sshd_config.d
printf 'AllowGroups sudo\n' >>/etc/ssh/sshd_config.d/10-hardening.conf
_t=$(mktemp)
{ printf 'AllowGroups sudo\n'; cat /etc/ssh/sshd_config; } >"$_t"
cat "$_t" >/etc/ssh/sshd_config
