file_fix_mode "$(readlink -f /etc/motd)" 644 root root
