_rc=0
audit_conf_is disk_full_action "$P_audit_disk_full_action" halt single || _rc=1
audit_conf_is disk_error_action "$P_audit_disk_error_action" syslog single halt || _rc=1
return $_rc
