file_fix_mode "$(readlink -f /etc/issue)" 644 root root
