mkdir -p /etc/security
printf '\n' >/etc/security/opasswd
chmod 0644 /etc/security/opasswd
