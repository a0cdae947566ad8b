# Debian's AIDE configuration has no rules for the audit tools.
! grep -rqs 'sbin/auditctl' /etc/aide
