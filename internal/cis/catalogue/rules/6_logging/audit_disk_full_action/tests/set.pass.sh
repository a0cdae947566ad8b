kv_set /etc/audit/auditd.conf disk_full_action single ' = ' >/dev/null
kv_set /etc/audit/auditd.conf disk_error_action halt ' = ' >/dev/null
