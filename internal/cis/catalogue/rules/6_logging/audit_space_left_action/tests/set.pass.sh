kv_set /etc/audit/auditd.conf space_left_action email ' = ' >/dev/null
kv_set /etc/audit/auditd.conf admin_space_left_action halt ' = ' >/dev/null
kv_set /etc/audit/auditd.conf action_mail_acct root ' = ' >/dev/null
