mkdir -p /var/log/audit && printf 'x\n' >/var/log/audit/audit.log
chown root:adm /var/log/audit/audit.log && chmod 0600 /var/log/audit/audit.log
