# A drop-in read after pwquality.conf sets a weaker value.
mkdir -p /etc/security/pwquality.conf.d && printf 'maxsequence = 8\n' >/etc/security/pwquality.conf.d/50-test.conf
