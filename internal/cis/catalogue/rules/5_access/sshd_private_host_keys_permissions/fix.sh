for _f in /etc/ssh/ssh_host_*_key; do
	[ -e "$_f" ] || continue
	if [ "$(stat -c %G "$_f")" = ssh_keys ]; then file_fix_mode "$_f" 0640 root ssh_keys; else file_fix_mode "$_f" 0600 root root; fi
done
