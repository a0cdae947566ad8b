rt_packages auditd
kv_set /etc/audit/auditd.conf "$V_key" "$V_value" ' = ' >/dev/null
