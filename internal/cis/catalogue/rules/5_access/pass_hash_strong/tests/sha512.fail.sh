# Debian 12's login.defs: SHA512, while pam_unix hashes with yescrypt.
kv_set /etc/login.defs ENCRYPT_METHOD SHA512 '	' >/dev/null
grep -Eq 'pam_unix\.so.*yescrypt' /etc/pam.d/common-password
