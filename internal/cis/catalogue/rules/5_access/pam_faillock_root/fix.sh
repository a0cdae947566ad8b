grep -Eq '^[[:space:]]*even_deny_root' /etc/security/faillock.conf 2>/dev/null || echo even_deny_root >>/etc/security/faillock.conf
kv_set /etc/security/faillock.conf root_unlock_time "$P_pam_faillock_root_unlock_time" ' = '
