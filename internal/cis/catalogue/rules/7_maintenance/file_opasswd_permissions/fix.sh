file_fix_mode /etc/security/opasswd 0600 root root
file_fix_mode /etc/security/opasswd.old 0600 root root
