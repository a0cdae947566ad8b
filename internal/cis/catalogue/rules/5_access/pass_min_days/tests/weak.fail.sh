kv_set /etc/login.defs PASS_MIN_DAYS 0 '	' >/dev/null
