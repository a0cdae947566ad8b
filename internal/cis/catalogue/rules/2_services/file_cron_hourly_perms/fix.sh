file_fix_mode /etc/cron.hourly 700 root root
