mkdir -p /etc/security/pwquality.conf.d && printf 'enforce_for_root\n' >/etc/security/pwquality.conf.d/50-test.conf
