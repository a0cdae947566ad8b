chmod 0644 /etc/audit/auditd.conf
