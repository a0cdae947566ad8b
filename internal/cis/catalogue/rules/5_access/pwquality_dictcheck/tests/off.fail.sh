rt_packages libpam-pwquality
printf 'dictcheck = 0\n' >>/etc/security/pwquality.conf
