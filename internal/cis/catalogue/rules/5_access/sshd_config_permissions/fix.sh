for _f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do [ -e "$_f" ] && file_fix_mode "$_f" 0600 root root; done; true
