# The rules written by the remediation, then left alone.
plat_pkg_is_installed auditd || { rt_needs_network; plat_pkg_install auditd; }
eval "audit_rules_write $V_set" >/dev/null
