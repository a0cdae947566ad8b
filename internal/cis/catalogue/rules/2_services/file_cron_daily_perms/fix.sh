file_fix_mode /etc/cron.daily 700 root root
