file_fix_mode /etc/crontab 600 root root
