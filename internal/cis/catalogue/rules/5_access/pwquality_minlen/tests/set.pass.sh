printf 'minlen = 16\n' >>/etc/security/pwquality.conf
