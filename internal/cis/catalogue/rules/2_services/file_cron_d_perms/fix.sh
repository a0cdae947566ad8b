file_fix_mode /etc/cron.d 700 root root
