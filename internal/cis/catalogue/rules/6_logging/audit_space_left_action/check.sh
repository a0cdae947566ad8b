_rc=0
audit_conf_is space_left_action "$P_audit_space_left_action" email exec single halt || _rc=1
audit_conf_is admin_space_left_action "$P_audit_admin_space_left_action" single halt || _rc=1
if [ "$(audit_conf_value space_left_action | tr '[:upper:]' '[:lower:]')" = email ]; then audit_conf_is action_mail_acct root || _rc=1; fi
return $_rc
