mkdir -p /var/log/audit && chmod 0700 /var/log/audit
