# The administrator's drop-in (read after pwquality.conf).
mkdir -p /etc/security/pwquality.conf.d && printf 'minclass = 4\n' >/etc/security/pwquality.conf.d/50-test.conf
