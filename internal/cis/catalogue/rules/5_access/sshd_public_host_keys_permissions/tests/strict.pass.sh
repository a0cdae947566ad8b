for _f in /etc/ssh/ssh_host_*_key.pub; do chown root:root "$_f" && chmod 0644 "$_f"; done
