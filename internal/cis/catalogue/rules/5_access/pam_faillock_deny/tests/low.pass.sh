kv_set /etc/security/faillock.conf deny 3 ' = ' >/dev/null
