# The rules written by the remediation, then left alone.
rt_packages auditd
eval "audit_rules_write $V_set" >/dev/null
