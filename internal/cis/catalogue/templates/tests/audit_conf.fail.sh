plat_pkg_is_installed auditd || { rt_needs_network; plat_pkg_install auditd; }
kv_set /etc/audit/auditd.conf "$V_key" wrong ' = ' >/dev/null
