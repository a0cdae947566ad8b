# Debian's default: 0755.
chmod 0755 /etc/cron.monthly
