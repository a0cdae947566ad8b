chown root:root /etc/cron.monthly && chmod 0700 /etc/cron.monthly
