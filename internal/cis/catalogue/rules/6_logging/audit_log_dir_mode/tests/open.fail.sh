mkdir -p /var/log/audit && chmod 0755 /var/log/audit
