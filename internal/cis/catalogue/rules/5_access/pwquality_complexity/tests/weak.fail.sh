printf 'minclass = 1\n' >>/etc/security/pwquality.conf
