file_fix_mode "$(readlink -f /etc/issue.net)" 644 root root
