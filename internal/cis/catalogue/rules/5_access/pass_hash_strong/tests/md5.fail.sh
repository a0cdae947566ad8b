kv_set /etc/login.defs ENCRYPT_METHOD MD5 '	' >/dev/null
