sshd_installed || return 2
_rc=0
for _f in /etc/ssh/ssh_host_*_key.pub; do [ -e "$_f" ] || continue; file_mode "$_f" 0644 root root || _rc=1; done
return $_rc
