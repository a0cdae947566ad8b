# auditd without our rules.
rt_packages auditd
rm -f /etc/audit/rules.d/*hardening*
