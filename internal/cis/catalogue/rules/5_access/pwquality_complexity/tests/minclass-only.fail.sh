# minclass 4 without the per-class credits scanners look for.
mkdir -p /etc/security/pwquality.conf.d && printf 'minclass = 4\n' >/etc/security/pwquality.conf.d/50-test.conf
