printf 'maxrepeat = 0\n' >>/etc/security/pwquality.conf
