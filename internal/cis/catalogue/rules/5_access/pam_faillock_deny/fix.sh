kv_set /etc/security/faillock.conf deny "$P_pam_faillock_deny" ' = '
