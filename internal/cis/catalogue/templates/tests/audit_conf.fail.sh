rt_packages auditd
kv_set /etc/audit/auditd.conf "$V_key" wrong ' = ' >/dev/null
