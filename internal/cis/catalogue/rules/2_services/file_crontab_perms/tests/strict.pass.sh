chown root:root /etc/crontab && chmod 0600 /etc/crontab
