file_fix_mode /etc/cron.weekly 700 root root
