mkdir -p /etc/security
printf '\n' >/etc/security/opasswd
chmod 0600 /etc/security/opasswd
chown root:root /etc/security/opasswd
