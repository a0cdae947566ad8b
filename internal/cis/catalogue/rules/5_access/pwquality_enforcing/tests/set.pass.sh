# The administrator's drop-in.
mkdir -p /etc/security/pwquality.conf.d && printf 'enforcing = 1\n' >/etc/security/pwquality.conf.d/50-test.conf
