sshd_installed || return 2
_rc=0
for _f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do [ -e "$_f" ] || continue; file_mode "$_f" 0600 root root || _rc=1; done
return $_rc
