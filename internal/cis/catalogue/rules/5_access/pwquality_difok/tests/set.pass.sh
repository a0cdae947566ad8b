printf 'difok = 5\n' >>/etc/security/pwquality.conf
