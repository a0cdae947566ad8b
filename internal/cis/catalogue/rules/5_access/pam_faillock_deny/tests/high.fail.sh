kv_set /etc/security/faillock.conf deny 50 ' = ' >/dev/null
