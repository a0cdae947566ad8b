chown root:root /etc/cron.hourly && chmod 0700 /etc/cron.hourly
