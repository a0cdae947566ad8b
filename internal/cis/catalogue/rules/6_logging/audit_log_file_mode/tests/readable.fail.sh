mkdir -p /var/log/audit && printf 'x\n' >/var/log/audit/audit.log && chmod 0644 /var/log/audit/audit.log
