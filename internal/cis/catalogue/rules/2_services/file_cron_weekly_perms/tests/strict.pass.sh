chown root:root /etc/cron.weekly && chmod 0700 /etc/cron.weekly
