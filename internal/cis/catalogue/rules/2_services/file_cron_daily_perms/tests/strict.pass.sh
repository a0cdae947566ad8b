chown root:root /etc/cron.daily && chmod 0700 /etc/cron.daily
