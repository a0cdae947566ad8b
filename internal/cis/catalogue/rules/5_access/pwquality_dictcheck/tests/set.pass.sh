mkdir -p /etc/security/pwquality.conf.d
printf 'dictcheck = 1\n' >/etc/security/pwquality.conf.d/50-test.conf
