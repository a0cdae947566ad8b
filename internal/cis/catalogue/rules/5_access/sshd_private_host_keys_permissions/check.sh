sshd_installed || return 2
_rc=0
for _f in /etc/ssh/ssh_host_*_key; do
	[ -e "$_f" ] || { h_say 'no host keys yet (generated at first boot)'; continue; }
	if [ "$(stat -c %G "$_f")" = ssh_keys ]; then file_mode "$_f" 0640 root ssh_keys || _rc=1; else file_mode "$_f" 0600 root root || _rc=1; fi
done
return $_rc
