kv_set /etc/security/faillock.conf unlock_time "$P_pam_faillock_unlock_time" ' = '
