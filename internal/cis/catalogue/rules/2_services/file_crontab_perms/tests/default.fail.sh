# Debian's default: 0644.
chmod 0644 /etc/crontab
