kv_set /etc/login.defs ENCRYPT_METHOD YESCRYPT '	'
