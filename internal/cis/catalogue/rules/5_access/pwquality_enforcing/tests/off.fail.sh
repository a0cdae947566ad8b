printf 'enforcing = 0\n' >>/etc/security/pwquality.conf
