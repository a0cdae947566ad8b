kv_set /etc/login.defs PASS_MAX_DAYS 99999 '	' >/dev/null
