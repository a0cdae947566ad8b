# auditd's default: SUSPEND (stop logging, keep running).
grep -Eqi '^disk_full_action *= *suspend' /etc/audit/auditd.conf
