for _f in /etc/ssh/ssh_host_*_key.pub; do [ -e "$_f" ] && file_fix_mode "$_f" 0644 root root; done; true
