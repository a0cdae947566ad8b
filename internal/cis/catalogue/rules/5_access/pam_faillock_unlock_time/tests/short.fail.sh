kv_set /etc/security/faillock.conf unlock_time 60 ' = ' >/dev/null
