for _f in /etc/ssh/ssh_host_*_key; do chown root:root "$_f" && chmod 0600 "$_f"; done
