kv_set /etc/login.defs PASS_WARN_AGE 0 '	' >/dev/null
