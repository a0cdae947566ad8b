printf 'maxrepeat = 2\n' >>/etc/security/pwquality.conf
