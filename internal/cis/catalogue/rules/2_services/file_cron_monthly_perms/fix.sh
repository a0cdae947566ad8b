file_fix_mode /etc/cron.monthly 700 root root
