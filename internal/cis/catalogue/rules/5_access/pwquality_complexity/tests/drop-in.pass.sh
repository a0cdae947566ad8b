# The administrator's drop-in (read after pwquality.conf).
mkdir -p /etc/security/pwquality.conf.d
printf 'minclass = 4\ndcredit = -1\nucredit = -1\nlcredit = -1\nocredit = -2\n' >/etc/security/pwquality.conf.d/50-test.conf
