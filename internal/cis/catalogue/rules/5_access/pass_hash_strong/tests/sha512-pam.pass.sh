# The administrator hashes with SHA-512 everywhere, PAM included.
sed -i -E '/pam_unix\.so/s/[[:space:]]yescrypt([[:space:]]|$)/ sha512\1/' /etc/pam.d/common-password
kv_set /etc/login.defs ENCRYPT_METHOD SHA512 '	' >/dev/null
