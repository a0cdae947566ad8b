# auditd's default: SYSLOG.
grep -Eqi '^space_left_action *= *syslog' /etc/audit/auditd.conf
