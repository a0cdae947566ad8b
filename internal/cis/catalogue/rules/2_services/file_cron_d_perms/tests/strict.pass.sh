chown root:root /etc/cron.d && chmod 0700 /etc/cron.d
