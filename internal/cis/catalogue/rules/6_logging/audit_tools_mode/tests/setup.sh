# auditd, installed once for the cases of the auditd rules.
rt_packages auditd
