rt_packages auditd audispd-plugins
