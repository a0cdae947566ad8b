kv_set /etc/login.defs ENCRYPT_METHOD SHA512 '	' >/dev/null
