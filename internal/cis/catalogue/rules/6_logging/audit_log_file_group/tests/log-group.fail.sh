# auditd would create its logs with another group.
kv_set /etc/audit/auditd.conf log_group 4242 ' = ' >/dev/null
