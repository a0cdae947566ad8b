# Debian leaves faillog 0644: the administrator tightened it.
chmod 0640 /var/log/faillog
printf 'x\n' >/var/log/rt.log
chmod 0640 /var/log/rt.log
chown root:adm /var/log/rt.log
