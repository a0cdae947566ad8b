printf 'maxsequence = 3\n' >>/etc/security/pwquality.conf
